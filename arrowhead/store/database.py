"""Opening the database: WAL, a busy timeout, migrations, write transactions."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

# Every migration set, in the order they are applied. A feature that owns tables
# registers its own set here so feature work never edits another's migrations.
MIGRATION_SETS: list[Migrations] = []

BUSY_TIMEOUT_MS = 10_000


def iso(moment: datetime) -> str:
    """A timestamp as stored: ISO 8601 in UTC, so text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def open_database(path: Path | str) -> Database:
    """A connection of our own to the database file: WAL, busy timeout, foreign keys on."""
    # check_same_thread=False: Streamlit runs a session's reruns on different
    # threads, one at a time; the connection is never shared between sessions.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    if not db.memory:
        db.enable_wal()
    # FULL waits for the disk on every commit, so a stored answer survives a power cut
    # too, not only a crash of the app. NORMAL would make commits cheaper, but with
    # hashing outside the transaction and writers taking turns (below), 60 sign-ins
    # beside 10 answering learners already keep every answer under 1 s
    # (bench/bench_signin.py): durability is not worth trading for that.
    db.execute("PRAGMA synchronous = FULL")
    return db


def migration_sets() -> list[Migrations]:
    """Every migration set, core first: the schema this Arrowhead serves."""
    # Importing the table modules registers their migration sets, core first.
    from arrowhead.store import (  # noqa: F401
        assignments,
        audit,
        certificates,
        changes,
        identities,
        notes,
        practice,
        roleplays,
        schema,
        teams,
        trends,
        workshops,
        xapi,
    )

    return MIGRATION_SETS


def apply_migrations(db: Database) -> None:
    """Bring the schema up to date; run once at start-up, not per session."""
    # One write transaction around all sets: two processes starting at once
    # take turns, and the second finds nothing left to apply.
    with immediate(db):
        for migrations in migration_sets():
            migrations.apply(db)


# Sessions are threads of one server process. SQLite's busy handler makes a waiting
# writer poll, sleeping up to 100 ms between tries and favouring newcomers, so under
# load one writer could wait seconds while short transactions came and went; this
# lock hands the turn over the moment it is released. Re-entrant, so a nested
# transaction still fails at BEGIN as before instead of hanging. Other processes
# (the CLI) are still kept in turn by SQLite's own lock and busy timeout.
_WRITER = threading.RLock()


@contextmanager
def immediate(db: Database) -> Iterator[Database]:
    """A read-then-write transaction: BEGIN IMMEDIATE takes the write lock up front,
    so two sessions cannot both read the old state and then both write."""
    with _WRITER:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
        else:
            db.conn.execute("COMMIT")


def prepare_database(path: Path | str) -> None:
    """Create the file if needed and apply pending migrations."""
    db = open_database(path)
    try:
        apply_migrations(db)
    finally:
        db.close()


def holder(path: Path | str) -> Database:
    """A connection that has read the file, so it holds it open: kept for a server's life,
    it makes `arrowhead restore` see the file in use even when no browser is connected."""
    held = open_database(path)
    # A read, whatever the pragmas did: the file is open and its WAL index mapped and locked.
    held.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return held


def backup_database(db: Database, destination: Path) -> int:
    """Copy the database, consistently, to a new file while others keep writing; its size in bytes.

    SQLite's online backup copies a snapshot, WAL included, so a copy taken
    during a workshop is never half-written.
    """
    if destination.exists():
        raise FileExistsError(f"{destination} already exists; choose a new file name.")
    target = sqlite3.connect(str(destination))
    try:
        db.conn.backup(target)
    finally:
        target.close()
    return destination.stat().st_size
