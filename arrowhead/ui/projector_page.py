"""The projector: the join screen, then each scenario in large type with the room's votes."""

import streamlit as st

from arrowhead.store import workshops as store
from arrowhead.ui import components
from arrowhead.ui import workshop_parts as parts
from arrowhead.workshops import JOIN_SCREEN

# Our own constant style sheet, with no user or author text in it: type large
# enough to read from the back of a room.
PROJECTOR_STYLE = """<style>
.stMainBlockContainer p, .stMainBlockContainer li { font-size: 1.7rem; line-height: 1.35; }
.stMainBlockContainer h1 { font-size: 3.2rem; }
.stMainBlockContainer h2, .stMainBlockContainer h3 { font-size: 2.4rem; }
.stMainBlockContainer [data-testid="stCaptionContainer"] p { font-size: 1.3rem; }
.stMainBlockContainer [data-testid="stMetricValue"] { font-size: 3rem; }
</style>"""

# The room needs the whole screen: wide, and the sidebar folded away.
st.set_page_config(layout="wide", initial_sidebar_state="collapsed")
user = parts.require_facilitator()
db = components.database()
course = components.course()
workshop = parts.workshop_param(user)
if workshop is None:
    components.back_to_course("Open the projector view from a live workshop's controls.")
st.html(PROJECTOR_STYLE)
link = parts.join_url(workshop.join_code, parts.PROJECTOR_PATH)


@st.fragment(run_every=1)
def screen(workshop_id: int) -> None:
    """Everything on the projector: redrawn every second from the database."""
    user = parts.facilitator_still()
    live = store.workshop_for(db, user, workshop_id)
    stage = live.stage
    if stage.ended:
        st.title("Thank you for taking part", anchor=False)
        st.caption("This workshop has ended.")
        return
    if stage.position == JOIN_SCREEN:
        count = store.round_count(db, user, live.id, JOIN_SCREEN, 1)
        left, right = st.columns([3, 2], vertical_alignment="center")
        with left:
            st.title("Join the workshop", anchor=False)
            st.markdown("Scan the code with your phone, or open")
            st.code(link, language=None, wrap_lines=True)
            st.markdown("and enter the code")
            st.title(live.join_code, anchor=False)
            st.metric("Joined", count.joined)
        with right:
            st.image(parts.qr_png(link), caption="Scan to join", width="stretch")
        return
    position = stage.position
    scenario = parts.scenario_at(course, live.entries[position])
    count = store.round_count(db, user, live.id, position, stage.round)
    round_note = " · revote" if stage.round > 1 else ""
    st.caption(
        f"Scenario {position + 1} of {len(live.entries)}{round_note} · join at {link} · code {live.join_code}"
    )
    if scenario is None:
        st.title("This scenario is no longer in the course", anchor=False)
        st.markdown("Go on to the next one.")
        return
    st.title(scenario.title, anchor=False)
    st.markdown(scenario.situation)
    st.markdown(f"**{scenario.question}**")
    for option in scenario.options:
        line = f"**{scenario.letter(option.id)}.** {option.text}"
        if stage.revealed and option.id == scenario.best.id:
            st.success(line + " — the partnership move")
        else:
            st.markdown(line)
    joined, voted, status = st.columns(3)
    joined.metric("Joined", count.joined)
    voted.metric("Voted", count.voted)
    status.metric("Voting", "open" if stage.voting_open else "closed")
    if stage.results_shown:
        rounds = {"First vote": count.votes}
        if stage.round > 1:
            first = store.round_count(db, user, live.id, position, 1)
            rounds = {"First vote": first.votes, "Revote": count.votes}
        st.altair_chart(
            parts.votes_chart(scenario, rounds, stage.revealed, large=True), width="stretch"
        )
        st.caption("Votes — " + parts.tally_line(scenario, count.votes))
    if stage.revealed:
        st.header("Why each option works or does not", anchor=False)
        for option in scenario.options:
            with st.container(border=True):
                st.markdown(f"**{scenario.letter(option.id)}. {option.text}**")
                st.markdown(option.feedback)
                st.caption(
                    f"Style: {components.STYLE_NAMES[option.style]} · {option.points} of 10 points"
                )
        if scenario.discussion:
            st.header("Discuss", anchor=False)
            for prompt in scenario.discussion:
                st.markdown(f"- {prompt}")


screen(workshop.id)
