"""Past workshops: each one's summary per scenario (first vote against revote), as a table and a CSV."""

import pandas as pd
import streamlit as st

from arrowhead.store import workshops as store
from arrowhead.ui import components
from arrowhead.ui import workshop_parts as parts
from arrowhead.workshops import summarise, summary_csv, summary_table


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
]
joined = len(store.participants_of(db, user, workshop.id))
st.caption(f"{joined} joined · {len(summaries)} scenarios")

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
