"""A manager assigns a quiz with a due date; the learner sees it, passes it; the roster says done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import ROOT
from playwright.sync_api import Page, expect

from arrowhead.course import load_course
from arrowhead.store import accounts
from arrowhead.store import teams as team_store
from arrowhead.store.database import apply_migrations, open_database
from arrowhead.teams import COMMAND_LINE

pytestmark = pytest.mark.browser


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("Username").first.fill(username)
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_role("button", name="Sign in").click()


def wait_for_app(page: Page) -> None:
    """Wait until Streamlit has finished the current run, so no redraw closes a dropdown."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=15_000)


def pick(page: Page, label: str, option: str) -> None:
    """Choose an option in a Streamlit selectbox."""
    wait_for_app(page)
    page.get_by_label(label).click()
    page.get_by_role("option", name=option).click()


def assignments_cell(page: Page):
    """The roster's Assignments cell for its one learner (the grid's accessible table)."""
    roster = page.get_by_test_id("stDataFrame").first
    column = roster.locator("th", has_text="Assignments").get_attribute("aria-colindex")
    return roster.locator(f"td[aria-colindex='{column}']").first


def test_manager_assigns_a_quiz_the_learner_passes_it_and_the_roster_says_done(server, browser):
    now = datetime.now(UTC)
    db = open_database(server.db_path)
    apply_migrations(db)
    accounts.create_first_admin(db, "boss", "The Boss", "password123", now)
    mara = accounts.create_user(db, "mara", "Mara Manager", "password123", now, ("manager",))
    lee = accounts.create_user(db, "lee", "Lee Learner", "password123", now)
    north = team_store.create_team(db, COMMAND_LINE, "North", now).id
    team_store.set_managed_teams(db, COMMAND_LINE, mara.id, [north])
    team_store.set_team(db, COMMAND_LINE, lee.id, north, now)
    db.close()
    quiz = load_course(ROOT).quizzes[0]
    due = now.date() + timedelta(days=2)

    # The manager assigns the first quiz to the team, due in two days.
    manager = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = manager.new_page()
    sign_in(page, server.url, "mara")
    page.get_by_role("link", name="My team").click()
    # The whole page drawn: a layout shift scrolls the page, and a scroll closes an open
    # dropdown. (The charts are in other tabs now: the Assignments tab is the one open.)
    expect(
        page.get_by_role("link", name="Scenario insight and its statistics (CSV)")
    ).to_be_visible(timeout=15_000)
    page.get_by_label("Module or quiz").scroll_into_view_if_needed()
    pick(page, "Module or quiz", f"Quiz: {quiz.title}")
    # The date field is one spin button per part; typing into each sets it.
    for part, value in (
        ("year", f"{due.year}"),
        ("month", f"{due.month:02d}"),
        ("day", f"{due.day:02d}"),
    ):
        field = page.get_by_role("spinbutton", name=f"{part}, Due on")
        field.click()
        field.press_sequentially(value)
    expect(page.get_by_role("spinbutton", name="day, Due on")).to_have_attribute(
        "aria-valuenow", str(due.day)
    )
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Assigned. It shows at the top of their course map.")).to_be_visible(
        timeout=15_000
    )
    expect(assignments_cell(page)).to_have_text("1 due")

    # The learner sees it at the top of the course map, called out as due soon.
    learner = browser.new_context(viewport={"width": 1280, "height": 1000})
    mine = learner.new_page()
    sign_in(mine, server.url, "lee")
    expect(mine.get_by_role("heading", name="Assigned to you")).to_be_visible(timeout=15_000)
    expect(mine.get_by_text(f"Due within 3 days: Quiz: {quiz.title}")).to_be_visible()
    mine.get_by_role("link", name=f"Quiz: {quiz.title} · due ").click()

    # ... and passes it, choosing the partnership move every time.
    mine.get_by_role("button", name="Start the quiz").click()
    count = len(quiz.scenarios)
    for number, scenario in enumerate(quiz.scenarios, start=1):
        expect(mine.get_by_text(f"Scenario {number} of {count}")).to_be_visible(timeout=15_000)
        mine.locator("[data-testid='stRadio'] label").filter(has_text=scenario.best.text).click()
        mine.get_by_role("button", name="Submit answer").click()
        expect(mine.get_by_text("10 of 10 points").first).to_be_visible(timeout=15_000)
        label = "See your result" if number == count else "Next scenario →"
        mine.get_by_role("button", name=label).click()
    expect(mine.get_by_text("Your latest score: 100%")).to_be_visible(timeout=15_000)
    mine.goto(server.url)
    expect(mine.get_by_text(f"✓ Quiz: {quiz.title} · due ")).to_be_visible(timeout=15_000)
    expect(mine.get_by_text("Due within 3 days")).to_have_count(0)

    # The manager's roster now says done.
    page.reload()
    expect(page.get_by_role("heading", name="Assignments")).to_be_visible(timeout=15_000)
    expect(assignments_cell(page)).to_have_text("1 done", timeout=15_000)
    manager.close()
    learner.close()
