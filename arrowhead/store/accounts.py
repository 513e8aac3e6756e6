"""Users, roles, logins and sign-in failures."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from sqlite_utils import Database

from arrowhead.accounts import (
    LOCKED_OUT,
    LOCKOUT_MINUTES,
    LOGIN_DAYS,
    ROLES,
    SIGN_IN_FAILED,
    AccountError,
    User,
    check_password,
    clean_display_name,
    clean_username,
    hash_password,
    is_locked_out,
    new_login_token,
    password_matches,
    token_digest,
)
from arrowhead.store.database import immediate, iso
from arrowhead.teams import RESET_LENGTH, new_code, normalise_code


def count_users(db: Database) -> int:
    """How many accounts exist."""
    return db.execute("SELECT count(*) FROM users").fetchone()[0]


def _user(db: Database, where: str, params: list) -> User | None:
    row = db.execute(
        f"SELECT id, username, display_name, active FROM users WHERE {where}", params
    ).fetchone()
    if row is None:
        return None
    roles = {r[0] for r in db.execute("SELECT role FROM user_roles WHERE user_id = ?", [row[0]])}
    return User(
        id=row[0], username=row[1], display_name=row[2], roles=frozenset(roles), active=bool(row[3])
    )


def get_user(db: Database, user_id: int) -> User | None:
    """The user with that id, or None."""
    return _user(db, "id = ?", [user_id])


def find_user(db: Database, username: str) -> User | None:
    """The user with that username (any case), or None."""
    return _user(db, "username = ?", [username.strip()])


def _insert_user(
    db: Database,
    username: str,
    display_name: str,
    password: str,
    roles: tuple[str, ...],
    now: datetime,
) -> int:
    username = clean_username(username)
    display_name = clean_display_name(display_name)
    password_hash = hash_password(check_password(password))
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(f"Unknown role: {', '.join(sorted(unknown))}.")
    try:
        cursor = db.execute(
            "INSERT INTO users (username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?)",
            [username, display_name, password_hash, iso(now)],
        )
    except sqlite3.IntegrityError:
        raise AccountError("That username is taken. Please choose another.") from None
    user_id = cursor.lastrowid
    assert user_id is not None
    for role in roles:
        db.execute("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", [user_id, role])
    return user_id


def create_user(
    db: Database,
    username: str,
    display_name: str,
    password: str,
    now: datetime,
    roles: tuple[str, ...] = ("learner",),
) -> User:
    """Create an account; AccountError says plainly what is wrong with the input."""
    with immediate(db):
        user_id = _insert_user(db, username, display_name, password, roles, now)
    user = get_user(db, user_id)
    assert user is not None
    return user


def create_first_admin(
    db: Database, username: str, display_name: str, password: str, now: datetime
) -> User:
    """Create the first account, an admin; refused once any account exists."""
    with immediate(db):
        # Checked inside the write transaction: two browsers racing for the
        # first-admin form cannot both win.
        if count_users(db):
            raise AccountError("The first admin account has already been created. Please sign in.")
        user_id = _insert_user(db, username, display_name, password, ("admin", "learner"), now)
    user = get_user(db, user_id)
    assert user is not None
    return user


def _locked_out(db: Database, username: str, now: datetime) -> bool:
    # Two windows back: a lock that began within the last window needs its run of failures.
    since = iso(now - 2 * timedelta(minutes=LOCKOUT_MINUTES))
    failures = [
        datetime.fromisoformat(row[0])
        for row in db.execute(
            "SELECT failed_at FROM sign_in_failures WHERE username = ? AND failed_at > ?",
            [username.strip(), since],
        )
    ]
    return is_locked_out(failures, now)


def _record_failure(db: Database, username: str, now: datetime) -> None:
    db.execute(
        "INSERT INTO sign_in_failures (username, failed_at) VALUES (?, ?)",
        [username.strip(), iso(now)],
    )


def sign_in(db: Database, username: str, password: str, now: datetime) -> User:
    """The user whose password this is; AccountError with one generic message otherwise.

    Failures are counted and checked in one write transaction, so concurrent
    tries cannot slip past the limit of MAX_FAILURES in LOCKOUT_MINUTES.
    """
    with immediate(db):
        if _locked_out(db, username, now):
            outcome: str | int = LOCKED_OUT
        else:
            row = db.execute(
                "SELECT id, password_hash, active FROM users WHERE username = ?", [username.strip()]
            ).fetchone()
            if row and row[2] and password_matches(row[1], password):
                outcome = row[0]
                db.execute("DELETE FROM sign_in_failures WHERE username = ?", [username.strip()])
            else:
                if row is None:
                    password_matches(None, password)  # same time as a wrong password
                _record_failure(db, username, now)
                outcome = SIGN_IN_FAILED
    # Raised after the commit, so the failure just recorded is kept.
    if isinstance(outcome, str):
        raise AccountError(outcome)
    user = get_user(db, outcome)
    assert user is not None
    return user


def start_login(db: Database, user_id: int, now: datetime) -> str:
    """A new login token for the user's cookie, valid for LOGIN_DAYS."""
    token = new_login_token()
    with immediate(db):
        db.execute("DELETE FROM logins WHERE expires_at <= ?", [iso(now)])
        db.execute(
            "INSERT INTO logins (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            [token_digest(token), user_id, iso(now), iso(now + timedelta(days=LOGIN_DAYS))],
        )
    return token


def user_for_login(db: Database, token: str, now: datetime) -> User | None:
    """The active user a login token belongs to, or None if it is unknown, ended or expired."""
    row = db.execute(
        """SELECT users.id FROM logins JOIN users ON users.id = logins.user_id
           WHERE logins.token_hash = ? AND logins.expires_at > ? AND users.active = 1""",
        [token_digest(token), iso(now)],
    ).fetchone()
    return get_user(db, row[0]) if row else None


def end_login(db: Database, token: str) -> None:
    """End one login, in every tab and browser that holds its token."""
    with immediate(db):
        db.execute("DELETE FROM logins WHERE token_hash = ?", [token_digest(token)])


RESET_HOURS = 24
BAD_RESET_CODE = "That reset code is not valid for this username. Ask an admin for a new one."


def set_user_active(db: Database, user_id: int, active: bool) -> None:
    """Let a user sign in again, or stop them: their records are kept, their logins end now.

    Call inside the caller's write transaction (the admin check happens there).
    """
    db.execute("UPDATE users SET active = ? WHERE id = ?", [int(active), user_id])
    if not active:
        db.execute("DELETE FROM logins WHERE user_id = ?", [user_id])
        db.execute("DELETE FROM password_resets WHERE user_id = ?", [user_id])


def store_reset_code(db: Database, user_id: int, now: datetime) -> str:
    """A new one-time reset code for the user, replacing any earlier one; valid RESET_HOURS.

    Call inside the caller's write transaction (the admin check happens there).
    """
    code = new_code(RESET_LENGTH)
    db.execute("DELETE FROM password_resets WHERE user_id = ?", [user_id])
    db.execute(
        "INSERT INTO password_resets (code_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        [token_digest(code), user_id, iso(now), iso(now + timedelta(hours=RESET_HOURS))],
    )
    return code


def reset_password(db: Database, username: str, code: str, password: str, now: datetime) -> User:
    """Set a new password with a one-time reset code; every existing login of the user ends."""
    password_hash = hash_password(check_password(password))
    with immediate(db):
        if _locked_out(db, username, now):
            raise AccountError(LOCKED_OUT)
        row = db.execute(
            """SELECT u.id FROM users u JOIN password_resets r ON r.user_id = u.id
               WHERE u.username = ? AND u.active = 1 AND r.code_hash = ? AND r.expires_at > ?""",
            [username.strip(), token_digest(normalise_code(code)), iso(now)],
        ).fetchone()
        if row is not None:
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [password_hash, row[0]])
            db.execute("DELETE FROM password_resets WHERE user_id = ?", [row[0]])
            db.execute("DELETE FROM logins WHERE user_id = ?", [row[0]])
            db.execute("DELETE FROM sign_in_failures WHERE username = ?", [username.strip()])
        else:
            # A wrong code counts like a wrong password towards the lockout.
            _record_failure(db, username, now)
    if row is None:
        raise AccountError(BAD_RESET_CODE)
    user = get_user(db, row[0])
    assert user is not None
    return user
