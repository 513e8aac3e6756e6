"""Spaced review in a real browser: misses on one day come back the next (issue 10).

"The next day" is a second `streamlit run` on the same database with the app's
test clock (ARROWHEAD_TESTING=1, ARROWHEAD_TEST_NOW) a day later: the clock is
read only in arrowhead/ui/components.py:now(), and only under test.
"""

from datetime import timedelta

import pytest
from conftest import NOW, ROOT, Server
from playwright.sync_api import Page, expect
from test_browser import FIRST_QUIZ, SCENARIOS, seed_admin, sign_up, wait_for_app

from arrowhead.store.database import open_database

pytestmark = pytest.mark.browser
MISSED = FIRST_QUIZ.scenarios[:2]


def clock(moment) -> dict[str, str]:
    return {"ARROWHEAD_TESTING": "1", "ARROWHEAD_TEST_NOW": moment.isoformat()}


def options(page: Page):
    return page.locator("[data-testid='stRadio'] [role='radiogroup'] label")


def choose(page: Page, best_text: str, best: bool) -> None:
    """Click the scenario's best option, or one that is not."""
    # The whole text: options of one scenario can open with the same words.
    target = (
        options(page).filter(has_text=best_text)
        if best
        else options(page).filter(has_not_text=best_text)
    )
    target.first.click()


def answer_round(page: Page, count: int, best: bool) -> None:
    """Work a practice round of count scenarios, each shown with its title."""
    for number in range(1, count + 1):
        expect(page.get_by_text(f"Scenario {number} of {count}")).to_be_visible(timeout=15_000)
        title = page.locator("h3").first.inner_text().strip()
        [scenario] = [s for s in FIRST_QUIZ.scenarios if s.title == title]
        choose(page, scenario.best.text, best)
        page.get_by_role("button", name="Submit answer").click()
        expect(page.get_by_text("of 10 points").first).to_be_visible(timeout=15_000)
        label = "See how you did" if number == count else "Next scenario →"
        page.get_by_role("button", name=label).click()


@pytest.fixture
def day_one(tmp_path):
    running = Server(tmp_path / "practice.db", ROOT, env=clock(NOW))
    yield running
    running.stop()


def test_missed_scenarios_come_back_the_next_day_and_are_worked(day_one, browser, tmp_path):
    seed_admin(day_one)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_up(page, day_one.url, "Kim", "kim")

    # Day one: miss the first two scenarios, answer the rest with the best move.
    page.goto(day_one.url + "/quiz?quiz=three-styles")
    page.get_by_role("button", name="Start the quiz").click()
    for number, scenario in enumerate(FIRST_QUIZ.scenarios, start=1):
        expect(page.get_by_text(f"Scenario {number} of {SCENARIOS}")).to_be_visible()
        expect(page.get_by_role("heading", name=scenario.title)).to_be_visible()
        choose(page, scenario.best.text, best=scenario not in MISSED)
        page.get_by_role("button", name="Submit answer").click()
        label = "See your result" if number == SCENARIOS else "Next scenario →"
        page.get_by_role("button", name=label).click()
    expect(page.get_by_text("Practise what you missed (2)")).to_be_visible(timeout=15_000)
    score = page.get_by_text("Your latest score:").inner_text()
    page.goto(day_one.url)
    expect(page.get_by_text("Continue where you left off")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("to review today")).to_have_count(0)
    day_one.stop()

    # The next day: the same database, the app's clock a day on; the login cookie still holds.
    next_day = Server(day_one.db_path, ROOT, env=clock(NOW + timedelta(days=1)))
    try:
        page.goto(next_day.url)
        link = page.get_by_text("2 scenarios to review today")
        expect(link).to_be_visible(timeout=15_000)
        link.click()
        for scenario in MISSED:
            expect(page.get_by_text(scenario.title)).to_be_visible(timeout=15_000)
        page.get_by_role("button", name="Start the review").click()
        answer_round(page, 2, best=True)
        expect(page.get_by_text("2 of 2 at full marks")).to_be_visible(timeout=15_000)

        # Worked: nothing left for today, and the quiz's score is the one from day one.
        page.goto(next_day.url)
        expect(page.get_by_text("Continue where you left off")).to_be_visible(timeout=15_000)
        wait_for_app(page)
        expect(page.get_by_text("to review today")).to_have_count(0)
        page.goto(next_day.url + "/quiz?quiz=three-styles")
        expect(page.get_by_text(score)).to_be_visible(timeout=15_000)
    finally:
        next_day.stop()

    db = open_database(day_one.db_path)
    assert db.execute("SELECT count(*) FROM practice_answers").fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == SCENARIOS
    due = db.execute("SELECT scenario_id, due_on FROM reviews ORDER BY scenario_id").fetchall()
    db.close()
    # Full marks once, the day after the miss: each comes back three days later.
    back = (NOW + timedelta(days=4)).date().isoformat()
    assert sorted(due) == sorted((s.id, back) for s in MISSED)
    context.close()
