"""A live workshop in real browsers: a facilitator with controls and projector, three phones."""

import re
import time

import pytest
from conftest import DATA, NOW, Server, make_user
from playwright.sync_api import BrowserContext, Page, expect

from arrowhead.store import accounts
from arrowhead.store import workshops as store
from arrowhead.store.database import apply_migrations, immediate, open_database
from arrowhead.workshops import DeckEntry

pytestmark = pytest.mark.browser
HTML_NICKNAME = "<b>Bo</b>"
WAIT = 15_000


@pytest.fixture
def running(tmp_path):
    """A server on the tiny course, with a facilitator and a started Workshop."""
    db_path = tmp_path / "workshop.db"
    db = open_database(db_path)
    apply_migrations(db)
    facilitator = make_user(db, "fran", roles=("facilitator",))
    deck = store.save_deck(db, facilitator, "Kick-off", [DeckEntry("alpha", "alpha-one")], NOW)
    workshop = store.start_workshop(db, facilitator, deck.id, NOW)
    server = Server(db_path, DATA / "course")
    yield server, db, facilitator, workshop
    server.stop()
    db.close()


def wait_for_cookie(context: BrowserContext, name: str) -> None:
    """Wait until the browser holds the cookie."""
    deadline = time.monotonic() + WAIT / 1000
    while not any(c["name"] == name for c in context.cookies()):
        assert time.monotonic() < deadline, f"no {name} cookie"
        time.sleep(0.1)


def click(page: Page, name: str) -> None:
    """Click a button by its label once Streamlit has drawn it enabled."""
    button = page.get_by_role("button", name=name, exact=True)
    expect(button).to_be_enabled(timeout=WAIT)
    button.click()


def test_a_room_joins_votes_revotes_and_sees_the_reveal(running, browser):
    server, db, facilitator, workshop = running
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    controls = desk.new_page()
    controls.goto(server.url)
    controls.get_by_label("Username").first.fill("fran")
    controls.get_by_label("Password").first.fill("password123")
    controls.get_by_role("button", name="Sign in").click()
    expect(controls.get_by_role("link", name="Run a workshop")).to_be_visible(timeout=WAIT)
    # The login cookie is written by a script after the run: wait for it before
    # opening pages that start sessions of their own.
    wait_for_cookie(desk, "arrowhead_login")
    controls.goto(f"{server.url}/facilitate?workshop={workshop.id}")
    expect(controls.get_by_text("Join screen")).to_be_visible(timeout=WAIT)

    # The projector is a second browser session on the same Workshop.
    projector = desk.new_page()
    projector.goto(f"{server.url}/projector?workshop={workshop.id}")
    expect(
        projector.get_by_role("img", name="Scan to join")
        .or_(projector.locator("[data-testid='stImage'] img"))
        .first
    ).to_be_visible(timeout=WAIT)
    link = projector.locator("code").filter(has_text="/join?code=").first.inner_text().strip()
    assert link == f"{server.url}/join?code={workshop.join_code}"

    phones = []
    for nickname, viewport in (
        ("Ann", {"width": 1280, "height": 900}),
        (HTML_NICKNAME, {"width": 1280, "height": 900}),
        ("Cy", {"width": 390, "height": 844}),  # a phone
    ):
        context = browser.new_context(
            viewport=viewport,
            is_mobile=viewport["width"] < 500,
            has_touch=viewport["width"] < 500,
        )
        phone = context.new_page()
        phone.goto(link)
        expect(phone.get_by_label("Join code")).to_have_value(workshop.join_code, timeout=WAIT)
        phone.get_by_label(re.compile("Your nickname")).fill(nickname)
        click(phone, "Join")
        expect(phone.get_by_text("You're in.")).to_be_visible(timeout=WAIT)
        phones.append(phone)
    # The nickname is plain text on the phone: no bold element was made from it.
    expect(phones[1].get_by_text(HTML_NICKNAME, exact=True)).to_be_visible()
    assert phones[1].locator("b", has_text="Bo").count() == 0
    expect(projector.get_by_text("3", exact=True).first).to_be_visible(timeout=WAIT)

    # First vote.
    click(controls, "Next →")
    expect(projector.get_by_role("heading", name="The first situation")).to_be_visible(timeout=WAIT)
    click(controls, "Open voting")
    click(controls, "Show results")
    for phone, letter in zip(phones, "ACC", strict=True):
        expect(phone.get_by_text("Voting is open: tap an option.")).to_be_visible(timeout=WAIT)
        phone.get_by_role("button", name=re.compile(f"^{letter}\\. ")).click()
        expect(phone.get_by_text(f"Your vote is in: {letter}.")).to_be_visible(timeout=WAIT)
    # The chart redraws by itself: no click on the projector.
    expect(projector.get_by_text("Votes — A: 1 · B: 0 · C: 2")).to_be_visible(timeout=WAIT)
    expect(projector.locator("[data-testid='stVegaLiteChart']")).to_have_count(1)

    # Revote after discussion: everyone moves to the best option.
    click(controls, "Revote")
    click(controls, "Show results")
    for phone in phones:
        expect(phone.get_by_text("Voting is open: tap an option.")).to_be_visible(timeout=WAIT)
        phone.get_by_role("button", name=re.compile(r"^C\. ")).click()
        expect(phone.get_by_text("Your vote is in: C.")).to_be_visible(timeout=WAIT)
    expect(projector.get_by_text("Votes — A: 0 · B: 0 · C: 3")).to_be_visible(timeout=WAIT)

    # Reveal: the best option, every option's feedback, the discussion prompt.
    click(controls, "Reveal")
    expect(projector.get_by_text("the partnership move")).to_be_visible(timeout=WAIT)
    expect(projector.get_by_text("Give the discount.").last).to_be_visible()
    expect(projector.get_by_text("Why?")).to_be_visible()
    expect(
        phones[2].get_by_text("You connect to the client's strategic imperatives.")
    ).to_be_visible(timeout=WAIT)

    # A reload rejoins as the same participant, with the same votes.
    wait_for_cookie(phones[2].context, "arrowhead_participant")
    phones[2].reload()
    expect(phones[2].get_by_text("Cy", exact=True)).to_be_visible(timeout=WAIT)
    expect(phones[2].get_by_text("Your vote, and why it works or does not:")).to_be_visible(
        timeout=WAIT
    )
    assert [p.nickname for p in store.participants_of(db, facilitator, workshop.id)] == [
        "Ann",
        HTML_NICKNAME,
        "Cy",
    ]
    votes = store.votes_by_round(db, facilitator, workshop.id)
    assert sorted(votes[0][1]) == ["discount", "strategic", "strategic"]
    assert votes[0][2] == ["strategic"] * 3


def test_the_projector_stops_showing_the_workshop_when_the_login_ends(running, browser):
    """Regression: the projector's self-refreshing part kept drawing the workshop, as the
    user signed in when the page was opened, after that login had ended (signed out in
    another tab, or the account deactivated)."""
    server, db, facilitator, workshop = running
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    projector = desk.new_page()
    projector.goto(server.url)
    projector.get_by_label("Username").first.fill("fran")
    projector.get_by_label("Password").first.fill("password123")
    projector.get_by_role("button", name="Sign in").click()
    expect(projector.get_by_role("link", name="Run a workshop")).to_be_visible(timeout=WAIT)
    wait_for_cookie(desk, "arrowhead_login")
    projector.goto(f"{server.url}/projector?workshop={workshop.id}")
    expect(projector.get_by_text(workshop.join_code, exact=True)).to_be_visible(timeout=WAIT)
    with immediate(db):
        accounts.set_user_active(db, facilitator.id, False)
    expect(projector.get_by_label("Username").first).to_be_visible(timeout=WAIT)
    expect(projector.get_by_text(workshop.join_code, exact=True)).to_have_count(0)
    desk.close()
