"""The review schedule as stored: each learner's scenarios in review, kept in step with their answers.

The schedule is worked out by arrowhead.review from the stored answers
(self-paced, workshop and practice). A learner's own due list is worked out
afresh from their answers on every page; the `reviews` table keeps the same
result per learner and scenario so a manager's roster can count due reviews
for 5,000 learners with one indexed read instead of folding a million answers.
Every write of an answer refreshes its scenario's row in the same transaction,
from that scenario's answers, with the same function.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import groupby

from sqlite_utils import Database

from arrowhead import review
from arrowhead.review import Mark, Review

# Every answer a learner gave, practice included, as the schedule reads it.
_MARKS = """
    SELECT user_id, quiz_id, scenario_id, answered_at, points >= max_points FROM answers
    WHERE {where}
    UNION ALL
    SELECT user_id, quiz_id, scenario_id, answered_at, points >= max_points FROM practice_answers
    WHERE {where}"""


# One learner's answers to one scenario. The unary + keeps SQLite on the learner's index
# (a few hundred rows) instead of answers_by_scenario, every learner's answers to it.
_ONE_SCENARIO = "user_id = :user AND +quiz_id = :quiz AND +scenario_id = :scenario"


def _mark(row: tuple) -> Mark:
    _, quiz_id, scenario_id, answered_at, full = row
    return Mark(quiz_id, scenario_id, datetime.fromisoformat(answered_at), bool(full))


def marks_of(db: Database, user_id: int) -> list[Mark]:
    """Every answer the learner gave (self-paced, workshop, practice), as the schedule reads it."""
    return [
        _mark(row) for row in db.execute(_MARKS.format(where="user_id = :user"), {"user": user_id})
    ]


def refresh(db: Database, user_id: int, quiz_id: str, scenario_id: str) -> None:
    """Work one scenario's schedule out again from its answers, inside the caller's write transaction."""
    rows = db.execute(
        _MARKS.format(where=_ONE_SCENARIO),
        {"user": user_id, "quiz": quiz_id, "scenario": scenario_id},
    )
    found = review.schedule(_mark(row) for row in rows)
    if not found:
        db.execute(
            "DELETE FROM reviews WHERE user_id = ? AND quiz_id = ? AND scenario_id = ?",
            [user_id, quiz_id, scenario_id],
        )
        return
    store(db, user_id, found)


def store(db: Database, user_id: int, found: Iterable[Review]) -> None:
    """Write a learner's reviews as worked out, inside the caller's write transaction.

    Rows of scenarios not in found are left as they are: the callers refresh one
    scenario, or fill a learner who has no rows yet.
    """
    db.conn.executemany(
        """INSERT INTO reviews (user_id, quiz_id, scenario_id, last_day, step, streak, due_on)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (user_id, quiz_id, scenario_id) DO UPDATE SET last_day = excluded.last_day,
           step = excluded.step, streak = excluded.streak, due_on = excluded.due_on""",
        [
            (
                user_id,
                r.quiz_id,
                r.scenario_id,
                r.last_day.isoformat(),
                r.step,
                r.streak,
                r.due.isoformat(),
            )
            for r in found
        ],
    )


def rebuild(db: Database, user_ids: Iterable[int] | None = None) -> None:
    """Work the schedule out again for these learners (None: everyone), inside the caller's write
    transaction: when the table is made, and after the demo writes answers in bulk."""
    if user_ids is None:
        db.execute("DELETE FROM reviews")
        where, params = "1", {}
    else:
        ids = sorted(set(user_ids))
        db.conn.executemany("DELETE FROM reviews WHERE user_id = ?", [(i,) for i in ids])
        where = "user_id IN (SELECT value FROM json_each(:ids))"
        params = {"ids": "[" + ",".join(map(str, ids)) + "]"}
    rows = db.execute(_MARKS.format(where=where) + " ORDER BY user_id", params)
    for user_id, mine in _by_user(rows):
        store(db, user_id, review.schedule(_mark(row) for row in mine))


def _by_user(rows: Iterable[tuple]) -> Iterator[tuple[int, Iterator[tuple]]]:
    return groupby(rows, key=lambda row: row[0])


def stored_reviews(db: Database, user_id: int) -> list[Review]:
    """The learner's rows of the reviews table, as Reviews: for tests that it keeps in step."""
    return sorted(
        (
            Review(quiz_id, scenario_id, date.fromisoformat(day), step, streak)
            for quiz_id, scenario_id, day, step, streak in db.execute(
                """SELECT quiz_id, scenario_id, last_day, step, streak FROM reviews
                   WHERE user_id = ?""",
                [user_id],
            )
        ),
        key=lambda r: (r.due, r.quiz_id, r.scenario_id),
    )
