"""Scenario insight: how a team answered each scenario on first attempts, and what stands out."""

import streamlit as st

from arrowhead import teams
from arrowhead.store import teams as team_store
from arrowhead.store import workshops as workshop_store
from arrowhead.ui import components, insight_parts, roleplay_parts
from arrowhead.workshops import DeckEntry

# The page's tabs, by label: the label is also the address's ?insight_view= value.
# (A comment, not a docstring: Streamlit's magic would print a bare string on the page.)
INSIGHT_VIEWS = ("Scenarios", "Role-plays")

user = components.require_staff()
db = components.database()
course = components.course()

st.title("Scenario insight")
st.caption(
    "From each learner's first self-paced attempt at each quiz. Facility: the mean first-attempt "
    "score. Discrimination: how much better the top third of learners (by overall score) did "
    "than the bottom third, from −1 to 1. 'Strong sellers miss this' only when the top third "
    "got it right less often than the bottom third by more than chance allows for groups of "
    "their size. Options are listed by their text in the quiz file's order: each attempt "
    "showed them in its own shuffled order, under its own letters."
)
team_id = components.team_choice(user, key="insight_team")
if not course.quizzes:
    st.info("The course has no quizzes yet.")
    roleplay_parts.ending_spread_section(db, user, team_id, course)
    st.stop()


def scenarios_tab() -> None:
    """Each scenario of the quiz picked: how the team answered it, and what stands out."""
    overall = team_store.overall_scores(db, user, team_id)
    upper, lower = teams.thirds(overall)
    tallies = team_store.option_tallies(db, user, team_id, upper, lower)

    # Flagged scenarios offer "add to a workshop deck": the decks this viewer may add to.
    decks = workshop_store.decks_to_add_to(db, user)

    quiz_titles = {f"{q.number}. {q.title}": q for q in course.quizzes}
    quiz = quiz_titles[st.selectbox("Quiz", list(quiz_titles), key="insight_quiz")]
    # Only the quiz shown is worked out here; the CSV of every quiz, when it is downloaded.
    scenarios = teams.quiz_insight(quiz, tallies)

    learners = max((s.learners for s in scenarios), default=0)
    if learners == 0:
        st.info("No one in this team has taken this quiz yet.")
    elif learners < teams.SMALL_SAMPLE:
        st.warning(
            f"Only {learners} learner{'s' if learners != 1 else ''} so far: with fewer than "
            f"{teams.SMALL_SAMPLE}, read these figures as anecdotes, not patterns."
        )

    for number, insight in enumerate(scenarios, start=1):
        with st.container(border=True):
            st.subheader(f"{number}. {insight.title}", anchor=False)
            col1, col2, col3 = st.columns(3)
            col1.metric(
                "Got it right",
                f"{insight.right} of {insight.learners}",
                help="Learners whose first attempt chose the best move.",
            )
            col2.metric("Facility", components.percent(insight.facility))
            col3.metric(
                "Discrimination",
                "–" if insight.discrimination is None else f"{insight.discrimination:+.2f}",
            )
            for flag in insight.flags:
                st.warning(flag.capitalize())
            st.caption(teams.thirds_words(insight))
            # One Markdown element, not a grid (a page's first grid costs the browser about
            # 300 ms of CPU) nor st.table (an element a cell): with three or four rows there is
            # nothing to sort.
            components.plain_table(
                [
                    {
                        # By text, in file order: each attempt lettered them its own way.
                        "Option": o.text,
                        "Style": components.STYLE_NAMES[o.style],
                        "Points": o.points,
                        "Chosen": o.chosen,
                        "Share": f"{100 * o.share:.0f}%",
                    }
                    for o in insight.options
                ]
            )
            if insight.flags:
                insight_parts.add_to_deck(
                    db, user, DeckEntry(insight.quiz_id, insight.scenario_id), decks
                )

    def statistics_csv() -> str:
        """Every quiz's scenario statistics as CSV: one row an option."""
        return teams.csv_text(
            [
                "quiz",
                "scenario",
                "learners",
                "got_it_right",
                "facility_percent",
                "discrimination",
                "flags",
                "option",
                "option_text",
                "style",
                "points",
                "chosen",
                "share_percent",
            ],
            [
                [
                    s.quiz_id,
                    s.scenario_id,
                    s.learners,
                    s.right,
                    None if s.facility is None else round(s.facility, 1),
                    None if s.discrimination is None else round(s.discrimination, 3),
                    "; ".join(s.flags),
                    o.option_id,
                    o.text,
                    o.style,
                    o.points,
                    o.chosen,
                    round(100 * o.share, 1),
                ]
                for q in course.quizzes
                for s in teams.quiz_insight(q, tallies)
                for o in s.options
            ],
        )

    components.csv_download(
        "Scenario statistics, every quiz (CSV)",
        statistics_csv,
        "scenario-statistics.csv",
        key="insight_csv",
    )


# The scenarios and the role-plays, one at a time: only the open tab is computed and drawn,
# so the page's first screen stays light (bench/bench_manager_browser.py), as on My team. The
# tab is in the address (?insight_view=...), so a link or a reload opens the same one.
scenario_tab, roleplay_tab = st.tabs(
    list(INSIGHT_VIEWS), key="insight_view", bind="query-params", on_change="rerun"
)
with scenario_tab:
    if scenario_tab.open:
        scenarios_tab()
with roleplay_tab:
    if roleplay_tab.open:
        roleplay_parts.ending_spread_section(db, user, team_id, course)
