"""Role-play pieces shared by the role-play page, My progress and a learner's page.

Everything shown here is the course author's text (Markdown) or stored ids and numbers:
no learner-entered text.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import streamlit as st
from sqlite_utils import Database

from arrowhead.accounts import User
from arrowhead.course import Course
from arrowhead.quizzes import MAX_POINTS
from arrowhead.roleplays import Ending, Roleplay, RoleplayOption
from arrowhead.store import roleplays as store
from arrowhead.store.roleplays import Run, StoredChoice
from arrowhead.ui import components

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def first_sentence(markdown: str, limit: int = 140) -> str:
    """The first sentence of a step's situation, to name the step in a line."""
    text = " ".join(markdown.split())
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def where_it_leads(roleplay: Roleplay, next_id: str) -> str:
    """Where a move leads, in words: an ending with its points, or the next step's opening."""
    ending = roleplay.ending(next_id)
    if ending is not None:
        return f"the ending “{ending.title}” ({ending.points} of {MAX_POINTS} points)"
    step = roleplay.step(next_id)
    if step is not None:
        return f"a next step: {first_sentence(step.situation)}"
    return "a step no longer in the role-play"


def show_exchange(option: RoleplayOption) -> None:
    """The learner's latest move and the other person's reply, as a conversation."""
    with st.chat_message("user", avatar=":material/person:"):
        st.markdown(f"**You:** {option.text}")
    with st.chat_message("assistant", avatar=":material/record_voice_over:"):
        st.markdown(option.reply)


def show_ending(ending: Ending) -> None:
    """An ending: its title, points and score, what the client did next, and why."""
    heading = f"**{ending.title}** — {ending.points} of {MAX_POINTS} points · score {ending.score}%"
    if ending.good:
        st.success(heading + " · a good ending")
    else:
        st.warning(heading)
    st.markdown("**What happened next**")
    st.markdown(ending.outcome)
    st.markdown("**Why**")
    st.markdown(ending.why)


def show_route(roleplay: Roleplay, choices: list[StoredChoice]) -> None:
    """The route through the conversation: each move with its points, and the road not taken."""
    for number, choice in enumerate(choices, start=1):
        step = roleplay.step(choice.step_id)
        with st.container(border=True):
            st.markdown(f"**Decision {number}**")
            if step is None:
                st.caption(
                    f"This step is no longer in the role-play. The move made there earned "
                    f"{choice.points} of {choice.max_points} points."
                )
                continue
            with st.expander("The situation"):
                st.markdown(step.situation)
                st.markdown(f"*{step.question}*")
            option = step.option(choice.option_id)
            if option is None:
                st.caption(
                    f"The move made here is no longer in the role-play. It earned "
                    f"{choice.points} of {choice.max_points} points."
                )
                continue
            heading = f"**You: {option.text}** — {choice.points} of {choice.max_points} points"
            if choice.points == choice.max_points:
                st.success(heading + " · the best move")
            elif choice.points > 0:
                st.info(heading + " · partly sound")
            else:
                st.error(heading)
            st.caption(
                f"Style: {components.STYLE_NAMES.get(choice.style, choice.style)} · "
                f"it led to {where_it_leads(roleplay, option.next)}"
            )
            st.markdown("*The road not taken*")
            for other in step.options:
                if other.id == option.id:
                    continue
                best = " · the best move" if other.points == MAX_POINTS else ""
                st.markdown(
                    f"- {other.text} — {other.points} of {MAX_POINTS} points{best}; "
                    f"would have led to {where_it_leads(roleplay, other.next)}"
                )


def run_label(roleplay: Roleplay, run: Run) -> str:
    """One line naming a run: when it started, and its ending or that it goes on."""
    when = f"{components.moment(run.started_at)} UTC"
    if not run.finished:
        return f"{when} · in progress"
    ending = roleplay.ending(run.ending_id or "")
    title = ending.title if ending else "an ending no longer in the role-play"
    return f"{when} · {title} · {run.score}%"


def route_table(roleplay: Roleplay, choices: list[StoredChoice], key: str) -> None:
    """A run's moves as a table: the compact path a manager reads."""
    rows = []
    for number, choice in enumerate(choices, start=1):
        step = roleplay.step(choice.step_id)
        option = step.option(choice.option_id) if step else None
        rows.append(
            {
                "Decision": number,
                "Move": option.text if option else choice.option_id,
                "Points": f"{choice.points} of {choice.max_points}",
                "Style": components.STYLE_NAMES.get(choice.style, choice.style),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key=key)


# ---------------------------------------------------------------- lists of runs


def my_roleplays(db: Database, user: User, course: Course) -> None:
    """My progress: each role-play, how the learner's runs ended, and a way to review each."""
    st.subheader("Role-plays", anchor=False)
    if not course.roleplays:
        st.caption("The course has no role-plays yet.")
        return
    for roleplay in course.roleplays:
        runs = store.runs_of(db, user.id, roleplay.id)
        finished = [r for r in runs if r.finished]
        with st.container(border=True):
            st.markdown(f"**{roleplay.title}**")
            if not runs:
                st.caption("Not played yet.")
            elif not finished:
                st.caption("Started, not finished yet.")
            for number, run in reversed(list(enumerate(finished, start=1))):
                st.page_link(
                    components.ROLEPLAY_PAGE,
                    label=f"Review run {number} · " + run_label(roleplay, run),
                    icon=":material/alt_route:",
                    query_params={"run": str(run.id)},
                )
            st.page_link(
                components.ROLEPLAY_PAGE,
                label="Play it" if not runs else "Open the role-play",
                icon=":material/forum:",
                query_params={"id": roleplay.id},
            )


def learner_runs(db: Database, viewer: User, learner_id: int, course: Course) -> None:
    """A learner's page: each role-play run's path, move by move, with a link to its review."""
    st.subheader("Role-plays", anchor=False)
    runs = store.runs_for(db, viewer, learner_id)
    if not runs:
        st.caption("No role-play played yet.")
        return
    numbers: dict[str, int] = {}
    for run in runs:
        numbers[run.roleplay_id] = numbers.get(run.roleplay_id, 0) + 1
        roleplay = course.roleplay(run.roleplay_id)
        if roleplay is None:
            continue  # a role-play no longer in the course
        # Lazy: a learner with a dozen runs made a dozen tables on every load of the page;
        # a run's path is read and drawn only while its expander is open.
        folded = st.expander(
            f"{roleplay.title} — run {numbers[run.roleplay_id]} · {run_label(roleplay, run)}",
            key=f"learner_run_{run.id}_open",
            on_change="rerun",
        )
        with folded:
            # The link too: a folded expander shows nothing of what it holds, and every
            # element drawn costs the browser its own work.
            if folded.open:
                choices = store.visible_choices(db, viewer, run.id)
                if choices:
                    route_table(roleplay, choices, key=f"learner_run_{run.id}")
                else:
                    st.caption("No move made yet.")
                st.page_link(
                    components.ROLEPLAY_PAGE,
                    label="Open the review of this run",
                    icon=":material/alt_route:",
                    query_params={"run": str(run.id)},
                )


# ---------------------------------------------------------------- the team's endings


def ending_spread_section(db: Database, viewer: User, team_id: int | None, course: Course) -> None:
    """Per role-play, how the team's finished runs spread over its endings: a table, and a chart
    when asked."""
    st.header("Role-plays", anchor=False)
    if not course.roleplays:
        st.caption("The course has no role-plays yet.")
        return
    st.caption(
        "Every finished self-paced run by the team's active learners, counted by the ending it "
        "reached. Endings are listed from the best outcome down."
    )
    for roleplay in course.roleplays:
        spread = store.ending_spread(db, viewer, team_id, roleplay.id)
        total = sum(spread.values())
        with st.container(border=True):
            st.subheader(roleplay.title, anchor=False)
            if not total:
                st.caption("No finished runs in this team yet.")
                continue
            st.caption(f"{total} finished run{'' if total == 1 else 's'}.")
            endings = sorted(roleplay.endings, key=lambda e: -e.points)
            rows = [
                {
                    "Ending": e.title,
                    "Points": e.points,
                    "Good ending": "yes" if e.good else "no",
                    "Runs": spread.get(e.id, 0),
                    "Share": 100 * spread.get(e.id, 0) / total,
                }
                for e in endings
            ]
            frame = pd.DataFrame(rows)
            # Lazy: the chart is built and drawn only while its expander is open. Six charts
            # drawn at once were a third of the browser's work on Scenario insight, and
            # Altair's checks most of the page's run on the server; the table stays in view.
            folded = st.expander(
                "The endings as a chart",
                key=f"roleplay_spread_{roleplay.id}_chart",
                on_change="rerun",
            )
            with folded:
                if folded.open:
                    st.altair_chart(ending_chart(frame, endings), width="stretch")
            # The same figures as text, for screen readers and for reading exact numbers: a
            # plain table, as Scenario insight's others are (no grid to load in the browser).
            st.table(
                frame.assign(
                    Ending=[components.literal(title) for title in frame["Ending"]],
                    Share=[f"{share:.0f}%" for share in frame["Share"]],
                ),
                hide_index=True,
            )


def ending_chart(frame: pd.DataFrame, endings: list[Ending]) -> alt.Chart:
    """The runs per ending as bars, good endings green, the best ending first."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("Runs:Q", title="Finished runs", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("Ending:N", sort=[e.title for e in endings], title=None),
            color=alt.Color(
                "Good ending:N",
                scale=alt.Scale(domain=["yes", "no"], range=["#2e7d32", "#b26a00"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["Ending", "Points", "Runs"],
        )
    )
