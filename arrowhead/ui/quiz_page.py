"""A module's scenario quiz: one scenario at a time, feedback on each choice, a score at the end."""

import streamlit as st

from arrowhead import journey
from arrowhead.quizzes import MAX_POINTS, Quiz, Scenario
from arrowhead.scoring import next_scenario
from arrowhead.store import learning
from arrowhead.store.learning import Attempt, Place
from arrowhead.ui import certificate_parts, components

user = components.require_viewer()
db = components.database()
course = components.course()

quiz_id = components.query_param("quiz")
found = course.quiz(quiz_id) if quiz_id else None
if found is None:
    components.back_to_course("That quiz does not exist. It may have been renamed or removed.")
quiz: Quiz = found
module = course.module(quiz.module_id)
assert module is not None  # the course keeps only quizzes whose module it serves
components.note_place(user, Place("quiz", module.id, quiz.id))

# (attempt id, scenario id) of the answer whose feedback is on screen.
FEEDBACK_KEY = f"quiz_feedback_{quiz.id}"
# The same, when that answer was given in another tab before this one's choice arrived.
ELSEWHERE_KEY = f"quiz_elsewhere_{quiz.id}"
NO_CHOICE_KEY = "quiz_no_choice"
PROBLEM_KEY = "quiz_problem"

st.caption(f"Module {module.number} · {module.title}")
st.title(quiz.title, anchor=False)


def answered_bar(answered: int, text: str) -> None:
    st.progress(answered / len(quiz.scenarios), text=text)


def show_front_page() -> None:
    """Not in an attempt: what the quiz is, the latest result and every past attempt."""
    finished = [a for a in journey.finished_attempts(db, user.id) if a.quiz_id == quiz.id]
    st.write(
        f"{len(quiz.scenarios)} scenarios. Choose what you would do; each choice is scored and "
        f"explained. You pass with {quiz.pass_mark}% or more, and you can retake the quiz as often "
        "as you like."
    )
    if finished:
        latest = finished[-1]
        verdict = "passed" if latest.passed else f"not passed yet (pass mark {quiz.pass_mark}%)"
        (st.success if latest.passed else st.warning)(
            f"Your latest score: {latest.score}% — {verdict}."
        )
        show_missed(latest)
        with st.expander(f"Review your attempts ({len(finished)})", expanded=len(finished) == 1):
            for number, done in reversed(list(enumerate(finished, start=1))):
                st.page_link(
                    components.REVIEW_PAGE,
                    label=f"Attempt {number} · {components.moment(done.finished_at)} UTC · "
                    f"{done.score}%" + (" · passed" if done.passed else ""),
                    icon=":material/rate_review:",
                    query_params={"attempt": str(done.id)},
                )
    passed = any(a.passed for a in finished)
    if passed:
        show_next_step()
    label = "Retake the quiz" if finished else "Start the quiz"
    st.button(
        label,
        key="quiz_start",
        type="secondary" if passed else "primary",
        on_click=start_attempt,
    )


def start_attempt() -> None:
    """The start button's callback: the first scenario is drawn in the click's own run."""
    learning.start_attempt(db, user.id, quiz.id, components.now())


def show_missed(attempt: Attempt) -> None:
    """The scenarios this attempt answered without the best move, with a way to review them."""
    misses = journey.missed(quiz, learning.answers_in(db, attempt.id))
    if not misses:
        return
    st.markdown("**Missed in this attempt**")
    for scenario, answer in misses:
        st.markdown(f"- {scenario.title} — {answer.points} of {MAX_POINTS} points")
    st.page_link(
        components.REVIEW_PAGE,
        label="Review this attempt: what you chose and the best move",
        icon=":material/rate_review:",
        query_params={"attempt": str(attempt.id)},
    )
    st.page_link(
        components.PRACTICE_PAGE,
        label=f"Practise what you missed ({len(misses)})",
        icon=":material/replay:",
        query_params={"attempt": str(attempt.id)},
    )


def show_next_step() -> None:
    """Once the quiz is passed, the main button leads on: the next unfinished place, or the finish."""
    progress = journey.course_progress(db, course, user.id)
    certificate_parts.announce_if_earned(db, course, user, progress)
    place = journey.next_place(progress, Place("quiz", quiz.module_id, quiz.id))
    if place is None:
        st.success(f"You have finished the course: {journey.finished_words(course)}.")
        if st.button("See your course summary", key="quiz_onward", type="primary"):
            st.switch_page(components.FINISH_PAGE)
        return
    target = course.module(place.module_id)
    assert target is not None  # next_place only names places in the course
    if place.kind == "quiz" and (next_quiz := course.quiz(place.item_id)):
        label = f"Next: {next_quiz.title}"
    elif place.kind == "roleplay" and (next_roleplay := course.roleplay(place.item_id)):
        label = f"Next: {next_roleplay.title}"
    elif target.id == quiz.module_id:
        label = f"Next: {section.title}" if (section := target.section(place.item_id)) else "Next"
    else:
        label = f"Next: {target.number}. {target.title}"
    if st.button(label, key="quiz_onward", type="primary"):
        components.go_to(place)


def show_feedback(attempt_id: int, scenario_id: str) -> None:
    """The choice just made: its points, why, and the best move, lettered as the attempt showed them."""
    attempt = learning.own_attempt(db, attempt_id, user.id)
    answers = {a.scenario_id: a for a in learning.answers_in(db, attempt_id)} if attempt else {}
    scenario = quiz.scenario(scenario_id)
    if attempt is None or scenario is None or scenario_id not in answers:
        del st.session_state[FEEDBACK_KEY]
        st.rerun()
    assert attempt is not None and scenario is not None
    scenario = scenario.shuffled(attempt.option_seed)
    answer = answers[scenario_id]
    answered_bar(len(answers), f"{len(answers)} of {len(quiz.scenarios)} answered")
    st.subheader(scenario.title, anchor=False)
    components.option_feedback(scenario, answer.option_id, answer.points)
    last = attempt.finished_at is not None
    # A callback, not a rerun after the click: the next scenario is drawn in the click's own run.
    components.onward_button(
        "See your result" if last else "Next scenario →",
        key="quiz_next",
        on_click=st.session_state.pop,
        args=(FEEDBACK_KEY, None),
    )


def show_scenario(attempt: Attempt, scenario: Scenario, answered: int) -> None:
    """The next unanswered scenario, and a form to choose an option in the attempt's order."""
    # The order is the attempt's own (stored seed): the same after a reload and in the review.
    scenario = scenario.shuffled(attempt.option_seed)
    answered_bar(answered, f"Scenario {answered + 1} of {len(quiz.scenarios)}")
    st.subheader(scenario.title, anchor=False)
    st.markdown(scenario.situation)
    labels = {o.id: f"{scenario.letter(o.id)}. {o.text}" for o in scenario.options}
    with st.form(f"quiz_form_{attempt.id}_{scenario.id}"):
        st.radio(
            scenario.question,
            options=list(labels),
            format_func=labels.__getitem__,
            index=None,
            key=f"quiz_choice_{attempt.id}_{scenario.id}",
        )
        st.form_submit_button(
            "Submit answer", type="primary", on_click=submit_answer, args=(attempt, scenario.id)
        )
    if st.session_state.pop(NO_CHOICE_KEY, False):
        st.warning("Choose one of the options first.")


def submit_answer(attempt: Attempt, scenario_id: str) -> None:
    """The answer form's callback: store the choice and put its feedback on screen.

    Streamlit runs it before the page, even when another tab has moved the
    attempt on and this form is no longer drawn, so no submitted choice goes
    unanswered. Stored now: a closed browser, a reload or a double click loses
    and doubles nothing.
    """
    if components.viewer() is None:
        return  # signed out since the form was drawn: store nothing; the page then says so
    choice = st.session_state.get(f"quiz_choice_{attempt.id}_{scenario_id}")
    if choice is None:
        st.session_state[NO_CHOICE_KEY] = True
        return
    answered = {a.scenario_id for a in learning.answers_in(db, attempt.id)}
    try:
        journey.answer_scenario(
            db, attempt, quiz, scenario_id, choice, components.now(), components.xapi()
        )
    except LookupError as err:
        st.session_state[PROBLEM_KEY] = str(err)
        return
    pair = (attempt.id, scenario_id)
    # Answered before this choice, and not by this tab a moment ago (a double click).
    if scenario_id in answered and st.session_state.get(FEEDBACK_KEY) != pair:
        st.session_state[ELSEWHERE_KEY] = pair
    st.session_state[FEEDBACK_KEY] = pair


@st.fragment
def attempt_in_progress() -> None:
    """The attempt being taken: a Submit or Next click reruns only this part of the page.

    A fragment's rerun skips the page around it (the navigation, the sidebar, the
    title), which makes a learner's click cheap. It does not run the page's sign-in
    check either, so it checks again; and when the attempt is over it reruns the
    whole page, which then shows the result.
    """
    if components.viewer() is None:
        st.rerun()
    if problem := st.session_state.pop(PROBLEM_KEY, None):
        st.warning(problem)
    shown = st.session_state.get(FEEDBACK_KEY)
    attempt = learning.open_attempt(db, user.id, quiz.id)
    answered = {a.scenario_id for a in learning.answers_in(db, attempt.id)} if attempt else set()
    if attempt is not None and next_scenario(quiz, answered) is None:
        # An attempt whose last answer was stored just before a crash is closed here;
        # one still missing answers needs no write transaction on this click.
        statements = components.xapi().attempt_finished(attempt, quiz)
        attempt = learning.finish_attempt(
            db, attempt, journey.finisher(quiz), components.now(), statements
        )
    if shown:
        if st.session_state.get(ELSEWHERE_KEY) == shown:
            st.info(
                "You already answered this in another tab. The first answer stands; here is "
                "its feedback."
            )
        show_feedback(*shown)
    elif attempt is None or attempt.finished_at is not None:
        st.rerun()  # the result is the front page's: draw the whole page
    else:
        scenario = next_scenario(quiz, answered)
        assert scenario is not None  # finish_attempt closed it otherwise
        show_scenario(attempt, scenario, len(answered & {s.id for s in quiz.scenarios}))


current = learning.open_attempt(db, user.id, quiz.id)
if st.session_state.get(FEEDBACK_KEY) or (current is not None and current.finished_at is None):
    attempt_in_progress()
else:
    if problem := st.session_state.pop(PROBLEM_KEY, None):
        st.warning(problem)
    show_front_page()
