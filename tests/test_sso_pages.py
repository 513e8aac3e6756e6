"""Single sign-on through AppTest: the sign-in page with and without [auth], st.user becoming
an Arrowhead login, the People page's link, and signing out of both."""

from __future__ import annotations

from conftest import NOW, ROOT, hold_login, make_user, texts
from streamlit.testing.v1 import AppTest

from arrowhead.store import accounts, audit, identities
from arrowhead.store import teams as team_store
from arrowhead.teams import COMMAND_LINE

ISSUER = "https://id.example.com"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a test cookie secret, long enough",
    "Acme": {
        "client_id": "arrowhead",
        "client_secret": "not-secret",
        "server_metadata_url": ISSUER + "/.well-known/openid-configuration",
    },
}
ANA = {
    "is_logged_in": True,
    "provider": "Acme",
    "iss": ISSUER,
    "sub": "s-ana",
    "name": "Ana Costa",
    "email": "ana@example.com",
}
PEOPLE = "arrowhead/ui/admin_people_page.py"
ACCOUNT = "arrowhead/ui/account_page.py"


def app(db, *, auth: bool = True, claims: dict | None = None, user=None) -> AppTest:
    """The whole app, with [auth] secrets or none, st.user holding claims, maybe signed in."""
    at = AppTest.from_file(str(ROOT / "course_app.py"), default_timeout=30)
    if auth:
        at.secrets["auth"] = AUTH
    at.user = claims if claims is not None else {}
    if user is not None:
        hold_login(at, db, user)
    return at.run()


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def test_without_auth_the_sign_in_page_offers_passwords_only(app_env):
    make_user(app_env, "boss", ("admin", "learner"))
    at = app(app_env, auth=False)
    assert not [label for label in labels(at) if label.startswith("Sign in with")]
    assert "Sign in" in [t.label for t in at.tabs]
    assert at.text_input(key="signin_username") is not None


def test_with_auth_the_sign_in_page_offers_the_provider_beside_passwords(app_env):
    make_user(app_env, "boss", ("admin", "learner"))
    at = app(app_env)
    assert "Sign in with Acme" in labels(at)
    assert "Or sign in with your Arrowhead username and password:" in texts(at)
    # The password form is still there and still works.
    at.text_input(key="signin_username").input("boss")
    at.text_input(key="signin_password").input("password123")
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert "Boss" in [t.value for t in at.sidebar.text]


def test_a_completed_provider_sign_in_makes_a_learner_and_signs_them_in(app_env):
    make_user(app_env, "boss", ("admin", "learner"))
    at = app(app_env, claims=ANA)
    assert [t.value for t in at.sidebar.text] == ["Ana Costa"]
    made = app_env.execute(
        "SELECT username, password_hash, external_id FROM users WHERE external_id = 's-ana'"
    ).fetchall()
    assert made == [("ana", None, "s-ana")]
    assert app_env.execute("SELECT count(*) FROM logins").fetchone()[0] == 1
    # Later runs use the Arrowhead login; no second login, no second account.
    at.run()
    assert [t.value for t in at.sidebar.text] == ["Ana Costa"]
    assert app_env.execute("SELECT count(*) FROM logins").fetchone()[0] == 1
    assert accounts.count_users(app_env) == 2


def test_st_user_is_ignored_without_auth(app_env):
    """Claims with no [auth] section cannot come from st.login: nobody is signed in by them."""
    make_user(app_env, "boss", ("admin", "learner"))
    at = app(app_env, auth=False, claims=ANA)
    assert not at.sidebar.text
    assert accounts.count_users(app_env) == 1


def test_a_deactivated_sso_account_gets_a_sentence_and_the_password_form(app_env):
    make_user(app_env, "boss", ("admin", "learner"))
    ana = app(app_env, claims=ANA)
    made = app_env.execute("SELECT id FROM users WHERE external_id = 's-ana'").fetchone()[0]
    team_store.set_active(app_env, COMMAND_LINE, made, False, NOW)
    # The login ended with the deactivation; this session does not sign in again.
    ana.run()
    assert not ana.sidebar.text
    fresh = app(app_env, claims=ANA)
    assert identities.DEACTIVATED_SSO in [e.value for e in fresh.error]
    assert not fresh.sidebar.text
    assert fresh.text_input(key="signin_username") is not None


def test_signing_out_ends_the_arrowhead_login_and_the_providers(app_env):
    make_user(app_env, "boss", ("admin", "learner"))
    at = app(app_env, claims=ANA)
    at.switch_page(ACCOUNT).run()
    next(b for b in at.button if b.label == "Sign out").click().run()
    assert app_env.execute("SELECT count(*) FROM logins").fetchone()[0] == 0
    assert at.user.get("is_logged_in") is False  # st.logout cleared st.user


def test_people_page_links_a_sign_on_to_an_existing_account(app_env):
    boss = make_user(app_env, "boss", ("admin", "learner"), name="The Boss")
    local = make_user(app_env, "ana.costa", name="Ana Costa")
    made = identities.sign_in_with_identity(
        app_env, identities.Identity(ISSUER, "s-ana", "Ana at Acme", "ana"), NOW
    )
    at = app(app_env, user=boss)
    at.switch_page(PEOPLE).run()
    table = at.dataframe[0].value
    assert dict(zip(table["Username"], table["Signs in with"], strict=True)) == {
        "boss": "password",
        "ana.costa": "password",
        "ana": "single sign-on",
    }
    # A local account has nothing to link.
    at.selectbox(key="people_pick").set_value(local.id).run()
    assert not any(s.label.startswith("Link this sign-on") for s in at.selectbox)
    at.selectbox(key="people_pick").set_value(made.id).run()
    assert f"Signs in with single sign-on: {ISSUER}, as s-ana." in texts(at)
    target = at.selectbox(key=f"people_link_target_{made.id}")
    assert target.options == ["Ana Costa (ana.costa)", "The Boss (boss)"]
    target.set_value(local.id)
    next(b for b in at.button if b.label == "Link").click().run()
    assert not at.error
    assert identities.sign_in_with_identity(
        app_env, identities.Identity(ISSUER, "s-ana", "x", "x"), NOW
    ).id == (local.id)
    assert [e.action for e in audit.audit_entries(app_env, boss)] == [
        audit.DEACTIVATED,
        identities.IDENTITY_LINKED,
    ]


def with_metadata_url(at: AppTest, url: str) -> AppTest:
    at.secrets["auth"] = {**AUTH, "Acme": {**AUTH["Acme"], "server_metadata_url": url}}
    return at


def test_a_provider_that_does_not_answer_gets_a_sentence_not_a_redirect(app_env):
    make_user(app_env, "boss", ("admin", "learner"))
    at = AppTest.from_file(str(ROOT / "course_app.py"), default_timeout=30)
    with_metadata_url(at, "http://127.0.0.1:9/.well-known/openid-configuration").run()
    next(b for b in at.button if b.label == "Sign in with Acme").click().run()
    assert [e.value for e in at.error] == [
        "Acme is not answering right now, so signing in with it is not possible. "
        "Sign in with your Arrowhead username and password, or try again later."
    ]
    assert at.text_input(key="signin_username") is not None


def test_incomplete_auth_secrets_get_a_sentence_and_a_log_line(app_env, tmp_path, caplog):
    """st.login refuses [auth] settings it cannot use (here Streamlit's own secrets hold no
    [auth] at all, as when redirect_uri or cookie_secret is missing): no traceback."""
    make_user(app_env, "boss", ("admin", "learner"))
    discovery = tmp_path / "openid-configuration"
    discovery.write_text('{"authorization_endpoint": "https://id.example.com/authorize"}')
    at = AppTest.from_file(str(ROOT / "course_app.py"), default_timeout=30)
    with_metadata_url(at, discovery.as_uri()).run()
    next(b for b in at.button if b.label == "Sign in with Acme").click().run()
    assert [e.value for e in at.error] == [
        "Signing in with Acme is not set up correctly, and the server log says why. "
        "Sign in with your Arrowhead username and password."
    ]
    assert any("single sign-on is misconfigured" in r.getMessage() for r in caplog.records)
