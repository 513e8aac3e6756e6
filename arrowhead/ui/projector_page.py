"""The projector: the join screen, then each scenario in large type with the room's votes;
on a role-play, each step and then where the room's choice led."""

import streamlit as st

from arrowhead.store import workshops as store
from arrowhead.ui import components
from arrowhead.ui import workshop_parts as parts
from arrowhead.workshop_roleplays import letter
from arrowhead.workshops import JOIN_SCREEN, Stage

# Our own constant style sheet, with no user or author text in it. Sizes are in
# vh, so a 1920×1080 and a 1280×720 projector show the same layout, scaled, and
# the whole scenario with its chart fits without scrolling; type is large
# enough to read from the back of a room. The header bar is hidden: the room
# needs the screen, and the facilitator drives from the controls.
PROJECTOR_STYLE = """<style>
header[data-testid="stHeader"] { display: none; }
.stMainBlockContainer { padding: 2.5vh 3vw 1vh; max-width: none; }
.stMainBlockContainer [data-testid="stVerticalBlock"] { gap: 1.2vh; }
.stMainBlockContainer p, .stMainBlockContainer li { font-size: 2.6vh; line-height: 1.3; }
.stMainBlockContainer h1 { font-size: 4.8vh; padding: 0 0 0.5vh; line-height: 1.15; }
.stMainBlockContainer h2, .stMainBlockContainer h3 { font-size: 3.6vh; padding: 0; }
.stMainBlockContainer [data-testid="stCaptionContainer"] p,
.stMainBlockContainer [data-testid="stCaptionContainer"] code { font-size: 2.4vh; }
.stMainBlockContainer [data-testid="stMetricLabel"] p { font-size: 2.6vh; }
.stMainBlockContainer [data-testid="stMetricValue"],
.stMainBlockContainer [data-testid="stMetricValue"] * { font-size: 8vh; line-height: 1.1; }
.stMainBlockContainer [data-testid="stProgress"] p { font-size: 3vh; }
.stMainBlockContainer [data-testid="stCode"] pre,
.stMainBlockContainer [data-testid="stCode"] code { font-size: 4vh; }
.stMainBlockContainer .st-key-projector_code h1 { font-size: 13vh; letter-spacing: 0.08em; }
.stMainBlockContainer [data-testid="stImage"] img { max-height: 80vh; width: auto; }
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


def join_screen(workshop: store.Workshop, joined: int) -> None:
    """How to join: the QR code, the link and the code, large, and how many are in."""
    left, right = st.columns([3, 2], vertical_alignment="center", gap="large")
    with left:
        st.title("Join the workshop", anchor=False)
        st.markdown("Scan the code with your phone, or open")
        st.code(link, language=None, wrap_lines=True)
        st.markdown("and enter the code")
        with st.container(key="projector_code"):
            st.title(workshop.join_code, anchor=False)
        st.metric("Joined", joined)
    with right:
        st.image(parts.qr_png(link), caption="Scan to join", width="stretch")


def the_reply(play: parts.LiveRoleplay) -> None:
    """The room's latest choice and the other person's reply to it, above the step or ending."""
    last = play.last
    if last is None:
        return
    with st.container(border=True, key="projector_reply"):
        st.caption(parts.followed_line(play, last))
        st.markdown(play.reply(last))


def roleplay_screen(
    live: store.Workshop,
    play: parts.LiveRoleplay | None,
    stage: Stage,
    count: store.RoundCount,
    seconds_left: int | None,
) -> None:
    """A role-play on the projector: the step voted on with the room's votes, or the ending."""
    if play is None:
        st.title("This role-play is no longer in the course", anchor=False)
        st.markdown("Go on to the next one.")
        return
    if play.step is None:
        st.title(play.roleplay.title, anchor=False)
        the_reply(play)
        if play.ending is None:
            st.markdown(
                "This role-play has changed since the workshop started. Go on to the next one."
            )
            return
        st.header(f"Ending: {play.ending.title}", anchor=False)
        st.markdown(play.ending.outcome)
        st.markdown(play.ending.why)
        st.subheader("The route the room took", anchor=False)
        for made in play.moves:
            st.markdown(f"- {parts.followed_line(play, made)}")
        return
    step = play.step
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.title(play.roleplay.title, anchor=False)
        if play.last is None:
            st.caption(play.roleplay.role)
            st.markdown(play.roleplay.setting)
        the_reply(play)
        st.markdown(step.situation)
        st.markdown(f"**{step.question}**")
        for option in step.options:
            st.markdown(f"**{letter(step, option.id)}.** {option.text}")
    with right:
        st.subheader(parts.voting_line(stage.voting_open, seconds_left), anchor=False)
        parts.voted_bar(count.voted, count.joined)
        joined, voted = st.columns(2)
        joined.metric("Joined", count.joined)
        voted.metric("Voted", count.voted)
        if stage.results_shown:
            choices = parts.step_choices(step)
            rounds = {"First vote": count.votes}
            if stage.round > 1:
                first = store.round_count(db, user, live.id, stage.position, 1, stage.move)
                rounds = {"First vote": first.votes, "Revote": count.votes}
            st.altair_chart(parts.choices_chart(choices, rounds, large=True), width="stretch")
            st.caption("Votes — " + parts.choices_tally_line(choices, count.votes))
        if stage.revealed:
            st.subheader("The facilitator now chooses the option the room follows.", anchor=False)


@st.fragment(run_every=1)
def screen(workshop_id: int) -> None:
    """Everything on the projector: redrawn every second from the database."""
    user = parts.facilitator_still()
    now = components.now()
    live = store.workshop_for(db, user, workshop_id, now)
    stage = live.stage
    if stage.ended:
        st.title("Thank you for taking part", anchor=False)
        st.caption("This workshop has ended.")
        return
    if stage.position == JOIN_SCREEN:
        join_screen(live, store.round_count(db, user, live.id, JOIN_SCREEN, 1).joined)
        return
    position = stage.position
    round_note = " · revote" if stage.round > 1 else ""
    if stage.roleplay:
        count = store.round_count(db, user, live.id, position, stage.round, stage.move)
        step_note = "the ending" if stage.finished else f"step {stage.move + 1}{round_note}"
        st.caption(
            f"Role-play {position + 1} of {len(live.entries)} · {step_note} · join at `{link}` · "
            f"code **{live.join_code}**"
        )
        play = parts.live_roleplay(course, live, position)
        roleplay_screen(live, play, stage, count, stage.seconds_left(now))
        return
    scenario = parts.shown_scenario(course, live, position)
    count = store.round_count(db, user, live.id, position, stage.round)
    # The link is in a code span: Markdown never reads it.
    st.caption(
        f"Scenario {position + 1} of {len(live.entries)}{round_note} · join at `{link}` · "
        f"code **{live.join_code}**"
    )
    if scenario is None:
        st.title("This scenario is no longer in the course", anchor=False)
        st.markdown("Go on to the next one.")
        return
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.title(scenario.title, anchor=False)
        st.markdown(scenario.situation)
        st.markdown(f"**{scenario.question}**")
        for option in scenario.options:
            line = f"**{scenario.letter(option.id)}.** {option.text}"
            if stage.revealed and option.id == scenario.best.id:
                st.success(line + " — the best move")
            else:
                st.markdown(line)
    with right:
        st.subheader(parts.voting_line(stage.voting_open, stage.seconds_left(now)), anchor=False)
        parts.voted_bar(count.voted, count.joined)
        joined, voted = st.columns(2)
        joined.metric("Joined", count.joined)
        voted.metric("Voted", count.voted)
        if stage.results_shown:
            rounds = {"First vote": count.votes}
            if stage.round > 1:
                first = store.round_count(db, user, live.id, position, 1)
                rounds = {"First vote": first.votes, "Revote": count.votes}
            st.altair_chart(
                parts.votes_chart(scenario, rounds, stage.revealed, large=True), width="stretch"
            )
            st.caption(parts.votes_in_words(scenario, rounds))
    if stage.revealed:
        st.header("Why each option works or does not", anchor=False)
        for option in scenario.options:
            with st.container(border=True):
                best = " — the best move" if option.id == scenario.best.id else ""
                st.markdown(f"**{scenario.letter(option.id)}. {option.text}**{best}")
                st.markdown(option.feedback)
                st.caption(
                    f"Style: {components.STYLE_NAMES[option.style]} · {option.points} of 10 points"
                )
        if scenario.discussion:
            st.header("Discuss", anchor=False)
            for prompt in scenario.discussion:
                st.markdown(f"- {prompt}")


screen(workshop.id)
