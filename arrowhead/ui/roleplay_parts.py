"""Role-play pieces shared by the role-play page, My progress and a learner's page.

Everything shown here is the course author's text (Markdown) or stored ids and numbers:
no learner-entered text.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from arrowhead.quizzes import MAX_POINTS
from arrowhead.roleplays import Ending, Roleplay, RoleplayOption
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


def route_table(roleplay: Roleplay, choices: list[StoredChoice]) -> None:
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
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
