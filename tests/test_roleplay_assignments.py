"""Role-plays as an assignment kind: the pure rules, the migration, and the team's duties."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from conftest import NOW, app_for, make_user
from team_fixtures import build_org

from arrowhead import assignments
from arrowhead.assignments import Assignment, Facts
from arrowhead.course import load_course
from arrowhead.store import assignments as assignment_store
from arrowhead.store import roleplays as roleplay_store
from arrowhead.store.database import MIGRATION_SETS, apply_migrations, open_database
from arrowhead.teams import TeamError

TODAY = NOW.date()
NEXT_WEEK = TODAY + timedelta(days=7)


@pytest.fixture
def course(roleplay_root):
    return load_course(roleplay_root)


def assignment(kind: str, item: str, due: date = TODAY) -> Assignment:
    return Assignment(1, kind, item, due, 1, None, "Alpha Team", "Mara", "2026-11-01T09:00:00")


@pytest.mark.parametrize(
    ("kind", "item", "facts", "expected"),
    [
        ("roleplay", "first-call", Facts(played=frozenset({"first-call"})), assignments.DONE),
        ("roleplay", "first-call", Facts(), assignments.DUE),
        ("roleplay", "gone", Facts(), assignments.GONE),
        # A module is done once its role-play is played too.
        (
            "module",
            "alpha",
            Facts(read={"alpha": 2}, passed=frozenset({"alpha"})),
            assignments.DUE,
        ),
        (
            "module",
            "alpha",
            Facts(
                read={"alpha": 2},
                passed=frozenset({"alpha"}),
                played=frozenset({"first-call"}),
            ),
            assignments.DONE,
        ),
    ],
)
def test_role_play_assignment_status(course, kind, item, facts, expected):
    assert assignments.status(course, assignment(kind, item), facts, TODAY) == expected


def test_role_plays_can_be_chosen_after_the_quizzes(course):
    items = assignments.choices(course)
    assert list(items.values())[-1] == ("roleplay", "first-call")
    assert items["Role-play: A first call with a buyer"] == ("roleplay", "first-call")
    assert assignments.label(course, assignment("roleplay", "first-call")) == (
        "Role-play: A first call with a buyer"
    )
    with pytest.raises(TeamError, match="That module, quiz or role-play is not in the course."):
        assignments.check_new(course, "roleplay", "nothing", NEXT_WEEK, TODAY)


def test_the_migration_keeps_every_assignment_and_then_allows_role_plays(db_path):
    db = open_database(db_path)
    apply_migrations(db)  # registers every set; then start again from a database before the step
    db.close()
    db_path.unlink()
    db = open_database(db_path)
    for migrations in MIGRATION_SETS:
        migrations.apply(db, stop_before="allow_roleplay_assignments")
    boss = make_user(db, "boss", ("admin",))
    db.execute(
        """INSERT INTO assignments (id, user_id, kind, item_id, due_on, assigned_by, assigned_at)
           VALUES (7, ?, 'quiz', 'alpha', '2026-11-09', ?, '2026-11-02T09:30:00+00:00')""",
        [boss.id, boss.id],
    )
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            """INSERT INTO assignments (user_id, kind, item_id, due_on, assigned_by, assigned_at)
               VALUES (?, 'roleplay', 'first-call', '2026-11-09', ?, 'x')""",
            [boss.id, boss.id],
        )
    apply_migrations(db)
    assert db.execute("SELECT id, kind, item_id FROM assignments").fetchall() == [
        (7, "quiz", "alpha")
    ]
    db.execute(
        """INSERT INTO assignments (user_id, kind, item_id, due_on, assigned_by, assigned_at)
           VALUES (?, 'roleplay', 'first-call', '2026-11-09', ?, 'x')""",
        [boss.id, boss.id],
    )
    with pytest.raises(sqlite3.IntegrityError):  # the other checks came along
        db.execute(
            """INSERT INTO assignments (user_id, kind, item_id, due_on, assigned_by, assigned_at)
               VALUES (?, 'lecture', 'x', '2026-11-09', ?, 'x')""",
            [boss.id, boss.id],
        )
    db.close()


def test_a_team_role_play_assignment_is_done_once_a_learner_finishes_a_run(db, roleplay_root):
    org = build_org(db, roleplay_root, NOW)
    roleplay = org.course.roleplay("first-call")
    assigned = assignment_store.assign(
        db,
        org.manager_a,
        org.course,
        kind="roleplay",
        item_id="first-call",
        due=NEXT_WEEK,
        now=NOW,
        team_id=org.team_a,
    )
    run = roleplay_store.start_run(db, org.ana.id, "first-call", NOW)
    roleplay_store.record_choice(db, run, roleplay, 0, "offer-discount", NOW)
    unfinished = roleplay_store.start_run(db, org.ben.id, "first-call", NOW)
    roleplay_store.record_choice(db, unfinished, roleplay, 0, "ask-goals", NOW)
    work = assignment_store.team_work(db, org.manager_a, org.team_a, org.course)
    statuses = {(d.user_id, d.assignment.id): d.status for d in work.duties(org.course, TODAY)}
    assert statuses == {
        (org.ana.id, assigned): assignments.DONE,
        (org.ben.id, assigned): assignments.DUE,
        (org.dan.id, assigned): assignments.DUE,
    }


def test_the_course_map_links_an_assigned_role_play(app_env, roleplay_root):
    org = build_org(app_env, roleplay_root, NOW)
    assignment_store.assign(
        app_env,
        org.manager_a,
        org.course,
        kind="roleplay",
        item_id="first-call",
        due=date.today() + timedelta(days=30),
        now=NOW,
        user_id=org.dan.id,
    )
    at = app_for(app_env, org.dan)
    assert not at.exception
    assigned = [
        link.proto
        for link in at.get("page_link")
        if link.proto.label.startswith("Role-play: A first call with a buyer · due")
    ]
    assert [a.query_string for a in assigned] == ["id=first-call"]
    assert "roleplay" in assigned[0].page
