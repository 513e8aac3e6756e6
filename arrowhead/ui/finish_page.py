"""The finished course: a clear ending, the best score in each quiz, and what is worth another look."""

import pandas as pd
import streamlit as st

from arrowhead import journey
from arrowhead.quizzes import MAX_POINTS
from arrowhead.store import learning
from arrowhead.ui import certificate_parts, components

user = components.require_viewer()
db = components.database()
course = components.course()
progress = journey.course_progress(db, course, user.id)

if not journey.course_finished(progress):
    # Opened from a bookmark or a link before the end: say what is left instead.
    st.title("Course summary", anchor=False)
    done = sum(p.steps_done for p in progress)
    st.info(
        f"You have not finished the course yet: {done} of {sum(p.steps for p in progress)} "
        f"steps done. This page sums it up once the course is finished: "
        f"{journey.finished_words(course)}."
    )
    place = journey.continue_place(db, course, user.id, progress)
    if place is not None:
        components.place_link(place, label="**Continue** where you left off")
    # Every quiz passed earns the certificate, even with a section still unread.
    st.subheader("Your certificate", anchor=False)
    certificate_parts.certificate_section(db, course, user, progress, "finished")
    st.stop()

st.title("You have finished the course", anchor=False)
quizzes = [p for p in progress if p.quiz]
passed = f" and passed all {len(quizzes)} quizzes" if quizzes else ""
st.write(f"You have read every section of the {len(progress)} modules{passed}. Well done.")

st.subheader("Your certificate", anchor=False)
certificate_parts.certificate_section(db, course, user, progress, "finished")

st.subheader("Your best scores", anchor=False)
st.dataframe(
    pd.DataFrame(
        [
            {
                "Module": f"{p.module.number}. {p.module.title}",
                "Quiz": p.quiz.title,
                "Best score": components.percent(p.best_score),
                "Pass mark": f"{p.quiz.pass_mark}%",
                "Attempts": len(p.attempts),
            }
            for p in quizzes
            if p.quiz
        ]
    ),
    hide_index=True,
    width="stretch",
    key="finish_scores",
)

st.subheader("Worth another look", anchor=False)
# The scenarios your best attempt still missed: what you would most likely get wrong today.
revisit = [
    (p, best, misses)
    for p in quizzes
    if p.quiz and (best := p.best_attempt) is not None
    if (misses := journey.missed(p.quiz, learning.answers_in(db, best.id)))
]
if not revisit:
    st.success("Your best attempt at every quiz scored full points in every scenario.")
for item, best, misses in revisit:
    with st.container(border=True):
        st.markdown(
            f"**{item.module.number}. {item.module.title}** · best score {item.best_score}%"
        )
        for scenario, answer in misses:
            st.markdown(f"- {scenario.title} — {answer.points} of {MAX_POINTS} points")
        review_col, read_col = st.columns(2)
        with review_col:
            st.page_link(
                components.REVIEW_PAGE,
                label="Review your best attempt",
                icon=":material/rate_review:",
                query_params={"attempt": str(best.id)},
            )
        with read_col:
            st.page_link(
                components.MODULE_PAGE,
                label="Read the module again",
                icon=":material/menu_book:",
                query_params={"module": item.module.id},
            )

st.page_link(
    components.PROGRESS_PAGE,
    label="My progress: your scores over attempts and your selling style",
    icon=":material/insights:",
)
st.page_link(components.MAP_PAGE, label="Back to the course", icon=":material/map:")
