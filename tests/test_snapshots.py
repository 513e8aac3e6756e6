"""Aggregates kept until the database changes: any commit, from any connection, is seen."""

from __future__ import annotations

from conftest import NOW, make_user

from arrowhead.store import snapshots
from arrowhead.store import teams as team_store
from arrowhead.store.database import open_database
from arrowhead.teams import COMMAND_LINE


def test_a_kept_answer_is_computed_again_after_any_commit(db, db_path):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert snapshots.kept(db, "k", compute) == 1
    assert snapshots.kept(db, "k", compute) == 1  # nothing committed since
    assert snapshots.kept(db, "other", compute) == 2  # another question
    # A commit on this very connection counts, as one on another connection does.
    make_user(db, "sam")
    assert snapshots.kept(db, "k", compute) == 3
    other = open_database(db_path)
    other.execute("UPDATE users SET display_name = 'Sam Two'")
    other.conn.commit()
    assert snapshots.kept(db, "k", compute) == 4
    other.close()


def test_team_records_follow_a_move_and_keep_to_the_viewers_scope(db, course_root):
    """The records kept for one team are never another team's, and a move shows at once."""
    from team_fixtures import build_org

    org = build_org(db, course_root, NOW)
    names = lambda viewer, team: [  # noqa: E731
        r.display_name for r in team_store.learner_records(db, viewer, team, org.course)
    ]
    assert names(org.manager_a, org.team_a) == ["Ana Able", "Ben Stuck", "Dan Idle"]
    # Kept for the admin now; the manager of A asking for B still gets nothing.
    assert names(org.admin, org.team_b) == ["Cleo Secret"]
    assert names(org.manager_a, org.team_b) == []
    team_store.set_team(db, COMMAND_LINE, org.cleo.id, org.team_a, NOW)
    assert names(org.manager_a, org.team_a) == ["Ana Able", "Ben Stuck", "Cleo Secret", "Dan Idle"]
    assert names(org.admin, org.team_b) == []


def test_this_weeks_steps_are_kept_per_scope_and_follow_a_pass(db, course_root):
    """The week's steps and stuck moments are kept (70 ms of All teams), never across scopes,
    and a pass committed after they were kept shows on the next read."""
    from datetime import UTC, datetime, timedelta

    from team_fixtures import build_org, take_quiz

    from arrowhead.store import trends as trend_store

    now = datetime.now(UTC)
    org = build_org(db, course_root, now)
    since = now - timedelta(days=7)
    passes = lambda viewer, team: {  # noqa: E731
        s.user_id: s.first_passes
        for s in trend_store.week_steps(db, viewer, team, org.course, since)
    }
    stuck = lambda viewer, team: [  # noqa: E731
        m.user_id for m in trend_store.stuck_moments(db, viewer, team, org.course, since)
    ]
    assert passes(org.admin, None)[org.ana.id] == ("alpha", "beta")
    assert stuck(org.admin, None) == [org.ben.id]
    # Kept for the admin's every team; the manager of B gets B's only.
    assert org.ana.id not in passes(org.manager_b, org.team_a)
    assert stuck(org.manager_b, None) == []
    take_quiz(db, org.course, org.dan, "beta", ["brief"], now - timedelta(hours=1))
    assert passes(org.admin, None)[org.dan.id] == ("beta",)
