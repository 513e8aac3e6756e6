"""Aggregates kept until the database changes: shared by every session of the server process.

A heavy read (every learner's record for all 50 teams) gives the same answer
until someone commits a change, so it is kept, keyed by what it was asked and by
the database's change count, and read again after any commit by anyone. The
change count is SQLite's `PRAGMA data_version` on a connection of its own that
never writes: it changes whenever any other connection, in this process or
another, commits. Scope is not part of what is kept: callers check the viewer's
scope on their own connection first and ask only for the teams it allows.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlite_utils import Database

T = TypeVar("T")

KEPT = 48
"""Answers kept per process: a few scopes (all teams, the teams a manager opens) at a time,
each with its records, answer count and this week's steps and stuck moments."""

_lock = threading.Lock()
_watchers: dict[str, sqlite3.Connection] = {}
_kept: OrderedDict[Hashable, object] = OrderedDict()


def _path(db: Database) -> str:
    # The file behind the session's connection: sessions of one server share it.
    return db.execute("PRAGMA database_list").fetchone()[2]


def change_count(db: Database) -> tuple[str, int]:
    """The database's file and a number that changes whenever anyone commits to it."""
    path = _path(db)
    with _lock:
        watcher = _watchers.get(path)
        if watcher is None:
            # Never writes, so its data_version moves on every commit, ours included.
            watcher = sqlite3.connect(path, check_same_thread=False)
            _watchers[path] = watcher
        return path, watcher.execute("PRAGMA data_version").fetchone()[0]


def kept(db: Database, key: Hashable, compute: Callable[[], T]) -> T:
    """compute()'s answer, kept until the next commit to the database; key says what was asked.

    An in-memory database (no file) shares nothing and is always computed afresh.
    """
    path, version = change_count(db) if _path(db) else ("", None)
    if version is None:
        return compute()
    full = (path, version, key)
    with _lock:
        if full in _kept:
            _kept.move_to_end(full)
            return _kept[full]  # type: ignore[return-value]
    value = compute()
    with _lock:
        _kept[full] = value
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value
