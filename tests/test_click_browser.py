"""A quiz's Submit and Next reach the server in the learner's click itself, in chromium."""

import re

import pytest
from conftest import NOW
from playwright.sync_api import Page, expect

from arrowhead.store import accounts
from arrowhead.store.database import apply_migrations, open_database

pytestmark = pytest.mark.browser

# Notes, for every message the page sends on its websocket, whether it left while a click
# event was being dispatched. An st.button's click is sent later, on a timer that waits
# behind the browser's next paint; a form's submit button sends it in the click.
SEND_RECORDER = """
window.__sends = [];
const Native = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new Native(...args);
  const send = socket.send.bind(socket);
  socket.send = (data) => {
    window.__sends.push(window.event ? window.event.type : null);
    return send(data);
  };
  return socket;
};
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, Native);
"""


def sent_by(page: Page, button: str) -> list[str | None]:
    """Click the button; for each message sent until its run is over, the event that sent it."""
    page.evaluate("window.__sends = []")
    page.get_by_role("button", name=button).click()
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=15_000)
    return page.evaluate("window.__sends")


def test_submit_and_next_are_sent_in_the_click(server, browser):
    """Regression: Next scenario was an st.button, whose click Streamlit sends only after the
    browser's next paint (about 10 ms in chromium): a third of a bare page's whole click."""
    db = open_database(server.db_path)
    apply_migrations(db)
    accounts.create_user(db, "ada", "Ada", "password123", NOW)
    db.close()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(SEND_RECORDER)
    page.goto(server.url)
    page.get_by_label("Username").first.fill("ada")
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible(timeout=15_000)
    page.goto(server.url + "/quiz?quiz=three-styles")
    page.get_by_role("button", name="Start the quiz").click()

    for _ in range(2):
        page.locator("[data-testid='stRadio'] [role='radiogroup'] label").first.click()
        expect(page.get_by_role("button", name="Submit answer")).to_be_enabled()
        assert sent_by(page, "Submit answer")[:1] == ["click"]
        expect(page.get_by_text(re.compile(r"of 10 points")).first).to_be_visible()
        assert sent_by(page, "Next scenario →")[:1] == ["click"]
        expect(page.get_by_text(re.compile(r"Scenario \d of \d"))).to_be_visible()
    context.close()
