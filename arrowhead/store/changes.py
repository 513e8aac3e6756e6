"""Which learners' records changed since a moment: a log SQLite keeps itself, with triggers.

The manager's overview for all teams reads every learner's record; after any
commit by anyone it would read all 5,000 again. With this log it reads again
only the learners something happened to. Triggers, not calls in each store
function, keep the log: every write path (answers, section reads, attempts,
role-play runs, accounts, roles, memberships, team names), the command line and
the demo builder included, logs its learners in its own transaction, and a
write path added later cannot forget to.

A learner's row holds the sequence number of their latest change; sequence
numbers only grow, and writers take turns, so a reader who saw the log up to N
finds everything committed since as the rows above N.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

# The tables the triggers watch come first: their migration sets are applied before this one.
from arrowhead.store import roleplays, schema, teams  # noqa: F401
from arrowhead.store.database import MIGRATION_SETS

change_migrations = Migrations("arrowhead-changes")
MIGRATION_SETS.append(change_migrations)

# One statement logs one learner; the next sequence number is one more than the
# highest, read down the index on seq.
_LOG = """INSERT INTO learner_changes (user_id, seq)
    VALUES ({who}, (SELECT coalesce(max(seq), 0) + 1 FROM learner_changes))
    ON CONFLICT (user_id) DO UPDATE SET seq = excluded.seq;"""

# Each watched table and the column naming the learner its rows belong to.
_WATCHED = {
    "answers": "user_id",
    "attempts": "user_id",
    "section_reads": "user_id",
    "roleplay_runs": "user_id",
    "users": "id",
    "user_roles": "user_id",
    "team_members": "user_id",
}


# Unless a bulk write (the demo's million answers) has stood the triggers aside: see bulk().
_UNLESS_BULK = "WHEN NOT EXISTS (SELECT 1 FROM learner_changes_bulk)"


def _triggers(table: str, column: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_logs_insert AFTER INSERT ON {table} {_UNLESS_BULK} BEGIN
            {_LOG.format(who=f"NEW.{column}")}
        END""",
        # Both rows: an update may move a row from one learner to another.
        f"""CREATE TRIGGER {table}_logs_update AFTER UPDATE ON {table} {_UNLESS_BULK} BEGIN
            {_LOG.format(who=f"OLD.{column}")}
            {_LOG.format(who=f"NEW.{column}")}
        END""",
        f"""CREATE TRIGGER {table}_logs_delete AFTER DELETE ON {table} {_UNLESS_BULK} BEGIN
            {_LOG.format(who=f"OLD.{column}")}
        END""",
    ]


@change_migrations()
def create_learner_changes(db: Database) -> None:
    """The log, and the triggers that keep it on every table a learner's record is read from."""
    statements = [
        """CREATE TABLE learner_changes (
            user_id INTEGER PRIMARY KEY,   -- no foreign key: a deleted account is logged too
            seq INTEGER NOT NULL
        )""",
        "CREATE INDEX learner_changes_by_seq ON learner_changes(seq)",
        # A row here (only ever inside a bulk write's own transaction) stands the triggers aside.
        "CREATE TABLE learner_changes_bulk (since INTEGER NOT NULL)",
        # A renamed team changes the team shown beside each of its learners.
        """CREATE TRIGGER teams_logs_rename AFTER UPDATE OF name ON teams
           WHEN NEW.name IS NOT OLD.name BEGIN
            INSERT INTO learner_changes (user_id, seq)
            SELECT m.user_id, (SELECT coalesce(max(seq), 0) + 1 FROM learner_changes)
            FROM team_members m WHERE m.team_id = NEW.id
            ON CONFLICT (user_id) DO UPDATE SET seq = excluded.seq;
        END""",
    ]
    for table, column in _WATCHED.items():
        statements += _triggers(table, column)
    for statement in statements:
        db.execute(statement)


def latest(db: Database) -> int:
    """The highest sequence number logged so far (0 before any change)."""
    return db.execute("SELECT coalesce(max(seq), 0) FROM learner_changes").fetchone()[0]


def changed_since(db: Database, seq: int) -> list[int]:
    """The learners whose records changed after sequence number seq."""
    return [r[0] for r in db.execute("SELECT user_id FROM learner_changes WHERE seq > ?", [seq])]


@contextmanager
def bulk(db: Database, learners: str) -> Iterator[None]:
    """Inside a write transaction: the triggers stand aside while the body writes, and the
    learners the SQL query `learners` selects are logged once at the end.

    A trigger per row costs the demo's million answers a third of its build time; one
    statement at the end logs the same learners. The marker row is written and removed
    in the caller's transaction (a failure rolls both back), so no other connection ever
    sees the triggers idle.
    """
    db.execute("INSERT INTO learner_changes_bulk (since) VALUES (0)")
    yield
    db.execute("DELETE FROM learner_changes_bulk")
    db.execute(
        f"""WITH learner(id) AS ({learners})
            INSERT INTO learner_changes (user_id, seq)
            SELECT id, (SELECT coalesce(max(seq), 0) + 1 FROM learner_changes) FROM learner
            WHERE true  -- tells SQLite the ON CONFLICT below is the upsert's, not a join's
            ON CONFLICT (user_id) DO UPDATE SET seq = excluded.seq"""
    )
