"""Past workshops: each one's summary per scenario (first vote against revote), as a table and a
CSV, and for each role-play the route the room took: the votes at each step, the option
followed, the facilitator's overrides and the ending."""

import pandas as pd
import streamlit as st

from arrowhead.store import workshops as store
from arrowhead.ui import components
from arrowhead.ui import workshop_parts as parts
from arrowhead.workshop_roleplays import chosen_note, letter
from arrowhead.workshops import DeckEntry, summarise, summary_csv, summary_table


def route(
    position: int, play: parts.LiveRoleplay, votes: dict[tuple[int, int], dict[int, dict[str, int]]]
) -> None:
    """The route the room took through a role-play: each step, its votes, the option followed
    and who chose it, then the ending."""
    if not play.moves:
        st.caption("The room made no decision in this role-play.")
    for move in play.moves:
        step = play.shown(move.step_id)
        rounds = votes.get((position, move.number), {})
        followed = rounds.get(move.round, {})
        with st.container(border=True):
            if step is None:
                st.caption(f"Step {move.number + 1} is no longer in the role-play.")
                continue
            st.markdown(f"**Step {move.number + 1}.** {step.question}")
            choices = parts.step_choices(step)
            if move.round > 1:
                st.caption("First vote — " + parts.choices_tally_line(choices, rounds.get(1, {})))
                st.caption("Revote — " + parts.choices_tally_line(choices, followed))
            else:
                st.caption("Votes — " + parts.choices_tally_line(choices, followed))
            option = step.option(move.option_id)
            text = option.text if option else move.option_id
            note = chosen_note(move, step, sum(followed.values()))
            st.markdown(
                f"Followed **{letter(step, move.option_id)}.** {text} — {note} "
                f"({move.points} of 10 points)"
            )
    last = play.last
    if last is not None and last.ended:
        ending = play.roleplay.ending(last.leads_to)
        title = ending.title if ending else last.leads_to
        st.success(f"Ending: {title} ({last.ending_points} of 10)")
        if ending:
            st.markdown(ending.outcome)
    else:
        st.caption("The room did not reach an ending.")


def _share(share: float | None) -> float | None:
    """A 0–1 share as a percent for components.percent."""
    return None if share is None else 100 * share


user = parts.require_facilitator()
db = components.database()
course = components.course()

st.title("Workshops", anchor=False)
workshops = store.workshops_of(db, user, components.now())
if not workshops:
    st.info("No workshops yet. Start one from a deck.")
    st.page_link(parts.DECK_PAGE, label="Workshop decks", icon=":material/style:")
    st.stop()

chosen = parts.workshop_param(user)
by_id = {w.id: w for w in workshops}
# Deck names are facilitators' text: a select box shows options as plain text.
picked = st.selectbox(
    "Workshop",
    options=list(by_id),
    index=list(by_id).index(chosen.id) if chosen and chosen.id in by_id else 0,
    format_func=lambda workshop_id: (
        f"{by_id[workshop_id].title} · {by_id[workshop_id].started_at[:10]} · "
        f"code {by_id[workshop_id].join_code} · "
        + ("ended" if by_id[workshop_id].stage.ended else "live")
    ),
    key="history_workshop",
)
workshop = by_id[picked]
if not workshop.stage.ended:
    st.page_link(
        parts.FACILITATE_PAGE,
        label="This workshop is live: open its controls",
        icon=":material/tune:",
        query_params={"workshop": str(workshop.id)},
    )

votes = store.votes_by_round(db, user, workshop.id)
# In the Workshop's own option order: the letters the room saw.
summaries = [
    summarise(
        position,
        entry.quiz_id,
        entry.scenario_id,
        parts.shown_scenario(course, workshop, position),
        votes.get(position, {}),
    )
    for position, entry in enumerate(workshop.entries)
    if isinstance(entry, DeckEntry)
]
roleplays = [
    position for position, entry in enumerate(workshop.entries) if not isinstance(entry, DeckEntry)
]
joined = len(store.participants_of(db, user, workshop.id))
plays = f" · {len(roleplays)} role-play{'' if len(roleplays) == 1 else 's'}" if roleplays else ""
st.caption(f"{joined} joined · {len(summaries)} scenarios{plays}")

if roleplays:
    st.subheader("Role-plays: the route the room took", anchor=False)
    step_votes = store.roleplay_votes(db, user, workshop.id)
    for position in roleplays:
        play = parts.live_roleplay(course, workshop, position)
        if play is None:
            st.caption(f"{position + 1}. A role-play no longer in the course.")
            continue
        with st.expander(f"{position + 1}. {play.roleplay.title}", expanded=True):
            route(position, play, step_votes)
if not summaries:
    st.stop()

st.subheader("Summary per scenario", anchor=False)
table = pd.DataFrame(summary_table(summaries))
st.dataframe(
    table[
        [
            "Position",
            "Title",
            "Best move",
            "First vote: voters",
            "First vote: chose best (%)",
            "Revote: voters",
            "Revote: chose best (%)",
        ]
    ],
    hide_index=True,
    width="stretch",
)
st.download_button(
    "Download the summary (CSV)",
    data=summary_csv(summaries),
    file_name=f"workshop-{workshop.join_code}-{workshop.started_at[:10]}.csv",
    mime="text/csv",
    key="history_csv",
)

for item in summaries:
    scenario = item.scenario
    title = scenario.title if scenario else "No longer in the course"
    with st.expander(f"{item.position + 1}. {title}"):
        if scenario is None:
            st.caption(f"{item.first.voters} voted on it.")
            continue
        rounds = {"First vote": dict(item.first.counts)}
        if item.revote is not None:
            rounds["Revote"] = dict(item.revote.counts)
        st.altair_chart(parts.votes_chart(scenario, rounds, revealed=True), width="stretch")
        st.caption(parts.votes_in_words(scenario, rounds))
        for option in scenario.options:
            st.markdown(f"**{scenario.letter(option.id)}.** {option.text}")
        st.caption(
            f"Chose the best move: {components.percent(_share(item.best_share_first))} "
            f"on the first vote"
            + (
                f", {components.percent(_share(item.best_share_revote))} on the revote"
                if item.revote
                else ""
            )
        )
