"""The xAPI outbox: statements written in the same transaction as the event they record.

A statement's id is stable (see arrowhead/xapi.py), and the outbox keys on it,
so recording an event twice leaves one statement. `sent_at` is set only once
a Learning Record Store has accepted the statement: a crash or an outage
leaves it unsent, and the next push sends it again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from arrowhead.store import schema  # noqa: F401  (the core tables' migrations come first)
from arrowhead.store.database import MIGRATION_SETS, immediate, iso

migrations = Migrations("arrowhead-xapi")
MIGRATION_SETS.append(migrations)

Statements = Callable[[Database], list[dict[str, Any]]]
"""Given the database inside the event's write transaction, the statements the event implies."""


@migrations()
def create_xapi_outbox(db: Database) -> None:
    """Every xAPI statement, as built when its event was stored, and when an LRS accepted it."""
    for statement in (
        """CREATE TABLE xapi_outbox (
            seq INTEGER PRIMARY KEY,            -- the order statements were stored in
            id TEXT NOT NULL UNIQUE,            -- the statement's own (stable) id
            user_id INTEGER NOT NULL REFERENCES users(id),
            verb TEXT NOT NULL,
            timestamp TEXT NOT NULL,            -- when the event happened
            statement TEXT NOT NULL,            -- the statement as JSON
            sent_at TEXT                        -- NULL until a Learning Record Store accepted it
        )""",
        "CREATE INDEX xapi_outbox_unsent ON xapi_outbox(seq) WHERE sent_at IS NULL",
        "CREATE INDEX xapi_outbox_by_time ON xapi_outbox(timestamp)",
    ):
        db.execute(statement)


@dataclass(frozen=True)
class Pending:
    """A stored statement waiting for an LRS."""

    seq: int
    id: str
    statement: dict[str, Any]


def record(db: Database, statements: Statements | None) -> None:
    """Add the event's statements inside the caller's write transaction; repeats are ignored.

    None records nothing: callers without a course at hand (demo data, tests of
    other things) pass no statement builder.
    """
    if statements is None:
        return
    for statement in statements(db):
        db.execute(
            """INSERT INTO xapi_outbox (id, user_id, verb, timestamp, statement)
               VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""",
            [
                statement["id"],
                int(statement["actor"]["account"]["name"]),
                statement["verb"]["display"]["en-US"],
                statement["timestamp"],
                json.dumps(statement, ensure_ascii=False, sort_keys=True),
            ],
        )


def section_read_at(db: Database, user_id: int, module_id: str, section_id: str) -> str | None:
    """When the user first read the section (as stored), or None."""
    row = db.execute(
        "SELECT read_at FROM section_reads WHERE user_id = ? AND module_id = ? AND section_id = ?",
        [user_id, module_id, section_id],
    ).fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class VotedOn:
    """The Workshop and scenario a vote was cast on, for its statement."""

    workshop_title: str
    quiz_id: str
    scenario_id: str


def voted_on(db: Database, workshop_id: int, position: int) -> VotedOn | None:
    """The Workshop's title and the scenario at a position of it, or None."""
    row = db.execute(
        """SELECT w.title, s.quiz_id, s.scenario_id FROM workshops w
           JOIN workshop_scenarios s ON s.workshop_id = w.id AND s.position = ?
           WHERE w.id = ?""",
        [position, workshop_id],
    ).fetchone()
    return VotedOn(*row) if row else None


def pending(db: Database, limit: int) -> list[Pending]:
    """The oldest statements no LRS has accepted yet, at most `limit`."""
    return [
        Pending(seq, statement_id, json.loads(text))
        for seq, statement_id, text in db.execute(
            "SELECT seq, id, statement FROM xapi_outbox WHERE sent_at IS NULL ORDER BY seq LIMIT ?",
            [limit],
        )
    ]


def count_pending(db: Database) -> int:
    """How many statements wait for an LRS."""
    return db.execute("SELECT count(*) FROM xapi_outbox WHERE sent_at IS NULL").fetchone()[0]


def mark_sent(db: Database, ids: list[str], now: datetime) -> None:
    """Record that an LRS has accepted these statements."""
    with immediate(db):
        db.conn.executemany(
            "UPDATE xapi_outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL",
            [(iso(now), statement_id) for statement_id in ids],
        )


def statements_since(db: Database, since: datetime | None = None) -> Iterator[str]:
    """Every stored statement as JSON, in the order stored; only events at or after `since`."""
    sql = "SELECT statement FROM xapi_outbox"
    params: list[str] = []
    if since is not None:
        sql += " WHERE timestamp >= ?"
        params.append(iso(since))
    for (text,) in db.execute(sql + " ORDER BY seq", params):
        yield text
