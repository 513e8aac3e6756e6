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
from typing import TypeVar, cast

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


BASES = 32
"""Per-learner answers kept per process to be brought up to date: one per question and scope
(the records, this week's steps, stuck moments and answer counts of all teams and each team
opened). All teams' records for 5,000 learners take a few megabytes."""

_bases: OrderedDict[Hashable, tuple[int, dict[int, object]]] = OrderedDict()


def by_learner(
    db: Database, key: Hashable, compute: Callable[[list[int] | None], dict[int, T]]
) -> dict[int, T]:
    """compute(None)'s answer, a value per learner, brought up to date rather than read afresh.

    compute(None) reads every learner in the scope key stands for; compute(ids) reads
    only those learners, leaving out any no longer in the scope. After a commit only
    the learners the change log (store.changes) names are read again, the rest are
    taken from the last answer; a log that went backwards (another file put in place)
    or a change to most learners reads everyone. The answer is shared: do not change it.
    """
    # Imported here: changes registers its migrations after the tables it watches,
    # which import this module.
    from arrowhead.store import changes

    path = _path(db)
    if not path:
        return compute(None)
    # Read before the records: anything committed after it is read again next time.
    seq = changes.latest(db)
    with _lock:
        base = _bases.get((path, key))
    if base is None or base[0] > seq:
        values = compute(None)
    else:
        changed = changes.changed_since(db, base[0])
        if len(changed) * 2 > len(base[1]):
            values = compute(None)
        else:
            gone = set(changed)
            kept_values = cast(dict[int, T], base[1])
            values = {k: v for k, v in kept_values.items() if k not in gone}
            if changed:
                values.update(compute(changed))
    with _lock:
        # Racing sessions may finish out of order: keep the newer base.
        if (path, key) not in _bases or _bases[(path, key)][0] <= seq:
            _bases[(path, key)] = (seq, values)  # type: ignore[assignment]
            _bases.move_to_end((path, key))
        while len(_bases) > BASES:
            _bases.popitem(last=False)
    return values


def kept_by_learner(
    db: Database, key: Hashable, compute: Callable[[list[int] | None], dict[int, T]]
) -> tuple[T, ...]:
    """by_learner's values in learner id order, the tuple kept until the next commit."""
    return kept(
        db, key, lambda: tuple(value for _, value in sorted(by_learner(db, key, compute).items()))
    )
