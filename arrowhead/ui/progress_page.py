"""My progress: completion, scores per quiz and over time, and the profile: style, fit, behaviours."""

import altair as alt
import pandas as pd
import streamlit as st

from arrowhead import journey
from arrowhead.scoring import advice
from arrowhead.store import teams as team_store
from arrowhead.store import workshops as workshop_store
from arrowhead.teams import audience
from arrowhead.ui import certificate_parts, components, roleplay_parts

user = components.require_viewer()
db = components.database()
course = components.course()
progress = journey.course_progress(db, course, user.id)
profile = journey.profile_of(db, course, user.id)

st.title("My progress")
# The same records their manager sees, so the learner is told who that is.
managers = team_store.who_can_see(db, user.id)
st.caption("Who can see this")
st.text(audience(managers, yourself=True))
st.page_link(
    components.LEARNER_PAGE,
    label="See the picture your manager sees",
    icon=":material/visibility:",
)

overall = journey.overall_fraction(progress)
done, passed = sum(p.done for p in progress), sum(p.passed for p in progress)
col1, col2, col3 = st.columns(3)
col1.metric("Course done", f"{overall:.0%}")
col2.metric("Modules complete", f"{done} of {len(progress)}")
col3.metric("Quizzes passed", f"{passed} of {sum(1 for p in progress if p.quiz)}")
st.progress(overall)

st.subheader("Next step", anchor=False)
course_done = journey.course_finished(progress)
if course_done:
    st.success(f"You have finished the course: {journey.finished_words(course)}.")
    st.page_link(
        components.FINISH_PAGE,
        label="See your course summary and what is worth another look",
        icon=":material/celebration:",
    )
st.write(advice(profile, finished=course_done))

st.subheader("Certificate", anchor=False)
certificate_parts.certificate_section(db, course, user, progress, "progress")

st.subheader("Quizzes", anchor=False)
st.dataframe(
    pd.DataFrame(
        [
            {
                "Module": f"{p.module.number}. {p.module.title}",
                "Sections read": f"{len(p.read)} of {len(p.module.sections)}",
                "Attempts": len(p.attempts),
                # Text, so a quiz not yet scored shows a dash rather than "None".
                "Best": components.percent(p.best_score),
                "Latest": components.percent(p.latest_score),
                "Passed": "yes" if p.passed else "no",
            }
            for p in progress
        ]
    ),
    hide_index=True,
    width="stretch",
)

titles = {q.id: q.title for q in course.quizzes}
finished = [a for a in journey.finished_attempts(db, user.id) if a.quiz_id in titles]
st.subheader("Scores over attempts", anchor=False)
if finished:
    # By attempt number at each quiz: attempts minutes apart made a time axis in seconds.
    numbers: dict[str, int] = {}
    rows = []
    for a in finished:
        numbers[a.quiz_id] = numbers.get(a.quiz_id, 0) + 1
        rows.append(
            {
                "Quiz": titles[a.quiz_id],
                "Attempt": numbers[a.quiz_id],
                "Finished": f"{components.moment(a.finished_at)} UTC",
                "Score": a.score,
            }
        )
    st.altair_chart(
        alt.Chart(pd.DataFrame(rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("Attempt:O", title="Attempt", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("Score:Q", title="Score (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("Quiz:N", legend=alt.Legend(orient="bottom", columns=1)),
            tooltip=["Quiz", "Attempt", "Finished", "Score"],
        ),
        width="stretch",
    )
    scores: dict[str, list[str]] = {}
    for row in rows:
        scores.setdefault(str(row["Quiz"]), []).append(f"{row['Score']}%")
    components.in_words(
        "; ".join(f"{quiz}, attempt by attempt: {', '.join(s)}" for quiz, s in scores.items()) + "."
    )
else:
    st.caption("Finish a quiz to see your scores here.")

roleplay_parts.my_roleplays(db, user, course)

st.subheader("Your selling style", anchor=False)
if profile.answers:
    st.caption(
        f"From your {profile.answers} choices so far. Did each choice fit the situation? "
        "Each bar is the situations that called for one style, split by the style you chose."
    )
    components.fit_section(profile)
    st.caption("The share of all your choices that were each style:")
    components.style_chart(profile)
    st.caption(
        "Strength in each strategic-seller behaviour: your mean score on the scenarios that exercise it."
    )
    components.behaviour_chart(profile)
else:
    st.caption("Answer a scenario to see where your choices lean.")

st.subheader("Workshop answers", anchor=False)
workshop_answers = workshop_store.workshop_answers_of(db, user.id)
if workshop_answers:
    st.caption(
        "Your final vote on each scenario in a live workshop. These count in your selling "
        "style above, not as quiz attempts."
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Workshop": a.workshop_title,
                    "Date": a.started_at[:10],
                    "Scenario": scenario.title if scenario else a.scenario_id,
                    # By text: the letter depended on the workshop's own option order.
                    "Your choice": (
                        option.text
                        if scenario and (option := scenario.option(a.option_id))
                        else a.option_id
                    ),
                    "Points": f"{a.points} of {a.max_points}",
                }
                for a in workshop_answers
                for scenario in [course.scenario(a.quiz_id, a.scenario_id)]
            ]
        ),
        hide_index=True,
        width="stretch",
    )
else:
    st.caption("Answers you give in a live workshop while signed in show here.")
