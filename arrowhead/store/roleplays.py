"""Role-play runs and the choices made in them, stored the moment each choice is made.

A run is one play-through of a role-play. Its choices are numbered by position (0 for the
first step); the first choice stored at a position stands, so a double click or a stale tab
never doubles or loses one. Reads for managers take the viewer and answer only within their
scope, as the team reads do.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from arrowhead.accounts import User
from arrowhead.quizzes import MAX_POINTS
from arrowhead.roleplays import Position, Roleplay, walk
from arrowhead.store import teams as team_store
from arrowhead.store import xapi as outbox
from arrowhead.store.database import MIGRATION_SETS, immediate, iso
from arrowhead.store.xapi import Statements

roleplay_migrations = Migrations("arrowhead-roleplays")
MIGRATION_SETS.append(roleplay_migrations)

SELF, WORKSHOP = "self", "workshop"


@roleplay_migrations()
def create_roleplay_runs(db: Database) -> None:
    """Runs through role-plays, and each choice made in a run."""
    db.execute(
        """CREATE TABLE roleplay_runs (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            roleplay_id TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('self', 'workshop')),
            started_at TEXT NOT NULL,
            finished_at TEXT,                 -- set when the run reaches an ending
            ending_id TEXT,
            score INTEGER                     -- the ending's points x 10, in percent
        )"""
    )
    db.execute("CREATE INDEX roleplay_runs_by_user ON roleplay_runs(user_id, roleplay_id, id)")
    db.execute(
        """CREATE TABLE roleplay_choices (
            run_id INTEGER NOT NULL REFERENCES roleplay_runs(id),
            position INTEGER NOT NULL,        -- 0 for the choice at the first step
            step_id TEXT NOT NULL,
            option_id TEXT NOT NULL,
            points INTEGER NOT NULL,
            max_points INTEGER NOT NULL,
            style TEXT NOT NULL,
            behaviour TEXT,
            chosen_at TEXT NOT NULL,
            UNIQUE (run_id, position)
        )"""
    )


class RunError(Exception):
    """A choice that cannot be stored, with a plain sentence saying why."""


@dataclass(frozen=True)
class Run:
    """One play-through of a role-play."""

    id: int
    user_id: int
    roleplay_id: str
    source: str
    """'self' for a learner's own run, 'workshop' for one played in a workshop."""
    started_at: str
    finished_at: str | None
    ending_id: str | None
    score: int | None
    """The ending's points × 10, in percent; None while the run goes on."""

    @property
    def finished(self) -> bool:
        """Whether the run has reached an ending."""
        return self.finished_at is not None


@dataclass(frozen=True)
class StoredChoice:
    """One move made in a run, with how sound it was when it was made."""

    position: int
    """0 for the choice at the first step."""
    step_id: str
    option_id: str
    points: int
    max_points: int
    style: str
    behaviour: str | None
    """The behaviour of the step the choice was made at."""
    chosen_at: str


@dataclass(frozen=True)
class Recorded:
    """What became of a choice: the one stored at its position, and whether it was there before."""

    choice: StoredChoice
    already: bool
    """True when another tab (or a double click) had made the choice at this position first:
    the stored one stands."""
    run: Run
    """The run after the choice: finished if the choice led to an ending."""


_RUN_COLUMNS = "id, user_id, roleplay_id, source, started_at, finished_at, ending_id, score"
_CHOICE_COLUMNS = "position, step_id, option_id, points, max_points, style, behaviour, chosen_at"


def _run(row: tuple) -> Run:
    return Run(*row)


def _get_run(db: Database, run_id: int) -> Run:
    return _run(
        db.execute(f"SELECT {_RUN_COLUMNS} FROM roleplay_runs WHERE id = ?", [run_id]).fetchone()
    )


def open_run(db: Database, user_id: int, roleplay_id: str) -> Run | None:
    """The user's unfinished run of the role-play, if any."""
    row = db.execute(
        f"""SELECT {_RUN_COLUMNS} FROM roleplay_runs
            WHERE user_id = ? AND roleplay_id = ? AND source = 'self' AND finished_at IS NULL
            ORDER BY id DESC LIMIT 1""",
        [user_id, roleplay_id],
    ).fetchone()
    return _run(row) if row else None


def latest_run(db: Database, user_id: int, roleplay_id: str) -> Run | None:
    """The user's most recent own run of the role-play, finished or not."""
    row = db.execute(
        f"""SELECT {_RUN_COLUMNS} FROM roleplay_runs
            WHERE user_id = ? AND roleplay_id = ? AND source = 'self'
            ORDER BY id DESC LIMIT 1""",
        [user_id, roleplay_id],
    ).fetchone()
    return _run(row) if row else None


def start_run(
    db: Database, user_id: int, roleplay_id: str, now: datetime, *, replacing: int | None = None
) -> Run:
    """The user's unfinished run of the role-play, or a new one: a double click starts one, not two.

    replacing: the id of an unfinished run to leave behind (its role-play changed under it);
    a new run is started unless another tab has already done so.
    """
    with immediate(db):
        found = open_run(db, user_id, roleplay_id)
        if found is not None and found.id != replacing:
            return found
        cursor = db.execute(
            """INSERT INTO roleplay_runs (user_id, roleplay_id, source, started_at)
               VALUES (?, ?, 'self', ?)""",
            [user_id, roleplay_id, iso(now)],
        )
        assert cursor.lastrowid is not None
        return _get_run(db, cursor.lastrowid)


def own_run(db: Database, run_id: int, user_id: int) -> Run | None:
    """The run if it is the user's own; None for another person's or a missing id."""
    row = db.execute(
        f"SELECT {_RUN_COLUMNS} FROM roleplay_runs WHERE id = ? AND user_id = ?", [run_id, user_id]
    ).fetchone()
    return _run(row) if row else None


def runs_of(db: Database, user_id: int, roleplay_id: str | None = None) -> list[Run]:
    """The user's own runs, oldest first, of one role-play or all."""
    return [
        _run(row)
        for row in db.execute(
            f"""SELECT {_RUN_COLUMNS} FROM roleplay_runs
                WHERE user_id = :user AND source = 'self'
                  AND (:roleplay IS NULL OR roleplay_id = :roleplay)
                ORDER BY id""",
            {"user": user_id, "roleplay": roleplay_id},
        )
    ]


def choices_in(db: Database, run_id: int) -> list[StoredChoice]:
    """The choices made in a run, in the order made."""
    return [
        StoredChoice(*row)
        for row in db.execute(
            f"SELECT {_CHOICE_COLUMNS} FROM roleplay_choices WHERE run_id = ? ORDER BY position",
            [run_id],
        )
    ]


def position_of(roleplay: Roleplay, choices: list[StoredChoice]) -> Position:
    """Where the stored choices lead; RunError if the role-play has changed under them."""
    try:
        return walk(roleplay, [c.option_id for c in choices])
    except ValueError:
        raise RunError(
            "This role-play has changed since this run began, so its choices no longer fit. "
            "Start it again."
        ) from None


def record_choice(
    db: Database,
    run: Run,
    roleplay: Roleplay,
    position: int,
    option_id: str,
    now: datetime,
    xapi: Statements | None = None,
) -> Recorded:
    """Store a choice the moment it is made, and finish the run if it reached an ending.

    position is how many choices the page had seen when it offered the step: if another
    tab (or a double click) has stored a choice there since, that one stands and comes back
    with already=True. The xAPI statements (see arrowhead/statements.py) are stored in the
    same transaction as a new choice; a choice that was already there adds none.
    """
    with immediate(db):
        current = own_run(db, run.id, run.user_id)
        if current is None or current.roleplay_id != roleplay.id:
            raise RunError("That run is not yours, or no longer exists.")
        made = choices_in(db, run.id)
        if position < len(made):
            return Recorded(made[position], True, current)
        if current.finished or position > len(made):
            raise RunError("This run has moved on in another tab. The page now shows where it is.")
        before = position_of(roleplay, made)
        assert before.step is not None  # an unfinished run stands at a step
        option = before.step.option(option_id)
        if option is None:
            raise RunError("That choice is not one of the options at this step.")
        db.execute(
            f"""INSERT INTO roleplay_choices (run_id, {_CHOICE_COLUMNS})
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                run.id,
                position,
                before.step.id,
                option.id,
                option.points,
                MAX_POINTS,
                option.style,
                before.step.behaviour,
                iso(now),
            ],
        )
        ending = roleplay.ending(option.next)
        if ending is not None:
            db.execute(
                """UPDATE roleplay_runs SET finished_at = ?, ending_id = ?, score = ?
                   WHERE id = ? AND finished_at IS NULL""",
                [iso(now), ending.id, ending.score, run.id],
            )
        outbox.record(db, xapi)
        stored = choices_in(db, run.id)[position]
        return Recorded(stored, False, _get_run(db, run.id))


def finished_roleplays(db: Database, user_id: int) -> set[str]:
    """The ids of the role-plays the user has finished at least once, on their own."""
    return {
        row[0]
        for row in db.execute(
            """SELECT DISTINCT roleplay_id FROM roleplay_runs
               WHERE user_id = ? AND source = 'self' AND finished_at IS NOT NULL""",
            [user_id],
        )
    }


def best_endings(db: Database, user_id: int) -> dict[str, int]:
    """Role-play id -> the best score (percent) the user reached on their own; only the
    role-plays they have finished."""
    return dict(
        db.execute(
            """SELECT roleplay_id, max(score) FROM roleplay_runs
               WHERE user_id = ? AND source = 'self' AND finished_at IS NOT NULL
               GROUP BY roleplay_id""",
            [user_id],
        ).fetchall()
    )


def first_finished(db: Database, user_id: int) -> dict[str, str]:
    """Role-play id -> when the user first played it to an ending on their own (ISO time);
    only the role-plays they have finished."""
    return dict(
        db.execute(
            """SELECT roleplay_id, min(finished_at) FROM roleplay_runs
               WHERE user_id = ? AND source = 'self' AND finished_at IS NOT NULL
               GROUP BY roleplay_id""",
            [user_id],
        ).fetchall()
    )


def played_by(db: Database, user_ids: list[int]) -> dict[int, set[str]]:
    """For each of these learners who has finished any, the role-plays they played to an
    ending on their own. Callers pass only learners already found inside the viewer's scope."""
    played: dict[int, set[str]] = {}
    for user_id, roleplay_id in db.execute(
        """SELECT DISTINCT user_id, roleplay_id FROM roleplay_runs
           WHERE user_id IN (SELECT value FROM json_each(?)) AND source = 'self'
             AND finished_at IS NOT NULL""",
        [json.dumps(user_ids)],
    ):
        played.setdefault(user_id, set()).add(roleplay_id)
    return played


# ---------------------------------------------------------------- managers' reads


def runs_for(db: Database, viewer: User, user_id: int) -> list[Run]:
    """A learner's own runs, oldest first, if the viewer may see them; else none."""
    if not team_store.manages(db, viewer, user_id):
        return []
    return runs_of(db, user_id)


def visible_run(db: Database, viewer: User, run_id: int) -> Run | None:
    """The run if it is the viewer's own or a learner's in their scope; else None."""
    row = db.execute(f"SELECT {_RUN_COLUMNS} FROM roleplay_runs WHERE id = ?", [run_id]).fetchone()
    if row is None or not team_store.manages(db, viewer, row[1]):
        return None
    return _run(row)


def visible_choices(db: Database, viewer: User, run_id: int) -> list[StoredChoice]:
    """The choices in a run that is the viewer's own or a learner's in their scope; else none."""
    row = db.execute("SELECT user_id FROM roleplay_runs WHERE id = ?", [run_id]).fetchone()
    if row is None or not team_store.manages(db, viewer, row[0]):
        return []
    return choices_in(db, run_id)


def ending_spread(
    db: Database, viewer: User, team_id: int | None, roleplay_id: str
) -> Counter[str]:
    """How the finished own runs of a team in scope (or every team in scope) spread over the
    role-play's endings: ending id -> runs."""
    scope, params = team_store.scope_of(db, viewer, team_id)
    rows = db.execute(
        f"""WITH {scope}
            SELECT r.ending_id, count(*) FROM roleplay_runs r JOIN scope USING (user_id)
            WHERE r.roleplay_id = :roleplay AND r.source = 'self' AND r.finished_at IS NOT NULL
            GROUP BY r.ending_id""",
        params | {"roleplay": roleplay_id},
    )
    return Counter({ending_id: count for ending_id, count in rows})
