"""Schema changes as sqlite-utils Migrations: one function per change, never edited once applied."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from arrowhead.store.database import MIGRATION_SETS

core = Migrations("arrowhead")
MIGRATION_SETS.append(core)


def _run(db: Database, *statements: str) -> None:
    # executescript() would commit the migration's transaction half-way: run one by one.
    for statement in statements:
        db.execute(statement)


@core()
def create_accounts(db: Database) -> None:
    """Learners and staff, their roles, their logins and failed sign-ins."""
    _run(
        db,
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name TEXT NOT NULL,
            password_hash TEXT,              -- NULL for accounts signed in elsewhere (single sign-on)
            auth_provider TEXT NOT NULL DEFAULT 'local',
            external_id TEXT,                -- the identity provider's id for the account
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE user_roles (
            user_id INTEGER NOT NULL REFERENCES users(id),
            role TEXT NOT NULL,
            PRIMARY KEY (user_id, role)
        )""",
        """CREATE TABLE logins (
            token_hash TEXT PRIMARY KEY,     -- sha256 of the cookie's token; the token is never stored
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )""",
        "CREATE INDEX logins_by_user ON logins(user_id)",
        """CREATE TABLE sign_in_failures (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL COLLATE NOCASE,
            failed_at TEXT NOT NULL
        )""",
        "CREATE INDEX sign_in_failures_by_username ON sign_in_failures(username, failed_at)",
    )


@core()
def create_learning_records(db: Database) -> None:
    """Sections read, quiz attempts, answers and where each learner last was."""
    _run(
        db,
        """CREATE TABLE section_reads (
            user_id INTEGER NOT NULL REFERENCES users(id),
            module_id TEXT NOT NULL,
            section_id TEXT NOT NULL,
            read_at TEXT NOT NULL,
            PRIMARY KEY (user_id, module_id, section_id)
        )""",
        """CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            quiz_id TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT 'self',   -- 'self' or 'workshop'
            started_at TEXT NOT NULL,
            finished_at TEXT,                      -- NULL while in progress
            score INTEGER,                         -- percent, set when finished
            passed INTEGER
        )""",
        "CREATE INDEX attempts_by_user_quiz ON attempts(user_id, quiz_id, finished_at)",
        # Points, style and behaviour are copied onto each answer so the record
        # keeps what the learner was graded on even if an author edits the quiz.
        """CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            attempt_id INTEGER NOT NULL REFERENCES attempts(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            quiz_id TEXT NOT NULL,
            scenario_id TEXT NOT NULL,
            option_id TEXT NOT NULL,
            points INTEGER NOT NULL,
            max_points INTEGER NOT NULL,
            style TEXT NOT NULL,
            behaviour TEXT,
            answered_at TEXT NOT NULL,
            UNIQUE (attempt_id, scenario_id)
        )""",
        "CREATE INDEX answers_by_user ON answers(user_id, answered_at)",
        "CREATE INDEX answers_by_scenario ON answers(quiz_id, scenario_id)",
        """CREATE TABLE last_places (
            user_id INTEGER PRIMARY KEY REFERENCES users(id),
            kind TEXT NOT NULL,                    -- 'section' or 'quiz'
            module_id TEXT NOT NULL,
            item_id TEXT NOT NULL,                 -- a section id or a quiz id
            updated_at TEXT NOT NULL
        )""",
    )


@core()
def add_option_seed_to_attempts(db: Database) -> None:
    """Each attempt's option order: the seed its scenarios' options are shuffled by.

    NULL for attempts stored before orders were shuffled: they keep file order.
    """
    _run(db, "ALTER TABLE attempts ADD COLUMN option_seed INTEGER")


@core()
def add_best_style_to_answers(db: Database) -> None:
    """The style of the scenario's best move, copied onto each answer like its points.

    It is the style the situation called for, so the profile can say whether a
    choice fitted. NULL for answers stored before: read from the course instead.
    """
    _run(db, "ALTER TABLE answers ADD COLUMN best_style TEXT")
