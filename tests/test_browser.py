"""The learner's journey in a real browser against a real `streamlit run` server."""

import re

import pytest
from conftest import NOW, ROOT
from playwright.sync_api import Page, expect

from arrowhead.course import load_course
from arrowhead.store import accounts
from arrowhead.store.database import apply_migrations, open_database

pytestmark = pytest.mark.browser
SHIPPED = load_course(ROOT)
FIRST_QUIZ = SHIPPED.quiz("three-styles")
SCENARIOS = len(FIRST_QUIZ.scenarios)
SECTIONS = len(SHIPPED.module("three-styles").sections)
# The module's steps on the course map: its sections, its role-plays and its quiz.
STEPS = SECTIONS + len(SHIPPED.roleplays_for("three-styles")) + 1
XSS_NAME = "Ada <img src=x onerror=alert(1)>"


def seed_admin(server) -> None:
    db = open_database(server.db_path)
    apply_migrations(db)
    accounts.create_first_admin(db, "boss", "The Boss", "password123", NOW)
    db.close()


def wait_for_app(page: Page) -> None:
    """Wait until Streamlit has finished the current run."""
    page.wait_for_selector("[data-testid='stApp']")
    expect(page.locator("[data-testid='stStatusWidget']")).to_have_count(0, timeout=15_000)


def sign_up(page: Page, url: str, name: str, username: str) -> None:
    page.goto(url)
    page.get_by_role("tab", name="Create an account").click()
    form = page.get_by_role("tabpanel", name="Create an account")
    form.get_by_label("Your name, as colleagues should see it").fill(name)
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password (at least 8 characters)").fill("password123")
    form.get_by_label("Password again").fill("password123")
    form.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Partnership selling", exact=True)).to_be_visible(
        timeout=15_000
    )


def test_new_learner_reads_takes_a_quiz_and_keeps_it_after_reload(server, browser):
    seed_admin(server)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    alerts: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    sign_up(page, server.url, XSS_NAME, "ada")

    # The display name is plain text: no image element was made from it, no script ran.
    expect(page.get_by_text(XSS_NAME, exact=True)).to_be_visible()
    assert page.locator("img[src='x']").count() == 0

    # Read the first section and move on.
    page.get_by_text("Continue where you left off").click()
    expect(page.get_by_text("By the end of this module you will be able to:")).to_be_visible()
    expect(page.get_by_text(f"Section 1 of {SECTIONS}")).to_be_visible()
    page.get_by_role("button", name="Mark as read and continue →").click()
    expect(page.get_by_text(f"Section 2 of {SECTIONS}")).to_be_visible()

    # Take the module's quiz from start to finish: always the first option.
    page.goto(server.url + "/quiz?quiz=three-styles")
    page.get_by_role("button", name="Start the quiz").click()
    for number in range(1, SCENARIOS + 1):
        expect(page.get_by_text(f"Scenario {number} of {SCENARIOS}")).to_be_visible()
        page.locator("[data-testid='stRadio'] [role='radiogroup'] label").first.click()
        page.get_by_role("button", name="Submit answer").click()
        expect(page.get_by_text(re.compile(r"of 10 points")).first).to_be_visible()
        label = "See your result" if number == SCENARIOS else "Next scenario →"
        page.get_by_role("button", name=label).click()
    expect(page.get_by_text(re.compile(r"Your latest score: \d+%"))).to_be_visible()
    score = page.get_by_text(re.compile(r"Your latest score: \d+%")).inner_text()

    # A reload starts a new Streamlit session: the cookie keeps the learner signed in.
    page.reload()
    expect(page.get_by_text(score)).to_be_visible(timeout=15_000)
    page.goto(server.url)
    expect(page.get_by_text(re.compile(rf"^[12] of {STEPS} steps"))).to_be_visible()
    expect(page.get_by_text(XSS_NAME, exact=True)).to_be_visible()

    db = open_database(server.db_path)
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == SCENARIOS
    assert db.execute("SELECT count(*) FROM section_reads").fetchone()[0] == 1
    db.close()
    assert alerts == []
    context.close()


def test_login_holds_in_a_second_tab_and_sign_out_ends_it_everywhere(server, browser):
    seed_admin(server)
    context = browser.new_context()
    first = context.new_page()
    sign_up(first, server.url, "Kim", "kim")

    second = context.new_page()
    second.goto(server.url + "/progress")
    expect(second.get_by_role("heading", name="My progress")).to_be_visible(timeout=15_000)

    # Another browser has no cookie: it is asked to sign in.
    stranger = browser.new_context().new_page()
    stranger.goto(server.url + "/progress")
    expect(stranger.get_by_role("button", name="Sign in")).to_be_visible(timeout=15_000)
    expect(stranger.get_by_text("My progress")).to_have_count(0)

    first.goto(server.url + "/account")
    first.get_by_role("button", name="Sign out").click()
    expect(first.get_by_role("button", name="Sign in")).to_be_visible(timeout=15_000)

    # The other tab loses the login on its next run, without reloading.
    second.get_by_role("link", name="Course").click()
    expect(second.get_by_role("button", name="Sign in")).to_be_visible(timeout=15_000)
    second.reload()
    expect(second.get_by_role("button", name="Sign in")).to_be_visible(timeout=15_000)
    context.close()


def test_wrong_password_in_the_browser_gets_a_plain_message(server, browser):
    seed_admin(server)
    page = browser.new_page()
    page.goto(server.url)
    page.get_by_label("Username").first.fill("boss")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That username and password do not match an account.")).to_be_visible()
    expect(page.get_by_text("Traceback")).to_have_count(0)
    page.close()


# Records every UUID the server sends, and, when window.__hijack is set, asks the
# server to resume that Streamlit session id instead of starting a new one.
SESSION_SPY = """
(() => {
  const Original = window.WebSocket;
  window.__ids = [];
  window.WebSocket = function (url, protocols) {
    if (window.__hijack && Array.isArray(protocols)) {
      protocols = [protocols[0], protocols[1] || "", window.__hijack];
    }
    const socket = new Original(url, protocols);
    socket.addEventListener("message", (event) => {
      Promise.resolve(event.data instanceof Blob ? event.data.arrayBuffer() : event.data).then((data) => {
        if (!(data instanceof ArrayBuffer)) return;
        const text = new TextDecoder("latin1").decode(data);
        const found = text.match(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/g);
        if (found) window.__ids.push(...found);
      });
    });
    return socket;
  };
  window.WebSocket.prototype = Original.prototype;
  Object.assign(window.WebSocket, Original);
})();
"""


def test_another_browser_presenting_a_session_id_does_not_get_its_login(server, browser):
    """Regression: a login held in session state must not follow a stolen Streamlit session id."""
    seed_admin(server)
    victim = browser.new_context().new_page()
    victim.add_init_script(SESSION_SPY)
    victim.goto(server.url)
    victim.get_by_label("Username").first.fill("boss")
    victim.get_by_label("Password", exact=True).fill("password123")
    victim.get_by_role("button", name="Sign in").click()
    expect(victim.get_by_role("heading", name="Partnership selling", exact=True)).to_be_visible(
        timeout=15_000
    )
    candidates = sorted(set(victim.evaluate("window.__ids")))

    resumed = 0
    for session_id in candidates:
        thief = browser.new_context().new_page()
        thief.add_init_script(f"window.__hijack = {session_id!r};" + SESSION_SPY)
        thief.goto(server.url)
        expect(thief.get_by_role("button", name="Sign in")).to_be_visible(timeout=15_000)
        expect(thief.get_by_role("heading", name="Partnership selling", exact=True)).to_have_count(
            0
        )
        resumed += session_id in thief.evaluate("window.__ids")
        thief.context.close()
    # The server did hand the victim's session to one of the thieves: the test really tried.
    assert resumed == 1


def test_a_deep_link_opened_signed_out_works_after_signing_in(server, browser):
    """Regression: a link to a page opened while signed out showed 'Page not found' and was lost."""
    seed_admin(server)
    page = browser.new_page()
    page.goto(server.url + "/quiz?quiz=three-styles")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.get_by_label("Username").first.fill("boss")
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Three styles in the field")).to_be_visible(
        timeout=15_000
    )
    assert page.url.endswith("/quiz?quiz=three-styles")
    page.close()


def test_a_page_the_account_lacks_says_so_in_a_sentence(server, browser):
    seed_admin(server)
    page = browser.new_page()
    sign_up(page, server.url, "Lee", "lee")
    page.goto(server.url + "/team")
    expect(page.get_by_text("This page is not available to your account.")).to_be_visible(
        timeout=15_000
    )
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_role("heading", name="My team")).to_have_count(0)
    page.close()


def test_an_attempts_option_order_survives_a_reload_and_is_the_reviews(server, browser):
    seed_admin(server)
    page = browser.new_page()
    page.goto(server.url + "/quiz?quiz=three-styles")
    page.get_by_label("Username").first.fill("boss")
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Start the quiz").click()
    options = page.locator("[data-testid='stRadio'] [role='radiogroup'] label")
    expect(options.first).to_be_visible(timeout=15_000)

    # The order the button drew is the attempt's stored one.
    db = open_database(server.db_path)
    attempt_id, seed = db.execute("SELECT id, option_seed FROM attempts").fetchone()
    db.close()
    scenario = load_course(ROOT).quiz("three-styles").scenarios[0].shuffled(seed)
    labels = [f"{scenario.letter(o.id)}. {o.text}" for o in scenario.options]
    assert [text.strip() for text in options.all_inner_texts()] == labels

    page.reload()
    expect(options.first).to_be_visible(timeout=15_000)
    assert [text.strip() for text in options.all_inner_texts()] == labels

    best = f"{scenario.letter(scenario.best.id)}. {scenario.best.text}"
    options.filter(has_text=scenario.best.text).click()
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_text("10 of 10 points · the best move")).to_be_visible(timeout=15_000)
    # The scenario's form stays on screen, faded, until the run that replaces it ends.
    expect(page.locator("[data-testid='stRadioGroup']")).to_have_count(0, timeout=15_000)
    expect(page.get_by_text(best, exact=True)).to_be_visible()

    page.goto(server.url + f"/review?attempt={attempt_id}")
    expect(page.get_by_role("heading", name=re.compile("Review:"))).to_be_visible(timeout=15_000)
    expect(page.get_by_text(best, exact=True)).to_be_visible()
    page.close()


def login_cookie(context) -> str | None:
    found = [c["value"] for c in context.cookies() if c["name"] == "arrowhead_login"]
    return found[0] if found else None


def test_a_stale_tab_does_not_sign_out_a_newer_login(server, browser):
    """Regression: sign out in tab 1, sign in again, then click in a stale tab: finding its
    old token dead, the stale tab deleted the cookie, which by then held tab 1's new login."""
    seed_admin(server)
    context = browser.new_context()
    first = context.new_page()
    sign_up(first, server.url, "Kim", "kim")
    stale = context.new_page()
    stale.goto(server.url + "/progress")
    expect(stale.get_by_role("heading", name="My progress")).to_be_visible(timeout=15_000)
    old = login_cookie(context)

    first.goto(server.url + "/account")
    first.get_by_role("button", name="Sign out").click()
    expect(first.get_by_role("button", name="Sign in")).to_be_visible(timeout=15_000)
    first.get_by_label("Username").first.fill("kim")
    first.get_by_label("Password", exact=True).fill("password123")
    first.get_by_role("button", name="Sign in").click()
    # Signing in reruns the address it was opened at: the account page.
    expect(first.get_by_role("button", name="Sign out")).to_be_visible(timeout=15_000)
    for _ in range(50):
        new = login_cookie(context)
        if new and new != old:
            break
        first.wait_for_timeout(100)
    assert new and new != old

    # The stale tab runs with its dead token: it shows the sign-in form…
    stale.get_by_role("link", name="Course").click()
    expect(stale.get_by_role("button", name="Sign in")).to_be_visible(timeout=15_000)
    wait_for_app(stale)
    stale.wait_for_timeout(500)
    # …and leaves the cookie holding tab 1's new login alone.
    assert login_cookie(context) == new
    first.reload()
    expect(first.get_by_role("button", name="Sign out")).to_be_visible(timeout=15_000)
    context.close()
