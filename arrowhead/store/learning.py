"""Sections read, attempts, answers and each learner's last place."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from arrowhead.scoring import Choice, Grade
from arrowhead.store import reviews
from arrowhead.store import xapi as outbox
from arrowhead.store.database import immediate, iso
from arrowhead.store.xapi import Statements


@dataclass(frozen=True)
class Attempt:
    """One go at a quiz."""

    id: int
    user_id: int
    quiz_id: str
    source: str
    started_at: str
    finished_at: str | None
    score: int | None
    passed: bool | None
    option_seed: int | None
    """Shuffles the options of every scenario in this attempt (Scenario.shuffled); None: file order."""


@dataclass(frozen=True)
class Answer:
    """One stored choice in an attempt."""

    scenario_id: str
    option_id: str
    points: int
    max_points: int
    style: str
    behaviour: str | None
    answered_at: str
    best_style: str | None
    """The style of the scenario's best move when it was answered; None for older answers."""


@dataclass(frozen=True)
class Place:
    """Where a learner last was: a section of a module, or a module's quiz."""

    kind: str
    module_id: str
    item_id: str


def mark_section_read(
    db: Database,
    user_id: int,
    module_id: str,
    section_id: str,
    now: datetime,
    xapi: Statements | None = None,
) -> None:
    """Record that a section was read, with its xAPI statements; marking it again changes nothing."""
    with immediate(db):
        db.execute(
            "INSERT OR IGNORE INTO section_reads (user_id, module_id, section_id, read_at) VALUES (?, ?, ?, ?)",
            [user_id, module_id, section_id, iso(now)],
        )
        outbox.record(db, xapi)


def sections_read(db: Database, user_id: int) -> dict[str, set[str]]:
    """The ids of the sections the user has read, by module id."""
    read: dict[str, set[str]] = {}
    for module_id, section_id in db.execute(
        "SELECT module_id, section_id FROM section_reads WHERE user_id = ?", [user_id]
    ):
        read.setdefault(module_id, set()).add(section_id)
    return read


def save_place(
    db: Database, user_id: int, kind: str, module_id: str, item_id: str, now: datetime
) -> None:
    """Remember where the user is, for Continue."""
    with immediate(db):
        db.execute(
            """INSERT INTO last_places (user_id, kind, module_id, item_id, updated_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (user_id) DO UPDATE SET kind = excluded.kind, module_id = excluded.module_id,
               item_id = excluded.item_id, updated_at = excluded.updated_at""",
            [user_id, kind, module_id, item_id, iso(now)],
        )


def last_place(db: Database, user_id: int) -> Place | None:
    """Where the user last was, or None."""
    row = db.execute(
        "SELECT kind, module_id, item_id FROM last_places WHERE user_id = ?", [user_id]
    ).fetchone()
    return Place(*row) if row else None


_ATTEMPT_COLUMNS = (
    "id, user_id, quiz_id, source, started_at, finished_at, score, passed, option_seed"
)


def _attempt(row: tuple) -> Attempt:
    attempt_id, user_id, quiz_id, source, started_at, finished_at, score, passed, seed = row
    return Attempt(
        id=attempt_id,
        user_id=user_id,
        quiz_id=quiz_id,
        source=source,
        started_at=started_at,
        finished_at=finished_at,
        score=score,
        passed=None if passed is None else bool(passed),
        option_seed=seed,
    )


def new_option_seed() -> int:
    """A random seed for a new attempt's option order (unpredictable, so no order can be learned)."""
    return secrets.randbelow(2**31)


def new_attempt(
    db: Database,
    user_id: int,
    quiz_id: str,
    now: datetime,
    *,
    source: str,
    option_seed: int | None,
) -> int:
    """Insert an attempt inside the caller's write transaction; its id.

    A self-paced attempt passes a new_option_seed(); a workshop passes its own
    seed, so a learner's workshop attempt shows the letters the room saw (None:
    file order, for a workshop started before options were shuffled).
    """
    cursor = db.execute(
        "INSERT INTO attempts (user_id, quiz_id, source, started_at, option_seed) VALUES (?, ?, ?, ?, ?)",
        [user_id, quiz_id, source, iso(now), option_seed],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def start_attempt(
    db: Database, user_id: int, quiz_id: str, now: datetime, *, option_seed: int | None = None
) -> Attempt:
    """The user's unfinished attempt at the quiz, or a new one: a double click starts one, not two.

    A new attempt gets a random option order (option_seed=None); tests pass one to fix it.
    """
    with immediate(db):
        row = db.execute(
            f"""SELECT {_ATTEMPT_COLUMNS} FROM attempts
                WHERE user_id = ? AND quiz_id = ? AND source = 'self' AND finished_at IS NULL
                ORDER BY id DESC LIMIT 1""",
            [user_id, quiz_id],
        ).fetchone()
        if row is None:
            attempt_id = new_attempt(
                db,
                user_id,
                quiz_id,
                now,
                source="self",
                option_seed=new_option_seed() if option_seed is None else option_seed,
            )
            row = db.execute(
                f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE id = ?", [attempt_id]
            ).fetchone()
    return _attempt(row)


def open_attempt(db: Database, user_id: int, quiz_id: str) -> Attempt | None:
    """The user's unfinished self-paced attempt at the quiz, if any."""
    row = db.execute(
        f"""SELECT {_ATTEMPT_COLUMNS} FROM attempts
            WHERE user_id = ? AND quiz_id = ? AND source = 'self' AND finished_at IS NULL
            ORDER BY id DESC LIMIT 1""",
        [user_id, quiz_id],
    ).fetchone()
    return _attempt(row) if row else None


def own_attempt(db: Database, attempt_id: int, user_id: int) -> Attempt | None:
    """The attempt if it is the user's own; None for another person's or a missing id."""
    row = db.execute(
        f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE id = ? AND user_id = ?",
        [attempt_id, user_id],
    ).fetchone()
    return _attempt(row) if row else None


def attempts_of(db: Database, user_id: int, quiz_id: str | None = None) -> list[Attempt]:
    """The user's attempts, oldest first, at one quiz or all."""
    sql = f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE user_id = ?"
    params: list = [user_id]
    if quiz_id is not None:
        sql += " AND quiz_id = ?"
        params.append(quiz_id)
    return [_attempt(row) for row in db.execute(sql + " ORDER BY started_at, id", params)]


_ANSWER_COLUMNS = (
    "scenario_id, option_id, points, max_points, style, behaviour, answered_at, best_style"
)


def answers_in(db: Database, attempt_id: int) -> list[Answer]:
    """The answers given in an attempt, in the order given."""
    return [
        Answer(*row)
        for row in db.execute(
            f"SELECT {_ANSWER_COLUMNS} FROM answers WHERE attempt_id = ? ORDER BY id",
            [attempt_id],
        )
    ]


Finisher = Callable[[dict[str, int]], tuple[int, bool] | None]
"""Given the points per answered scenario, the (score, passed) if the attempt is complete."""


def record_answer(
    db: Database,
    attempt: Attempt,
    scenario_id: str,
    grade: Grade,
    now: datetime,
    finish: Finisher,
    xapi: Statements | None = None,
) -> Answer:
    """Store a choice the moment it is made, and close the attempt if it was the last one.

    The first choice for a scenario stands: a double click, a rerun or a second
    tab gets the stored answer back instead of a second row. The xAPI statements
    (see arrowhead/statements.py) are stored in the same transaction.
    """
    with immediate(db):
        still_open = db.execute(
            "SELECT 1 FROM attempts WHERE id = ? AND user_id = ? AND finished_at IS NULL",
            [attempt.id, attempt.user_id],
        ).fetchone()
        if still_open:
            write_answer(
                db,
                attempt.id,
                attempt.user_id,
                attempt.quiz_id,
                scenario_id,
                grade,
                now,
                replace=False,
            )
            _close_if_complete(db, attempt.id, finish, now)
            outbox.record(db, xapi)
        row = db.execute(
            f"SELECT {_ANSWER_COLUMNS} FROM answers WHERE attempt_id = ? AND scenario_id = ?",
            [attempt.id, scenario_id],
        ).fetchone()
    if row is None:
        raise LookupError("This attempt is already finished; start a new one to answer again.")
    return Answer(*row)


def write_answer(
    db: Database,
    attempt_id: int,
    user_id: int,
    quiz_id: str,
    scenario_id: str,
    grade: Grade,
    now: datetime,
    *,
    replace: bool,
) -> None:
    """Store a graded choice inside the caller's write transaction.

    Self-paced answers keep the first choice (replace=False); a workshop keeps
    the learner's latest vote (replace=True). The grade's copy of the best
    move's style goes with it, so the fit profile stays true after an edit.
    """
    on_conflict = (
        """DO UPDATE SET option_id = excluded.option_id, points = excluded.points,
           max_points = excluded.max_points, style = excluded.style,
           behaviour = excluded.behaviour, answered_at = excluded.answered_at,
           best_style = excluded.best_style"""
        if replace
        else "DO NOTHING"
    )
    db.execute(
        f"""INSERT INTO answers (attempt_id, user_id, quiz_id, scenario_id, option_id, points,
               max_points, style, behaviour, answered_at, best_style)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (attempt_id, scenario_id) {on_conflict}""",
        [
            attempt_id,
            user_id,
            quiz_id,
            scenario_id,
            grade.option_id,
            grade.points,
            grade.max_points,
            grade.style,
            grade.behaviour,
            iso(now),
            grade.best_style,
        ],
    )
    # The review schedule moves on with every answer, in the same transaction.
    reviews.refresh(db, user_id, quiz_id, scenario_id)


def finish_attempt(
    db: Database,
    attempt: Attempt,
    finish: Finisher,
    now: datetime,
    xapi: Statements | None = None,
) -> Attempt:
    """Close an attempt whose answers are all in (after a crash between the last answer and closing)."""
    with immediate(db):
        _close_if_complete(db, attempt.id, finish, now)
        outbox.record(db, xapi)
        row = db.execute(
            f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE id = ?", [attempt.id]
        ).fetchone()
    return _attempt(row)


def _close_if_complete(db: Database, attempt_id: int, finish: Finisher, now: datetime) -> None:
    points = dict(
        db.execute(
            "SELECT scenario_id, points FROM answers WHERE attempt_id = ?", [attempt_id]
        ).fetchall()
    )
    result = finish(points)
    if result is not None:
        db.execute(
            "UPDATE attempts SET finished_at = ?, score = ?, passed = ? WHERE id = ? AND finished_at IS NULL",
            [iso(now), result[0], int(result[1]), attempt_id],
        )


def choices_of(db: Database, user_id: int, best_styles: Mapping[str, str]) -> list[Choice]:
    """Every choice the user has made, for the profile.

    best_styles (scenario id -> its best move's style, from the course as it is
    now) stands in for the copy that answers stored before it was kept lack.
    """
    return [
        Choice(
            points=points,
            max_points=max_points,
            style=style,
            behaviour=behaviour,
            best_style=best_style or best_styles.get(scenario_id),
        )
        for scenario_id, points, max_points, style, behaviour, best_style in db.execute(
            """SELECT scenario_id, points, max_points, style, behaviour, best_style
               FROM answers WHERE user_id = ?""",
            [user_id],
        )
    ]
