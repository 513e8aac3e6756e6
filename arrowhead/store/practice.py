"""Practice rounds and their answers, and managers' counts of due reviews.

Practice is kept in tables of its own, not as attempts: no read of `attempts`
or `answers` (scores, best scores, the profile, the team's numbers, insight,
the every-answer CSV) can count a practice answer by forgetting a filter. Only
the review schedule reads practice answers.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from arrowhead.accounts import User
from arrowhead.course import Course
from arrowhead.review import ReviewCounts
from arrowhead.scoring import Grade
from arrowhead.store import reviews

# The core and team sets must be registered first: these tables reference theirs.
from arrowhead.store import teams as team_store
from arrowhead.store.database import MIGRATION_SETS, immediate, iso
from arrowhead.store.learning import new_option_seed

practice_migrations = Migrations("arrowhead-practice")
MIGRATION_SETS.append(practice_migrations)

MISSED = "missed"
"""A round of the scenarios one attempt answered below full marks."""
REVIEW = "review"
"""A round of the scenarios due for review."""


@practice_migrations()
def create_practice(db: Database) -> None:
    """Practice rounds, their answers, and the review schedule worked out from every answer."""
    for statement in (
        """CREATE TABLE practice_rounds (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            kind TEXT NOT NULL CHECK (kind IN ('missed', 'review')),
            attempt_id INTEGER REFERENCES attempts(id),  -- the attempt whose misses a 'missed' round practises
            items TEXT NOT NULL,                         -- JSON [[quiz id, scenario id], ...] in the order asked
            option_seed INTEGER NOT NULL,                -- the round's own option order
            started_at TEXT NOT NULL,
            finished_at TEXT                             -- NULL while in progress
        )""",
        "CREATE INDEX practice_rounds_by_user ON practice_rounds(user_id, finished_at)",
        # The same copy of points as answers keep, so the schedule stays true after an edit.
        """CREATE TABLE practice_answers (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES practice_rounds(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            quiz_id TEXT NOT NULL,
            scenario_id TEXT NOT NULL,
            option_id TEXT NOT NULL,
            points INTEGER NOT NULL,
            max_points INTEGER NOT NULL,
            answered_at TEXT NOT NULL,
            UNIQUE (round_id, quiz_id, scenario_id)
        )""",
        "CREATE INDEX practice_answers_by_user ON practice_answers(user_id, quiz_id, scenario_id)",
        # Open reviews only: a scenario leaves the table when it leaves review.
        """CREATE TABLE reviews (
            user_id INTEGER NOT NULL REFERENCES users(id),
            quiz_id TEXT NOT NULL,
            scenario_id TEXT NOT NULL,
            last_day TEXT NOT NULL,   -- YYYY-MM-DD (UTC) it was last answered on
            step INTEGER NOT NULL,    -- index into review.INTERVALS
            streak INTEGER NOT NULL,  -- answered days in a row at full marks
            due_on TEXT NOT NULL,     -- YYYY-MM-DD it comes back
            PRIMARY KEY (user_id, quiz_id, scenario_id)
        )""",
    ):
        db.execute(statement)
    reviews.rebuild(db)


@dataclass(frozen=True)
class Round:
    """One practice round: a short list of scenarios, answered as practice."""

    id: int
    user_id: int
    kind: str
    """MISSED or REVIEW."""
    attempt_id: int | None
    """The attempt whose misses a MISSED round practises."""
    items: tuple[tuple[str, str], ...]
    """(quiz id, scenario id) in the order asked."""
    option_seed: int
    started_at: str
    finished_at: str | None


@dataclass(frozen=True)
class PracticeAnswer:
    """One stored choice in a practice round."""

    quiz_id: str
    scenario_id: str
    option_id: str
    points: int
    max_points: int
    answered_at: str


_ROUND_COLUMNS = "id, user_id, kind, attempt_id, items, option_seed, started_at, finished_at"


def _round(row: tuple) -> Round:
    round_id, user_id, kind, attempt_id, items, seed, started_at, finished_at = row
    return Round(
        id=round_id,
        user_id=user_id,
        kind=kind,
        attempt_id=attempt_id,
        items=tuple((quiz_id, scenario_id) for quiz_id, scenario_id in json.loads(items)),
        option_seed=seed,
        started_at=started_at,
        finished_at=finished_at,
    )


def start_round(
    db: Database,
    user_id: int,
    kind: str,
    items: list[tuple[str, str]],
    now: datetime,
    *,
    attempt_id: int | None = None,
    option_seed: int | None = None,
) -> Round:
    """The learner's unfinished round of this kind (for this attempt), or a new one of these items.

    A double click or a second tab carries on with one round, not two. A new
    round gets a random option order of its own (tests pass option_seed to fix it).
    """
    if not items:
        raise ValueError("A practice round needs at least one scenario.")
    with immediate(db):
        row = db.execute(
            f"""SELECT {_ROUND_COLUMNS} FROM practice_rounds
                WHERE user_id = ? AND kind = ? AND attempt_id IS ? AND finished_at IS NULL
                ORDER BY id DESC LIMIT 1""",
            [user_id, kind, attempt_id],
        ).fetchone()
        if row is None:
            round_id = db.execute(
                """INSERT INTO practice_rounds (user_id, kind, attempt_id, items, option_seed,
                   started_at) VALUES (?, ?, ?, ?, ?, ?)""",
                [
                    user_id,
                    kind,
                    attempt_id,
                    json.dumps([list(item) for item in items]),
                    new_option_seed() if option_seed is None else option_seed,
                    iso(now),
                ],
            ).lastrowid
            row = db.execute(
                f"SELECT {_ROUND_COLUMNS} FROM practice_rounds WHERE id = ?", [round_id]
            ).fetchone()
    return _round(row)


def open_round(
    db: Database, user_id: int, kind: str, attempt_id: int | None = None
) -> Round | None:
    """The learner's unfinished round of this kind (for this attempt), if any."""
    row = db.execute(
        f"""SELECT {_ROUND_COLUMNS} FROM practice_rounds
            WHERE user_id = ? AND kind = ? AND attempt_id IS ? AND finished_at IS NULL
            ORDER BY id DESC LIMIT 1""",
        [user_id, kind, attempt_id],
    ).fetchone()
    return _round(row) if row else None


def own_round(db: Database, round_id: int, user_id: int) -> Round | None:
    """The round if it is the user's own; None for another person's or a missing id."""
    row = db.execute(
        f"SELECT {_ROUND_COLUMNS} FROM practice_rounds WHERE id = ? AND user_id = ?",
        [round_id, user_id],
    ).fetchone()
    return _round(row) if row else None


_ANSWER_COLUMNS = "quiz_id, scenario_id, option_id, points, max_points, answered_at"


def answers_in(db: Database, round_id: int) -> list[PracticeAnswer]:
    """The answers given in a round, in the order given."""
    return [
        PracticeAnswer(*row)
        for row in db.execute(
            f"SELECT {_ANSWER_COLUMNS} FROM practice_answers WHERE round_id = ? ORDER BY id",
            [round_id],
        )
    ]


def record_answer(
    db: Database, practice: Round, quiz_id: str, scenario_id: str, grade: Grade, now: datetime
) -> PracticeAnswer:
    """Store a practice choice, move the scenario's review on, and close the round after its last.

    The first choice for a scenario in a round stands, as in a quiz attempt.
    LookupError for a scenario not in the round or a round already finished.
    """
    if (quiz_id, scenario_id) not in practice.items:
        raise LookupError("That scenario is not in this practice round.")
    with immediate(db):
        still_open = db.execute(
            "SELECT 1 FROM practice_rounds WHERE id = ? AND user_id = ? AND finished_at IS NULL",
            [practice.id, practice.user_id],
        ).fetchone()
        if still_open:
            db.execute(
                """INSERT INTO practice_answers (round_id, user_id, quiz_id, scenario_id, option_id,
                     points, max_points, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (round_id, quiz_id, scenario_id) DO NOTHING""",
                [
                    practice.id,
                    practice.user_id,
                    quiz_id,
                    scenario_id,
                    grade.option_id,
                    grade.points,
                    grade.max_points,
                    iso(now),
                ],
            )
            reviews.refresh(db, practice.user_id, quiz_id, scenario_id)
            answered = db.execute(
                "SELECT count(*) FROM practice_answers WHERE round_id = ?", [practice.id]
            ).fetchone()[0]
            if answered >= len(practice.items):
                db.execute(
                    "UPDATE practice_rounds SET finished_at = ? WHERE id = ?",
                    [iso(now), practice.id],
                )
        row = db.execute(
            f"""SELECT {_ANSWER_COLUMNS} FROM practice_answers
                WHERE round_id = ? AND quiz_id = ? AND scenario_id = ?""",
            [practice.id, quiz_id, scenario_id],
        ).fetchone()
    if row is None:
        raise LookupError("This practice round is already finished; start a new one.")
    return PracticeAnswer(*row)


def finish_round(db: Database, practice: Round, now: datetime) -> Round:
    """Close a round whose scenarios can no longer all be answered (an author removed one)."""
    with immediate(db):
        db.execute(
            "UPDATE practice_rounds SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
            [iso(now), practice.id],
        )
        row = db.execute(
            f"SELECT {_ROUND_COLUMNS} FROM practice_rounds WHERE id = ?", [practice.id]
        ).fetchone()
    return _round(row)


# ---------------------------------------------------------------- managers' counts


def _course_scenarios(course: Course) -> str:
    # Reviews of scenarios an author has since removed cannot be practised: not counted.
    return json.dumps([f"{q.id}/{s.id}" for q in course.quizzes for s in q.scenarios])


_REVIEW_COUNTS = """
    SELECT r.user_id, sum(r.due_on = :today), sum(r.due_on < :today)
    FROM scope JOIN reviews r ON r.user_id = scope.user_id
    WHERE r.due_on <= :today
      AND r.quiz_id || '/' || r.scenario_id IN (SELECT value FROM json_each(:scenarios))
    GROUP BY r.user_id"""


def review_counts(
    db: Database,
    viewer: User,
    team_id: int | None,
    course: Course,
    today: date,
    learners: Collection[int] | None = None,
) -> dict[int, ReviewCounts]:
    """Each learner's reviews due today and overdue, for a team the viewer may see (or all);
    only those of learners, when given, that are in that scope."""
    params = {
        "teams": json.dumps(team_store._scope(db, viewer, team_id)),
        "today": today.isoformat(),
        "scenarios": _course_scenarios(course),
        "learners": None if learners is None else json.dumps(list(learners)),
    }
    scope = team_store._SCOPE
    if learners is not None:
        # The roster on screen asks for its own rows only (for every team, 200 of 5,000):
        # driven by that list, each checked against the scope, it reads 7 ms, not 90.
        scope = f"""{scope.replace("scope(user_id)", "allowed(user_id)", 1)},
            scope(user_id) AS (SELECT value FROM json_each(:learners)
                               WHERE value IN (SELECT user_id FROM allowed))"""
    return {
        user_id: ReviewCounts(due=due, overdue=overdue)
        for user_id, due, overdue in db.execute(f"WITH {scope} {_REVIEW_COUNTS}", params)
    }


def review_counts_of(
    db: Database, viewer: User, user_id: int, course: Course, today: date
) -> ReviewCounts | None:
    """One learner's reviews due today and overdue, if the viewer may see them; else None."""
    if not team_store.manages(db, viewer, user_id):
        return None
    params = {"user": user_id, "today": today.isoformat(), "scenarios": _course_scenarios(course)}
    row = db.execute(f"WITH scope(user_id) AS (SELECT :user) {_REVIEW_COUNTS}", params).fetchone()
    return ReviewCounts(due=row[1], overdue=row[2]) if row else ReviewCounts()
