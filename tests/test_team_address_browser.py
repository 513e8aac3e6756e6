"""A manager in a real browser goes from My team to a learner and back: team and search hold."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from arrowhead.store import accounts
from arrowhead.store import teams as team_store
from arrowhead.store.database import apply_migrations, open_database
from arrowhead.teams import COMMAND_LINE

pytestmark = pytest.mark.browser


def test_back_to_my_team_keeps_the_team_and_the_search(server, browser):
    """Regression (issue 9.7): returning to My team from a learner reset the team and search."""
    now = datetime.now(UTC)
    db = open_database(server.db_path)
    apply_migrations(db)
    accounts.create_first_admin(db, "boss", "The Boss", "password123", now)
    mara = accounts.create_user(db, "mara", "Mara Manager", "password123", now, ("manager",))
    north = team_store.create_team(db, COMMAND_LINE, "North", now).id
    south = team_store.create_team(db, COMMAND_LINE, "South", now).id
    team_store.set_managed_teams(db, COMMAND_LINE, mara.id, [north, south])
    for username, name, team in (
        ("nils", "Nils North", north),
        ("sara", "Sara South", south),
        ("sven", "Sven South", south),
    ):
        learner = accounts.create_user(db, username, name, "password123", now)
        team_store.set_team(db, COMMAND_LINE, learner.id, team, now)

    page = browser.new_page()
    page.goto(server.url)
    page.get_by_label("Username").first.fill("mara")
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="My team").click()
    learners = page.get_by_test_id("stMetric").filter(has_text="Learners")
    expect(learners).to_contain_text("1", timeout=15_000)

    page.get_by_test_id("stSelectbox").filter(has_text="Team").first.click()
    page.get_by_role("option", name="South").click()
    expect(learners).to_contain_text("2", timeout=15_000)
    page.get_by_label("Find a learner").fill("sven")
    page.get_by_label("Find a learner").press("Enter")
    expect(page.get_by_text("1 of 2 learners shown.")).to_be_visible(timeout=15_000)
    expect(page).to_have_url(f"{server.url}/team?team={south}&q=sven", timeout=15_000)

    page.get_by_role("link", name="See this learner's attempts").click()
    expect(page.get_by_text("Sven South (sven)")).to_be_visible(timeout=15_000)
    page.get_by_role("link", name="← Back to My team").click()
    expect(page.get_by_text("1 of 2 learners shown.")).to_be_visible(timeout=15_000)
    expect(page.get_by_label("Find a learner")).to_have_value("sven")
    expect(page).to_have_url(f"{server.url}/team?team={south}&q=sven")
    page.close()
    db.close()
