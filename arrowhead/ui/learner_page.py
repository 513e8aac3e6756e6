"""One learner as their manager sees them: status, attempts, answers, profile, what to talk about.

A learner may open their own: it is the same picture, so nothing is shown about
anyone that they could not see about themselves.
"""

from datetime import datetime

import pandas as pd
import streamlit as st

from arrowhead import coaching, teams, trends
from arrowhead.quizzes import MAX_POINTS
from arrowhead.scoring import BEHAVIOUR_NAMES, best_styles, build_profile
from arrowhead.store import practice as practice_store
from arrowhead.store import teams as team_store
from arrowhead.store import trends as trend_store
from arrowhead.store.learning import Attempt
from arrowhead.ui import coaching_parts, components, roleplay_parts, trend_parts

# Attempts shown in the table in view; the rest wait in an expander. (A comment, not a
# docstring: Streamlit's magic would print a bare string on the page.)
RECENT_ATTEMPTS = 5

user = components.require_viewer()
db = components.database()
course = components.course()
now = components.now()

# No ?learner= is the viewer's own page; one that is not an id finds no one.
learner_id = (
    user.id if components.query_param("learner") is None else components.query_id("learner")
)
learner = team_store.member(db, user, learner_id) if learner_id is not None else None
record = team_store.learner_record(db, user, learner_id, course) if learner_id is not None else None
if learner is None or record is None:
    st.error("That learner does not exist, or is not in a team you manage.")
    st.page_link(components.MAP_PAGE, label="Back to the course", icon=":material/map:")
    st.stop()
assert learner is not None and record is not None

if user.roles & {"manager", "admin"}:
    # My team's team, search and filter came along in the link: the way back restores them.
    st.page_link(
        components.TEAM_PAGE,
        label="← Back to My team",
        query_params=components.team_view_params(),
    )
st.title("Learner" if learner.id != user.id else "What your manager sees", anchor=False)
# Names are entered by people: plain text only.
st.text(f"{learner.display_name} ({learner.username})")
if not learner.active:
    st.warning("Deactivated: cannot sign in; records kept.")
st.caption("Team")
st.text(learner.team or "Not in a team")
managers = team_store.who_can_see(db, learner.id)
st.caption("Who can see this")
st.text(teams.audience(managers, yourself=learner.id == user.id))

row = teams.overview([record], course, now)[0]
col1, col2, col3, col4 = st.columns(4)
titles = {q.id: q.title for q in course.quizzes}
# The words under a figure say what it means here: which quiz, and how many quizzes.
stuck_on = teams.stuck_words(row, titles)
col1.metric(
    "Status",
    row.status,
    delta=f"on {stuck_on}" if stuck_on else None,
    delta_color="off",
    delta_arrow="off",
)
col2.metric("Course done", f"{row.completion:.0%}")
col3.metric("Modules passed", row.modules_passed)
col4.metric(
    "Average best",
    components.percent(row.average_best),
    delta=teams.quizzes_words(row) or None,
    delta_color="off",
    delta_arrow="off",
)
st.caption(f"Last active: {components.moment(row.last_active)} UTC")
reviews = practice_store.review_counts_of(db, user, learner.id, course, now.date())
if reviews is not None:
    due_col, overdue_col, _, _ = st.columns(4)
    due_col.metric("Reviews due today", reviews.due)
    overdue_col.metric(
        "Reviews overdue", reviews.overdue, help="Came back on an earlier day and still waiting"
    )


def review_labels(attempts: list[Attempt]) -> dict[int, str]:
    """Each self-paced attempt's id and a label naming its quiz, its number there and its score."""
    labels: dict[int, str] = {}
    counts: dict[str, int] = {}
    for a in attempts:
        if a.source != "self":
            continue
        counts[a.quiz_id] = counts.get(a.quiz_id, 0) + 1
        score = "in progress" if a.score is None else f"{a.score}%"
        labels[a.id] = (
            f"{titles.get(a.quiz_id, a.quiz_id)} — attempt {counts[a.quiz_id]}, "
            f"started {components.moment(a.started_at)} · {score}"
        )
    return labels


def attempt_rows(shown: list[Attempt], plain: bool) -> list[dict[str, object]]:
    """One row an attempt; plain (for components.plain_table): the score as text."""
    return [
        {
            "Quiz": titles.get(a.quiz_id, a.quiz_id),
            "Source": "workshop" if a.source == "workshop" else "self-paced",
            "Started": components.moment(a.started_at),
            "Finished": components.moment(a.finished_at),
            "Score": ("–" if a.score is None else f"{a.score}%") if plain else a.score,
            "Passed": "–" if a.passed is None else ("yes" if a.passed else "no"),
        }
        for a in shown
    ]


st.subheader("Attempts", anchor=False)
attempts = team_store.attempts_of(db, user, learner.id)
if attempts:
    # The latest few as one Markdown table; every attempt in the sortable grid only while its
    # expander is open: a page's first grid costs the browser about 300 ms of CPU, more than
    # half of what the whole Account page costs it (README, "Speed of the manager's pages").
    recent = attempts[-RECENT_ATTEMPTS:]
    components.plain_table(attempt_rows(recent, plain=True))
    if len(attempts) > len(recent):
        st.caption(f"The latest {len(recent)} of {len(attempts)} attempts.")
        every_attempt = st.expander(
            f"Every attempt ({len(attempts)}), sortable",
            key="learner_every_attempt",
            on_change="rerun",
        )
        with every_attempt:
            if every_attempt.open:
                st.dataframe(
                    pd.DataFrame(attempt_rows(attempts, plain=False)),
                    hide_index=True,
                    width="stretch",
                    key="learner_attempts",
                    column_config={"Score": st.column_config.NumberColumn(format="%d%%")},
                )
    reviewable = review_labels(attempts)
    if reviewable:
        # Chosen by id: two attempts started in the same minute are still two entries.
        picked = st.selectbox(
            "Review one attempt",
            list(reviewable),
            format_func=reviewable.__getitem__,
            key="learner_attempt",
        )
        st.page_link(
            components.REVIEW_PAGE,
            label="Open the review of this attempt",
            icon=":material/rate_review:",
            query_params={"attempt": str(picked)},
        )
else:
    st.caption("No attempts yet.")

answers = team_store.answers_of(db, user, learner.id)


def choice_label(answer: team_store.AnswerRow) -> str:
    """The option chosen, lettered as that answer's attempt showed the options."""
    scenario = course.scenario(answer.quiz_id, answer.scenario_id)
    option = scenario.option(answer.option_id) if scenario else None
    if scenario is None or option is None:
        return answer.option_id
    return f"{scenario.shuffled(answer.option_seed).letter(option.id)}. {option.text}"


# Lazy: the table of every answer (hundreds of rows) is built only while it is open.
every = st.expander(f"Every answer ({len(answers)})", key="learner_every", on_change="rerun")
with every:
    if every.open:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Answered": components.moment(a.answered_at),
                        "Quiz": titles.get(a.quiz_id, a.quiz_id),
                        "Scenario": (
                            s.title
                            if (s := course.scenario(a.quiz_id, a.scenario_id))
                            else a.scenario_id
                        ),
                        "Choice": choice_label(a),
                        "Points": a.points,
                        "Style": components.STYLE_NAMES.get(a.style, a.style),
                        "Source": a.source,
                    }
                    for a in answers
                ],
                columns=["Answered", "Quiz", "Scenario", "Choice", "Points", "Style", "Source"],
            ),
            hide_index=True,
            width="stretch",
            key="learner_answers",
        )

st.subheader(f"The last {trends.WEEKS} weeks", anchor=False)
trend_parts.trend_section(
    trends.weekly_trend(
        trend_store.learner_trend(db, user, learner.id, course, now), trends.trend_weeks(now)
    ),
    key="learner_trend",
    folded=True,
)

roleplay_parts.learner_runs(db, user, learner.id, course)

st.subheader("Selling style", anchor=False)
tallies = team_store.choice_tallies_of(db, user, learner.id, best_styles(course.quizzes))
profile = build_profile(tallies)
if profile.answers:
    st.caption(
        f"From {profile.answers} choices, workshop answers included. Did each choice fit the "
        "situation? Each bar is the situations that called for one style, split by the style chosen."
    )
    components.fit_section(profile, chart=False)
    # The figures stay in view; the three charts and their words wait in an expander, as
    # the trend charts do: on a page this long they were most of its load in a browser.
    charts = st.expander("The choices as charts", key="learner_style_charts", on_change="rerun")
    with charts:
        if charts.open:
            components.fit_chart(profile)
            style_col, behaviour_col = st.columns(2)
            with style_col:
                components.style_chart(profile)
            with behaviour_col:
                components.behaviour_chart(profile)
else:
    st.caption("No scenario answered yet.")

st.subheader("What to talk about", anchor=False)
# The latest answer to each scenario: what the learner would choose today.
latest = {}
for a in answers:
    latest[(a.quiz_id, a.scenario_id)] = a
# Most urgent first: recent misses, weighted towards the learner's weakest behaviours.
missed = sorted(
    (
        (scenario, a)
        for (quiz_id, scenario_id), a in latest.items()
        if a.points < MAX_POINTS and (scenario := course.scenario(quiz_id, scenario_id)) is not None
    ),
    key=lambda pair: (
        -coaching.priority(
            pair[1].behaviour,
            datetime.fromisoformat(pair[1].answered_at),
            profile.behaviours,
            now,
        )
    ),
)
if not missed:
    st.caption("No missed scenarios: every latest answer was the best move.")
elif len(missed) > coaching.TALK_LIMIT:
    show_all = st.toggle(f"Show all {len(missed)}", key="learner_talk_all")
    st.caption(
        f"The {coaching.TALK_LIMIT} to start with are shown: the most recent misses, "
        "those on the weakest behaviours first."
        if not show_all
        else "Most recent misses first, those on the weakest behaviours ahead."
    )
    if not show_all:
        missed = missed[: coaching.TALK_LIMIT]
for scenario, a in missed:
    with st.container(border=True):
        # Few elements a card, each holding several lines: each element costs the browser
        # its own drawing, and five cards were half of this page's (README, "Speed of the
        # manager's pages"). Course text only: Markdown is the author's own.
        behaviour = (
            f" · Behaviour: {BEHAVIOUR_NAMES[a.behaviour]}"
            if a.behaviour in BEHAVIOUR_NAMES
            else ""
        )
        st.markdown(
            f"**{scenario.title}** · {titles.get(a.quiz_id, a.quiz_id)}\n\n"
            f":small[:gray[Answered {components.moment(a.answered_at)}{behaviour}]]"
        )
        components.option_feedback(scenario.shuffled(a.option_seed), a.option_id, a.points)
        if scenario.discussion:
            st.markdown(
                ":small[:gray[Questions to ask]]\n\n"
                + "\n".join(f"- {prompt}" for prompt in scenario.discussion)
            )

coaching_parts.coaching_notes(db, user, learner.id)
