"""Reviewing a past attempt: every scenario, the option chosen, its feedback and the best move.

Options are lettered in the order the attempt showed them.
"""

import streamlit as st

from arrowhead import journey
from arrowhead.store import learning
from arrowhead.store import teams as team_store
from arrowhead.ui import components

user = components.require_viewer()
db = components.database()
course = components.course()

attempt_id = components.query_id("attempt")
# Storage decides: the viewer's own attempt, or one by a learner in a team they manage.
attempt = team_store.visible_attempt(db, user, attempt_id) if attempt_id is not None else None
if attempt is None:
    components.back_to_course("That attempt does not exist, or it is not yours to see.")

quiz = course.quiz(attempt.quiz_id)
if quiz is None:
    components.back_to_course("The quiz of that attempt is no longer in the course.")

own = attempt.user_id == user.id
if not own:
    learner = team_store.member(db, user, attempt.user_id)
    st.caption("An attempt by")
    st.text(learner.display_name if learner else "a learner")
st.caption(f"Attempt started {components.moment(attempt.started_at)} UTC")
st.title(f"Review: {quiz.title}", anchor=False)
if attempt.finished_at:
    verdict = "passed" if attempt.passed else f"not passed (pass mark {quiz.pass_mark}%)"
    st.metric("Score", f"{attempt.score}%", help=verdict)
    st.write(f"This attempt was {verdict}.")
elif own:
    st.info("This attempt is still in progress.")
    st.page_link(
        components.QUIZ_PAGE,
        label="Carry on with it",
        icon=":material/quiz:",
        query_params={"quiz": quiz.id},
    )

answers = {a.scenario_id: a for a in learning.answers_in(db, attempt.id)}
for number, in_file_order in enumerate(quiz.scenarios, start=1):
    scenario = in_file_order.shuffled(attempt.option_seed)
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

missed = journey.missed(quiz, list(answers.values()))
if own and attempt.finished_at and missed:
    st.page_link(
        components.PRACTICE_PAGE,
        label=f"Practise what you missed ({len(missed)})",
        icon=":material/replay:",
        query_params={"attempt": str(attempt.id)},
    )
if own:
    st.page_link(
        components.QUIZ_PAGE,
        label="Back to the quiz",
        icon=":material/quiz:",
        query_params={"quiz": quiz.id},
    )
else:
    st.page_link(
        components.LEARNER_PAGE,
        label="Back to the learner",
        icon=":material/person_search:",
        query_params={"learner": str(attempt.user_id)},
    )
