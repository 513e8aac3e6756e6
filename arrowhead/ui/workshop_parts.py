"""What the workshop pages share: the facilitator check, the participant's rejoin token,
the join link and its QR code, and the vote chart."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode, urlsplit

import altair as alt
import pandas as pd
import segno
import streamlit as st

from arrowhead.accounts import User, new_login_token
from arrowhead.course import Course
from arrowhead.quizzes import Scenario
from arrowhead.store import workshops as store
from arrowhead.ui import components
from arrowhead.workshops import DeckEntry, WorkshopError, can_facilitate

DECK_PAGE = "arrowhead/ui/deck_page.py"
FACILITATE_PAGE = "arrowhead/ui/facilitate_page.py"
PROJECTOR_PAGE = "arrowhead/ui/projector_page.py"
JOIN_PAGE = "arrowhead/ui/join_page.py"
HISTORY_PAGE = "arrowhead/ui/workshops_history_page.py"
JOIN_PATH = "join"
"""The join page's url_path: course_app.py gives it this path in both navigations."""
PROJECTOR_PATH = "projector"
FACILITATE_PATH = "facilitate"

# Lax: a phone arriving from a QR code scan is a cross-site navigation.
PARTICIPANT = components.BrowserToken(cookie="arrowhead_participant", days=30, same_site="Lax")


def require_facilitator() -> User:
    """The signed-in user if they may run workshops; otherwise stop with a plain message."""
    user = components.require_viewer()
    if not can_facilitate(user):
        st.error("Workshops are run by facilitators. This page is not available to your account.")
        st.stop()
    return user


def facilitator_still() -> User:
    """The signed-in facilitator, checked again on a fragment's own rerun.

    A self-refreshing fragment does not rerun the page, so it would otherwise go
    on as whoever was signed in when the page was opened; if that login has
    ended or the role gone, the whole app reruns and shows what they may see now.
    """
    user = components.viewer()
    if user is None or not can_facilitate(user):
        st.rerun()
    return user


def workshop_param(user: User) -> store.Workshop | None:
    """The Workshop named by ?workshop= if the user ran it; None if none is named.

    A tampered or foreign id stops the page with a plain message.
    """
    if components.query_param("workshop") is None:
        return None
    # query_id refuses what is not an id SQLite can hold: that is no workshop either.
    workshop_id = components.query_id("workshop")
    try:
        if workshop_id is not None:
            return store.workshop_for(components.database(), user, workshop_id)
    except WorkshopError:
        pass
    st.error(store.NO_SUCH_WORKSHOP)
    st.page_link(HISTORY_PAGE, label="Your workshops", icon=":material/groups:")
    st.stop()


def participant_token(create: bool = False) -> str | None:
    """This browser's rejoin token; with create, a browser without one gets a fresh one.

    The cookie is written on this run, so a reload or a lost connection
    rejoins as the same participant.
    """
    token = PARTICIPANT.current()
    if token is None and create:
        token = new_login_token()
        PARTICIPANT.hold(token)
    return token


def app_base_url(page_path: str) -> str:
    """Where this app is served, as the browser sees it, from a page at page_path."""
    url = st.context.url
    if isinstance(url, str) and url:
        parts = urlsplit(url)
        # st.context.url ends with the current page's path; the base is what is before it.
        path = parts.path.rstrip("/").removesuffix("/" + page_path)
        return f"{parts.scheme}://{parts.netloc}{path}"
    host = st.context.headers.get("Host")
    return f"http://{host}" if isinstance(host, str) and host else ""


def join_url(code: str, page_path: str) -> str:
    """The link participants open: the join page with the code filled in."""
    return f"{app_base_url(page_path)}/{JOIN_PATH}?{urlencode({'code': code})}"


def qr_png(url: str) -> bytes:
    """A QR code of the link, made here (segno), as PNG bytes."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=12, border=2)
    return buffer.getvalue()


def scenario_at(course: Course, entry: DeckEntry) -> Scenario | None:
    """The deck entry's scenario, or None if it has since been removed from the course."""
    return course.scenario(entry.quiz_id, entry.scenario_id)


def option_label(scenario: Scenario, option_id: str) -> str:
    """An option as shown in the room: its letter and text."""
    option = scenario.option(option_id)
    return f"{scenario.letter(option_id)}. {option.text}" if option else "?"


def tally_line(scenario: Scenario, votes: dict[str, int]) -> str:
    """The votes as one line of text beside the chart, for screen readers and tests."""
    return " · ".join(f"{scenario.letter(o.id)}: {votes.get(o.id, 0)}" for o in scenario.options)


def votes_chart(
    scenario: Scenario,
    rounds: dict[str, dict[str, int]],
    revealed: bool,
    large: bool = False,
) -> alt.Chart:
    """A bar per option (grouped by round when there was a revote); the best option marked once revealed."""
    letters: list[str] = []
    rows: list[dict[str, str | int]] = []
    for round_name, votes in rounds.items():
        for option in scenario.options:
            letter = scenario.letter(option.id)
            if revealed and option.id == scenario.best.id:
                letter += " ✓"
            if letter not in letters:
                letters.append(letter)
            rows.append({"Option": letter, "Round": round_name, "Votes": votes.get(option.id, 0)})
    data = pd.DataFrame(rows)
    top = max([1, *(count for votes in rounds.values() for count in votes.values())])
    size = 26 if large else 14
    encoding: dict[str, Any] = {
        "x": alt.X("Option:N", sort=letters, title=None, axis=alt.Axis(labelAngle=0)),
        "y": alt.Y(
            "Votes:Q", title="Votes", scale=alt.Scale(domain=[0, top]), axis=alt.Axis(tickMinStep=1)
        ),
        "tooltip": ["Option", "Round", "Votes"],
    }
    if len(rounds) > 1:
        encoding["color"] = alt.Color(
            "Round:N", sort=list(rounds), legend=alt.Legend(orient="top", title=None)
        )
        encoding["xOffset"] = alt.XOffset("Round:N", sort=list(rounds))
    bars = alt.Chart(data).mark_bar().encode(**encoding)
    return (
        bars.properties(height=360 if large else 240)
        .configure_axis(labelFontSize=size, titleFontSize=size * 0.7)
        .configure_legend(labelFontSize=size * 0.7)
    )
