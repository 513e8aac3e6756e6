"""My team: each learner's progress and status, the team's heatmap and style, and the CSV files."""

import pandas as pd
import streamlit as st

from arrowhead import assignments, teams, trends
from arrowhead.review import ReviewCounts
from arrowhead.scoring import best_styles
from arrowhead.store import assignments as assignment_store
from arrowhead.store import practice as practice_store
from arrowhead.store import teams as team_store
from arrowhead.store import trends as trend_store
from arrowhead.teams import TeamError
from arrowhead.ui import answer_parts, coaching_parts, components, heatmap, team_parts, trend_parts

# The tabs under the roster, by label: the label is also the address's ?team_view= value.
# (A comment, not a docstring: Streamlit's magic would print a bare string on the page.)
TEAM_VIEWS = ("Assignments", "Trends", "Best scores", "Selling style")


def roster_filters() -> tuple[str, list[str]]:
    """The search and status filter, read from the address on load and written back on change."""
    if "team_search" not in st.session_state:
        st.session_state["team_search"] = components.query_param("q") or ""
    if "team_status" not in st.session_state:
        listed = (components.query_param("status") or "").split(",")
        st.session_state["team_status"] = [s for s in teams.STATUSES if s in listed]
    left, right = st.columns([2, 1])
    search = left.text_input("Find a learner", key="team_search", placeholder="name or username")
    statuses = right.multiselect("Status", teams.STATUSES, key="team_status")
    components.keep_in_address("q", search.strip())
    components.keep_in_address("status", ",".join(statuses))
    return search, statuses


def renew_button(team_id: int) -> None:
    """Renew the invite of the team on screen (by id), or say plainly why not."""
    if st.button("Renew the invite (the old link stops working)", key="team_renew"):
        try:
            team_store.renew_invite(db, user, team_id, now)
        except TeamError as err:
            st.error(str(err))
        else:
            st.rerun()


user = components.require_staff()
db = components.database()
course = components.course()
now = components.now()

st.title("My team")
team_id = components.team_choice(user, key="team_pick")
team = team_store.team_for(db, user, team_id) if team_id is not None else None
records = team_store.learner_records(db, user, team_id, course)
quiz_titles = {q.id: q.title for q in course.quizzes}
rows = teams.overview(records, course, now)
totals = teams.team_totals(rows)
# When each learner in scope earned the certificate (read in scope, like the records).
certified = team_store.certificates_earned(db, user, team_id)

if team_id is None:
    st.subheader("Teams compared", anchor=False)
    heatmap.comparison_table(
        teams.compare_teams(rows, [t.name for t in team_store.teams_for(db, user)], certified)
    )

# This week first: who finished, who got stuck, who went quiet.
monday = trends.week_start(now)
trend_parts.week_summary(
    trends.week_summary(
        rows,
        trend_store.week_steps(db, user, team_id, course, monday),
        trend_store.stuck_moments(db, user, team_id, course, monday),
        course,
        now,
    )
)

col1, col2, col3, col4 = st.columns(4)
col1.metric(
    "Learners",
    totals.learners,
    # Those who finished the course count, and are counted, under the headcount.
    delta=f"{totals.statuses[teams.COMPLETED]} completed",
    delta_color="off",
    delta_arrow="off",
    help="Completed: every section read, every role-play played and every quiz passed.",
)
col2.metric("Course done (mean)", f"{totals.completion:.0%}")
col3.metric("Average best score", components.percent(totals.average_best))
col4.metric("Modules passed", totals.modules_passed)
st.caption(" · ".join(f"{status}: {count}" for status, count in totals.statuses.items()))

if team is not None:
    # Drawn only while open: st.code brings the browser its code highlighter, about 200 ms
    # of CPU on every load of the page for a box most loads leave closed.
    invite = st.expander("Invite learners to this team", key="team_invite", on_change="rerun")
    with invite:
        if invite.open:
            st.write(
                "A learner who creates an account through this link, or types the code "
                "when signing up, lands in this team."
            )
            st.code(team.invite_code, language=None)
            st.code(components.invite_link(team.invite_code), language=None)
            renew_button(team.id)

# Assignments: read once, for the roster's column and the Assignments section.
work = assignment_store.team_work(db, user, team_id, course)
duties = work.duties(course, now.date())
assigned = coaching_parts.roster_summaries(duties)
no_reviews = ReviewCounts()

st.subheader("Learners", anchor=False)
if not rows:
    st.info("No learners in this team yet. Share the invite link above to bring them in.")
    st.stop()

search, statuses = roster_filters()
shown = [
    r
    for r in rows
    if (not statuses or r.status in statuses)
    and (
        not search
        or search.lower() in r.display_name.lower()
        or search.lower() in r.username.lower()
    )
]
# Every team at once is thousands of learners: the roster shows a page of those who need
# attention first; the search and status filter above apply before it, the CSV has them all.
on_screen = teams.attention_first(shown) if team is None else shown
# Reviews come back by UTC day, as assignments fall due; read for the rows on screen only.
reviews = practice_store.review_counts(
    db, user, team_id, course, now.date(), learners=[r.user_id for r in on_screen]
)
roster = pd.DataFrame(
    [
        {
            "Learner": r.display_name,
            "Username": r.username,
            "Team": r.team,
            "Status": teams.status_words(r, quiz_titles),
            "Course done": 100 * r.completion,
            "Modules passed": r.modules_passed,
            "Average best": r.average_best,
            "Quizzes": r.quizzes_finished,
            "Last active": components.moment(r.last_active),
            "Assignments": assigned.get(r.user_id, "–"),
            # The date earned; a dash for none yet.
            "Certificate": certified.get(r.user_id, "–")[:10],
            "Reviews due": reviews.get(r.user_id, no_reviews).due,
            "Reviews overdue": reviews.get(r.user_id, no_reviews).overdue,
        }
        for r in on_screen
    ],
    columns=[
        "Learner",
        "Username",
        "Team",
        "Status",
        # What is due and overdue is what a manager acts on: next to the status, on screen.
        "Assignments",
        # The average and the count it rests on, side by side and in view.
        "Average best",
        "Quizzes",
        "Course done",
        "Modules passed",
        "Last active",
        "Certificate",
        "Reviews due",
        "Reviews overdue",
    ],
)
if team is not None:
    # One team: the column would say the same thing on every line.
    roster = roster.drop(columns="Team")
st.dataframe(
    roster,
    hide_index=True,
    width="stretch",
    key="team_roster",
    column_config={
        "Course done": st.column_config.ProgressColumn(format="%.0f%%", min_value=0, max_value=100),
        "Average best": st.column_config.NumberColumn(
            format="%.0f%%",
            help="The mean of the best scores on the quizzes finished: read it with how many.",
        ),
        # A perfect average over one quiz of six is not a star: the count sits beside it.
        "Quizzes": st.column_config.NumberColumn(
            format=f"%d of {len(course.quizzes)}",
            width="small",
            help="Quizzes finished (a finished attempt): what the average best rests on.",
        ),
    },
)
st.caption(
    (
        f"Showing {len(on_screen):,} of the {len(shown):,} learners found (of {len(rows):,}), "
        "those who need attention first: stuck, then inactive, then not started. Search or "
        "pick a status to see others; the roster CSV below has every learner. "
        if len(on_screen) < len(shown)
        else f"{len(shown):,} of {len(rows):,} learners shown"
        + (", those who need attention first. " if team is None else ". ")
    )
    + "Click a column heading to sort. "
    "Stuck: failed the quiz named twice or more without passing it. "
    "Inactive: nothing for 14 days. Completed: every section read, role-play played and quiz passed. "
    "Certificate: the date it was earned. "
    "Reviews: missed scenarios that have come back today, and those waiting since an earlier day."
)

by_label = {f"{r.display_name} ({r.username})": r.user_id for r in on_screen}
if by_label:
    picked = st.selectbox("Open one learner", list(by_label), key="team_learner")
    st.page_link(
        components.LEARNER_PAGE,
        label="See this learner's attempts, profile and what to talk about",
        icon=":material/person_search:",
        # My team's state rides along, so the learner page's way back restores it.
        query_params={"learner": str(by_label[picked]), **components.team_view_params()},
    )

# The sections under the roster, one at a time: only the open tab is computed and drawn,
# so the page's first screen stays light (bench/bench_manager_browser.py). The tab is in the
# address (?team_view=...), so a link or a reload opens the same one.
work_tab, trend_tab, heat_tab, style_tab = st.tabs(
    list(TEAM_VIEWS), key="team_view", bind="query-params", on_change="rerun"
)
with work_tab:
    if work_tab.open:
        coaching_parts.assignments_section(db, user, course, team, work, duties, rows, now.date())
with trend_tab:
    if trend_tab.open:
        st.subheader(f"The last {trends.WEEKS} weeks", anchor=False)
        trend_parts.trend_section(
            trends.weekly_trend(
                trend_store.team_trend(db, user, team_id, course, now), trends.trend_weeks(now)
            ),
            key="team_trend",
        )
with heat_tab:
    if heat_tab.open:
        st.subheader("Best score per module", anchor=False)
        if team is None:
            st.info(
                "Pick a team above to see its heatmap; the teams are compared at the top of the page."
            )
        else:
            heatmap.heatmap(teams.heatmap_cells(rows, course))
with style_tab:
    if style_tab.open:
        st.subheader("The team's selling style", anchor=False)
        team_parts.style_section(db, user, team_id, rows, course)

st.subheader("Downloads", anchor=False)
work_counts = coaching_parts.roster_counts(duties)
file_stem = (
    f"team-{team.id}"
    if team is not None
    else "no-team"
    if team_id == team_store.NO_TEAM
    else "all-teams"
)


def roster_csv() -> str:
    """Every learner in scope, not only the rows on screen, with their reviews read now."""
    every_review = practice_store.review_counts(db, user, team_id, course, now.date())
    return teams.csv_text(
        [
            "learner",
            "username",
            "team",
            "status",
            "stuck_on",
            "course_done_percent",
            "modules_passed",
            "average_best",
            "quizzes_finished",
            "last_active",
            "assignments_overdue",
            "assignments_due",
            "assignments_done",
            "certificate_earned",
            "reviews_due",
            "reviews_overdue",
            *[q.id for q in course.quizzes],
        ],
        [
            [
                r.display_name,
                r.username,
                r.team,
                r.status,
                "; ".join(r.stuck_on),
                round(100 * r.completion),
                r.modules_passed,
                None if r.average_best is None else round(r.average_best, 1),
                r.quizzes_finished,
                components.moment(r.last_active),
                *[
                    work_counts.get(r.user_id, {}).get(s, 0)
                    for s in (assignments.OVERDUE, assignments.DUE, assignments.DONE)
                ],
                certified.get(r.user_id, "")[:10],
                every_review.get(r.user_id, no_reviews).due,
                every_review.get(r.user_id, no_reviews).overdue,
                *[r.best_scores.get(q.id) for q in course.quizzes],
            ]
            for r in rows
        ],
    )


components.csv_download(
    "Roster with progress (CSV)",
    # Built on the click: a run that downloads nothing builds nothing.
    roster_csv,
    f"{file_stem}-roster.csv",
    key="team_roster_csv",
)
# Every answer can run to a million rows for all teams: built on disk, only when asked for.
answer_parts.every_answer_download(db, user, team_id, best_styles(course.quizzes), file_stem)
st.page_link(
    components.INSIGHT_PAGE,
    label="Scenario insight and its statistics (CSV)",
    icon=":material/query_stats:",
    # The same team there: the insight page reads its picker from ?team=.
    query_params={k: v for k, v in components.team_view_params().items() if k == "team"},
)
