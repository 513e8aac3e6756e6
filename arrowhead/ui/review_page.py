"""Reviewing a past attempt: every scenario, the option chosen, its feedback and the best option."""

import streamlit as st

from arrowhead.store import learning
from arrowhead.ui import components

user = components.require_viewer()
db = components.database()
course = components.course()

raw_id = components.query_param("attempt")
attempt = learning.own_attempt(db, int(raw_id), user.id) if raw_id and raw_id.isdigit() else None
if attempt is None:
    components.back_to_course("That attempt does not exist, or it is not yours to see.")
assert attempt is not None

quiz = course.quiz(attempt.quiz_id)
if quiz is None:
    components.back_to_course("The quiz of that attempt is no longer in the course.")
assert quiz is not None

st.caption(f"Attempt started {attempt.started_at[:16].replace('T', ' ')} UTC")
st.title(f"Review: {quiz.title}", anchor=False)
if attempt.finished_at:
    verdict = "passed" if attempt.passed else f"not passed (pass mark {quiz.pass_mark}%)"
    st.metric("Score", f"{attempt.score}%", help=verdict)
    st.write(f"This attempt was {verdict}.")
else:
    st.info("This attempt is still in progress.")
    st.page_link(
        components.QUIZ_PAGE,
        label="Carry on with it",
        icon=":material/quiz:",
        query_params={"quiz": quiz.id},
    )

answers = {a.scenario_id: a for a in learning.answers_in(db, attempt.id)}
for number, scenario in enumerate(quiz.scenarios, start=1):
    with st.container(border=True):
        st.subheader(f"{number}. {scenario.title}", anchor=False)
        with st.expander("The situation"):
            st.markdown(scenario.situation)
            st.markdown(f"*{scenario.question}*")
        answer = answers.get(scenario.id)
        if answer is None:
            st.caption("Not answered in this attempt.")
        else:
            components.option_feedback(scenario, answer.option_id, answer.points)

st.page_link(
    components.QUIZ_PAGE,
    label="Back to the quiz",
    icon=":material/quiz:",
    query_params={"quiz": quiz.id},
)
