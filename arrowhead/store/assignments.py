"""Assignments: storing them, removing them, and reading them within the viewer's scope.

A manager sets work for the teams they manage and the learners in them; an
admin for any team and its learners. Reads answer only inside the viewer's
scope, as every team read does (see store/teams.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from arrowhead import assignments
from arrowhead.accounts import User
from arrowhead.assignments import Assignment, Duty, Facts, duties
from arrowhead.course import Course
from arrowhead.store import audit
from arrowhead.store import roleplays as roleplay_store
from arrowhead.store import teams as team_store
from arrowhead.store.database import MIGRATION_SETS, immediate, iso
from arrowhead.teams import TeamError

assignment_migrations = Migrations("arrowhead-assignments")
MIGRATION_SETS.append(assignment_migrations)


@assignment_migrations()
def create_assignments(db: Database) -> None:
    """Modules and quizzes set for a team or one learner, with a due date."""
    db.execute(
        """CREATE TABLE assignments (
            id INTEGER PRIMARY KEY,
            team_id INTEGER REFERENCES teams(id),   -- a team assignment: everyone now in the team
            user_id INTEGER REFERENCES users(id),   -- or one learner
            kind TEXT NOT NULL CHECK (kind IN ('module', 'quiz')),
            item_id TEXT NOT NULL,                  -- the module's or quiz's id
            due_on TEXT NOT NULL,                   -- a date, YYYY-MM-DD
            assigned_by INTEGER NOT NULL REFERENCES users(id),
            assigned_at TEXT NOT NULL,
            removed_at TEXT,                        -- set when withdrawn; the row is kept
            CHECK ((team_id IS NULL) != (user_id IS NULL))
        )"""
    )
    db.execute("CREATE INDEX assignments_by_team ON assignments(team_id) WHERE team_id IS NOT NULL")
    db.execute("CREATE INDEX assignments_by_user ON assignments(user_id) WHERE user_id IS NOT NULL")


@assignment_migrations()
def allow_roleplay_assignments(db: Database) -> None:
    """Role-plays can be assigned: the kind's CHECK gains 'roleplay'.

    SQLite cannot change a CHECK in place, so the table is rebuilt with every row and id.
    """
    db.execute(
        """CREATE TABLE assignments_new (
            id INTEGER PRIMARY KEY,
            team_id INTEGER REFERENCES teams(id),   -- a team assignment: everyone now in the team
            user_id INTEGER REFERENCES users(id),   -- or one learner
            kind TEXT NOT NULL CHECK (kind IN ('module', 'quiz', 'roleplay')),
            item_id TEXT NOT NULL,                  -- the module's, quiz's or role-play's id
            due_on TEXT NOT NULL,                   -- a date, YYYY-MM-DD
            assigned_by INTEGER NOT NULL REFERENCES users(id),
            assigned_at TEXT NOT NULL,
            removed_at TEXT,                        -- set when withdrawn; the row is kept
            CHECK ((team_id IS NULL) != (user_id IS NULL))
        )"""
    )
    db.execute(
        """INSERT INTO assignments_new (id, team_id, user_id, kind, item_id, due_on, assigned_by,
               assigned_at, removed_at)
           SELECT id, team_id, user_id, kind, item_id, due_on, assigned_by, assigned_at,
               removed_at FROM assignments"""
    )
    db.execute("DROP TABLE assignments")
    db.execute("ALTER TABLE assignments_new RENAME TO assignments")
    db.execute("CREATE INDEX assignments_by_team ON assignments(team_id) WHERE team_id IS NOT NULL")
    db.execute("CREATE INDEX assignments_by_user ON assignments(user_id) WHERE user_id IS NOT NULL")


@dataclass(frozen=True)
class Work:
    """The assignments in a scope, who each applies to, and what those learners have done."""

    assignments: list[Assignment]
    pairs: list[tuple[int, int]]
    """(learner id, assignment id) for every active learner an assignment applies to."""
    facts: dict[int, Facts]
    """By learner id."""

    def duties(self, course: Course, today: date) -> list[Duty]:
        """Each pair with its status, overdue first."""
        return duties(course, self.assignments, self.pairs, self.facts, today)


_SELECT = """SELECT a.id, a.kind, a.item_id, a.due_on, a.team_id, a.user_id,
    coalesce(t.name, u.display_name), b.display_name, a.assigned_at
  FROM assignments a LEFT JOIN teams t ON t.id = a.team_id
  LEFT JOIN users u ON u.id = a.user_id JOIN users b ON b.id = a.assigned_by"""


def _assignment(row: tuple) -> Assignment:
    return Assignment(
        id=row[0],
        kind=row[1],
        item_id=row[2],
        due=date.fromisoformat(row[3]),
        team_id=row[4],
        user_id=row[5],
        target=row[6],
        assigned_by=row[7],
        assigned_at=row[8],
    )


# ---------------------------------------------------------------- writes


def _learner_team(db: Database, user_id: int) -> int | None:
    row = db.execute(
        """SELECT m.team_id FROM team_members m JOIN users u ON u.id = m.user_id
           WHERE m.user_id = ? AND u.active = 1""",
        [user_id],
    ).fetchone()
    return row[0] if row else None


def assign(
    db: Database,
    viewer: User,
    course: Course,
    *,
    kind: str,
    item_id: str,
    due: date,
    now: datetime,
    team_id: int | None = None,
    user_id: int | None = None,
) -> int:
    """Set a module, quiz or role-play for a team or one learner in the viewer's scope; the new id."""
    if (team_id is None) == (user_id is None):
        raise TeamError("Assign to a team or to one learner.")
    assignments.check_new(course, kind, item_id, due, now.date())
    with immediate(db):
        # The learner's team decides: a manager assigns only within the teams they manage.
        scope_team = _learner_team(db, user_id) if user_id is not None else team_id
        if scope_team is None or scope_team not in team_store.visible_team_ids(db, viewer):
            raise TeamError("You can only assign work to teams you manage and their learners.")
        cursor = db.execute(
            """INSERT INTO assignments
               (team_id, user_id, kind, item_id, due_on, assigned_by, assigned_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [team_id, user_id, kind, item_id, due.isoformat(), viewer.id, iso(now)],
        )
        assignment_id = cursor.lastrowid
        assert assignment_id is not None
        title = assignments.item_title(course, kind, item_id)
        audit.record(
            db,
            viewer,
            audit.ASSIGNED,
            now,
            user_id=user_id,
            team_id=team_id,
            detail=f"{title}, due {due.isoformat()}",
        )
    return assignment_id


def remove_assignment(db: Database, viewer: User, assignment_id: int, now: datetime) -> None:
    """Withdraw an assignment in the viewer's scope; it stays on record as removed."""
    with immediate(db):
        found = _in_scope(db, viewer, [assignment_id])
        if not found:
            raise TeamError("That assignment does not exist, or is not in a team you manage.")
        db.execute(
            "UPDATE assignments SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
            [iso(now), assignment_id],
        )
        a = found[0]
        audit.record(
            db,
            viewer,
            audit.ASSIGNMENT_REMOVED,
            now,
            user_id=a.user_id,
            team_id=a.team_id,
            detail=f"{a.kind} {a.item_id}, due {a.due.isoformat()}",
        )


# ---------------------------------------------------------------- reads

# Active members, with their team, of the teams given as a JSON array.
_MEMBERS = """members(user_id, team_id) AS (
    SELECT m.user_id, m.team_id FROM team_members m JOIN users u ON u.id = m.user_id
    WHERE u.active = 1 AND m.team_id IN (SELECT value FROM json_each(:teams)))"""


def _in_scope(
    db: Database, viewer: User, ids: list[int] | None, team_id: int | None = None
) -> list[Assignment]:
    # Active assignments made to a team in scope, or to a learner now in one.
    teams = team_store.visible_team_ids(db, viewer)
    if team_id is not None:
        teams = [team_id] if team_id in teams else []
    rows = db.execute(
        f"""WITH {_MEMBERS} {_SELECT}
            WHERE a.removed_at IS NULL
              AND (a.team_id IN (SELECT value FROM json_each(:teams))
                   OR a.user_id IN (SELECT user_id FROM members))
              AND (:ids IS NULL OR a.id IN (SELECT value FROM json_each(:ids)))
            ORDER BY a.due_on, a.id""",
        {"teams": json.dumps(teams), "ids": None if ids is None else json.dumps(ids)},
    )
    return [_assignment(row) for row in rows]


def team_work(db: Database, viewer: User, team_id: int | None, course: Course) -> Work:
    """The active assignments for a team in scope (or every team in scope) and its learners."""
    found = _in_scope(db, viewer, None, team_id)
    teams = team_store.visible_team_ids(db, viewer)
    if team_id is not None:
        teams = [team_id] if team_id in teams else []
    pairs = [
        (row[0], row[1])
        for row in db.execute(
            f"""WITH {_MEMBERS}
                SELECT m.user_id, a.id FROM assignments a JOIN members m
                  ON a.team_id = m.team_id OR a.user_id = m.user_id
                WHERE a.removed_at IS NULL AND a.id IN (SELECT value FROM json_each(:ids))""",
            {"teams": json.dumps(teams), "ids": json.dumps([a.id for a in found])},
        )
    ]
    return Work(found, pairs, _facts(db, sorted({u for u, _ in pairs}), found, course))


def learner_work(db: Database, viewer: User, user_id: int, course: Course) -> Work:
    """The active assignments that apply to one learner now, if the viewer may see them."""
    if not team_store.manages(db, viewer, user_id):
        return Work([], [], {})
    rows = db.execute(
        f"""{_SELECT} WHERE a.removed_at IS NULL AND (a.user_id = :user OR a.team_id = (
              SELECT team_id FROM team_members WHERE user_id = :user))
            ORDER BY a.due_on, a.id""",
        {"user": user_id},
    )
    found = [_assignment(row) for row in rows]
    return Work(found, [(user_id, a.id) for a in found], _facts(db, [user_id], found, course))


def _facts(
    db: Database, user_ids: list[int], found: list[Assignment], course: Course
) -> dict[int, Facts]:
    # Callers pass only learners already found inside the viewer's scope.
    if not user_ids:
        return {}
    users = json.dumps(user_ids)
    modules = {a.item_id for a in found if a.kind == assignments.MODULE}
    # Only the assigned modules' sections as the course has them now: counted in
    # SQL per learner and module, so Python sees a few rows per learner, not every read.
    sections = [f"{m.id}/{s.id}" for m in course.modules if m.id in modules for s in m.sections]
    read: dict[int, dict[str, int]] = {}
    if sections:
        for user_id, module_id, count in db.execute(
            """SELECT user_id, module_id, count(*) FROM section_reads
               WHERE user_id IN (SELECT value FROM json_each(:users))
                 AND module_id IN (SELECT value FROM json_each(:modules))
                 AND module_id || '/' || section_id IN (SELECT value FROM json_each(:sections))
               GROUP BY user_id, module_id""",
            {
                "users": users,
                "modules": json.dumps(sorted(modules)),
                "sections": json.dumps(sections),
            },
        ):
            read.setdefault(user_id, {})[module_id] = count
    passed: dict[int, set[str]] = {}
    for user_id, quiz_id in db.execute(
        """SELECT DISTINCT user_id, quiz_id FROM attempts
           WHERE user_id IN (SELECT value FROM json_each(?)) AND source = 'self' AND passed = 1""",
        [users],
    ):
        passed.setdefault(user_id, set()).add(quiz_id)
    played = roleplay_store.played_by(db, user_ids)
    return {
        u: Facts(
            read=read.get(u, {}),
            passed=frozenset(passed.get(u, ())),
            played=frozenset(played.get(u, ())),
        )
        for u in user_ids
    }
