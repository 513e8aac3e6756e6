"""A learner signs in and takes a whole quiz with the keyboard alone, in a real browser.

Only Tab, Shift+Tab, the arrow keys, Space, Enter and typed text reach the page: no click,
no locator action. The scenario and its feedback are also run through axe on the way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from conftest import DATA, Server, make_user
from playwright.sync_api import Browser, Page, expect
from test_accessibility_browser import serious_violations, wait_for_run

from arrowhead.course import load_course
from arrowhead.store.database import apply_migrations, open_database

pytestmark = pytest.mark.browser
COURSE = load_course(DATA / "course")
QUIZ = COURSE.quiz("alpha")
WAIT = 20_000
# Enough presses to cross the sidebar and the page in either direction.
MOST_PRESSES = 60
# Within the quiz, the next control is at most this many Tabs away (it is 1 today).
NEAR = 3

# What has the focus: its kind and the words a screen reader would start from.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return {tag: "BODY", type: "", text: ""};
  const label = (e.labels && e.labels[0] && e.labels[0].innerText)
    || e.getAttribute("aria-label") || e.innerText || "";
  return {tag: e.tagName, type: e.getAttribute("type") || "", text: label.trim()};
}"""

# How many Tab stops lie before the first option, from the top of the page: the most a
# learner whose place chromium dropped has to press.
STOPS_BEFORE_THE_OPTIONS = """() => {
  const radio = document.querySelector("input[type='radio']");
  const stops = document.querySelectorAll(
    "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])");
  return [...stops].filter((e) => !e.disabled && e.getClientRects().length
    && (e.compareDocumentPosition(radio) & Node.DOCUMENT_POSITION_FOLLOWING)).length;
}"""

# Counts pointer events, so the test can show that none reached the page.
COUNT_POINTERS = """
window.__pointers = 0;
for (const kind of ["pointerdown", "mousedown", "touchstart"]) {
  window.addEventListener(kind, () => { window.__pointers += 1; }, true);
}
"""


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server on the tiny course with one learner who has done nothing yet."""
    db_path = tmp_path_factory.mktemp("keyboard") / "keyboard.db"
    db = open_database(db_path)
    apply_migrations(db)
    make_user(db, "admin", ("admin",), "Ada Admin")
    make_user(db, "kim", name="Kim Keys")
    db.close()
    server = Server(db_path, DATA / "course")
    yield server
    server.stop()


def focused(page: Page) -> dict[str, str]:
    return page.evaluate(FOCUSED)


def tab_to(page: Page, wanted, what: str) -> int:
    """Press Tab until the focused element is the one wanted, Shift+Tab back if it lies
    behind; how many presses it took."""
    presses = 0
    for key in ("Tab", "Shift+Tab"):
        for _ in range(MOST_PRESSES):
            page.keyboard.press(key)
            presses += 1
            if wanted(focused(page)):
                return presses
    raise AssertionError(f"Tab and Shift+Tab never reached {what}; last: {focused(page)}")


def button(name: str):
    """A predicate: the focus is on the button with this name."""
    return lambda f: f["tag"] == "BUTTON" and f["text"] == name


def field(label: str):
    """A predicate: the focus is in the text field with this label."""
    return lambda f: f["tag"] == "INPUT" and f["text"] == label


def test_a_learner_takes_a_whole_quiz_with_the_keyboard_alone(running: Server, browser: Browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(COUNT_POINTERS)
    page = context.new_page()
    keys = page.keyboard

    page.goto(running.url)
    wait_for_run(page)
    tab_to(page, field("Username"), "the username field")
    keys.type("kim")
    tab_to(page, field("Password"), "the password field")
    keys.type("password123")
    keys.press("Enter")
    expect(page.get_by_role("heading", name="Partnership selling")).to_be_visible(timeout=WAIT)
    wait_for_run(page)

    # From the course map to the first module's quiz, by its link.
    tab_to(page, lambda f: f["tag"] == "A" and "Take the quiz" in f["text"], "Take the quiz")
    keys.press("Enter")
    expect(page.get_by_role("heading", name=QUIZ.title)).to_be_visible(timeout=WAIT)
    wait_for_run(page)
    tab_to(page, button("Start the quiz"), "Start the quiz")
    keys.press("Enter")

    for number, scenario in enumerate(QUIZ.scenarios, start=1):
        count = len(QUIZ.scenarios)
        expect(page.get_by_text(f"Scenario {number} of {count}")).to_be_visible(timeout=WAIT)
        wait_for_run(page)
        # Into the options: the first radio takes the focus; arrows move and choose.
        # Chromium keeps its place in the page when Start, Submit or Next vanish, so the next
        # control is the next stop: a learner never tabs back through the sidebar.
        presses = tab_to(page, lambda f: f["type"] == "radio", "the options")
        # Start draws the whole page anew, and chromium may then start again from the top
        # (the skip link, the sidebar): the first scenario only has to be reachable. Submit
        # and Next rerun the quiz's fragment, which keeps the focus's place, mostly: about
        # one Next in fourteen (st.button or a form's button alike) chromium drops the place
        # as the button vanishes and starts from the top again. Never further than that.
        if number > 1:
            from_the_top = page.evaluate(STOPS_BEFORE_THE_OPTIONS) + 1
            assert presses <= max(NEAR, from_the_top), (
                f"scenario {number}: {presses} presses to reach the options "
                f"({from_the_top} from the top of the page)"
            )
        keys.press("Space")
        for _ in range(len(scenario.options)):
            if focused(page)["text"].endswith(scenario.best.text):
                break
            keys.press("ArrowDown")
        assert focused(page)["text"].endswith(scenario.best.text), focused(page)
        assert page.locator("input[type='radio']:checked").count() == 1
        if number == 1:
            found = serious_violations(page)
            assert not found, "axe on a scenario:\n" + "\n".join(found)
        assert tab_to(page, button("Submit answer"), "Submit answer") <= NEAR
        keys.press("Enter")

        expect(page.get_by_text(re.compile(r"10 of 10 points")).first).to_be_visible(timeout=WAIT)
        wait_for_run(page)
        if number == 1:
            found = serious_violations(page)
            assert not found, "axe on a scenario's feedback:\n" + "\n".join(found)
        onward = "See your result" if number == count else "Next scenario →"
        assert tab_to(page, button(onward), onward) <= NEAR
        keys.press("Enter")

    expect(page.get_by_text("Your latest score: 100% — passed.")).to_be_visible(timeout=WAIT)
    assert page.evaluate("window.__pointers") == 0
    context.close()
