"""Putting a backup back: check the copy, make sure nobody holds the live file, swap them.

A restore replaces everyone's records, so it refuses anything that could lose
data silently: a damaged copy, a copy made by a newer Arrowhead, a copy older than
the live file (unless forced), and a live file the app still has open.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from arrowhead.store.database import apply_migrations, migration_sets, open_database

# Columns named *_at hold moments as ISO text in UTC; these look ahead, not back.
_NOT_ACTIVITY = {"expires_at", "due_at", "closes_at"}


class RestoreRefused(Exception):
    """A restore that would lose or damage data; the message says why in plain words."""


@dataclass(frozen=True)
class CopyReport:
    """What a restore would bring back."""

    path: Path
    users: int
    answers: int
    latest: str | None
    """The newest moment recorded in the copy (ISO text, UTC), or None if it records nothing."""
    pending: int
    """Schema steps the copy still needs: applied by the restore."""


def latest_activity(db: Database) -> str | None:
    """The newest moment any table records (any *_at column but deadlines), or None."""
    newest: str | None = None
    for table in db.table_names():
        if table.startswith(("sqlite_", "_sqlite")):
            continue
        for column in db[table].columns_dict:
            if not column.endswith("_at") or column in _NOT_ACTIVITY:
                continue
            (value,) = db.execute(f'SELECT max("{column}") FROM "{table}"').fetchone()
            if isinstance(value, str) and (newest is None or value > newest):
                newest = value
    return newest


def _known_steps() -> dict[str, set[str]]:
    # Every step a fresh database would get is every step this Arrowhead knows.
    empty = Database(memory=True)
    return {m.name: {step.name for step in m.pending(empty)} for m in migration_sets()}


def _applied_steps(db: Database) -> dict[str, set[str]]:
    table = Migrations.migrations_table
    if not db[table].exists():
        return {}
    applied: dict[str, set[str]] = {}
    for set_name, name in db.execute(f"SELECT migration_set, name FROM {table}").fetchall():
        applied.setdefault(set_name, set()).add(name)
    return applied


def check_copy(path: Path) -> CopyReport:
    """Open the copy read-only and check it is whole and one this Arrowhead can serve."""
    if not path.is_file():
        raise RestoreRefused(f"There is no file at {path}.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as err:
        raise RestoreRefused(f"{path} cannot be opened as a database ({err}).") from None
    db = Database(conn)
    try:
        try:
            verdict = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
        except sqlite3.DatabaseError as err:
            raise RestoreRefused(f"{path} is not a whole SQLite database ({err}).") from None
        if verdict != ["ok"]:
            raise RestoreRefused(
                f"{path} failed SQLite's integrity check ({verdict[0]}); it would bring back "
                "damaged records. Use another copy."
            )
        applied = _applied_steps(db)
        if "arrowhead" not in applied or not db["users"].exists():
            raise RestoreRefused(f"{path} is not an Arrowhead database.")
        known = _known_steps()
        unknown = sorted(
            f"{set_name}/{step}"
            for set_name, steps in applied.items()
            for step in steps - known.get(set_name, set())
        )
        if unknown:
            raise RestoreRefused(
                f"{path} was made by a newer Arrowhead (it has schema steps this one does not "
                f"know: {', '.join(unknown[:3])}). Upgrade Arrowhead first."
            )
        pending = sum(len(steps - applied.get(name, set())) for name, steps in known.items())
        users = db["users"].count
        answers = db["answers"].count if db["answers"].exists() else 0
        return CopyReport(path, users, answers, latest_activity(db), pending)
    finally:
        conn.close()


def database_in_use(path: Path) -> bool:
    """Whether another connection (the app, a CLI command) has the database open.

    In WAL mode every open connection holds a shared lock on the file's shared
    memory, so exclusive locking mode cannot start a transaction while one exists.
    """
    if not path.exists():
        return False
    conn = sqlite3.connect(str(path), timeout=0.2, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def restore_database(
    copy: Path, live: Path, now: datetime, *, force: bool = False
) -> tuple[CopyReport, Path]:
    """Put the copy in place of the live database; what it brought back, and the path where
    the replaced file is kept (nothing is there when there was no live file).

    The copy is checked first; the live file must be free and no newer than the copy
    unless force. The copy itself is left untouched: a fresh file is written beside
    the live one and moved into place in one step, so a crash leaves one or the other.
    """
    report = check_copy(copy)
    if not live.parent.is_dir():
        raise RestoreRefused(f"There is no folder {live.parent}.")
    if database_in_use(live):
        raise RestoreRefused(
            f"The app (or another command) has {live} open. Stop the app, then restore."
        )
    kept = live.with_name(f"{live.name}.replaced-{now.strftime('%Y%m%dT%H%M%SZ')}")
    if live.exists():
        current = open_database(live)
        try:
            live_latest = latest_activity(current)
            # Fold the write-ahead log into the file so the kept copy is whole on its own.
            current.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            current.close()
        if live_latest and (report.latest is None or report.latest < live_latest) and not force:
            raise RestoreRefused(
                f"The copy's newest record ({report.latest or 'none'}) is older than the live "
                f"database's ({live_latest}): restoring loses everything recorded since. "
                "Add --force to restore it anyway."
            )
        if kept.exists():
            raise RestoreRefused(f"{kept} already exists; wait a second and try again.")
    incoming = live.with_name(f"{live.name}.restoring")
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    target = sqlite3.connect(str(incoming))
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    if live.exists():
        os.replace(live, kept)
        for suffix in ("-wal", "-shm"):
            # Left only by a crash; they belong to the replaced file, never the copy.
            side = live.with_name(live.name + suffix)
            if side.exists():
                shutil.move(side, kept.with_name(kept.name + suffix))
    os.replace(incoming, live)
    restored = open_database(live)
    try:
        apply_migrations(restored)
    finally:
        restored.close()
    return report, kept
