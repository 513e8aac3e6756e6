"""Joining a workshop from a phone: the code, a nickname, then vote on each scenario and see the feedback."""

import streamlit as st

from arrowhead.scoring import grade_answer
from arrowhead.store import workshops as store
from arrowhead.ui import components
from arrowhead.ui import workshop_parts as parts
from arrowhead.workshops import JOIN_SCREEN, MAX_NICKNAME, WorkshopError, clean_join_code

MESSAGE_KEY = "join_message"

db = components.database()
course = components.course()
viewer = components.viewer()
parts.PARTICIPANT.sync()

typed = components.query_param("code")
workshop = None
participant = None
problem = None
if typed is not None:
    try:
        workshop = store.workshop_by_code(db, clean_join_code(typed))
    except WorkshopError as err:
        problem = str(err)
if workshop is not None:
    if viewer is not None:
        participant = store.participant_for_user(db, workshop.id, viewer.id)
    else:
        token = parts.participant_token()
        participant = store.participant_by_token(db, workshop.id, token) if token else None


def vote(participant: store.Participant, position: int, round_: int, option_id: str) -> None:
    """Cast a vote; a refusal (voting closed, the room moved on) is shown as a plain message."""
    live = store.live_view(db, participant.workshop_id)
    scenario = parts.scenario_at(course, live.entries[position]) if live else None
    try:
        if scenario is None or scenario.option(option_id) is None:
            raise WorkshopError("That option is no longer on this scenario.")
        store.cast_vote(
            db, participant, position, round_, grade_answer(scenario, option_id), components.now()
        )
    except WorkshopError as err:
        st.session_state[MESSAGE_KEY] = str(err)


@st.fragment(run_every=2)
def room(participant: store.Participant) -> None:
    """What the phone shows: follows the facilitator within two seconds."""
    live = store.live_view(db, participant.workshop_id)
    if live is None or live.stage.ended:
        st.info(store.ENDED)
        return
    stage = live.stage
    st.caption(f"Workshop {live.join_code} · you are")
    # Entered by the participant: plain text, never Markdown or HTML.
    st.text(participant.nickname)
    if stage.position == JOIN_SCREEN:
        st.success("You're in. The first scenario appears here when the facilitator starts.")
        return
    scenario = parts.scenario_at(course, live.entries[stage.position])
    round_note = " · revote" if stage.round > 1 else ""
    st.caption(f"Scenario {stage.position + 1} of {len(live.entries)}{round_note}")
    if scenario is None:
        st.warning("This scenario is no longer in the course. Wait for the next one.")
        return
    st.subheader(scenario.title, anchor=False)
    st.markdown(scenario.situation)
    st.markdown(f"**{scenario.question}**")
    mine = store.votes_of(db, participant.id, stage.position)
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        st.warning(message)
    if stage.revealed:
        final = mine.get(2, mine.get(1))
        option = scenario.option(final) if final else None
        if option is None:
            st.info("You did not vote on this one. Here is the best option.")
            components.option_feedback(scenario, scenario.best.id, scenario.best.points)
        else:
            st.caption("Your vote, and why it works or does not:")
            components.option_feedback(scenario, option.id, option.points)
        return
    current = mine.get(stage.round)
    for option in scenario.options:
        st.button(
            parts.option_label(scenario, option.id),
            key=f"vote_{stage.position}_{stage.round}_{option.id}",
            type="primary" if option.id == current else "secondary",
            disabled=not stage.voting_open,
            width="stretch",
            on_click=vote,
            args=(participant, stage.position, stage.round, option.id),
        )
    if stage.voting_open and current:
        st.success(
            f"Your vote is in: {scenario.letter(current)}. You can change it until voting closes."
        )
    elif stage.voting_open:
        st.info("Voting is open: tap an option.")
    elif current:
        st.info(f"Voting is closed. Your vote: {scenario.letter(current)}.")
    else:
        st.info("Voting is closed for now.")


if participant is not None:
    room(participant)
    st.stop()

st.title("Join a workshop", anchor=False)
if problem:
    st.error(problem)
with st.form("join_form"):
    code_typed = st.text_input("Join code", value=typed or "", max_chars=12, key="join_code")
    if viewer is not None:
        st.caption("You join as")
        st.text(viewer.display_name)
        nickname = None
    else:
        # No max_chars: the browser drops a paste over it without a word, and the form
        # then asks for a nickname; the limit is checked on the server and said plainly.
        nickname = st.text_input(
            f"Your nickname (up to {MAX_NICKNAME} characters)", key="join_nickname"
        )
    joined = st.form_submit_button("Join", type="primary", key="join_submit")
if joined:
    try:
        found = store.workshop_by_code(db, clean_join_code(code_typed))
        if viewer is not None:
            store.join(db, found.id, components.now(), user=viewer)
        else:
            token = parts.participant_token(create=True)
            store.join(db, found.id, components.now(), nickname=nickname or "", token=token)
    except WorkshopError as err:
        st.error(str(err))
    else:
        # The code stays in the address: a reload finds the workshop, the cookie the participant.
        st.query_params["code"] = found.join_code
        st.rerun()
