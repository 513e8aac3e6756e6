"""Weekly trends and the week's events on a real file, with `now` fixed and attempts in known weeks.

NOW (conftest) is Monday 2 November 2026, 09:30 UTC: its week starts that
Monday at 00:00, and the trend's oldest week starts Monday 17 August.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import NOW, make_user
from team_fixtures import take_quiz

from arrowhead import trends
from arrowhead.course import load_course
from arrowhead.store import learning
from arrowhead.store import teams as team_store
from arrowhead.store import trends as trend_store
from arrowhead.store.database import iso
from arrowhead.teams import COMMAND_LINE
from arrowhead.trends import WeekTally

MONDAY = datetime(2026, 11, 2, tzinfo=UTC)
OLDEST = datetime(2026, 8, 17, tzinfo=UTC)
SECOND = timedelta(seconds=1)
BEST = ["strategic", "escalate"]  # alpha: 100%
ZERO = ["discount", "wait"]  # alpha: 0%
FORTY = ["explain-value", "chase"]  # alpha: 40%, below its pass mark of 70


@pytest.fixture
def setup(db, course_root):
    course = load_course(course_root)
    admin = make_user(db, "admin", ("admin",), "Ada Admin")
    mara = make_user(db, "mara", ("manager",), "Mara Manager")
    north = team_store.create_team(db, COMMAND_LINE, "North", NOW).id
    south = team_store.create_team(db, COMMAND_LINE, "South", NOW).id
    team_store.set_managed_teams(db, COMMAND_LINE, mara.id, [north])
    people = {}
    for username, team in (("ana", north), ("ben", north), ("eve", north), ("cleo", south)):
        people[username] = make_user(db, username, name=username.title())
        team_store.set_team(db, COMMAND_LINE, people[username].id, team, NOW)
    return course, admin, mara, north, south, people


def test_trend_weeks_are_the_twelve_mondays_up_to_now():
    weeks = trends.trend_weeks(NOW)
    assert weeks[0] == OLDEST and weeks[-1] == MONDAY and len(weeks) == 12
    # A moment exactly at Monday 00:00 starts its own week.
    assert trends.week_start(MONDAY) == MONDAY
    assert trends.week_start(MONDAY - SECOND) == MONDAY - 7 * timedelta(days=1)


def test_first_passes_and_first_scores_fall_in_their_weeks(db, setup):
    course, admin, mara, north, south, people = setup
    ana, ben, cleo = people["ana"], people["ben"], people["cleo"]
    # Ana: alpha passed first time a second before this week; beta at its first moment.
    take_quiz(db, course, ana, "alpha", BEST, MONDAY - SECOND)
    take_quiz(db, course, ana, "beta", ["brief"], MONDAY)
    # Ben: alpha failed in week 9 (0%) and week 10 (40%), passed this week; a retake after
    # passing is neither a first attempt nor a first pass.
    take_quiz(db, course, ben, "alpha", ZERO, MONDAY - timedelta(days=7))
    take_quiz(db, course, ben, "alpha", FORTY, MONDAY - timedelta(days=3))
    take_quiz(db, course, ben, "alpha", BEST, NOW - timedelta(hours=1))
    take_quiz(db, course, ben, "alpha", BEST, NOW - timedelta(minutes=5))
    # Before the oldest week by a second: left out; at its first moment: week 0.
    take_quiz(db, course, ben, "beta", ["slides"], OLDEST - SECOND)
    take_quiz(db, course, people["eve"], "beta", ["brief"], OLDEST)
    # Cleo is in another team: never in North's figures.
    take_quiz(db, course, cleo, "alpha", BEST, NOW - timedelta(hours=2))
    # A workshop attempt counts in no quiz result.
    db.execute(
        """INSERT INTO attempts (user_id, quiz_id, source, started_at, finished_at, score, passed)
           VALUES (?, 'beta', 'workshop', ?, ?, 100, 1)""",
        [cleo.id, iso(NOW), iso(NOW)],
    )

    north_weeks = trend_store.team_trend(db, mara, north, course, NOW)
    assert north_weeks == [
        WeekTally(week=0, passed=1, first_attempts=1, first_points=100),  # Eve, beta
        # Ben's first alpha attempt (0%) finished in week 10 at MONDAY - 7 days.
        WeekTally(week=10, passed=1, first_attempts=2, first_points=100),  # Ana alpha; Ben 0%
        WeekTally(week=11, passed=2, first_attempts=1, first_points=100),  # Ana beta; Ben alpha
    ]
    # The manager's "every team in scope" is North alone; the admin's All teams adds Cleo.
    assert trend_store.team_trend(db, mara, None, course, NOW) == north_weeks
    everyone = trend_store.team_trend(db, admin, None, course, NOW)
    assert everyone[-1] == WeekTally(week=11, passed=3, first_attempts=2, first_points=200)
    # Another team's id asked by the wrong manager: nothing, not South's weeks.
    assert trend_store.team_trend(db, mara, south, course, NOW) == []

    laid_out = trends.weekly_trend(north_weeks, trends.trend_weeks(NOW))
    assert [w.passed for w in laid_out] == [1] + [0] * 9 + [1, 2]
    assert [w.first_score for w in laid_out] == [100.0] + [None] * 9 + [50.0, 100.0]
    assert laid_out[-1].start == MONDAY.date()


def test_a_learners_trend_is_theirs_and_only_for_who_may_see_them(db, setup):
    course, admin, mara, north, south, people = setup
    take_quiz(db, course, people["cleo"], "alpha", FORTY, NOW - timedelta(days=6))
    take_quiz(db, course, people["cleo"], "alpha", BEST, NOW)
    expected = [
        WeekTally(week=10, passed=0, first_attempts=1, first_points=40),
        WeekTally(week=11, passed=1, first_attempts=0, first_points=0),
    ]
    assert trend_store.learner_trend(db, admin, people["cleo"].id, course, NOW) == expected
    assert trend_store.learner_trend(db, people["cleo"], people["cleo"].id, course, NOW) == expected
    assert trend_store.learner_trend(db, mara, people["cleo"].id, course, NOW) == []


def test_week_steps_and_stuck_moments_count_from_monday(db, setup):
    course, admin, mara, north, south, people = setup
    ana, ben, eve, cleo = people["ana"], people["ben"], people["eve"], people["cleo"]
    # Ana passes alpha this week and reads a section; last week's beta pass is not this week's.
    take_quiz(db, course, ana, "beta", ["brief"], MONDAY - SECOND)
    take_quiz(db, course, ana, "alpha", BEST, MONDAY)
    module = course.modules[0]
    learning.mark_section_read(db, ana.id, module.id, module.sections[0].id, NOW)
    # Ben fails alpha last week and again this week: stuck this week.
    take_quiz(db, course, ben, "alpha", ZERO, MONDAY - timedelta(days=2))
    take_quiz(db, course, ben, "alpha", FORTY, MONDAY + timedelta(hours=1))
    # Eve failed twice last week: stuck, but not this week's news.
    take_quiz(db, course, eve, "alpha", ZERO, MONDAY - timedelta(days=3))
    take_quiz(db, course, eve, "alpha", ZERO, MONDAY - SECOND)
    # Cleo, in South, gets stuck this week too: not in North's week.
    take_quiz(db, course, cleo, "alpha", ZERO, NOW - timedelta(hours=2))
    take_quiz(db, course, cleo, "alpha", ZERO, NOW - timedelta(hours=1))

    steps = trend_store.week_steps(db, mara, north, course, MONDAY)
    assert steps == [trends.WeekSteps(user_id=ana.id, first_passes=("alpha",), sections_read=1)]
    stuck = trend_store.stuck_moments(db, mara, north, course, MONDAY)
    assert [(s.user_id, s.quiz_id, s.at) for s in stuck] == [
        (ben.id, "alpha", MONDAY + timedelta(hours=1))
    ]
    everyone = trend_store.stuck_moments(db, admin, None, course, MONDAY)
    assert {s.user_id for s in everyone} == {ben.id, cleo.id}
    # Passing the quiz later ends being stuck on it.
    take_quiz(db, course, ben, "alpha", BEST, NOW)
    assert trend_store.stuck_moments(db, mara, north, course, MONDAY) == []


def test_a_role_play_first_finished_this_week_is_a_step_of_the_week(db, roleplay_root):
    """Once modules have role-plays, the step that finishes a course can be a role-play's
    ending; a run finished again this week after an earlier finish is not a first."""
    from arrowhead.roleplays import best_route
    from arrowhead.store import roleplays as roleplay_store

    course = load_course(roleplay_root)
    mara = make_user(db, "mara", ("manager",), "Mara Manager")
    north = team_store.create_team(db, COMMAND_LINE, "North", NOW).id
    team_store.set_managed_teams(db, COMMAND_LINE, mara.id, [north])
    ana, ben = make_user(db, "ana"), make_user(db, "ben")
    for person in (ana, ben):
        team_store.set_team(db, COMMAND_LINE, person.id, north, NOW)
    roleplay = course.roleplays[0]
    route = best_route(roleplay)
    assert route is not None

    def play(user, at):
        run = roleplay_store.start_run(db, user.id, roleplay.id, at)
        for position, (_step, option) in enumerate(route.route):
            run = roleplay_store.record_choice(db, run, roleplay, position, option.id, at).run
        assert run.finished

    play(ana, MONDAY + timedelta(hours=2))  # first finished this week
    play(ben, MONDAY - SECOND)  # last week
    play(ben, NOW)  # again this week: not a first
    steps = {s.user_id: s for s in trend_store.week_steps(db, mara, north, course, MONDAY)}
    assert steps[ana.id].roleplays_finished == 1
    assert ben.id not in steps or steps[ben.id].roleplays_finished == 0
