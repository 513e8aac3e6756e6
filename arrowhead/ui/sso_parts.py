"""Single sign-on in the app: the providers offered, turning st.user into an Arrowhead login,
and signing out of both.

st.login leaves the provider's claims in st.user (Streamlit's own cookie, read when a
connection opens). Arrowhead maps them to an account and starts an Arrowhead login,
exactly as a password sign-in does, so every page's checks work unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import streamlit as st
from streamlit.errors import StreamlitAuthError

from arrowhead.accounts import AccountError, User
from arrowhead.sso import Provider, identity_from_claims, provider_answers, providers_in
from arrowhead.store import accounts, identities
from arrowhead.ui import components

_USED = "_arrowhead_sso_used"
"""Set once this session has had an Arrowhead login: st.user then never signs it in again,
so a login ended by signing out in another tab, or by an admin, stays ended here."""
_REFUSED = "_arrowhead_sso_refused"
"""Why the provider's identity was not let in, for the sign-in page to say."""
_ATTEMPT = components.BrowserToken(cookie="arrowhead_sso_try", days=1, same_site="Lax")
"""Set by the browser when a "Sign in with …" button is clicked, so the page the provider
sends the person back to can tell a sign-in that did not finish from a first visit."""
_ATTEMPT_MARK = "1"
_ATTEMPT_SEEN = "_arrowhead_sso_attempt_seen"


def providers() -> tuple[Provider, ...]:
    """The providers the [auth] section of secrets.toml configures; none without one."""
    if not st.secrets.load_if_toml_exists():
        return ()
    auth = st.secrets.get("auth")
    return providers_in(auth if isinstance(auth, Mapping) else None)


def _claims() -> dict[str, object] | None:
    """The provider's claims for this session, or None when st.login has not completed."""
    claims: dict[str, object] = dict(st.user.to_dict())
    return claims if claims.get("is_logged_in") is True else None


def note_login() -> None:
    """Remember that this session has had an Arrowhead login (see _USED)."""
    st.session_state[_USED] = True


def viewer_from_provider() -> User | None:
    """The account st.user signs in as, with an Arrowhead login started for it; None when
    single sign-on is off, st.login has not completed, or the account is refused."""
    if st.session_state.get(_USED) or not providers():
        return None
    claims = _claims()
    if claims is None:
        return None
    note_login()
    identity = identity_from_claims(claims, str(claims.get("provider") or ""))
    if identity is None:
        st.session_state[_REFUSED] = "The sign-in service did not say who you are."
        return None
    db = components.database()
    try:
        user = identities.sign_in_with_identity(db, identity, components.now())
    except AccountError as err:
        st.session_state[_REFUSED] = str(err)
        return None
    components.LOGIN.hold(accounts.start_login(db, user.id, components.now()))
    _returned_from_attempt()
    _ATTEMPT.sync()
    return user


def _returned_from_attempt() -> bool:
    """Whether this browser pressed a sign-in button before this session opened; answered
    once per session, and the browser's mark is deleted."""
    if st.session_state.get(_ATTEMPT_SEEN) or not st.context.cookies.get(_ATTEMPT.cookie):
        return False
    st.session_state[_ATTEMPT_SEEN] = True
    _ATTEMPT.drop(_ATTEMPT_MARK)
    return True


def sign_in_buttons() -> None:
    """A "Sign in with …" button per provider, and what became of the last try."""
    offered = providers()
    if not offered:
        return
    refused = st.session_state.pop(_REFUSED, None)
    if refused:
        st.error(refused)
    if _returned_from_attempt() and not refused and _claims() is None:
        # The provider sent the person back without a sign-in: they cancelled, or the
        # callback failed (Streamlit logs why).
        st.warning(
            "Signing in with your company account did not finish. Try again, or sign in "
            "with your Arrowhead username and password below."
        )
    for provider in offered:
        st.button(
            f"Sign in with {provider.label}",
            key=f"signin_sso_{provider.name}",
            icon=":material/login:",
            width="stretch",
            on_click=_go_to_provider,
            args=(provider,),
        )
    _mark_attempts_on_click()
    _ATTEMPT.sync()
    st.caption("Or sign in with your Arrowhead username and password:")


def _go_to_provider(provider: Provider) -> None:
    if not provider_answers(provider.metadata_url):
        st.session_state[_REFUSED] = (
            f"{provider.label} is not answering right now, so signing in with it is not "
            "possible. Sign in with your Arrowhead username and password, or try again later."
        )
        # The click marked an attempt in the browser; nothing went to the provider.
        _ATTEMPT.drop(_ATTEMPT_MARK)
        return
    try:
        st.login(provider.name)
    except StreamlitAuthError as err:
        # secrets.toml is incomplete (no redirect_uri or cookie_secret, say): the admin
        # needs Streamlit's reason, the person a sentence and the password form.
        logging.getLogger("arrowhead.sso").warning("single sign-on is misconfigured: %s", err)
        st.session_state[_REFUSED] = (
            f"Signing in with {provider.label} is not set up correctly, and the server log "
            "says why. Sign in with your Arrowhead username and password."
        )
        _ATTEMPT.drop(_ATTEMPT_MARK)


def _mark_attempts_on_click() -> None:
    # The mark is set in the browser the moment the button is pressed, before the click
    # reaches the server: st.login sends the browser away at once, so a cookie written
    # by a later run would never arrive. Our own script, no user text in it.
    cookie = f"{_ATTEMPT.cookie}={_ATTEMPT_MARK}; Max-Age=600; Path=/; SameSite=Lax"
    st.html(
        "<script>(function(){if(window.__arrowheadSso)return;window.__arrowheadSso=true;"
        "document.addEventListener('click',function(e){"
        "if(e.target.closest&&e.target.closest('[class*=\"st-key-signin_sso_\"]'))"
        f"document.cookie='{cookie}';}},true);}})();</script>",
        unsafe_allow_javascript=True,
    )


def sign_out() -> None:
    """End the Arrowhead login everywhere, and the provider's sign-in in this browser."""
    components.forget_login()
    if providers() and _claims() is not None:
        st.logout()
    else:
        st.rerun()
