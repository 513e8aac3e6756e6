"""A live workshop role-play in real browsers: three phones vote at each step, the facilitator
follows the room once and overrides it once, the projector shows where each choice led, and
the route appears in Past workshops."""

import re
import shutil

import pytest
from conftest import DATA, NOW, Server, make_user
from playwright.sync_api import Page, expect
from test_workshop_browser import WAIT, click, wait_for_cookie

from arrowhead.course import load_course
from arrowhead.store import workshops as store
from arrowhead.store.database import apply_migrations, open_database
from arrowhead.workshop_roleplays import letter, shown_step
from arrowhead.workshops import RoleplayEntry

pytestmark = pytest.mark.browser
ROLEPLAY_ID = "first-call"


@pytest.fixture
def running(tmp_path):
    """A server on the tiny course with its role-play, a facilitator and a started Workshop."""
    content = tmp_path / "course"
    shutil.copytree(DATA / "course", content)
    shutil.copytree(DATA / "roleplays", content / "roleplays")
    roleplay = load_course(content).roleplay(ROLEPLAY_ID)
    assert roleplay is not None
    db_path = tmp_path / "workshop.db"
    db = open_database(db_path)
    apply_migrations(db)
    facilitator = make_user(db, "fran", roles=("facilitator",))
    deck = store.save_deck(db, facilitator, "Role-play", [RoleplayEntry(ROLEPLAY_ID)], NOW)
    workshop = store.start_workshop(db, facilitator, deck.id, NOW)
    server = Server(db_path, content)
    yield server, db, facilitator, workshop, roleplay
    server.stop()
    db.close()


def vote(phones: list[Page], letters: str) -> None:
    """Each phone taps its letter once voting is open, and sees its vote counted."""
    for phone, mark in zip(phones, letters, strict=True):
        expect(phone.get_by_text("Voting is open: tap an option.")).to_be_visible(timeout=WAIT)
        phone.get_by_role("button", name=re.compile(f"^{mark}\\. ")).click()
        expect(phone.get_by_text(f"Your vote is in: {mark}.")).to_be_visible(timeout=WAIT)


def test_three_phones_vote_and_the_facilitator_follows_once_and_overrides_once(running, browser):
    server, db, facilitator, workshop, roleplay = running

    def mark(step_id: str, option_id: str) -> str:
        step = shown_step(roleplay.step(step_id), workshop.option_seed, roleplay.id)
        return letter(step, option_id)

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    controls = desk.new_page()
    controls.goto(server.url)
    controls.get_by_label("Username").first.fill("fran")
    controls.get_by_label("Password").first.fill("password123")
    controls.get_by_role("button", name="Sign in").click()
    expect(controls.get_by_role("link", name="Run a workshop")).to_be_visible(timeout=WAIT)
    wait_for_cookie(desk, "arrowhead_login")
    controls.goto(f"{server.url}/facilitate?workshop={workshop.id}")
    expect(controls.get_by_text("Join screen")).to_be_visible(timeout=WAIT)
    projector = desk.new_page()
    projector.goto(f"{server.url}/projector?workshop={workshop.id}")
    expect(projector.get_by_text(workshop.join_code, exact=True)).to_be_visible(timeout=WAIT)

    phones = []
    for nickname in ("Ann", "Bo", "Cy"):
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        phone = context.new_page()
        phone.goto(f"{server.url}/join?code={workshop.join_code}")
        phone.get_by_label(re.compile("Your nickname")).fill(nickname)
        click(phone, "Join")
        expect(phone.get_by_text("You're in.")).to_be_visible(timeout=WAIT)
        phones.append(phone)

    # Step 1: the room's choice is followed.
    click(controls, "Next →")
    expect(
        projector.get_by_text("Nadia opens the call and asks what you have to offer.")
    ).to_be_visible(timeout=WAIT)
    click(controls, "Open voting")
    ask, brochure = mark("opening", "ask-goals"), mark("opening", "send-brochure")
    vote(phones, ask + ask + brochure)
    click(controls, "Reveal")
    expect(controls.get_by_text(f"The room chose {ask} (2 of 3 votes).")).to_be_visible(
        timeout=WAIT
    )
    controls.get_by_role("button", name=re.compile("^Follow the room: ")).click()
    reply = "She talks about buses that break down on the morning routes."
    expect(projector.get_by_text(reply)).to_be_visible(timeout=WAIT)
    expect(
        projector.get_by_text("Nadia says late buses cost her the city's bonus payment.")
    ).to_be_visible()
    for phone in phones:
        expect(phone.get_by_text(reply)).to_be_visible(timeout=WAIT)

    # Step 2: fresh votes; the facilitator goes against the room.
    click(controls, "Open voting")
    quote, pilot = mark("goals", "quote-price"), mark("goals", "propose-pilot")
    vote(phones, quote + quote + pilot)
    click(controls, "Reveal")
    expect(controls.get_by_text(f"The room chose {quote} (2 of 3 votes).")).to_be_visible(
        timeout=WAIT
    )
    controls.get_by_role("button", name=re.compile(f"^Go with {pilot} instead — ")).click()
    expect(
        projector.get_by_text("She asks who would have to agree to a trial like that.")
    ).to_be_visible(timeout=WAIT)
    expect(
        projector.get_by_text(f"overridden by the facilitator (the room chose {quote})")
    ).to_be_visible()

    # Step 3: the room's choice leads to the ending.
    click(controls, "Open voting")
    director = mark("sponsor", "meet-director")
    vote(phones, director * 3)
    click(controls, "Reveal")
    controls.get_by_role("button", name=re.compile("^Follow the room: ")).click()
    expect(projector.get_by_role("heading", name="Ending: A trial at the depot")).to_be_visible(
        timeout=WAIT
    )
    expect(
        projector.get_by_text("The director agrees a three-month trial at the main depot.")
    ).to_be_visible()
    for phone in phones:
        expect(phone.get_by_text("Ending: A trial at the depot")).to_be_visible(timeout=WAIT)
    route = store.moves_of(db, workshop.id, 0)
    assert [(m.option_id, m.chosen_by) for m in route] == [
        ("ask-goals", "room"),
        ("propose-pilot", "facilitator"),
        ("meet-director", "room"),
    ]

    # The route the room took, in Past workshops.
    click(controls, "End workshop")
    click(controls, "Yes, end the workshop")
    expect(controls.get_by_text("This workshop has ended.")).to_be_visible(timeout=WAIT)
    controls.goto(f"{server.url}/workshops?workshop={workshop.id}")
    expect(controls.get_by_text("Role-plays: the route the room took")).to_be_visible(timeout=WAIT)
    expect(
        controls.get_by_text(f"overridden by the facilitator (the room chose {quote})")
    ).to_be_visible()
    expect(controls.get_by_text("Ending: A trial at the depot (10 of 10)")).to_be_visible()
    desk.close()
