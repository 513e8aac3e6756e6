"""Users, roles, logins and sign-in failures."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from sqlite_utils import Database

from arrowhead.accounts import (
    FAILURE_WINDOW,
    LOGIN_DAYS,
    ROLES,
    SIGN_IN_FAILED,
    AccountError,
    User,
    check_password,
    check_password_length,
    clean_display_name,
    clean_username,
    hash_password,
    new_login_token,
    password_matches,
    sign_in_wait,
    token_digest,
    too_many_failures,
    typed_username,
)
from arrowhead.store import audit
from arrowhead.store.database import immediate, iso
from arrowhead.teams import MAX_TYPED_CODE, RESET_LENGTH, CommandLine, new_code, normalise_code

# Argon2 takes a few hundred milliseconds of CPU. It always runs before the write
# transaction opens, never inside it: the write lock is shared by the whole room,
# and a learner's answer must not queue behind someone else's password.


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


TAKEN = "That username is taken. Please choose another."


def _new_account(
    db: Database, username: str, display_name: str, password: str, roles: tuple[str, ...]
) -> tuple[str, str, str]:
    """The cleaned username and display name and the password's hash; refusals come first,
    before any hashing, so a taken name or a bad role costs no argon2 time."""
    username = clean_username(username)
    display_name = clean_display_name(display_name)
    check_password(password)
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(f"Unknown role: {', '.join(sorted(unknown))}.")
    if find_user(db, username) is not None:
        raise AccountError(TAKEN)
    return username, display_name, hash_password(password)


def _insert_user(
    db: Database,
    account: tuple[str, str, str],
    roles: tuple[str, ...],
    now: datetime,
) -> int:
    # Inside the caller's write transaction; the UNIQUE username decides a race.
    username, display_name, password_hash = account
    try:
        cursor = db.execute(
            "INSERT INTO users (username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?)",
            [username, display_name, password_hash, iso(now)],
        )
    except sqlite3.IntegrityError:
        raise AccountError(TAKEN) from None
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
    created_by: User | CommandLine | None = None,
) -> User:
    """Create an account; AccountError says plainly what is wrong with the input.

    An account made for someone else (created_by: an admin, the command line) is
    recorded in the audit log with its roles, in the same transaction.
    """
    account = _new_account(db, username, display_name, password, roles)
    with immediate(db):
        user_id = _insert_user(db, account, roles, now)
        if created_by is not None:
            audit.record(
                db,
                created_by,
                audit.ACCOUNT_CREATED,
                now,
                user_id=user_id,
                detail=", ".join(sorted(set(roles))),
            )
    user = get_user(db, user_id)
    assert user is not None
    return user


FIRST_ADMIN_TAKEN = "The first admin account has already been created. Please sign in."


def create_first_admin(
    db: Database, username: str, display_name: str, password: str, now: datetime
) -> User:
    """Create the first account, an admin; refused once any account exists."""
    roles = ("admin", "learner")
    if count_users(db):
        raise AccountError(FIRST_ADMIN_TAKEN)
    account = _new_account(db, username, display_name, password, roles)
    with immediate(db):
        # Checked again inside the write transaction: two browsers racing for the
        # first-admin form cannot both win.
        if count_users(db):
            raise AccountError(FIRST_ADMIN_TAKEN)
        user_id = _insert_user(db, account, roles, now)
    user = get_user(db, user_id)
    assert user is not None
    return user


def _wait(db: Database, username: str, now: datetime) -> timedelta:
    failed = [
        datetime.fromisoformat(row[0])
        for row in db.execute(
            "SELECT failed_at FROM sign_in_failures WHERE username = ? AND failed_at > ?",
            [username, iso(now - FAILURE_WINDOW)],
        )
    ]
    return sign_in_wait(failed, now)


def _record_failure(db: Database, username: str, now: datetime) -> None:
    # Inside the caller's write transaction. Failures that no longer count go on
    # every write, whoever they were for; the table holds at most FAILURE_WINDOW's worth.
    db.execute("DELETE FROM sign_in_failures WHERE failed_at <= ?", [iso(now - FAILURE_WINDOW)])
    db.execute(
        "INSERT INTO sign_in_failures (username, failed_at) VALUES (?, ?)", [username, iso(now)]
    )


def sign_in(db: Database, username: str, password: str, now: datetime) -> User:
    """The user whose password this is; AccountError with one generic message otherwise.

    Over-long input is refused before anything is stored; a username that must wait
    (sign_in_wait) is told how long, and its try is not counted. The password is
    checked outside the write transaction; the outcome is decided inside it, where the
    wait is checked again, so concurrent tries cannot slip past the limit and a guess
    that arrived beyond it is refused whether or not it was right.
    """
    name = typed_username(username)
    check_password_length(password)
    if name is None:
        raise AccountError(SIGN_IN_FAILED)  # no account has such a name: nothing to count
    wait = _wait(db, name, now)
    if wait:
        raise AccountError(too_many_failures(wait))
    row = db.execute(
        "SELECT id, password_hash, active FROM users WHERE username = ?", [name]
    ).fetchone()
    # A missing account is checked against a dummy hash: a miss takes as long as a wrong password.
    matches = password_matches(row[1] if row else None, password) and bool(row and row[2])
    with immediate(db):
        wait = _wait(db, name, now)
        # The same hash, still active: a reset or deactivation meanwhile wins.
        unchanged = (
            matches
            and db.execute(
                "SELECT 1 FROM users WHERE id = ? AND password_hash = ? AND active = 1",
                [row[0], row[1]],
            ).fetchone()
        )
        if wait:
            outcome: str | int = too_many_failures(wait)
        elif unchanged:
            outcome = row[0]
            db.execute("DELETE FROM sign_in_failures WHERE username = ?", [name])
        else:
            _record_failure(db, name, now)
            outcome = SIGN_IN_FAILED
    # Raised after the commit, so the failure just recorded is kept.
    if isinstance(outcome, str):
        raise AccountError(outcome)
    user = get_user(db, outcome)
    assert user is not None
    return user


def clear_sign_in_failures(db: Database, username: str) -> int:
    """Forget a username's failed sign-ins, so it may try again at once; how many there were."""
    with immediate(db):
        cursor = db.execute("DELETE FROM sign_in_failures WHERE username = ?", [username.strip()])
    return cursor.rowcount


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


def _reset_for(db: Database, username: str, code_hash: str, now: datetime) -> int | None:
    row = db.execute(
        """SELECT u.id FROM users u JOIN password_resets r ON r.user_id = u.id
           WHERE u.username = ? AND u.active = 1 AND r.code_hash = ? AND r.expires_at > ?""",
        [username, code_hash, iso(now)],
    ).fetchone()
    return row[0] if row else None


def reset_password(db: Database, username: str, code: str, password: str, now: datetime) -> User:
    """Set a new password with a one-time reset code; every existing login of the user ends.

    The code an admin issued works even while the username must wait after failed
    sign-ins, and clears those failures. A wrong code counts as a failed sign-in,
    except while the username is waiting (then it is refused and not counted).
    """
    name = typed_username(username)
    check_password(password)
    if len(code) > MAX_TYPED_CODE:
        raise AccountError(BAD_RESET_CODE)  # longer than any code: not even counted
    code_hash = token_digest(normalise_code(code))
    if name is None:
        raise AccountError(BAD_RESET_CODE)  # no account has such a name: nothing to count
    user_id = _reset_for(db, name, code_hash, now)
    if user_id is None:
        with immediate(db):
            if not _wait(db, name, now):
                _record_failure(db, name, now)
        raise AccountError(BAD_RESET_CODE)
    password_hash = hash_password(password)
    with immediate(db):
        # Checked again under the lock: the code works once, even if sent twice at once.
        if _reset_for(db, name, code_hash, now) != user_id:
            raise AccountError(BAD_RESET_CODE)
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [password_hash, user_id])
        db.execute("DELETE FROM password_resets WHERE user_id = ?", [user_id])
        db.execute("DELETE FROM logins WHERE user_id = ?", [user_id])
        db.execute("DELETE FROM sign_in_failures WHERE username = ?", [name])
    user = get_user(db, user_id)
    assert user is not None
    return user
