"""What every page shares: the session's database, the course, who is signed in, common widgets."""

from __future__ import annotations

import functools
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import altair as alt
import pandas as pd
import streamlit as st
from sqlite_utils import Database

from arrowhead import exports
from arrowhead.accounts import LOGIN_DAYS, User
from arrowhead.course import Course, content_fingerprint, load_course
from arrowhead.lrs import KEY_VARIABLE, SECRET_VARIABLE, Forwarder, LrsConfig
from arrowhead.quizzes import MAX_POINTS, STYLES, Option, Scenario
from arrowhead.scoring import BEHAVIOUR_NAMES, Profile
from arrowhead.settings import Settings, settings_from
from arrowhead.statements import Recorder
from arrowhead.store import accounts, learning
from arrowhead.store import teams as team_store
from arrowhead.store import workshops as workshop_store
from arrowhead.store.database import holder, open_database, prepare_database
from arrowhead.store.learning import Place

_DB_KEY = "_arrowhead_db"


def now() -> datetime:
    """The current time, in UTC; pages pass it down so the layers below never read the clock.

    Under test only (ARROWHEAD_TESTING=1), ARROWHEAD_TEST_NOW (an ISO 8601 time) stands in
    for the clock, so a browser test can start the server "the next day". The one place
    the app reads the time; a served app ignores the variable.
    """
    if os.environ.get("ARROWHEAD_TESTING") == "1" and (
        fixed := os.environ.get("ARROWHEAD_TEST_NOW")
    ):
        moment = datetime.fromisoformat(fixed)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return datetime.now(UTC)


def settings() -> Settings:
    """The paths this server runs on (read from the environment: cheaper than a cache lookup)."""
    return settings_from(os.environ)


# A server serves one file; tests make many, and an evicted holder closes when dropped.
@st.cache_resource(show_spinner=False, max_entries=4)
def _migrated(path: str) -> Database:
    # Cached per process and path: migrations run once at start-up, not per session.
    prepare_database(path)
    # Every-answer files of sessions that ended before the last restart: swept at start-up.
    exports.sweep_old_exports(now())
    # Held open for the server's life: `arrowhead restore` sees the file is in use
    # even when no browser is connected, and refuses to swap it under the app.
    return holder(path)


def database() -> Database:
    """This browser session's own connection; opened on first use."""
    path = str(settings().db_path)
    held = st.session_state.get(_DB_KEY)
    if held is None or held[0] != path:
        _migrated(path)
        st.session_state[_DB_KEY] = (path, open_database(path))
    return st.session_state[_DB_KEY][1]


# A plain LRU cache, shared by every session like st.cache_resource but without
# hashing its arguments on every run: the fingerprint tuple is the key as it is.
@functools.lru_cache(maxsize=4)
def _course(root: str, fingerprint: tuple) -> Course:
    return load_course(Path(root))


def course() -> Course:
    """The course as the files are now: reloaded when an author saves a file."""
    root = settings().content_root
    return _course(str(root), content_fingerprint(root))


def xapi() -> Recorder:
    """Builds the xAPI statements of learning events, stored with each event (arrowhead/statements.py).

    The actors' home page is the server's public address: ARROWHEAD_PUBLIC_URL, else
    the one an admin set, else http://localhost:8501.
    """
    home = (settings().public_url or "").strip() or workshop_store.public_url(database())
    return Recorder(course(), home or DEFAULT_HOME_PAGE)


DEFAULT_HOME_PAGE = "http://localhost:8501"


@st.cache_resource(show_spinner=False)
def _forwarder(
    db_path: str, endpoint: str, key: str | None, secret: str | None, interval: float
) -> Forwarder:
    # Cached per process: one daemon thread per server, however many sessions.
    return Forwarder(db_path, LrsConfig(endpoint, key, secret), interval).start()


def forward_statements() -> None:
    """Start this server's background push of the xAPI outbox, once, if secrets.toml has [lrs].

    [lrs] holds endpoint, and key and secret (else ARROWHEAD_LRS_KEY and
    ARROWHEAD_LRS_SECRET), and may set interval (seconds between pushes, 5).
    A mistake there is logged, never shown on a page: learning goes on, and the
    statements wait in the outbox.
    """
    try:
        if not st.secrets.load_if_toml_exists() or "lrs" not in st.secrets:
            return
        lrs = st.secrets["lrs"]
        endpoint = str(lrs.get("endpoint") or "").strip()
        if not endpoint:
            return
        _forwarder(
            str(settings().db_path),
            endpoint,
            str(lrs.get("key") or os.environ.get(KEY_VARIABLE) or "") or None,
            str(lrs.get("secret") or os.environ.get(SECRET_VARIABLE) or "") or None,
            float(lrs.get("interval", 5)),
        )
    except Exception as err:  # forwarding must never take a page down
        logging.getLogger("arrowhead.lrs").warning("Not forwarding xAPI statements: %s", err)


def _connection_key() -> str | None:
    # Each browser connection opens its own websocket with a fresh key; a token
    # held in session state is only honoured on the connection that made it.
    return _text(st.context.headers.get("Sec-Websocket-Key"))


def _text(value: object) -> str | None:
    # Outside a real browser connection (AppTest) these lookups give no strings.
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class BrowserToken:
    """A secret the browser keeps in a cookie: a login, or a workshop participant's rejoin token.

    Streamlit reads cookies only when a connection opens, so a token made on
    this run is held in session state until the cookie comes back, and only
    for the connection that made it: a browser presenting another browser's
    session id gets neither the cookie nor the held token.
    """

    cookie: str
    days: int
    same_site: str
    """'Strict' for logins; 'Lax' where people arrive by a link from elsewhere (a QR code)."""

    @property
    def _held(self) -> str:
        return "_" + self.cookie

    @property
    def _pending(self) -> str:
        return "_" + self.cookie + "_cookie"

    def current(self) -> str | None:
        """The token held for this connection, else the browser's cookie, else None."""
        held = st.session_state.get(self._held)
        if held and held[1] == _connection_key():
            return held[0]
        return _text(st.context.cookies.get(self.cookie))

    def hold(self, token: str) -> None:
        """Use a new token on this connection now, and have the browser store it."""
        st.session_state[self._held] = (token, _connection_key())
        st.session_state[self._pending] = (token, None)

    def drop(self, dead: str) -> None:
        """Forget a token here, and have the browser delete its cookie if it still holds that
        token: another tab may have signed in since, and the cookie is now its login."""
        st.session_state.pop(self._held, None)
        st.session_state[self._pending] = ("", dead)

    def sync(self) -> None:
        """Write or delete the cookie in the browser, once, after hold or drop."""
        if self._pending not in st.session_state:
            return
        token, dead = st.session_state.pop(self._pending)
        secure = "var secure = location.protocol === 'https:' ? '; Secure' : '';"
        if token:
            action = (
                f"document.cookie = {_js_string(self.cookie + '=' + token)} + "
                f"'; Max-Age={self.days * 24 * 3600}; Path=/; SameSite={self.same_site}' + secure;"
            )
        else:
            action = (
                f"if (document.cookie.split('; ').indexOf({_js_string(self.cookie + '=' + dead)})"
                f" >= 0) document.cookie = {_js_string(self.cookie + '=')} + "
                f"'; Max-Age=0; Path=/; SameSite={self.same_site}' + secure;"
            )
        # Our own script. The tokens are made by the server, but the dead one came
        # back in a cookie, which anything on this host may have set: every value is
        # a JS string literal with <, > and & escaped, so none can end the script.
        st.html(
            f"<script>(function(){{{secure}{action}}})();</script>", unsafe_allow_javascript=True
        )


def _js_string(value: str) -> str:
    """A JavaScript string literal for value, safe inside an HTML script element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


LOGIN = BrowserToken(cookie="arrowhead_login", days=LOGIN_DAYS, same_site="Strict")


def viewer() -> User | None:
    """Who is signed in on this run, checked against the database every run."""
    token = LOGIN.current()
    if not token:
        return None
    user = accounts.user_for_login(database(), token, now())
    if user is None:
        LOGIN.drop(token)  # ended elsewhere, or expired
    return user


def begin_login(user: User) -> None:
    """Start a login for the user on this connection and in the browser's cookie."""
    LOGIN.hold(accounts.start_login(database(), user.id, now()))
    st.rerun()


def forget_login() -> None:
    """End the login in every tab that holds it, and have this browser drop its cookie."""
    token = LOGIN.current()
    if token:
        accounts.end_login(database(), token)
        LOGIN.drop(token)


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


SQLITE_MAX_INTEGER = 2**63 - 1


def query_id(name: str) -> int | None:
    """A query parameter read as a row id, or None when it is missing or not one.

    Only ASCII digits count: str.isdigit() also passes '²', which int() refuses,
    and an id beyond SQLite's integers would fault the query.
    """
    value = query_param(name)
    if value is None or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= SQLITE_MAX_INTEGER else None


MODULE_PAGE = "arrowhead/ui/module_page.py"
QUIZ_PAGE = "arrowhead/ui/quiz_page.py"
REVIEW_PAGE = "arrowhead/ui/review_page.py"
MAP_PAGE = "arrowhead/ui/map_page.py"
FINISH_PAGE = "arrowhead/ui/finish_page.py"
PROGRESS_PAGE = "arrowhead/ui/progress_page.py"
PRACTICE_PAGE = "arrowhead/ui/practice_page.py"
ROLEPLAY_PAGE = "arrowhead/ui/roleplay_page.py"


def place_link(place: Place, label: str, key: str | None = None) -> None:
    """A link to a section of a module, a module's quiz or one of its role-plays."""
    if place.kind == "quiz":
        st.page_link(
            QUIZ_PAGE, label=label, icon=":material/quiz:", query_params={"quiz": place.item_id}
        )
    elif place.kind == "roleplay":
        st.page_link(
            ROLEPLAY_PAGE, label=label, icon=":material/forum:", query_params={"id": place.item_id}
        )
    else:
        st.page_link(
            MODULE_PAGE,
            label=label,
            icon=":material/menu_book:",
            query_params={"module": place.module_id, "section": place.item_id},
        )


def go_to(place: Place) -> NoReturn:
    """Switch to a section of a module, a module's quiz or one of its role-plays."""
    if place.kind == "quiz":
        st.switch_page(QUIZ_PAGE, query_params={"quiz": place.item_id})
    if place.kind == "roleplay":
        st.switch_page(ROLEPLAY_PAGE, query_params={"id": place.item_id})
    st.switch_page(MODULE_PAGE, query_params={"module": place.module_id, "section": place.item_id})


def back_to_course(message: str) -> NoReturn:
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


def onward_button(label: str, key: str, on_click: Callable[..., None], args: tuple) -> None:
    """The primary button that moves a learner on (Next scenario, See your result).

    A form's submit button, not st.button: Streamlit's browser code sends an st.button
    click on a zero-delay timer that waits behind the next paint (about 10 ms in chromium),
    a submit button in the click itself (tests/test_click_browser.py). Without a border
    the form draws nothing of its own.
    """
    with st.form(f"{key}_form", border=False):
        st.form_submit_button(label, key=key, type="primary", on_click=on_click, args=args)


def option_feedback(scenario: Scenario, option_id: str, points: int) -> None:
    """What a choice earned and why, and the best move when it was not chosen.

    Letters follow the scenario's option order: pass it shuffled as the attempt showed it.
    """
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
        # The verdict, its reason and its tags in one element: each element costs the
        # browser its own drawing, and a learner's Submit waits for the last of them.
        body = f"\n\n{option.feedback}\n\n:small[{_tags(option)}]"
        if option.id == best.id:
            st.success(heading + " · the best move" + body)
        elif points > 0:
            st.info(heading + " · partial credit" + body)
        else:
            st.error(heading + body)
    if option is None or option.id != best.id:
        with st.container(border=True):
            st.markdown(
                f"**The best move — {scenario.letter(best.id)}. {best.text}**\n\n"
                f"{best.feedback}\n\n:small[:gray[{_tags(best)}]]"
            )


def _tags(option: Option) -> str:
    tags = f"Style: {STYLE_NAMES[option.style]}"
    if option.behaviour:
        tags += f" · Behaviour: {BEHAVIOUR_NAMES[option.behaviour]}"
    return tags


# ---------------------------------------------------------------- teams (managers and admins)

TEAM_PAGE = "arrowhead/ui/team_page.py"
LEARNER_PAGE = "arrowhead/ui/learner_page.py"
INSIGHT_PAGE = "arrowhead/ui/insight_page.py"
ALL_TEAMS = "All teams"


def require_staff() -> User:
    """The signed-in user if they manage a team or administer; otherwise stop with a plain message."""
    user = require_viewer()
    if not (user.has_role("manager") or user.has_role("admin")):
        st.error("This page is not available to your account.")
        st.stop()
    return user


NO_TEAM_LABEL = "No team"
VANISHED_TEAM = "That team does not exist, or is not yours to see. Pick a team."
# The picker's own id for every team at once: no team has a negative id.
_ALL = -1
# How the picker's choices sit in the address (?team=): a team's id, or one of these.
_TEAM_WORDS = {"all": _ALL, "none": team_store.NO_TEAM}


def _team_from_address(default: int) -> int | None:
    """The picker choice the address names (?team=), the default without one, None if unknown."""
    word = query_param("team")
    if word is None:
        return default
    return _TEAM_WORDS.get(word, query_id("team"))


TEAM_VIEW_PARAMS = ("team", "q", "status", "team_view")
"""What My team keeps in the address: the team, the search, the status filter and the open tab."""


def team_view_params() -> dict[str, str]:
    """My team's state as the address holds it now, to carry to a learner's page and back."""
    return {name: value for name in TEAM_VIEW_PARAMS if (value := query_param(name)) is not None}


def keep_in_address(name: str, value: str) -> None:
    """Write a page's state into the address (?name=value), or drop the name when empty."""
    if value:
        st.query_params[name] = value
    elif name in st.query_params:
        del st.query_params[name]


def team_choice(user: User, key: str) -> int | None:
    """A team picker over the teams the user may see; stops the page when there are none.

    Returns the team id, None for every team at once, or NO_TEAM for the learners
    in no team (both admins only). The choice is held as an id and kept in the
    address (?team=), so a rename never turns it into another team; one that
    vanished gets a plain sentence and no team until the user picks one.
    """
    db = database()
    visible = team_store.teams_for(db, user)
    admin = team_store.is_admin(db, user)
    if not visible and not admin:
        st.info("You do not manage a team yet. An admin can make you the manager of one.")
        st.stop()
    names: dict[int, str] = {_ALL: ALL_TEAMS} if admin and len(visible) > 1 else {}
    names.update({t.id: t.name for t in visible})
    if admin:
        names[team_store.NO_TEAM] = NO_TEAM_LABEL
    if key not in st.session_state:
        st.session_state[key] = _team_from_address(visible[0].id if visible else team_store.NO_TEAM)
    # Read before the widget: the browser sends back the label it showed, and reading the
    # value now turns that label into the id it stood for, before a rename can change it.
    if st.session_state[key] not in names:
        # Never fall back to another team: a click meant for the old one would act on it.
        st.session_state[key] = None
    picked = st.selectbox(
        "Team", list(names), format_func=names.__getitem__, key=key, placeholder="Pick a team"
    )
    if picked is None:
        st.warning(VANISHED_TEAM)
        st.stop()
    st.query_params["team"] = next((w for w, t in _TEAM_WORDS.items() if t == picked), str(picked))
    return None if picked == _ALL else picked


def style_chart(profile: Profile) -> None:
    """The share of choices per sales style, as a bar chart."""
    data = pd.DataFrame(
        [{"Style": STYLE_NAMES[s], "Share": share} for s, share in profile.styles.items()]
    )
    st.altair_chart(
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("Share:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("Style:N", sort=list(STYLE_NAMES.values()), title=None),
            # The same colour per style as the fit chart.
            color=alt.Color(
                "Style:N", scale=alt.Scale(domain=list(STYLE_NAMES.values())), legend=None
            ),
            tooltip=[alt.Tooltip("Share:Q", format=".0%")],
        ),
        width="stretch",
    )
    in_words(
        ", ".join(f"{STYLE_NAMES[s]} {percent(100 * share)}" for s, share in profile.styles.items())
        + " of the choices."
    )


IN_WORDS = "In words: "
"""How every chart's text equivalent starts, so a screen reader's user knows what it is."""


def in_words(sentence: str) -> None:
    """A chart's text equivalent, right under it: what the chart shows, as a sentence."""
    st.caption(IN_WORDS + sentence)


FIT_EXPLAINED = (
    "How fit is worked out: every scenario's best move has a style, and that is the style the "
    "situation called for. A choice fits when its style is the one called for, whatever its "
    "points. The fallback is the style chosen most often when a choice did not fit. Scenarios "
    "no longer in the course are left out."
)


def fit_section(profile: Profile, chart: bool = True) -> None:
    """The fit of the choices to each situation: fit share, fallback style, a chart (unless the
    page draws it elsewhere), how it is worked out."""
    if not profile.judged:
        st.caption("None of these choices is on a scenario the course still has.")
        return
    fit_col, fallback_col = st.columns(2)
    fit_col.metric(
        "Fitted the situation",
        percent(100 * profile.fit if profile.fit is not None else None),
        help=f"{profile.fitted} of {profile.judged} choices",
    )
    fallback = profile.fallback
    misfits = profile.judged - profile.fitted
    fallback_col.metric(
        "Fallback style",
        STYLE_NAMES[fallback] if fallback else "none",
        help=(
            f"Chosen {profile.misfits[fallback]} times of the {misfits} choices that did not fit"
            if fallback
            else "Every choice fitted the situation"
        ),
    )
    if chart:
        fit_chart(profile)
    st.caption(FIT_EXPLAINED)


def fit_chart(profile: Profile) -> None:
    """For each style a situation called for, the share of choices made in each style."""
    rows = []
    for called in STYLES:
        chosen = profile.called_for[called]
        total = sum(chosen.values())
        for style in STYLES:
            if total and chosen[style]:
                rows.append(
                    {
                        "Called for": STYLE_NAMES[called],
                        "Chosen": STYLE_NAMES[style],
                        "Share": chosen[style] / total,
                        "Choices": f"{chosen[style]} of {total}",
                        "Fits": "fits" if style == called else "does not fit",
                        # The fitting part of each bar comes first, from the left.
                        "Order": 0 if style == called else 1 + STYLES.index(style),
                    }
                )
    names = [STYLE_NAMES[s] for s in STYLES]
    st.altair_chart(
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            x=alt.X(
                "Share:Q",
                title="Share of the choices",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
                stack="zero",
            ),
            y=alt.Y("Called for:N", sort=names, title="When the situation called for"),
            color=alt.Color(
                "Chosen:N",
                scale=alt.Scale(domain=names),
                sort=names,
                legend=alt.Legend(orient="bottom", title="Style chosen"),
            ),
            order=alt.Order("Order:Q", sort="ascending"),
            tooltip=[
                "Called for",
                "Chosen",
                "Choices",
                "Fits",
                alt.Tooltip("Share:Q", format=".0%"),
            ],
        )
        # A band per called-for style, not a full-height chart for one bar.
        .properties(height=alt.Step(36)),
        width="stretch",
    )
    lines = []
    for called in STYLES:
        chosen = profile.called_for[called]
        if total := sum(chosen.values()):
            picks = ", ".join(
                f"{STYLE_NAMES[style].lower()} {chosen[style]} of {total}"
                + (" (fits)" if style == called else "")
                for style in sorted(STYLES, key=lambda s: s != called)
                if chosen[style]
            )
            lines.append(f"when the situation called for {STYLE_NAMES[called].lower()}: {picks}")
    if lines:
        in_words("; ".join(lines).capitalize() + ".")


def behaviour_chart(profile: Profile) -> None:
    """Strength in each behaviour, as a bar chart, or a line saying none was measured."""
    data = pd.DataFrame(
        [
            {"Behaviour": BEHAVIOUR_NAMES[b].capitalize(), "Strength": value}
            for b, value in profile.behaviours.items()
            if value is not None
        ]
    )
    if data.empty:
        st.caption("No answer so far exercised one of the four behaviours.")
        return
    st.altair_chart(
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("Strength:Q", title="Score (%)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("Behaviour:N", title=None),
            tooltip=[alt.Tooltip("Strength:Q", format=".0f")],
        ),
        width="stretch",
    )
    in_words(
        ", ".join(f"{row.Behaviour} {percent(row.Strength)}" for row in data.itertuples()) + "."
    )


def literal(text: str) -> str:
    """Text shown as written where Markdown is read (st.table's cells, plain_table): every ASCII
    punctuation mark escaped."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def plain_table(rows: list[dict[str, object]]) -> None:
    """A small table drawn as one Markdown element, every cell shown literally, on one line.

    Lighter in a browser than st.table, which draws each cell as its own Markdown element,
    and than st.dataframe, whose grid costs a page's first load about 300 ms of CPU.
    For the course's and the app's own words and figures only: learner-entered text (names,
    notes) is never drawn through Markdown, escaped or not; it goes in st.dataframe or st.text.
    """
    if not rows:
        return

    def cells(values: list[object]) -> str:
        return "| " + " | ".join(literal(" ".join(str(v).split())) for v in values) + " |"

    columns = list(rows[0])
    lines = [cells(list(columns)), "|" + "---|" * len(columns)]
    lines += [cells([row[c] for c in columns]) for row in rows]
    st.markdown("\n".join(lines))


def moment(value: datetime | str | None) -> str:
    """A stored time as 'YYYY-MM-DD HH:MM', or a dash."""
    if value is None:
        return "–"
    text = value.isoformat() if isinstance(value, datetime) else value
    return text[:16].replace("T", " ")


def csv_download(label: str, text: str | Callable[[], str], file_name: str, key: str) -> None:
    """A button that downloads CSV text (built with teams.csv_text, so formulas are defused).

    Given a function instead of text, the file is built only when the button is clicked.
    """
    st.download_button(
        label,
        data=text.encode("utf-8") if isinstance(text, str) else lambda: text().encode("utf-8"),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        key=key,
        on_click="ignore",
    )


def invite_link(code: str) -> str:
    """The link that signs a newcomer up into the team with this invite code."""
    parts = urlsplit(st.context.url or "")
    base = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return f"{base}/?join={code}"
