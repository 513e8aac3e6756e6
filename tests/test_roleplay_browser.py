"""A role-play in a real browser: played to an ending, resumed after a reload, then reviewed."""

from collections.abc import Iterator

import pytest
from conftest import Server
from playwright.sync_api import Page, expect
from test_browser import seed_admin, sign_up, wait_for_app

from arrowhead.store.database import open_database

pytestmark = pytest.mark.browser


@pytest.fixture
def roleplay_server(tmp_path, roleplay_root) -> Iterator[Server]:
    """A real server on a fresh database, serving the tiny course with the test role-play."""
    running = Server(tmp_path / "browser.db", roleplay_root)
    yield running
    running.stop()


def move(page: Page, text: str) -> None:
    """Choose the option with this text and make the move."""
    page.locator("[data-testid='stRadio'] [role='radiogroup'] label").filter(has_text=text).click()
    page.get_by_role("button", name="Make this move").click()
    wait_for_app(page)


def test_a_learner_plays_to_an_ending_resumes_after_a_reload_and_reviews_the_route(
    roleplay_server, browser
):
    server = roleplay_server
    seed_admin(server)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_up(page, server.url, "Kim", "kim")

    # The course map links the module's role-play.
    page.get_by_role("link", name="Role-play: A first call with a buyer").click()
    expect(page.get_by_text("You are an account manager at Corvid Parts.")).to_be_visible(
        timeout=15_000
    )
    page.get_by_role("button", name="Start the role-play").click()
    expect(page.get_by_text("Decision 1")).to_be_visible(timeout=15_000)
    move(page, "Ask what she most needs to change this year.")
    expect(page.get_by_text("Decision 2")).to_be_visible(timeout=15_000)
    expect(
        page.get_by_text("She talks about buses that break down on the morning routes.")
    ).to_be_visible()

    # A reload mid-way: the same step, with the client's reply to the last move above it.
    page.reload()
    expect(page.get_by_text("Decision 2")).to_be_visible(timeout=15_000)
    expect(
        page.get_by_text("Nadia says late buses cost her the city's bonus payment.")
    ).to_be_visible()
    expect(
        page.get_by_text("She talks about buses that break down on the morning routes.")
    ).to_be_visible()

    move(page, "Offer a month of spares kept at her main depot.")
    expect(page.get_by_text("Decision 3")).to_be_visible(timeout=15_000)
    move(page, "Ask her to bring the director to a short meeting.")
    expect(page.get_by_text("How it ended")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("A trial at the depot — 10 of 10 points")).to_be_visible()
    expect(
        page.get_by_text("The director agrees a three-month trial at the main depot.")
    ).to_be_visible()

    page.get_by_role("link", name="Review your route and the road not taken").click()
    expect(page.get_by_role("heading", name="Review: A first call with a buyer")).to_be_visible(
        timeout=15_000
    )
    expect(
        page.get_by_text("You: Ask what she most needs to change this year. — 10 of 10 points")
    ).to_be_visible()
    expect(page.get_by_text("The road not taken").first).to_be_visible()
    expect(
        page.get_by_text(
            "Offer her ten off every order she places. — 0 of 10 points; would have led to "
            "the ending “No order” (0 of 10 points)"
        )
    ).to_be_visible()

    db = open_database(server.db_path)
    rows = db.execute(
        "SELECT position, option_id FROM roleplay_choices ORDER BY position"
    ).fetchall()
    ending = db.execute("SELECT ending_id, score FROM roleplay_runs").fetchall()
    db.close()
    assert rows == [(0, "ask-goals"), (1, "propose-pilot"), (2, "meet-director")]
    assert ending == [("signed", 100)]
    context.close()
