"""A role-play: the setting, then one step at a time with the client's reply to each move, then
the ending with its points, what happened and why. `?run=` reviews a run's route instead.

Every choice is stored as it is made, so a reload or a crash resumes at the step the learner
was on.
"""

import streamlit as st

from arrowhead import journey
from arrowhead.roleplays import Position, Roleplay
from arrowhead.store import roleplays as store
from arrowhead.store import teams as team_store
from arrowhead.store.learning import Place
from arrowhead.store.roleplays import Run, RunError
from arrowhead.ui import certificate_parts, components, roleplay_parts

user = components.require_viewer()
db = components.database()
course = components.course()

PROBLEM_KEY = "roleplay_problem"
NO_CHOICE_KEY = "roleplay_no_choice"
# (run id, position) of the choice this tab stored last: a second click on it is no news.
LAST_KEY = "roleplay_last"
# The stored choice's text, when another tab had made the choice first.
ELSEWHERE_KEY = "roleplay_elsewhere"


# ---------------------------------------------------------------- reviewing a run


def show_review(run: Run, roleplay: Roleplay) -> None:
    """A run's route through the conversation, each move's points, and the road not taken."""
    own = run.user_id == user.id
    if not own:
        learner = team_store.member(db, user, run.user_id)
        st.caption("A role-play run by")
        st.text(learner.display_name if learner else "a learner")
    st.caption(f"Run started {components.moment(run.started_at)} UTC")
    st.title(f"Review: {roleplay.title}", anchor=False)
    choices = store.choices_in(db, run.id)
    ending = roleplay.ending(run.ending_id or "")
    if ending is not None:
        st.metric("Score", f"{run.score}%", help=f"Ended at “{ending.title}”")
    elif run.finished:
        st.info("The ending this run reached is no longer in the role-play.")
    elif own:
        st.info("This run is still in progress.")
        st.page_link(
            components.ROLEPLAY_PAGE,
            label="Carry on with it",
            icon=":material/forum:",
            query_params={"id": roleplay.id},
        )
    st.subheader("Your route" if own else "The route", anchor=False)
    if choices:
        roleplay_parts.show_route(roleplay, choices)
    else:
        st.caption("No move made yet.")
    if ending is not None:
        st.subheader("How it ended", anchor=False)
        roleplay_parts.show_ending(ending)
    if own:
        st.page_link(
            components.ROLEPLAY_PAGE,
            label="Back to the role-play",
            icon=":material/forum:",
            query_params={"id": roleplay.id},
        )
    else:
        st.page_link(
            components.LEARNER_PAGE,
            label="Back to the learner",
            icon=":material/person_search:",
            query_params={"learner": str(run.user_id)},
        )


if components.query_param("run") is not None:
    run_id = components.query_id("run")
    # Storage decides: the viewer's own run, or one by a learner in a team they manage.
    reviewed = store.visible_run(db, user, run_id) if run_id is not None else None
    if reviewed is None:
        components.back_to_course("That role-play run does not exist, or it is not yours to see.")
    of_run = course.roleplay(reviewed.roleplay_id)
    if of_run is None:
        components.back_to_course("The role-play of that run is no longer in the course.")
    show_review(reviewed, of_run)
    st.stop()


# ---------------------------------------------------------------- playing

roleplay_id = components.query_param("id")
found = course.roleplay(roleplay_id) if roleplay_id else None
if found is None:
    components.back_to_course("That role-play does not exist. It may have been renamed or removed.")
roleplay: Roleplay = found
module = course.module(roleplay.module_id)
assert module is not None  # the course keeps only role-plays whose module it serves
components.note_place(user, Place(journey.ROLEPLAY, module.id, roleplay.id))

st.caption(f"Module {module.number} · {module.title} · Role-play")
st.title(roleplay.title, anchor=False)


def start(replacing: int | None = None) -> None:
    """The start and Play again buttons' callback: the first step is drawn in the click's run."""
    if components.viewer() is None:
        return
    store.start_run(db, user.id, roleplay.id, components.now(), replacing=replacing)


def submit_move(run: Run, position: int) -> None:
    """The move form's callback: store the choice at once.

    Streamlit runs it before the page, even when another tab has moved the run on and
    this form is no longer drawn, so no submitted move goes unanswered.
    """
    if components.viewer() is None:
        return  # signed out since the form was drawn: store nothing; the page then says so
    choice = st.session_state.get(f"roleplay_choice_{run.id}_{position}")
    if choice is None:
        st.session_state[NO_CHOICE_KEY] = True
        return
    try:
        statements = components.xapi().roleplay_choice(run, roleplay, position)
        recorded = store.record_choice(
            db, run, roleplay, position, choice, components.now(), statements
        )
    except RunError as err:
        st.session_state[PROBLEM_KEY] = str(err)
        return
    if recorded.already and st.session_state.get(LAST_KEY) != (run.id, position):
        step = roleplay.step(recorded.choice.step_id)
        option = step.option(recorded.choice.option_id) if step else None
        st.session_state[ELSEWHERE_KEY] = option.text if option else recorded.choice.option_id
    st.session_state[LAST_KEY] = (run.id, position)


def show_background(expanded: bool) -> None:
    """Who the learner plays and what is at stake."""
    with st.expander("Your role and the background", expanded=expanded):
        st.markdown(f"**{roleplay.role}**")
        st.markdown(roleplay.setting)


def show_start() -> None:
    """No run yet: the setting, and a button to begin."""
    st.markdown(f"**{roleplay.role}**")
    st.markdown(roleplay.setting)
    st.write(
        "At each turn you choose what to do; the conversation goes where your choices take "
        "it, to one of several endings. Each move is saved as you make it, so you can stop "
        "and come back."
    )
    st.button("Start the role-play", key="roleplay_start", type="primary", on_click=start)


def show_changed(run: Run, problem: str) -> None:
    """A run whose stored moves no longer fit the role-play: say so, and offer a new run."""
    st.warning(problem)
    st.button("Start again", key="roleplay_restart", type="primary", on_click=start, args=(run.id,))


def show_step(run: Run, position: Position) -> None:
    """The step the run stands at: the reply to the last move, the situation and the options."""
    step = position.step
    assert step is not None
    made = len(position.route)
    st.caption(f"Decision {made + 1}")
    if position.route:
        show_background(expanded=False)
        roleplay_parts.show_exchange(position.route[-1][1])
    else:
        show_background(expanded=True)
    st.markdown(step.situation)
    # The order is the run's own: the same after a reload.
    shown = step.shuffled(run.id)
    labels = {o.id: o.text for o in shown.options}
    with st.form(f"roleplay_form_{run.id}_{made}"):
        st.radio(
            step.question,
            options=list(labels),
            format_func=labels.__getitem__,
            index=None,
            key=f"roleplay_choice_{run.id}_{made}",
        )
        st.form_submit_button(
            "Make this move", type="primary", on_click=submit_move, args=(run, made)
        )
    if st.session_state.pop(NO_CHOICE_KEY, False):
        st.warning("Choose one of the options first.")


def show_finished(run: Run) -> None:
    """The latest run has reached an ending: the last exchange, the ending, and what next."""
    choices = store.choices_in(db, run.id)
    ending = roleplay.ending(run.ending_id or "")
    try:
        position = store.position_of(roleplay, choices)
        if position.route:
            roleplay_parts.show_exchange(position.route[-1][1])
    except RunError:
        pass  # the role-play changed since: the ending and the review still say what happened
    st.subheader("How it ended", anchor=False)
    if ending is None:
        st.info("The ending this run reached is no longer in the role-play.")
    else:
        roleplay_parts.show_ending(ending)
    st.page_link(
        components.ROLEPLAY_PAGE,
        label="Review your route and the road not taken",
        icon=":material/alt_route:",
        query_params={"run": str(run.id)},
    )
    runs = [r for r in store.runs_of(db, user.id, roleplay.id) if r.finished]
    if len(runs) > 1:
        with st.expander(f"Your runs ({len(runs)})"):
            for number, done in reversed(list(enumerate(runs, start=1))):
                st.page_link(
                    components.ROLEPLAY_PAGE,
                    label=f"Run {number} · " + roleplay_parts.run_label(roleplay, done),
                    icon=":material/alt_route:",
                    query_params={"run": str(done.id)},
                )
    again, onward = st.columns(2)
    with again:
        st.button("Play again", key="roleplay_again", on_click=start)
    with onward:
        show_next_step()


def show_next_step() -> None:
    """The next unfinished place of the course, or the way back to it."""
    progress = journey.course_progress(db, course, user.id)
    certificate_parts.announce_if_earned(db, course, user, progress)
    place = journey.next_place(progress, Place(journey.ROLEPLAY, roleplay.module_id, roleplay.id))
    if place is None:
        st.page_link(
            components.FINISH_PAGE, label="See your course summary", icon=":material/celebration:"
        )
        return
    target = course.module(place.module_id)
    assert target is not None  # next_place only names places in the course
    if place.kind == "quiz" and (next_quiz := course.quiz(place.item_id)):
        label = f"Next: {next_quiz.title}"
    elif place.kind == journey.ROLEPLAY and (next_roleplay := course.roleplay(place.item_id)):
        label = f"Next: {next_roleplay.title}"
    elif section := target.section(place.item_id):
        label = f"Next: {section.title}"
    else:
        label = "Next"
    if st.button(label, key="roleplay_onward", type="primary"):
        components.go_to(place)


def show_messages() -> None:
    """What the last click's callback had to say: a problem, or a choice made in another tab."""
    if problem := st.session_state.pop(PROBLEM_KEY, None):
        st.warning(problem)
    if elsewhere := st.session_state.pop(ELSEWHERE_KEY, None):
        st.info("You already made this choice in another tab. The first choice stands:")
        # Author text, shown plainly.
        st.markdown(f"> {elsewhere}")


@st.fragment
def run_in_progress() -> None:
    """The run being played: a move reruns only this part of the page, as the quiz does.

    A fragment's rerun skips the page around it and its sign-in check, so it checks again;
    once the run has reached an ending it reruns the whole page, which shows the ending.
    """
    if components.viewer() is None:
        st.rerun()
    current = store.open_run(db, user.id, roleplay.id)
    if current is None:
        st.rerun()  # the ending (or a new start) is the whole page's to draw
    assert current is not None
    show_messages()
    try:
        where = store.position_of(roleplay, store.choices_in(db, current.id))
    except RunError as err:
        show_changed(current, str(err))
        return
    if where.step is None:
        # Its last move now leads to an ending: the role-play changed under the run.
        show_changed(current, "This role-play has changed since this run began. Start it again.")
    else:
        show_step(current, where)


if store.open_run(db, user.id, roleplay.id) is not None:
    run_in_progress()
else:
    show_messages()
    latest = store.latest_run(db, user.id, roleplay.id)
    if latest is None:
        show_start()
    else:
        show_finished(latest)
