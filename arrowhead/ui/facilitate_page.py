"""Running a live workshop from the laptop: the controls, the room's votes, who has joined,
and on a role-play the choice of the option the room follows."""

import pandas as pd
import streamlit as st

from arrowhead.accounts import User
from arrowhead.store import workshops as store
from arrowhead.ui import components
from arrowhead.ui import workshop_parts as parts
from arrowhead.workshop_roleplays import leaders, letter, room_choice
from arrowhead.workshops import (
    COUNTDOWNS,
    JOIN_SCREEN,
    Stage,
    WorkshopError,
    check_facilitator,
    is_loopback,
)

MESSAGE_KEY = "facilitate_message"
# Set while the facilitator is asked to confirm End workshop.
ENDING_KEY = "facilitate_ending"
COUNTDOWN_KEY = "control_countdown"

user = parts.require_facilitator()
db = components.database()
course = components.course()
workshop = parts.workshop_param(user)

if workshop is None:
    st.title("Run a workshop", anchor=False)
    live = [w for w in store.workshops_of(db, user, components.now()) if not w.stage.ended]
    if not live:
        st.info("No workshop is running. Start one from a deck.")
    for item in live:
        with st.container(border=True):
            # The title is a deck name a facilitator typed: plain text.
            st.text(
                f"{item.title} · code {item.join_code} · started {components.moment(item.started_at)}"
            )
            st.page_link(
                parts.FACILITATE_PAGE,
                label="Open its controls",
                icon=":material/tune:",
                query_params={"workshop": str(item.id)},
            )
    st.page_link(parts.DECK_PAGE, label="Workshop decks", icon=":material/style:")
    st.stop()
assert workshop is not None
WORKSHOP_ID = workshop.id

st.title("Workshop controls", anchor=False)
st.text(workshop.title)
if workshop.stage.ended:
    st.info("This workshop has ended.")
    st.page_link(
        parts.HISTORY_PAGE,
        label="See its summary",
        icon=":material/summarize:",
        query_params={"workshop": str(workshop.id)},
    )
    st.stop()

link = parts.join_url(workshop.join_code, parts.FACILITATE_PATH)
if is_loopback(link):
    st.warning(parts.LOOPBACK_WARNING, icon=":material/wifi_off:")
st.markdown(f"Join code **{workshop.join_code}** · participants open")
st.code(link, language=None, wrap_lines=True)
st.page_link(
    parts.PROJECTOR_PAGE,
    label="Open the projector view (open it in a new window on the projector)",
    icon=":material/present_to_all:",
    query_params={"workshop": str(workshop.id)},
)


def act(action: str, drawn_for: int) -> None:
    """Apply a control drawn for stage version `drawn_for`; a refusal is kept to be shown."""
    st.session_state.pop(ENDING_KEY, None)
    countdown = st.session_state.get(COUNTDOWN_KEY) if action in ("open", "revote") else None
    try:
        # As whoever is signed in now, not on the run that drew the button: the
        # login may have ended, or the role been taken away, since.
        store.act(
            db,
            check_facilitator(components.viewer()),
            WORKSHOP_ID,
            action,
            components.now(),
            drawn_for=drawn_for,
            countdown=countdown,
        )
    except WorkshopError as err:
        st.session_state[MESSAGE_KEY] = str(err)


def choose(option_id: str | None, drawn_for: int) -> None:
    """Record the option the room follows on the role-play step it is on (None: the room's
    choice); a refusal is kept to be shown."""
    st.session_state.pop(ENDING_KEY, None)
    viewer = check_facilitator(components.viewer())
    now = components.now()
    try:
        live = store.workshop_for(db, viewer, WORKSHOP_ID, now)
        play = parts.live_roleplay(course, live, live.stage.position)
        if play is None:
            raise WorkshopError("This role-play is no longer in the course. Go on with Next.")
        store.follow(db, viewer, WORKSHOP_ID, play.roleplay, option_id, now, drawn_for=drawn_for)
    except WorkshopError as err:
        st.session_state[MESSAGE_KEY] = str(err)


def decision(play: parts.LiveRoleplay, votes: dict[str, int], drawn: int) -> None:
    """After the reveal: follow the room's choice, or go with another option (an override)."""
    step = play.step
    assert step is not None
    counts = {o.id: votes.get(o.id, 0) for o in step.options}
    room = room_choice(counts)
    with st.container(border=True, key="decision"):
        st.markdown("**Which option does the room follow?**")
        if room is not None:
            st.markdown(
                f"The room chose **{letter(step, room)}** ({counts[room]} of "
                f"{sum(counts.values())} votes)."
            )
            st.button(
                f"Follow the room: {parts.step_option_label(step, room)}",
                key="control_follow",
                on_click=choose,
                args=(None, drawn),
                type="primary",
                width="stretch",
            )
        elif sum(counts.values()):
            tied = " and ".join(letter(step, o) for o in leaders(counts))
            # A tie is broken by the facilitator, never by a hidden rule.
            st.markdown(f"The room is split between {tied}: pick the option the room follows.")
        else:
            st.markdown("Nobody voted: pick the option the room follows.")
        for option in step.options:
            if option.id == room:
                continue
            mark = letter(step, option.id)
            go = f"Go with {mark} instead" if room else f"Go with {mark}"
            st.button(
                f"{go} — {option.text}",
                key=f"control_choose_{option.id}",
                on_click=choose,
                args=(option.id, drawn),
                width="stretch",
            )


def ask_to_end() -> None:
    """Ending is for everyone and cannot be undone: ask first."""
    st.session_state[ENDING_KEY] = True


def keep_running() -> None:
    """The facilitator changed their mind about ending."""
    st.session_state.pop(ENDING_KEY, None)


@st.fragment(run_every=2)
def controls(workshop_id: int) -> None:
    """The controls and the live count, redrawn from the database every two seconds."""
    user = parts.facilitator_still()
    now = components.now()
    live = store.workshop_for(db, user, workshop_id, now)
    stage = live.stage
    if stage.ended:
        st.rerun()
    # Every control carries the version of the stage it was drawn for.
    drawn = stage.version
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        st.warning(message)
    on_scenario = stage.position != JOIN_SCREEN
    scenario = parts.shown_scenario(course, live, stage.position) if on_scenario else None
    play = parts.live_roleplay(course, live, stage.position) if stage.roleplay else None
    # On a role-play the votes counted are those on the step it is on.
    move = stage.move if stage.roleplay else None
    count = store.round_count(db, user, live.id, stage.position, stage.round, move)
    round_note = " · revote" if stage.round > 1 else ""
    if not on_scenario:
        st.subheader("Join screen", anchor=False)
    elif stage.roleplay:
        place = (
            "no longer in the course"
            if play is None
            else f"{play.roleplay.title}, the ending"
            if stage.finished
            else f"{play.roleplay.title}, step {stage.move + 1}{round_note}"
        )
        st.subheader(
            f"Role-play {stage.position + 1} of {len(live.entries)}: {place}", anchor=False
        )
    elif scenario is None:
        st.subheader(f"Scenario {stage.position + 1}: no longer in the course", anchor=False)
    else:
        st.subheader(
            f"Scenario {stage.position + 1} of {len(live.entries)}{round_note}: {scenario.title}",
            anchor=False,
        )
    joined, voted, status = st.columns(3)
    joined.metric("Joined", count.joined)
    voted.metric("Voted", count.voted if on_scenario and not stage.finished else "–")
    left = stage.seconds_left(now)
    status.metric("Voting", "closed" if not stage.voting_open else f"{left} s" if left else "open")
    if on_scenario and not stage.finished:
        parts.voted_bar(count.voted, count.joined)
    votable = scenario is not None or (play is not None and play.step is not None)

    row = st.columns(4)
    row[0].button(
        "← Previous",
        key="control_previous",
        on_click=act,
        args=("previous", drawn),
        disabled=not on_scenario,
        width="stretch",
    )
    row[1].button(
        "Next →",
        key="control_next",
        on_click=act,
        args=("next", drawn),
        disabled=stage.position + 1 >= len(live.entries),
        width="stretch",
    )
    if stage.voting_open:
        row[2].button(
            "Close voting",
            key="control_close",
            on_click=act,
            args=("close", drawn),
            width="stretch",
        )
    else:
        row[2].button(
            "Open voting",
            key="control_open",
            on_click=act,
            args=("open", drawn),
            type="primary",
            disabled=not on_scenario or stage.revealed or not votable,
            width="stretch",
        )
    if stage.results_shown:
        row[3].button(
            "Hide results",
            key="control_hide",
            on_click=act,
            args=("hide", drawn),
            width="stretch",
        )
    else:
        row[3].button(
            "Show results",
            key="control_show",
            on_click=act,
            args=("show", drawn),
            disabled=not on_scenario,
            width="stretch",
        )
    row = st.columns(4)
    row[0].button(
        "Revote",
        key="control_revote",
        on_click=act,
        args=("revote", drawn),
        disabled=not votable or stage.revealed or stage.round > 1,
        width="stretch",
    )
    row[1].button(
        "Reveal",
        key="control_reveal",
        on_click=act,
        args=("reveal", drawn),
        disabled=not votable or stage.revealed,
        width="stretch",
    )
    row[3].button("End workshop", key="control_end", on_click=ask_to_end, width="stretch")
    st.radio(
        "Countdown when voting opens",
        options=COUNTDOWNS,
        format_func=lambda seconds: f"{seconds} s" if seconds else "none: close by hand",
        horizontal=True,
        key=COUNTDOWN_KEY,
    )
    if ENDING_KEY in st.session_state:
        with st.container(border=True):
            st.warning(
                "End the workshop for everyone? Voting stops, phones show that it has ended, "
                "and it cannot be opened again."
            )
            yes, no = st.columns(2)
            yes.button(
                "Yes, end the workshop",
                key="control_end_confirm",
                on_click=act,
                args=("end", drawn),
                type="primary",
                width="stretch",
            )
            no.button("Keep it running", key="control_end_cancel", on_click=keep_running)

    if play is not None:
        roleplay_state(user, play, stage, count, drawn)
    if scenario is not None:
        rounds = {"First vote": count.votes}
        if stage.round > 1:
            first = store.round_count(db, user, live.id, stage.position, 1)
            rounds = {"First vote": first.votes, "Revote": count.votes}
        st.caption("Live votes (the projector shows them only when results are shown)")
        st.altair_chart(parts.votes_chart(scenario, rounds, stage.revealed), width="stretch")
        st.caption(parts.votes_in_words(scenario, rounds))
        if stage.revealed and scenario.discussion:
            st.markdown("**Discuss**")
            for prompt in scenario.discussion:
                st.markdown(f"- {prompt}")

    people = store.participants_of(db, user, live.id)
    with st.expander(f"Who has joined ({len(people)})"):
        # Nicknames are participants' own text: a table shows them as plain text.
        st.dataframe(
            pd.DataFrame({"Nickname": [p.nickname for p in people]}),
            hide_index=True,
            width="stretch",
        )


def roleplay_state(
    user: User, play: parts.LiveRoleplay, stage: Stage, count: store.RoundCount, drawn: int
) -> None:
    """A role-play's state on the controls: its live votes, the decision after the reveal,
    and the route so far; at its ending, where the route led."""
    if play.step is not None:
        if stage.revealed:
            # The decision first: it is what the room waits for.
            decision(play, count.votes, drawn)
        choices = parts.step_choices(play.step)
        rounds = {"First vote": count.votes}
        if stage.round > 1:
            first = store.round_count(db, user, WORKSHOP_ID, stage.position, 1, stage.move)
            rounds = {"First vote": first.votes, "Revote": count.votes}
        st.markdown(f"**{play.step.question}**")
        for option in play.step.options:
            st.markdown(parts.step_option_label(play.step, option.id))
        st.caption("Live votes (the projector shows them only when results are shown)")
        st.altair_chart(parts.choices_chart(choices, rounds), width="stretch")
        st.caption("Votes — " + parts.choices_tally_line(choices, count.votes))
        if stage.revealed:
            if play.step.discussion:
                st.markdown("**Discuss**")
                for prompt in play.step.discussion:
                    st.markdown(f"- {prompt}")
    elif play.ending is not None:
        st.success(f"Ending: {play.ending.title} ({play.ending.points} of 10)")
    else:
        st.warning(
            "This role-play has changed since the workshop started: the route leads to a "
            "step it no longer has. Go on with Next."
        )
    if play.moves:
        st.markdown("**The route so far**")
        for made in play.moves:
            st.markdown(f"- {parts.followed_line(play, made)}")


controls(workshop.id)
