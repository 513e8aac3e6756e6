"""Two tabs on one quiz in a real browser (issue 8, item 6)."""

import pytest
from playwright.sync_api import expect
from test_browser import SCENARIOS, seed_admin, sign_up, wait_for_app

from arrowhead.store.database import open_database

pytestmark = pytest.mark.browser


def test_an_answer_from_an_out_of_date_tab_says_the_first_answer_stands(server, browser):
    """Bug (issue 8.6): the second tab's answer vanished silently and it showed the next scenario."""
    seed_admin(server)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    first = context.new_page()
    sign_up(first, server.url, "Kim", "kim")
    first.goto(server.url + "/quiz?quiz=three-styles")
    first.get_by_role("button", name="Start the quiz").click()
    expect(first.get_by_text(f"Scenario 1 of {SCENARIOS}")).to_be_visible()

    second = context.new_page()
    second.goto(server.url + "/quiz?quiz=three-styles")
    expect(second.get_by_text(f"Scenario 1 of {SCENARIOS}")).to_be_visible(timeout=15_000)

    chosen = first.locator("[data-testid='stRadio'] [role='radiogroup'] label").nth(0)
    chosen_text = chosen.inner_text().strip()
    chosen.click()
    first.get_by_role("button", name="Submit answer").click()
    wait_for_app(first)
    expect(first.get_by_role("button", name="Next scenario →")).to_be_visible()

    second.locator("[data-testid='stRadio'] [role='radiogroup'] label").nth(1).click()
    second.get_by_role("button", name="Submit answer").click()
    expect(second.get_by_text("You already answered this in another tab")).to_be_visible(
        timeout=15_000
    )
    # The feedback shown is the stored answer's: the option chosen in the first tab.
    expect(second.get_by_text(f"1 of {SCENARIOS} answered")).to_be_visible()
    expect(second.get_by_text(chosen_text, exact=True)).to_be_visible()

    db = open_database(server.db_path)
    rows = db.execute("SELECT scenario_id, option_id FROM answers").fetchall()
    db.close()
    assert len(rows) == 1
    context.close()
