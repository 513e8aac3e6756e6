"""What every page shares: the session's database, the course, who is signed in, common widgets."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import streamlit as st
from sqlite_utils import Database

from arrowhead.accounts import LOGIN_DAYS, User
from arrowhead.course import Course, content_fingerprint, load_course
from arrowhead.quizzes import MAX_POINTS, Option, Scenario
from arrowhead.scoring import BEHAVIOUR_NAMES
from arrowhead.settings import Settings, settings_from
from arrowhead.store import accounts, learning
from arrowhead.store.database import open_database, prepare_database
from arrowhead.store.learning import Place

LOGIN_COOKIE = "arrowhead_login"
_DB_KEY = "_arrowhead_db"
_LOGIN_KEY = "_arrowhead_login"
_COOKIE_KEY = "_arrowhead_cookie"


def now() -> datetime:
    """The current time, in UTC; pages pass it down so the layers below never read the clock."""
    return datetime.now(UTC)


@st.cache_resource
def _settings() -> Settings:
    return settings_from(os.environ)


def settings() -> Settings:
    """The paths this server runs on."""
    return _settings()


@st.cache_resource(show_spinner=False)
def _migrated(path: str) -> bool:
    # Cached per process and path: migrations run once at start-up, not per session.
    prepare_database(path)
    return True


def database() -> Database:
    """This browser session's own connection; opened on first use."""
    path = str(settings().db_path)
    held = st.session_state.get(_DB_KEY)
    if held is None or held[0] != path:
        _migrated(path)
        st.session_state[_DB_KEY] = (path, open_database(path))
    return st.session_state[_DB_KEY][1]


@st.cache_resource(show_spinner=False, max_entries=4)
def _course(root: str, fingerprint: tuple) -> Course:
    return load_course(Path(root))


def course() -> Course:
    """The course as the files are now: reloaded when an author saves a file."""
    root = settings().content_root
    return _course(str(root), content_fingerprint(root))


def _connection_key() -> str | None:
    # Each browser connection opens its own websocket with a fresh key; a login
    # held in session state is only honoured on the connection that made it.
    return _text(st.context.headers.get("Sec-Websocket-Key"))


def _cookie() -> str | None:
    return _text(st.context.cookies.get(LOGIN_COOKIE))


def _text(value: object) -> str | None:
    # Outside a real browser connection (AppTest) these lookups give no strings.
    return value if isinstance(value, str) and value else None


def viewer() -> User | None:
    """Who is signed in on this run, checked against the database every run.

    The login comes from the browser's cookie, or, right after signing in and
    before the cookie has been sent back, from this connection's session state.
    A browser presenting another browser's session id has neither.
    """
    db = database()
    held = st.session_state.get(_LOGIN_KEY)
    token = None
    if held and held[1] == _connection_key():
        token = held[0]
    else:
        token = _cookie()
    if not token:
        return None
    user = accounts.user_for_login(db, token, now())
    if user is None and held:
        del st.session_state[_LOGIN_KEY]
    return user


def login_token() -> str | None:
    """The token of the current login, for signing out."""
    held = st.session_state.get(_LOGIN_KEY)
    if held and held[1] == _connection_key():
        return held[0]
    return _cookie()


def begin_login(user: User) -> None:
    """Start a login for the user: hold it for this connection, have the browser store its cookie."""
    token = accounts.start_login(database(), user.id, now())
    st.session_state[_LOGIN_KEY] = (token, _connection_key())
    st.session_state[_COOKIE_KEY] = token
    st.rerun()


def forget_login() -> None:
    """End the login here and have the browser drop its cookie."""
    token = login_token()
    if token:
        accounts.end_login(database(), token)
    st.session_state.pop(_LOGIN_KEY, None)
    st.session_state[_COOKIE_KEY] = ""


def sync_cookie() -> None:
    """Write or clear the login cookie in the browser, once, after a sign-in or sign-out."""
    if _COOKIE_KEY not in st.session_state:
        return
    token = st.session_state.pop(_COOKIE_KEY)
    max_age = LOGIN_DAYS * 24 * 3600 if token else 0
    # Our own script with a server-made token (URL-safe base64): nothing here
    # comes from a user or an author.
    script = (
        "<script>(function(){var secure = location.protocol === 'https:' ? '; Secure' : '';"
        f"document.cookie = {json.dumps(LOGIN_COOKIE)} + '=' + {json.dumps(token)} + "
        f"'; Max-Age={max_age}; Path=/; SameSite=Strict' + secure;}})();</script>"
    )
    st.html(script, unsafe_allow_javascript=True)


def require_viewer() -> User:
    """The signed-in user, or stop the page with a plain message."""
    user = viewer()
    if user is None:
        st.warning("Please sign in to see this page.")
        st.stop()
    return user


def require_role(role: str) -> User:
    """The signed-in user if they hold the role; otherwise stop with a plain message."""
    user = require_viewer()
    if not user.has_role(role):
        st.error("This page is not available to your account.")
        st.stop()
    return user


def query_param(name: str) -> str | None:
    """A query parameter, trimmed, or None."""
    value = st.query_params.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


MODULE_PAGE = "arrowhead/ui/module_page.py"
QUIZ_PAGE = "arrowhead/ui/quiz_page.py"
REVIEW_PAGE = "arrowhead/ui/review_page.py"
MAP_PAGE = "arrowhead/ui/map_page.py"


def place_link(place: Place, label: str, key: str | None = None) -> None:
    """A link to a section of a module, or to a module's quiz."""
    if place.kind == "quiz":
        st.page_link(
            QUIZ_PAGE, label=label, icon=":material/quiz:", query_params={"quiz": place.item_id}
        )
    else:
        st.page_link(
            MODULE_PAGE,
            label=label,
            icon=":material/menu_book:",
            query_params={"module": place.module_id, "section": place.item_id},
        )


def back_to_course(message: str) -> None:
    """Stop the page with a plain message and a way back, for a link that leads nowhere."""
    st.error(message)
    st.page_link(MAP_PAGE, label="Back to the course", icon=":material/map:")
    st.stop()


def percent(value: float | None) -> str:
    """A score or share as a whole percent, or a dash."""
    return "–" if value is None else f"{value:.0f}%"


def note_place(user: User, place: Place) -> None:
    """Remember where the learner is for Continue; written only when it changes."""
    if st.session_state.get("_arrowhead_place") != place:
        learning.save_place(database(), user.id, place.kind, place.module_id, place.item_id, now())
        st.session_state["_arrowhead_place"] = place


STYLE_NAMES = {
    "transactional": "Transactional",
    "traditional": "Traditional",
    "partnership": "Partnership",
}


def option_feedback(scenario: Scenario, option_id: str, points: int) -> None:
    """What a choice earned and why, and the best option when it was not chosen."""
    option = scenario.option(option_id)
    best = scenario.best
    if option is None:
        st.info(
            f"The option chosen is no longer in this scenario. It earned {points} of {MAX_POINTS} points."
        )
    else:
        heading = (
            f"**{scenario.letter(option.id)}. {option.text}** — {points} of {MAX_POINTS} points"
        )
        if option.id == best.id:
            st.success(heading + " · the partnership move")
        elif points > 0:
            st.info(heading + " · partial credit")
        else:
            st.error(heading)
        st.markdown(option.feedback)
        st.caption(_tags(option))
    if option is None or option.id != best.id:
        with st.container(border=True):
            st.markdown(f"**Best option — {scenario.letter(best.id)}. {best.text}**")
            st.markdown(best.feedback)
            st.caption(_tags(best))


def _tags(option: Option) -> str:
    tags = f"Style: {STYLE_NAMES[option.style]}"
    if option.behaviour:
        tags += f" · Behaviour: {BEHAVIOUR_NAMES[option.behaviour]}"
    return tags
