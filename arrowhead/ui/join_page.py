"""Joining a workshop from a phone: the code, a nickname, then vote on each scenario and see the
feedback, and on each step of a role-play, following the room's route to its ending."""

from datetime import datetime

import streamlit as st

from arrowhead.scoring import grade_answer
from arrowhead.store import workshops as store
from arrowhead.ui import components
from arrowhead.ui import workshop_parts as parts
from arrowhead.workshop_roleplays import letter
from arrowhead.workshops import (
    JOIN_SCREEN,
    MAX_NICKNAME,
    WorkshopError,
    clean_join_code,
    round_name,
)

# A refused vote's sentence: kept on screen until the phone's next vote.
MESSAGE_KEY = "join_message"
JOIN_AS_KEY = "join_as"
ON_RECORD, ANONYMOUS = "record", "anonymous"

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
        workshop = store.find_workshop(db, clean_join_code(typed), components.now())
    except WorkshopError as err:
        problem = str(err)
if workshop is not None:
    token = parts.participant_token()
    if viewer is not None:
        participant = store.participant_for_user(db, workshop.id, viewer.id)
    # A signed-in learner may have joined anonymously, under a nickname, from this browser.
    if participant is None and token:
        participant = store.participant_by_token(db, workshop.id, token)


def vote(participant: store.Participant, position: int, round_: int, option_id: str) -> None:
    """Cast a vote for the scenario and round the buttons were drawn for; a refusal is kept."""
    st.session_state.pop(MESSAGE_KEY, None)
    now = components.now()
    live = store.live_view(db, participant.workshop_id, now)
    scenario = parts.shown_scenario(course, live, position) if live else None
    try:
        if scenario is None or scenario.option(option_id) is None:
            raise WorkshopError("That option is no longer on this scenario.")
        grade = grade_answer(scenario, option_id)
        statements = components.xapi().workshop_vote(
            participant.user_id, participant.workshop_id, position, round_, grade, now
        )
        store.cast_vote(db, participant, position, round_, grade, now, statements)
    except WorkshopError as err:
        st.session_state[MESSAGE_KEY] = str(err)


def vote_step(
    participant: store.Participant, position: int, move: int, round_: int, option_id: str
) -> None:
    """Cast a vote on the role-play step the buttons were drawn for; a refusal is kept."""
    st.session_state.pop(MESSAGE_KEY, None)
    now = components.now()
    live = store.live_view(db, participant.workshop_id, now)
    play = parts.live_roleplay(course, live, position) if live else None
    try:
        if play is None:
            raise WorkshopError("This role-play is no longer in the course.")
        # A vote on a step the room has left is refused by the store, naming that step.
        on_step = move == len(play.moves)
        if on_step and (play.step is None or play.step.option(option_id) is None):
            raise WorkshopError("That option is no longer on this step.")
        statements = (
            components.xapi().workshop_step_vote(
                participant.user_id,
                participant.workshop_id,
                play.roleplay,
                play.step.id,
                position=position,
                move=move,
                round_=round_,
                option_id=option_id,
                now=now,
            )
            if on_step and play.step is not None
            else None  # the store refuses a vote on a step the room has left
        )
        store.cast_roleplay_vote(
            db, participant, position, move, round_, option_id, now, statements
        )
    except WorkshopError as err:
        st.session_state[MESSAGE_KEY] = str(err)


def roleplay_room(participant: store.Participant, live: store.Workshop, now: datetime) -> None:
    """A role-play on the phone: the other person's reply, then the step to vote on or the ending."""
    stage = live.stage
    play = parts.live_roleplay(course, live, stage.position)
    step_note = "the ending" if stage.finished else f"step {stage.move + 1}"
    round_note = " · revote" if stage.round > 1 and not stage.finished else ""
    st.caption(f"Role-play {stage.position + 1} of {len(live.entries)} · {step_note}{round_note}")
    if play is None:
        st.warning("This role-play is no longer in the course. Wait for the next one.")
        return
    st.subheader(play.roleplay.title, anchor=False)
    if play.last is None:
        st.caption(play.roleplay.role)
        st.markdown(play.roleplay.setting)
    else:
        with st.container(border=True):
            st.caption(parts.followed_line(play, play.last))
            st.markdown(play.reply(play.last))
    if play.ending is not None:
        st.markdown(f"**Ending: {play.ending.title}**")
        st.markdown(play.ending.outcome)
        st.markdown(play.ending.why)
        return
    step = play.step
    if step is None:
        st.warning("This role-play has changed since the workshop started. Wait for the next one.")
        return
    st.markdown(step.situation)
    st.markdown(f"**{step.question}**")
    current = store.votes_of(db, participant.id, stage.position, stage.move).get(stage.round)
    left = stage.seconds_left(now)
    if left is not None:
        st.markdown(f"**{left} s left to vote** ({round_name(stage.round)})")
    for option in step.options:
        st.button(
            parts.step_option_label(step, option.id),
            key=f"vote_{stage.position}_{stage.move}_{stage.round}_{option.id}",
            type="primary" if option.id == current else "secondary",
            disabled=not stage.voting_open,
            width="stretch",
            on_click=vote_step,
            # The vote names the step and round it is cast for.
            args=(participant, stage.position, stage.move, stage.round, option.id),
        )
    mine = f" Your vote: {letter(step, current)}." if current else ""
    if stage.revealed:
        st.info(
            f"The room has voted.{mine} The facilitator now chooses the option the room follows."
        )
    elif stage.voting_open and current:
        st.success(
            f"Your vote is in: {letter(step, current)}. You can change it until voting closes."
        )
    elif stage.voting_open:
        st.info("Voting is open: tap an option.")
    else:
        st.info(f"Voting is closed for now.{mine}")


def ended(workshop: store.Workshop, participant: store.Participant | None) -> None:
    """An ended Workshop's page: that it has ended, and a participant's own answers."""
    st.title("This workshop has ended", anchor=False)
    # The deck's name, typed by a facilitator: plain text.
    st.text(workshop.title)
    st.markdown("Thank you for taking part.")
    if participant is None:
        return
    finals = store.final_votes_of(db, participant.id)
    if not finals:
        st.caption("You did not vote on any scenario.")
        return
    st.subheader("Your answers", anchor=False)
    st.caption("Your final vote on each scenario, and why it works or does not.")
    for position, option_id in finals.items():
        scenario = parts.shown_scenario(course, workshop, position)
        with st.container(border=True):
            if scenario is None:
                st.caption(f"Scenario {position + 1} is no longer in the course.")
                continue
            st.markdown(f"**Scenario {position + 1}: {scenario.title}**")
            option = scenario.option(option_id)
            components.option_feedback(scenario, option_id, option.points if option else 0)


@st.fragment(run_every=2)
def room(participant: store.Participant) -> None:
    """What the phone shows: follows the facilitator within two seconds."""
    now = components.now()
    live = store.live_view(db, participant.workshop_id, now)
    if live is None or live.stage.ended:
        # The whole page reruns and shows the ended page with the participant's answers.
        st.rerun()
    stage = live.stage
    st.caption(f"Workshop {live.join_code} · you are")
    # Entered by the participant: plain text, never Markdown or HTML.
    st.text(participant.nickname)
    message = st.session_state.get(MESSAGE_KEY)
    if message:
        st.warning(message)
    if stage.position == JOIN_SCREEN:
        st.success("You're in. The first scenario appears here when the facilitator starts.")
        return
    if stage.roleplay:
        roleplay_room(participant, live, now)
        return
    scenario = parts.shown_scenario(course, live, stage.position)
    round_note = " · revote" if stage.round > 1 else ""
    st.caption(f"Scenario {stage.position + 1} of {len(live.entries)}{round_note}")
    if scenario is None:
        st.warning("This scenario is no longer in the course. Wait for the next one.")
        return
    st.subheader(scenario.title, anchor=False)
    st.markdown(scenario.situation)
    st.markdown(f"**{scenario.question}**")
    mine = store.votes_of(db, participant.id, stage.position)
    if stage.revealed:
        final = mine.get(2, mine.get(1))
        option = scenario.option(final) if final else None
        if option is None:
            st.info("You did not vote on this one. Here is the best move.")
            components.option_feedback(scenario, scenario.best.id, scenario.best.points)
        else:
            st.caption("Your vote, and why it works or does not:")
            components.option_feedback(scenario, option.id, option.points)
        return
    current = mine.get(stage.round)
    left = stage.seconds_left(now)
    if left is not None:
        st.markdown(f"**{left} s left to vote** ({round_name(stage.round)})")
    for option in scenario.options:
        st.button(
            parts.option_label(scenario, option.id),
            key=f"vote_{stage.position}_{stage.round}_{option.id}",
            type="primary" if option.id == current else "secondary",
            disabled=not stage.voting_open,
            width="stretch",
            on_click=vote,
            # The vote names the scenario and round it is cast for.
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


if workshop is not None and workshop.stage.ended:
    ended(workshop, participant)
    st.stop()
if participant is not None:
    room(participant)
    st.stop()

st.title("Join a workshop", anchor=False)
if problem:
    st.error(problem)
join_as = ANONYMOUS
if viewer is not None:
    st.caption("You are signed in as")
    # The learner's own display name: plain text.
    st.text(viewer.display_name)
    st.info(
        "If you join as yourself, your final vote on each scenario goes on your record as a "
        "workshop answer, and your manager sees it. Join anonymously, under a nickname, and "
        "nothing goes on your record."
    )
    join_as = st.radio(
        "Join",
        options=[ON_RECORD, ANONYMOUS],
        format_func=lambda choice: (
            "as myself: my final votes go on my record"
            if choice == ON_RECORD
            else "anonymously, under a nickname"
        ),
        key=JOIN_AS_KEY,
    )
with st.form("join_form"):
    code_typed = st.text_input("Join code", value=typed or "", max_chars=12, key="join_code")
    nickname = None
    if join_as == ANONYMOUS:
        # No max_chars: the browser drops a paste over it without a word, and the form
        # then asks for a nickname; the limit is checked on the server and said plainly.
        nickname = st.text_input(
            f"Your nickname (up to {MAX_NICKNAME} characters)", key="join_nickname"
        )
    joined = st.form_submit_button("Join", type="primary", key="join_submit")
if joined:
    try:
        found = store.find_workshop(db, clean_join_code(code_typed), components.now())
        if found.stage.ended:
            # The ended page, at the Workshop's own link, rather than an error over the form.
            st.query_params["code"] = found.join_code
            st.rerun()
        if viewer is not None and join_as == ON_RECORD:
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
