"""The audit log: who changed someone else's data, what and when; admins read it.

Every admin and manager write that changes another person's data calls
`record` inside its own transaction, so the change and its audit row are
stored together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from arrowhead.accounts import User

# The core set goes first, as it does for every later set.
from arrowhead.store import schema as _core  # noqa: F401
from arrowhead.store.database import MIGRATION_SETS, iso
from arrowhead.teams import CommandLine

audit_migrations = Migrations("arrowhead-audit")
MIGRATION_SETS.append(audit_migrations)

ROLES_SET = "roles set"
TEAM_SET = "team set"
MANAGED_TEAMS_SET = "managed teams set"
DEACTIVATED = "deactivated"
REACTIVATED = "reactivated"
RESET_CODE_ISSUED = "reset code issued"
INVITE_RENEWED = "invite renewed"
TEAM_CREATED = "team created"
TEAM_RENAMED = "team renamed"
ASSIGNED = "assigned"
ASSIGNMENT_REMOVED = "assignment removed"
NOTE_WRITTEN = "coaching note written"
NOTE_EDITED = "coaching note edited"
ACCOUNT_CREATED = "account created"
JOINED_BY_INVITE = "joined through invite"
"""A learner moved themselves into a team with its invite: that team's managers now see them."""

COMMAND_LINE_NAME = "command line"
"""How the operator at the shell appears as an actor."""


@audit_migrations()
def create_audit_log(db: Database) -> None:
    """One row per change an admin or manager made to someone else's data."""
    # No foreign keys: the log outlives what it names (a demo organisation is
    # replaced wholesale), and the detail keeps the names as they were then.
    db.execute(
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            actor_id INTEGER,                -- the user who acted; NULL for the command line
            action TEXT NOT NULL,
            subject_user_id INTEGER,         -- the person changed, if any
            subject_team_id INTEGER,         -- the team changed, if any
            detail TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX audit_log_by_actor ON audit_log(actor_id, id)")
    db.execute("CREATE INDEX audit_log_by_user ON audit_log(subject_user_id, id)")
    db.execute("CREATE INDEX audit_log_by_team ON audit_log(subject_team_id, id)")


def record(
    db: Database,
    actor: User | CommandLine,
    action: str,
    now: datetime | None,
    *,
    user_id: int | None = None,
    team_id: int | None = None,
    detail: str = "",
) -> None:
    """Add an audit row; call inside the transaction that makes the change."""
    # Writes whose callers pass no time (the older admin functions keep their
    # signatures for the command line) are stamped with the database's clock,
    # in the same ISO form as every stored time.
    db.execute(
        """INSERT INTO audit_log (actor_id, action, subject_user_id, subject_team_id, detail, at)
           VALUES (?, ?, ?, ?, ?, coalesce(?, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')))""",
        [
            actor.id if isinstance(actor, User) else None,
            action,
            user_id,
            team_id,
            detail,
            iso(now) if now is not None else None,
        ],
    )


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change, with names as they are now (ids when an account is gone)."""

    id: int
    at: str
    actor_id: int | None
    actor: str
    """Display name, or COMMAND_LINE_NAME."""
    action: str
    subject_user_id: int | None
    subject_user: str | None
    subject_team_id: int | None
    subject_team: str | None
    detail: str
    """Written by the app, with names as they were at the time (people's names: plain text)."""


def _is_admin(db: Database, viewer: User | CommandLine) -> bool:
    # store/teams.py writes through this module, so its is_admin cannot be
    # imported here; the same rule: an active account holding the admin role.
    if isinstance(viewer, CommandLine):
        return True
    return (
        db.execute(
            """SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id
               WHERE u.id = ? AND u.active = 1 AND r.role = 'admin'""",
            [viewer.id],
        ).fetchone()
        is not None
    )


def audit_entries(
    db: Database,
    viewer: User | CommandLine,
    *,
    actor_id: int | None = None,
    by_command_line: bool = False,
    subject_user_id: int | None = None,
    subject_team_id: int | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """The log, newest first; only one actor's (or the command line's) or about one person or
    team when asked; admins only (others get nothing)."""
    if not _is_admin(db, viewer):
        return []
    where: list[str] = ["1"]
    params: list[object] = []
    if by_command_line:
        where.append("l.actor_id IS NULL")
    elif actor_id is not None:
        where.append("l.actor_id = ?")
        params.append(actor_id)
    if subject_user_id is not None:
        where.append("l.subject_user_id = ?")
        params.append(subject_user_id)
    if subject_team_id is not None:
        where.append("l.subject_team_id = ?")
        params.append(subject_team_id)
    rows = db.execute(
        f"""SELECT l.id, l.at, l.actor_id,
              CASE WHEN l.actor_id IS NULL THEN '{COMMAND_LINE_NAME}'
                   ELSE coalesce(a.display_name, 'account #' || l.actor_id) END,
              l.action, l.subject_user_id,
              CASE WHEN l.subject_user_id IS NOT NULL
                   THEN coalesce(s.display_name, 'account #' || l.subject_user_id) END,
              l.subject_team_id,
              CASE WHEN l.subject_team_id IS NOT NULL
                   THEN coalesce(t.name, 'team #' || l.subject_team_id) END,
              l.detail
            FROM audit_log l LEFT JOIN users a ON a.id = l.actor_id
            LEFT JOIN users s ON s.id = l.subject_user_id
            LEFT JOIN teams t ON t.id = l.subject_team_id
            WHERE {" AND ".join(where)} ORDER BY l.id DESC"""
        + (" LIMIT ?" if limit is not None else ""),
        params + ([limit] if limit is not None else []),
    )
    return [AuditEntry(*row) for row in rows]


def audit_count(db: Database, viewer: User | CommandLine) -> int:
    """How many rows the log holds; admins only (others: 0)."""
    if not _is_admin(db, viewer):
        return 0
    return db.execute("SELECT count(*) FROM audit_log").fetchone()[0]


@dataclass(frozen=True)
class AuditName:
    """Someone or some team that appears in the log, for the page's filters."""

    id: int | None
    """A user or team id; None for the command line."""
    name: str
    """Entered by people: shown as plain text."""
    username: str | None = None


def audit_actors(db: Database, viewer: User | CommandLine) -> list[AuditName]:
    """Everyone who has acted, by name, the command line last; admins only."""
    if not _is_admin(db, viewer):
        return []
    found = [
        AuditName(*row)
        for row in db.execute(
            """SELECT DISTINCT l.actor_id, coalesce(u.display_name, 'account #' || l.actor_id),
                 u.username
               FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id
               WHERE l.actor_id IS NOT NULL ORDER BY 2 COLLATE NOCASE, 1"""
        )
    ]
    if db.execute("SELECT 1 FROM audit_log WHERE actor_id IS NULL LIMIT 1").fetchone():
        found.append(AuditName(None, COMMAND_LINE_NAME))
    return found


def audit_subjects(
    db: Database, viewer: User | CommandLine
) -> tuple[list[AuditName], list[AuditName]]:
    """The people and the teams that changes were made to, each by name; admins only."""
    if not _is_admin(db, viewer):
        return [], []
    people = [
        AuditName(*row)
        for row in db.execute(
            """SELECT DISTINCT l.subject_user_id,
                 coalesce(u.display_name, 'account #' || l.subject_user_id), u.username
               FROM audit_log l LEFT JOIN users u ON u.id = l.subject_user_id
               WHERE l.subject_user_id IS NOT NULL ORDER BY 2 COLLATE NOCASE, 1"""
        )
    ]
    teams = [
        AuditName(*row)
        for row in db.execute(
            """SELECT DISTINCT l.subject_team_id, coalesce(t.name, 'team #' || l.subject_team_id)
               FROM audit_log l LEFT JOIN teams t ON t.id = l.subject_team_id
               WHERE l.subject_team_id IS NOT NULL ORDER BY 2 COLLATE NOCASE, 1"""
        )
    ]
    return people, teams
