"""Single sign-on end to end: a real OpenID Connect provider (oidc-provider-mock) and a real
`streamlit run` with [auth] secrets, both on 127.0.0.1, driven with chromium."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import NOW, ROOT, Server, free_port, make_user
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from arrowhead.store import accounts, identities
from arrowhead.store import teams as team_store
from arrowhead.store.database import apply_migrations, open_database
from arrowhead.teams import COMMAND_LINE

pytestmark = pytest.mark.browser
PROVIDER = "Acme"
# The provider's predefined users: each gets a button on its authorize page.
ANA = {"sub": "ana-sub", "name": "Ana Costa", "email": "ana@example.com"}
BO = {"sub": "bo-sub", "name": "Bo at Acme", "preferred_username": "bo.ng"}
CY = {"sub": "cy-sub", "email": "cy@example.com"}


class Provider:
    """oidc-provider-mock in its own process on 127.0.0.1."""

    def __init__(self, log: Path, users: list[dict[str, str]]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "w")  # noqa: SIM115
        claims = [arg for user in users for arg in ("--user-claims", json.dumps(user))]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1"]
            + ["--port", str(self.port), *claims],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.metadata_url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("oidc-provider-mock did not start: " + log.read_text())

    @property
    def metadata_url(self) -> str:
        return self.url + "/.well-known/openid-configuration"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture
def provider(tmp_path: Path) -> Iterator[Provider]:
    running = Provider(tmp_path / "provider.log", [ANA, BO, CY])
    yield running
    running.stop()


@pytest.fixture
def sso_server(tmp_path: Path, provider: Provider) -> Iterator[Server]:
    """The app with an [auth] section naming the provider, in a secrets.toml of the test's own:
    Streamlit reads it through its secrets.files option, so nothing is written to the repo."""
    secrets = tmp_path / "secrets" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text(
        f"""[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "a test cookie secret, long enough for HS256"

[auth.{PROVIDER}]
client_id = "arrowhead"
client_secret = "not-secret-in-tests"
server_metadata_url = "{provider.metadata_url}"
"""
    )
    running = Server(tmp_path / "sso.db", ROOT, ["--secrets.files", str(secrets)])
    db = open_database(running.db_path)
    apply_migrations(db)
    accounts.create_first_admin(db, "boss", "The Boss", "password123", NOW)
    db.close()
    yield running
    running.stop()


def signed_in_as(page: Page, name: str) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Signed in as")).to_be_visible(timeout=20_000)
    expect(sidebar.get_by_text(name, exact=True)).to_be_visible()


def sign_in_with_provider(page: Page, url: str, subject: str) -> None:
    """Press the provider's button, then pick a predefined user on its authorize page."""
    page.goto(url)
    page.get_by_role("button", name=f"Sign in with {PROVIDER}").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=20_000)
    page.get_by_role("button", name=subject, exact=True).click()
    page.wait_for_url(url + "/**", timeout=20_000)


def pick(page: Page, label: str, option: str) -> None:
    """Choose an option in a Streamlit selectbox; opened again if a redraw closed it."""
    for _ in range(3):
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=15_000)
        page.get_by_label(label).click()
        try:
            page.get_by_role("option", name=option).click(timeout=3_000)
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
        else:
            return
    raise AssertionError(f"{option!r} never showed in {label!r}")


def sign_in_locally(page: Page, url: str, username: str) -> None:
    page.goto(url)
    form = page.get_by_role("tabpanel", name="Sign in")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password", exact=True).fill("password123")
    form.get_by_role("button", name="Sign in", exact=True).click()


def test_first_sign_in_makes_a_learner_and_password_sign_in_keeps_working(sso_server, browser):
    context = browser.new_context()
    page = context.new_page()
    sign_in_with_provider(page, sso_server.url, ANA["sub"])
    signed_in_as(page, "Ana Costa")

    db = open_database(sso_server.db_path)
    row = db.execute(
        """SELECT u.username, u.password_hash, u.external_id, group_concat(r.role)
           FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.external_id = ?""",
        [ANA["sub"]],
    ).fetchone()
    assert row == ("ana", None, ANA["sub"], "learner")

    # The Arrowhead login's cookie keeps her signed in across a reload, as a password login does.
    page.reload()
    signed_in_as(page, "Ana Costa")

    # Signing out ends the Arrowhead login and the provider's sign-in (st.logout), which
    # shows the provider's own end-of-session page before coming back.
    page.goto(sso_server.url + "/account")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("button", name=f"Sign in with {PROVIDER}")).to_be_visible(
        timeout=20_000
    )
    assert db.execute("SELECT count(*) FROM logins").fetchone()[0] == 0
    page.reload()
    expect(page.get_by_role("button", name=f"Sign in with {PROVIDER}")).to_be_visible(
        timeout=20_000
    )
    expect(page.get_by_text("Signed in as")).to_have_count(0)

    # Password sign-in works beside it, in the same browser and server.
    sign_in_locally(page, sso_server.url, "boss")
    signed_in_as(page, "The Boss")
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 2
    db.close()
    context.close()


def test_admin_links_a_sign_on_to_an_existing_account(sso_server, browser):
    db = open_database(sso_server.db_path)
    bo = make_user(db, "bo.ng", name="Bo Ng")

    # Bo signs in with the provider before anyone links it: a new learner, bo.ng-2 ("bo.ng" is taken).
    bo_page = browser.new_context().new_page()
    sign_in_with_provider(bo_page, sso_server.url, BO["sub"])
    signed_in_as(bo_page, "Bo at Acme")
    made = db.execute(
        "SELECT id, username FROM users WHERE external_id = ?", [BO["sub"]]
    ).fetchone()
    assert made[1] == "bo.ng-2"

    admin = browser.new_context().new_page()
    sign_in_locally(admin, sso_server.url, "boss")
    signed_in_as(admin, "The Boss")
    admin.goto(sso_server.url + "/people")
    pick(admin, "Person", "Bo at Acme (bo.ng-2)")
    expect(admin.get_by_text(f"as {BO['sub']}.")).to_be_visible(timeout=15_000)
    pick(admin, "Link this sign-on to an existing account", "Bo Ng (bo.ng)")
    admin.get_by_role("button", name="Link", exact=True).click()
    expect(admin.get_by_text(f"as {BO['sub']}.")).to_have_count(0, timeout=15_000)

    assert (
        db.execute("SELECT external_id FROM users WHERE id = ?", [bo.id]).fetchone()[0]
        == (BO["sub"])
    )
    assert db.execute("SELECT active FROM users WHERE id = ?", [made[0]]).fetchone()[0] == 0
    linked = db.execute(
        "SELECT actor_id, subject_user_id FROM audit_log WHERE action = ?",
        [identities.IDENTITY_LINKED],
    ).fetchall()
    assert linked == [(1, bo.id)]

    # The next sign-on with that provider user signs in as the existing account.
    again = browser.new_context().new_page()
    sign_in_with_provider(again, sso_server.url, BO["sub"])
    signed_in_as(again, "Bo Ng")
    # The account the first sign-on made was deactivated, which ended its login there; the
    # provider's sign-in that browser still holds now leads to the linked account.
    bo_page.reload()
    signed_in_as(bo_page, "Bo Ng")
    db.close()


def test_deactivated_cancelled_and_unreachable_sign_ons_are_refused_plainly(
    sso_server, provider, browser
):
    page = browser.new_context().new_page()
    sign_in_with_provider(page, sso_server.url, CY["sub"])
    signed_in_as(page, "cy")
    db = open_database(sso_server.db_path)
    cy = db.execute("SELECT id FROM users WHERE external_id = ?", [CY["sub"]]).fetchone()[0]
    team_store.set_active(db, COMMAND_LINE, cy, False, NOW)
    db.close()

    # Deactivated: the provider's sign-in completes, Arrowhead refuses it with a sentence.
    fresh = browser.new_context().new_page()
    sign_in_with_provider(fresh, sso_server.url, CY["sub"])
    expect(fresh.get_by_text(identities.DEACTIVATED_SSO)).to_be_visible(timeout=20_000)
    expect(fresh.get_by_text("Signed in as")).to_have_count(0)

    # Cancelled at the provider: back on the sign-in page, told it did not finish.
    cancel = browser.new_context().new_page()
    cancel.goto(sso_server.url)
    cancel.get_by_role("button", name=f"Sign in with {PROVIDER}").click()
    cancel.wait_for_url("**/oauth2/authorize**", timeout=20_000)
    cancel.get_by_role("button", name="Deny").click()
    expect(cancel.get_by_text("Signing in with your company account did not finish")).to_be_visible(
        timeout=20_000
    )
    # Said once: a reload is a plain sign-in page again, once the page has had the browser
    # drop its mark (a reload before that script runs would find the mark still there).
    for _ in range(100):
        if not any(c["name"] == "arrowhead_sso_try" for c in cancel.context.cookies()):
            break
        cancel.wait_for_timeout(100)
    else:
        raise AssertionError("the page never dropped the sign-in mark")
    cancel.reload()
    expect(cancel.get_by_role("button", name=f"Sign in with {PROVIDER}")).to_be_visible(
        timeout=20_000
    )
    expect(cancel.get_by_text("did not finish")).to_have_count(0)

    # The provider is down: a sentence, and the password form is still there.
    provider.stop()
    cancel.get_by_role("button", name=f"Sign in with {PROVIDER}").click()
    expect(cancel.get_by_text(f"{PROVIDER} is not answering right now")).to_be_visible(
        timeout=20_000
    )
    sign_in_locally(cancel, sso_server.url, "boss")
    signed_in_as(cancel, "The Boss")
