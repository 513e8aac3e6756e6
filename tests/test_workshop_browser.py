"""A live workshop in real browsers: a facilitator with controls and projector, three phones."""

import re
import time

import pytest
from conftest import DATA, NOW, ROOT, Server, make_user
from playwright.sync_api import Browser, BrowserContext, Page, expect
from test_workshop_pages import seed_where

from arrowhead.course import load_course
from arrowhead.scoring import grade_answer
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
    # Options in file order on this Workshop, so the letters below read as in the test course.
    seed = seed_where(load_course(DATA / "course").scenario("alpha", "alpha-one"), True)
    workshop = store.start_workshop(db, facilitator, deck.id, NOW, option_seed=seed)
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
    # Served on 127.0.0.1 with no public address set: the controls say phones cannot use it.
    expect(controls.get_by_text("Phones cannot open this link")).to_be_visible()

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
    expect(projector.get_by_text("the best move").first).to_be_visible(timeout=WAIT)
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


def sign_in(browser: Browser, server: Server, width: int, height: int) -> BrowserContext:
    """A browser context signed in as the facilitator 'fran', at the given window size."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(server.url)
    page.get_by_label("Username").first.fill("fran")
    page.get_by_label("Password").first.fill("password123")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Run a workshop")).to_be_visible(timeout=WAIT)
    wait_for_cookie(context, "arrowhead_login")
    page.close()
    return context


def longest_scenario():
    """The shipped course's scenario with the most text to fit: situation and options."""
    course = load_course(ROOT)
    return max(
        ((q.id, s) for q in course.quizzes for s in q.scenarios),
        key=lambda pair: len(pair[1].situation) + sum(len(o.text) for o in pair[1].options),
    )


def box(page: Page, selector: str) -> dict:
    """The bounding box of the last element matching selector, once it is visible."""
    element = page.locator(selector).last
    expect(element).to_be_visible(timeout=WAIT)
    found = element.bounding_box()
    assert found is not None, selector
    return found


def font_px(page: Page, selector: str) -> float:
    """The computed font size, in pixels, of the first element matching selector."""
    return page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def no_scrolling(page: Page) -> bool:
    """Whether the page's scrolling area holds no more than the window shows."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"], html')]
              .every(e => e.scrollHeight <= e.clientHeight + 1)"""
    )


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720)])
def test_the_projector_fits_the_screen_with_large_figures_and_link(
    browser, tmp_path, width, height
):
    """Regression (issue 8, item 12): on a 1920×1080 projector the vote chart was cut off
    below the screen, the join link was 14 px and the Joined/Voted figures smaller than on
    the laptop. With the shipped course's longest scenario, results shown: the scenario, its
    options, the chart and the 'N of M voted' bar all sit inside the window, with no scrolling."""
    db_path = tmp_path / "projector.db"
    db = open_database(db_path)
    apply_migrations(db)
    facilitator = make_user(db, "fran", roles=("facilitator",))
    quiz_id, scenario = longest_scenario()
    deck = store.save_deck(db, facilitator, "Fit", [DeckEntry(quiz_id, scenario.id)], NOW)
    workshop = store.start_workshop(db, facilitator, deck.id, NOW)
    people = [store.join(db, workshop.id, NOW, nickname=f"P{i}", token=f"t-{i}") for i in range(12)]
    server = Server(db_path, ROOT)
    try:
        context = sign_in(browser, server, width, height)
        projector = context.new_page()
        projector.goto(f"{server.url}/projector?workshop={workshop.id}")

        # The join screen: link and code large, QR code and figure inside the window.
        link = projector.locator("[data-testid='stCode'] code").first
        expect(link).to_be_visible(timeout=WAIT)
        assert font_px(projector, "[data-testid='stCode'] code") >= 0.035 * height
        for selector in ("[data-testid='stImage'] img", "[data-testid='stMetricValue']"):
            assert box(projector, selector)["y"] + box(projector, selector)["height"] <= height
        assert no_scrolling(projector)

        # A scenario with most of the room voted and the results shown.
        for action in ("next", "open", "show"):
            store.act(db, facilitator, workshop.id, action, NOW)
        shown = scenario.shuffled(workshop.option_seed)
        for index, person in enumerate(people[:9]):
            option = shown.options[index % len(shown.options)]
            store.cast_vote(db, person, 0, 1, grade_answer(shown, option.id), NOW)
        expect(projector.get_by_text("9 of 12 voted")).to_be_visible(timeout=WAIT)
        chart = box(projector, "[data-testid='stVegaLiteChart']")
        expect(
            projector.locator(
                "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg"
            ).first
        ).to_be_visible(timeout=WAIT)
        projector.wait_for_timeout(1500)  # let the chart and fonts settle before measuring
        chart = box(projector, "[data-testid='stVegaLiteChart']")
        title = box(projector, "h1")
        last_option = box(projector, f"text={shown.options[-1].text[:40]}")
        bar = box(projector, "[data-testid='stProgress']")
        for name, found in (
            ("title", title),
            ("last option", last_option),
            ("chart", chart),
            ("voted bar", bar),
        ):
            assert found["y"] >= 0 and found["y"] + found["height"] <= height, (name, found, height)
            assert found["x"] >= 0 and found["x"] + found["width"] <= width, (name, found, width)
        assert chart["height"] >= 0.15 * height
        assert no_scrolling(projector)
        figure = font_px(projector, "[data-testid='stMetricValue']")

        # The laptop's controls show the same figures smaller than the projector does.
        controls = context.new_page()
        controls.goto(f"{server.url}/facilitate?workshop={workshop.id}")
        expect(controls.get_by_text("9 of 12 voted")).to_be_visible(timeout=WAIT)
        assert figure > font_px(controls, "[data-testid='stMetricValue']")
        context.close()
    finally:
        server.stop()
        db.close()
