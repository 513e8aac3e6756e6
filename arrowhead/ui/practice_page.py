"""Practice: a short round of missed scenarios, or of those due for review, answered as practice.

?attempt=ID offers the scenarios that attempt answered below full marks; no
parameter offers today's review; ?round=ID is a round, in progress or done. A
practice answer never changes a quiz score; it moves the review schedule on.
"""

import streamlit as st

from arrowhead import practice
from arrowhead.quizzes import MAX_POINTS
from arrowhead.store import learning
from arrowhead.store import practice as practice_store
from arrowhead.store.practice import Round
from arrowhead.ui import components

user = components.require_viewer()
db = components.database()
course = components.course()

# (round id, quiz id, scenario id) of the practice answer whose feedback is on screen.
FEEDBACK_KEY = "practice_feedback"
NO_CHOICE_KEY = "practice_no_choice"
PROBLEM_KEY = "practice_problem"
NOT_A_SCORE = "Practice never changes a quiz score: it only brings scenarios back for review."


def open_round(practice_round: Round) -> None:
    """A start button's callback: show the round at its own address, so a reload resumes it."""
    st.query_params.clear()
    st.query_params["round"] = str(practice_round.id)


def start_missed(attempt_id: int, items: list[practice.Item]) -> None:
    """Start (or carry on with) the round of an attempt's misses."""
    open_round(
        practice_store.start_round(
            db, user.id, practice_store.MISSED, items, components.now(), attempt_id=attempt_id
        )
    )


def start_review(items: list[practice.Item]) -> None:
    """Start (or carry on with) a round of the scenarios due for review."""
    open_round(
        practice_store.start_round(db, user.id, practice_store.REVIEW, items, components.now())
    )


def scenario_list(items: list[practice.Item]) -> None:
    """The titles of the scenarios a round would ask, with their quiz."""
    for item in items:
        scenario = practice.in_course(course, item)
        quiz = course.quiz(item[0])
        if scenario and quiz:
            st.markdown(f"- {scenario.title} · {quiz.title}")


def show_missed_offer(attempt_id: int | None) -> None:
    """The front of a round of one attempt's misses."""
    attempt = learning.own_attempt(db, attempt_id, user.id) if attempt_id is not None else None
    if attempt is None or attempt.finished_at is None:
        components.back_to_course(
            "That attempt does not exist, is not yours, or is not finished, so there is "
            "nothing of it to practise."
        )
    quiz = course.quiz(attempt.quiz_id)
    if quiz is None:
        components.back_to_course("The quiz of that attempt is no longer in the course.")
    st.title("Practise what you missed", anchor=False)
    st.caption(f"{quiz.title} · attempt finished {components.moment(attempt.finished_at)} UTC")
    items = practice.missed_items(quiz, attempt, db)
    if not items:
        st.success("This attempt scored full points in every scenario: nothing to practise.")
        st.page_link(
            components.QUIZ_PAGE,
            label="Back to the quiz",
            icon=":material/quiz:",
            query_params={"quiz": quiz.id},
        )
        return
    st.write(
        f"{len(items)} scenario{'s' if len(items) != 1 else ''} you answered below full marks, "
        "with the options in a new order. " + NOT_A_SCORE
    )
    scenario_list(items)
    going = practice_store.open_round(db, user.id, practice_store.MISSED, attempt.id)
    st.button(
        "Carry on practising" if going else "Start practising",
        key="practice_start",
        type="primary",
        on_click=start_missed,
        args=(attempt.id, items),
    )


def show_review_offer() -> None:
    """The front of today's review: what has come back, and a button to work it."""
    st.title("Review", anchor=False)
    going = practice.review_in_progress(db, user.id, components.now())
    if going is not None:
        st.write("You have a review round in progress.")
        st.button(
            "Carry on with the review",
            key="practice_resume",
            type="primary",
            on_click=open_round,
            args=(going,),
        )
        return
    due = practice.reviews_due(db, course, user.id, components.now())
    if not due:
        st.success("Nothing to review today.")
        st.caption(
            "A scenario answered below full marks comes back 1, 3, 7 and 21 days later, until "
            "you answer it at full marks on two days in a row."
        )
        st.page_link(components.MAP_PAGE, label="Back to the course", icon=":material/map:")
        return
    items = practice.review_items(due)
    st.write(
        f"{len(due)} scenario{'s' if len(due) != 1 else ''} to review today"
        + (f"; this round asks the {len(items)} waiting longest." if len(items) < len(due) else ".")
        + " "
        + NOT_A_SCORE
    )
    scenario_list(items)
    st.button(
        "Start the review",
        key="practice_start",
        type="primary",
        on_click=start_review,
        args=(items,),
    )


def show_result(practice_round: Round) -> None:
    """A finished round: what each scenario earned, and where to go next."""
    answers = practice_store.answers_in(db, practice_round.id)
    full = sum(a.points >= a.max_points for a in answers)
    st.subheader("Round finished", anchor=False)
    st.write(f"{full} of {len(answers)} at full marks. {NOT_A_SCORE}")
    for a in answers:
        scenario = practice.in_course(course, (a.quiz_id, a.scenario_id))
        title = scenario.title if scenario else a.scenario_id
        st.markdown(f"- {title} — {a.points} of {MAX_POINTS} points")
    st.caption(
        "Below full marks, a scenario comes back for review the next day; at full marks on two "
        "days in a row, it leaves your reviews."
    )
    more = practice.reviews_due(db, course, user.id, components.now())
    if more:
        st.page_link(
            components.PRACTICE_PAGE,
            label=f"{len(more)} more to review today",
            icon=":material/replay:",
        )
    if practice_round.kind == practice_store.MISSED and practice_round.items:
        st.page_link(
            components.QUIZ_PAGE,
            label="Back to the quiz",
            icon=":material/quiz:",
            query_params={"quiz": practice_round.items[0][0]},
        )
    st.page_link(components.MAP_PAGE, label="Back to the course", icon=":material/map:")


def show_feedback(practice_round: Round, item: practice.Item) -> None:
    """The choice just made: its points, why, and the best move, as the quiz shows them."""
    answers = {
        (a.quiz_id, a.scenario_id): a for a in practice_store.answers_in(db, practice_round.id)
    }
    scenario = practice.in_course(course, item)
    if scenario is None or item not in answers:
        st.session_state.pop(FEEDBACK_KEY, None)
        st.rerun()
    assert scenario is not None
    answer = answers[item]
    total = len(practice_round.items)
    st.progress(len(answers) / total, text=f"{len(answers)} of {total} answered")
    st.subheader(scenario.title, anchor=False)
    components.option_feedback(
        scenario.shuffled(practice_round.option_seed), answer.option_id, answer.points
    )
    current = practice_store.own_round(db, practice_round.id, user.id)
    last = current is None or current.finished_at is not None
    components.onward_button(
        "See how you did" if last else "Next scenario →",
        key="practice_next",
        on_click=st.session_state.pop,
        args=(FEEDBACK_KEY, None),
    )


def submit(practice_round: Round, item: practice.Item) -> None:
    """The answer form's callback: store the practice choice and put its feedback on screen."""
    if components.viewer() is None:
        return  # signed out since the form was drawn: store nothing; the page then says so
    choice = st.session_state.get(choice_key(practice_round, item))
    if choice is None:
        st.session_state[NO_CHOICE_KEY] = True
        return
    try:
        practice.answer(db, course, practice_round, item, choice, components.now())
    except LookupError as err:
        st.session_state[PROBLEM_KEY] = str(err)
        return
    st.session_state[FEEDBACK_KEY] = (practice_round.id, *item)


def choice_key(practice_round: Round, item: practice.Item) -> str:
    return f"practice_choice_{practice_round.id}_{item[0]}_{item[1]}"


def show_scenario(practice_round: Round, item: practice.Item, answered: int) -> None:
    """The next scenario of the round, its options in the round's own order."""
    found = practice.in_course(course, item)
    assert found is not None  # next_item only names scenarios the course has
    scenario = found.shuffled(practice_round.option_seed)
    total = len(practice_round.items)
    st.progress(answered / total, text=f"Scenario {answered + 1} of {total}")
    quiz = course.quiz(item[0])
    st.caption(quiz.title if quiz else "")
    st.subheader(scenario.title, anchor=False)
    st.markdown(scenario.situation)
    labels = {o.id: f"{scenario.letter(o.id)}. {o.text}" for o in scenario.options}
    with st.form(f"practice_form_{practice_round.id}_{item[0]}_{item[1]}"):
        st.radio(
            scenario.question,
            options=list(labels),
            format_func=labels.__getitem__,
            index=None,
            key=choice_key(practice_round, item),
        )
        st.form_submit_button(
            "Submit answer", type="primary", on_click=submit, args=(practice_round, item)
        )
    if st.session_state.pop(NO_CHOICE_KEY, False):
        st.warning("Choose one of the options first.")


@st.fragment
def round_in_progress(round_id: int) -> None:
    """The round being worked: a Submit or Next click reruns only this part, as in the quiz."""
    if components.viewer() is None:
        st.rerun()
    if problem := st.session_state.pop(PROBLEM_KEY, None):
        st.warning(problem)
    practice_round = practice_store.own_round(db, round_id, user.id)
    assert practice_round is not None  # the page checked it, and rounds are never deleted
    shown = st.session_state.get(FEEDBACK_KEY)
    if shown and shown[0] == practice_round.id:
        show_feedback(practice_round, (shown[1], shown[2]))
        return
    answers = practice_store.answers_in(db, practice_round.id)
    item = practice.next_item(course, practice_round, answers)
    if item is None and practice_round.finished_at is None:
        # What is left was removed from the course by an author: nothing more to ask.
        practice_round = practice_store.finish_round(db, practice_round, components.now())
    if item is None:
        show_result(practice_round)
    else:
        show_scenario(practice_round, item, len(answers))


if components.query_param("round") is not None:
    round_id = components.query_id("round")
    found = practice_store.own_round(db, round_id, user.id) if round_id is not None else None
    if found is None:
        components.back_to_course("That practice round does not exist, or it is not yours.")
    title = "Practise what you missed" if found.kind == practice_store.MISSED else "Review"
    st.title(title, anchor=False)
    round_in_progress(found.id)
elif components.query_param("attempt") is not None:
    show_missed_offer(components.query_id("attempt"))
else:
    show_review_offer()
