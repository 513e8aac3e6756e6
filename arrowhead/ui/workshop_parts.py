"""What the workshop pages share: the facilitator check, the participant's rejoin token,
the join link and its QR code, the Workshop's option order, the vote chart, and where
the room is in a live role-play."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import altair as alt
import pandas as pd
import segno
import streamlit as st

from arrowhead.accounts import User, new_login_token
from arrowhead.course import Course
from arrowhead.quizzes import Scenario
from arrowhead.roleplays import Ending, Roleplay, Step
from arrowhead.store import workshops as store
from arrowhead.ui import components
from arrowhead.workshop_roleplays import Move, chosen_note, letter, place, shown_step
from arrowhead.workshops import (
    DeckItem,
    RoleplayEntry,
    WorkshopError,
    can_facilitate,
    clean_public_url,
)

DECK_PAGE = "arrowhead/ui/deck_page.py"
FACILITATE_PAGE = "arrowhead/ui/facilitate_page.py"
PROJECTOR_PAGE = "arrowhead/ui/projector_page.py"
JOIN_PAGE = "arrowhead/ui/join_page.py"
HISTORY_PAGE = "arrowhead/ui/workshops_history_page.py"
ADDRESS_PAGE = "arrowhead/ui/admin_address_page.py"
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
            return store.workshop_for(components.database(), user, workshop_id, components.now())
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


def environment_public_url() -> str | None:
    """ARROWHEAD_PUBLIC_URL as a usable address, or None when unset or not an address."""
    try:
        return clean_public_url(components.settings().public_url)
    except WorkshopError:
        return None


def public_base(page_path: str) -> str:
    """The address phones open: ARROWHEAD_PUBLIC_URL, else the one an admin set, else the
    address this browser used (which is localhost when the app was opened as ./run prints)."""
    return (
        environment_public_url()
        or store.public_url(components.database())
        or app_base_url(page_path)
    )


def join_url(code: str, page_path: str) -> str:
    """The link participants open: the join page with the code filled in."""
    return f"{public_base(page_path)}/{JOIN_PATH}?{urlencode({'code': code})}"


LOOPBACK_WARNING = (
    "Phones cannot open this link: it points at this computer itself. Set the server's "
    "public address (the one phones on the room's network reach it at) before the room "
    "joins: an admin can under Admin → Server address, or start the app with "
    "ARROWHEAD_PUBLIC_URL set."
)


def qr_png(url: str) -> bytes:
    """A QR code of the link, made here (segno), as PNG bytes."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=12, border=2)
    return buffer.getvalue()


def scenario_at(course: Course, entry: DeckItem) -> Scenario | None:
    """The deck entry's scenario in file order, or None if it has since left the course
    (or the entry is a role-play)."""
    if isinstance(entry, RoleplayEntry):
        return None
    return course.scenario(entry.quiz_id, entry.scenario_id)


def roleplay_at(course: Course, entry: DeckItem) -> Roleplay | None:
    """The deck entry's role-play, or None if it has since left the course (or is a scenario)."""
    return course.roleplay(entry.roleplay_id) if isinstance(entry, RoleplayEntry) else None


@dataclass(frozen=True)
class LiveRoleplay:
    """Where the room is in a role-play of a Workshop, options in the Workshop's order."""

    roleplay: Roleplay
    moves: tuple[Move, ...]
    """The decisions made so far: the route."""
    step: Step | None
    """The step voted on now; None once the route has reached an ending (or lost its way)."""
    ending: Ending | None
    """The ending the route reached, or None."""
    seed: int | None

    def shown(self, step_id: str) -> Step | None:
        """A step of the role-play, its options in the Workshop's order; None if it is gone."""
        step = self.roleplay.step(step_id)
        return shown_step(step, self.seed, self.roleplay.id) if step else None

    def reply(self, move: Move) -> str:
        """What the other person said or did after the move ('' if the role-play lost it)."""
        step = self.roleplay.step(move.step_id)
        option = step.option(move.option_id) if step else None
        return option.reply if option else ""

    @property
    def last(self) -> Move | None:
        """The latest decision, whose reply the room sees above the step or the ending."""
        return self.moves[-1] if self.moves else None


def live_roleplay(course: Course, workshop: store.Workshop, position: int) -> LiveRoleplay | None:
    """The role-play at position with the room's route so far; None if it has left the course."""
    roleplay = roleplay_at(course, workshop.entries[position])
    if roleplay is None:
        return None
    moves = tuple(store.moves_of(components.database(), workshop.id, position))
    step, ending = place(roleplay, moves)
    shown = shown_step(step, workshop.option_seed, roleplay.id) if step else None
    return LiveRoleplay(roleplay, moves, shown, ending, workshop.option_seed)


def step_choices(step: Step) -> list[tuple[str, str]]:
    """A step's (option id, letter) pairs, in the order the room sees them."""
    return [(o.id, letter(step, o.id)) for o in step.options]


def scenario_choices(scenario: Scenario) -> list[tuple[str, str]]:
    """A scenario's (option id, letter) pairs, in the order the room sees them."""
    return [(o.id, scenario.letter(o.id)) for o in scenario.options]


def step_option_label(step: Step, option_id: str) -> str:
    """A role-play option as shown in the room: its letter and text."""
    option = step.option(option_id)
    return f"{letter(step, option_id)}. {option.text}" if option else "?"


def followed_line(live: LiveRoleplay, move: Move, voters: int | None = None) -> str:
    """'Step 2: the room went with B. <text> — overridden by the facilitator (the room chose A)'."""
    step = live.shown(move.step_id)
    option = step.option(move.option_id) if step else None
    text = f"{letter(step, move.option_id)}. {option.text}" if step and option else move.option_id
    return f"Step {move.number + 1}: went with {text} — {chosen_note(move, step, voters)}"


def shown_scenario(course: Course, workshop: store.Workshop, position: int) -> Scenario | None:
    """The Workshop's scenario at position, its options in the Workshop's own order:
    the same letters on every phone, the projector, the controls and the summary."""
    scenario = scenario_at(course, workshop.entries[position])
    return scenario.shuffled(workshop.option_seed) if scenario else None


def option_label(scenario: Scenario, option_id: str) -> str:
    """An option as shown in the room: its letter and text."""
    option = scenario.option(option_id)
    return f"{scenario.letter(option_id)}. {option.text}" if option else "?"


def tally_line(scenario: Scenario, votes: dict[str, int]) -> str:
    """The votes as one line of text beside the chart, for screen readers and tests."""
    return choices_tally_line(scenario_choices(scenario), votes)


def choices_tally_line(choices: Sequence[tuple[str, str]], votes: dict[str, int]) -> str:
    """Votes per lettered option as one line: 'A: 1 · B: 0 · C: 2'."""
    return " · ".join(f"{mark}: {votes.get(option_id, 0)}" for option_id, mark in choices)


def votes_in_words(scenario: Scenario, rounds: dict[str, dict[str, int]]) -> str:
    """The votes chart's text equivalent: the latest round's tally, then any earlier round's."""
    *earlier, (latest, votes) = rounds.items()
    line = "Votes — " + tally_line(scenario, votes)
    if earlier:
        line += f" ({latest.lower()})"
    return line + "".join(f"; {name.lower()} — {tally_line(scenario, v)}" for name, v in earlier)


def voted_line(voted: int, joined: int) -> str:
    """'N of M voted', or that everyone has, for the room to see at a glance."""
    if joined and voted >= joined:
        return f"Everyone has voted ({voted} of {joined})"
    return f"{voted} of {joined} voted"


def voted_bar(voted: int, joined: int) -> None:
    """A bar filling as the room votes, with 'N of M voted' on it."""
    # Our own numbers only: nothing a user typed goes into this Markdown.
    st.progress(min(1.0, voted / joined) if joined else 0.0, text=voted_line(voted, joined))


def voting_line(voting_open: bool, seconds_left: int | None) -> str:
    """Whether voting is open, and for how many more seconds when a countdown runs."""
    if not voting_open:
        return "Voting is closed"
    if seconds_left is None:
        return "Voting is open"
    return f"Voting is open · {seconds_left} s left"


def votes_chart(
    scenario: Scenario,
    rounds: dict[str, dict[str, int]],
    revealed: bool,
    large: bool = False,
) -> alt.LayerChart:
    """A bar per option, labelled with its votes and their share of the round (grouped by
    round when there was a revote); the best move marked once revealed."""
    marked = scenario.best.id if revealed else None
    return choices_chart(scenario_choices(scenario), rounds, marked, large)


def choices_chart(
    choices: Sequence[tuple[str, str]],
    rounds: dict[str, dict[str, int]],
    marked: str | None = None,
    large: bool = False,
) -> alt.LayerChart:
    """A bar per (option id, letter), labelled with its votes and their share of the round
    (grouped by round when there was a revote); the `marked` option gets a ✓.

    The bars run across, one row per letter, so the chart's height grows with the
    number of options only and fits beside the scenario on a projector.
    """
    letters: list[str] = []
    rows: list[dict[str, str | int]] = []
    for round_name, votes in rounds.items():
        voters = sum(votes.get(option_id, 0) for option_id, _ in choices)
        for option_id, mark in choices:
            shown = mark + (" ✓" if option_id == marked else "")
            if shown not in letters:
                letters.append(shown)
            count = votes.get(option_id, 0)
            share = f"{100 * count / voters:.0f}%" if voters else "–"
            rows.append(
                {
                    "Option": shown,
                    "Round": round_name,
                    "Votes": count,
                    "Label": f"{count} · {share}",
                }
            )
    data = pd.DataFrame(rows)
    top = max([1, *(count for votes in rounds.values() for count in votes.values())])
    size = 26 if large else 14
    encoding: dict[str, Any] = {
        "y": alt.Y("Option:N", sort=letters, title=None, axis=alt.Axis(ticks=False, domain=False)),
        # Room to the right of the longest bar for its label.
        "x": alt.X("Votes:Q", title=None, axis=None, scale=alt.Scale(domain=[0, top * 1.35])),
        "tooltip": ["Option", "Round", "Votes", "Label"],
    }
    if len(rounds) > 1:
        encoding["color"] = alt.Color(
            "Round:N", sort=list(rounds), legend=alt.Legend(orient="top", title=None)
        )
        encoding["yOffset"] = alt.YOffset("Round:N", sort=list(rounds))
    base = alt.Chart(data).encode(**encoding)
    bars = base.mark_bar()
    labels = base.mark_text(align="left", baseline="middle", dx=6, fontSize=size * 0.8).encode(
        text="Label:N", color=alt.value("#31333F")
    )
    band = (56 if large else 34) * len(choices)
    return (
        alt.layer(bars, labels)
        .properties(height=band)
        .configure_axis(labelFontSize=size, titleFontSize=size * 0.7)
        .configure_legend(labelFontSize=size * 0.7)
        .configure_view(stroke=None)
    )
