"""A module's scenario quiz: one scenario at a time, feedback on each choice, a score at the end."""

import streamlit as st

from arrowhead import journey
from arrowhead.scoring import next_scenario
from arrowhead.store import learning
from arrowhead.store.learning import Place
from arrowhead.ui import components

user = components.require_viewer()
db = components.database()
course = components.course()

quiz_id = components.query_param("quiz")
quiz = course.quiz(quiz_id) if quiz_id else None
if quiz is None:
    components.back_to_course("That quiz does not exist. It may have been renamed or removed.")
assert quiz is not None
module = course.module(quiz.module_id)
assert module is not None
components.note_place(user, Place("quiz", module.id, quiz.id))

FEEDBACK_KEY = f"quiz_feedback_{quiz.id}"

st.caption(f"Module {module.number} · {module.title}")
st.title(quiz.title, anchor=False)

attempt = learning.open_attempt(db, user.id, quiz.id)
if attempt is not None:
    attempt = learning.finish_attempt(db, attempt, journey.finisher(quiz), components.now())
shown = st.session_state.get(FEEDBACK_KEY)

if (attempt is None or attempt.finished_at) and not shown:
    # Not in an attempt: the quiz's front page, with the latest result.
    finished = [a for a in journey.finished_attempts(db, user.id) if a.quiz_id == quiz.id]
    st.write(
        f"{len(quiz.scenarios)} scenarios. Choose what you would do; each choice is scored and "
        f"explained. You pass with {quiz.pass_mark}% or more, and you can retake the quiz as often as you like."
    )
    if finished:
        latest = finished[-1]
        verdict = "passed" if latest.passed else f"not passed yet (pass mark {quiz.pass_mark}%)"
        (st.success if latest.passed else st.warning)(
            f"Your latest score: {latest.score}% — {verdict}."
        )
        with st.expander(f"Review your attempts ({len(finished)})", expanded=len(finished) == 1):
            for number, done in reversed(list(enumerate(finished, start=1))):
                st.page_link(
                    components.REVIEW_PAGE,
                    label=f"Attempt {number} · {done.finished_at[:16].replace('T', ' ')} UTC · "
                    f"{done.score}%" + (" · passed" if done.passed else ""),
                    icon=":material/rate_review:",
                    query_params={"attempt": str(done.id)},
                )
    label = "Start the quiz" if not finished else "Retake the quiz"
    if st.button(label, key="quiz_start", type="primary"):
        learning.start_attempt(db, user.id, quiz.id, components.now())
        st.rerun()
    st.stop()

answers = {a.scenario_id: a for a in learning.answers_in(db, attempt.id)} if attempt else {}
answered_ids = [s.id for s in quiz.scenarios if s.id in answers]

if shown:
    # Feedback on the choice just made.
    attempt_id, scenario_id = shown
    scenario = quiz.scenario(scenario_id)
    answer = {a.scenario_id: a for a in learning.answers_in(db, attempt_id)}.get(scenario_id)
    if scenario is None or answer is None:
        del st.session_state[FEEDBACK_KEY]
        st.rerun()
    assert scenario is not None and answer is not None
    chosen = scenario.option(answer.option_id)
    st.progress(
        len(answered_ids) / len(quiz.scenarios),
        text=f"{len(answered_ids)} of {len(quiz.scenarios)} answered",
    )
    st.subheader(scenario.title, anchor=False)
    components.option_feedback(scenario, answer.option_id, answer.points)
    done = learning.own_attempt(db, attempt_id, user.id)
    last = done is not None and done.finished_at is not None
    if st.button("See your result" if last else "Next scenario →", key="quiz_next", type="primary"):
        del st.session_state[FEEDBACK_KEY]
        st.rerun()
    st.stop()

scenario = next_scenario(quiz, answers)
assert attempt is not None and scenario is not None
position = len(answered_ids) + 1
st.progress(
    len(answered_ids) / len(quiz.scenarios), text=f"Scenario {position} of {len(quiz.scenarios)}"
)
st.subheader(scenario.title, anchor=False)
st.markdown(scenario.situation)
with st.form(f"quiz_form_{attempt.id}_{scenario.id}"):
    choice = st.radio(
        scenario.question,
        options=[o.id for o in scenario.options],
        format_func=lambda option_id: (
            f"{scenario.letter(option_id)}. {scenario.option(option_id).text}"
        ),
        index=None,
        key=f"quiz_choice_{attempt.id}_{scenario.id}",
    )
    submitted = st.form_submit_button("Submit answer", type="primary")
if submitted:
    if choice is None:
        st.warning("Choose one of the options first.")
    else:
        journey.answer_scenario(db, attempt, quiz, scenario.id, choice, components.now())
        st.session_state[FEEDBACK_KEY] = (attempt.id, scenario.id)
        st.rerun()
