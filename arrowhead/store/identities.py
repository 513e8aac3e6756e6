"""Single sign-on accounts: the account an identity provider's subject signs in as, and linking
that identity to an existing account (admins, audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from arrowhead.accounts import AccountError, User
from arrowhead.sso import Identity, candidate_usernames
from arrowhead.store import accounts, audit

# The core set goes first: this set indexes its users table.
from arrowhead.store import schema as _core  # noqa: F401
from arrowhead.store.database import MIGRATION_SETS, immediate, iso
from arrowhead.store.teams import Actor, is_admin
from arrowhead.teams import TeamError

identity_migrations = Migrations("arrowhead-sso")
MIGRATION_SETS.append(identity_migrations)

LOCAL = "local"
"""users.auth_provider of an account with no single sign-on identity."""
IDENTITY_LINKED = "single sign-on linked"
"""The audit action: an identity moved from the account its first sign-in made to another."""
DEACTIVATED_SSO = (
    "Your Arrowhead account has been deactivated, so you cannot sign in. "
    "Ask an admin if you need it back."
)
NO_FREE_USERNAME = "No username is free for this account. Ask an admin to create it for you."


@identity_migrations()
def index_identities(db: Database) -> None:
    """One account per identity: two first sign-ins at once cannot make two accounts."""
    db.execute(
        """CREATE UNIQUE INDEX users_by_identity ON users(auth_provider, external_id)
           WHERE external_id IS NOT NULL"""
    )


def _account_for(db: Database, issuer: str, subject: str) -> tuple[int, bool] | None:
    row = db.execute(
        "SELECT id, active FROM users WHERE auth_provider = ? AND external_id = ?",
        [issuer, subject],
    ).fetchone()
    return (row[0], bool(row[1])) if row else None


def sign_in_with_identity(db: Database, identity: Identity, now: datetime) -> User:
    """The account the identity signs in as, made as a learner on its first sign-in;
    AccountError when that account is deactivated.

    The new account has a username derived from the claims and made unique, the
    provider's display name, and no password.
    """
    with immediate(db):
        # Looked up and created under the write lock: two first sign-ins at once find
        # the account the first one made instead of making a second.
        found = _account_for(db, identity.issuer, identity.subject)
        if found is None:
            user_id = _create_account(db, identity, now)
        else:
            user_id, active = found
            if not active:
                raise AccountError(DEACTIVATED_SSO)
    user = accounts.get_user(db, user_id)
    assert user is not None
    return user


def _create_account(db: Database, identity: Identity, now: datetime) -> int:
    taken = {
        row[0].lower()
        for row in db.execute(
            "SELECT username FROM users WHERE username LIKE ? || '%'", [identity.username_base]
        )
    }
    username = next(
        (u for u in candidate_usernames(identity.username_base) if u not in taken), None
    )
    if username is None:
        raise AccountError(NO_FREE_USERNAME)
    cursor = db.execute(
        """INSERT INTO users (username, display_name, password_hash, auth_provider, external_id,
             created_at) VALUES (?, ?, NULL, ?, ?, ?)""",
        [username, identity.display_name, identity.issuer, identity.subject, iso(now)],
    )
    user_id = cursor.lastrowid
    assert user_id is not None
    db.execute("INSERT INTO user_roles (user_id, role) VALUES (?, 'learner')", [user_id])
    return user_id


@dataclass(frozen=True)
class SignInMethods:
    """How one account signs in."""

    user_id: int
    password: bool
    """Whether it has a local password."""
    issuer: str | None
    """The identity provider it signs in with, if any."""
    subject: str | None
    """Its id at that provider."""

    @property
    def summary(self) -> str:
        """ "password", "single sign-on" or both, for the People table."""
        kinds = [
            k for k, on in (("password", self.password), ("single sign-on", self.issuer)) if on
        ]
        return " and ".join(kinds) or "none"


def sign_in_methods(db: Database, actor: Actor) -> dict[int, SignInMethods]:
    """How each account signs in, by user id; admins only (others get nothing)."""
    if not is_admin(db, actor):
        return {}
    rows = db.execute(
        """SELECT id, password_hash IS NOT NULL,
             CASE WHEN external_id IS NOT NULL THEN auth_provider END, external_id FROM users"""
    )
    return {row[0]: SignInMethods(row[0], bool(row[1]), row[2], row[3]) for row in rows}


def link_identity(
    db: Database, actor: Actor, from_user_id: int, to_user_id: int, now: datetime
) -> None:
    """Move the single sign-on identity of one account to another existing account; admins only.

    From then on that identity signs in as the other account. The account it leaves,
    if it has no password (its first sign-in made it), can no longer sign in at all
    and is deactivated, its records kept. Audited in the same transaction.
    """
    with immediate(db):
        if not is_admin(db, actor):
            raise TeamError("Only an admin can do that.")
        source = db.execute(
            """SELECT auth_provider, external_id, password_hash IS NOT NULL, active, display_name,
                 username FROM users WHERE id = ?""",
            [from_user_id],
        ).fetchone()
        target = db.execute(
            "SELECT external_id, active FROM users WHERE id = ?", [to_user_id]
        ).fetchone()
        if source is None or target is None:
            raise TeamError("That person does not exist.")
        issuer, subject, has_password, active, name, username = source
        if subject is None:
            raise TeamError("This account does not sign in with single sign-on.")
        if from_user_id == to_user_id:
            raise TeamError("Pick another account to link this sign-on to.")
        if target[0] is not None:
            raise TeamError(
                "That account already signs in with single sign-on. "
                "One account has one single sign-on identity."
            )
        if not target[1]:
            raise TeamError("That account is deactivated: reactivate it first.")
        retiring = not has_password and active
        if retiring and _only_admin(db, from_user_id):
            raise TeamError("This is the only admin: make someone else an admin first.")
        # Cleared first: the unique index allows the identity on one account at a time.
        db.execute(
            "UPDATE users SET auth_provider = ?, external_id = NULL WHERE id = ?",
            [LOCAL, from_user_id],
        )
        db.execute(
            "UPDATE users SET auth_provider = ?, external_id = ? WHERE id = ?",
            [issuer, subject, to_user_id],
        )
        audit.record(
            db,
            actor,
            IDENTITY_LINKED,
            now,
            user_id=to_user_id,
            detail=f"the sign-on of {name} ({username}) at {issuer}",
        )
        if retiring:
            accounts.set_user_active(db, from_user_id, False)
            audit.record(
                db, actor, audit.DEACTIVATED, now, user_id=from_user_id, detail="sign-on linked"
            )


def _only_admin(db: Database, user_id: int) -> bool:
    admins = {
        row[0]
        for row in db.execute(
            """SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
               WHERE r.role = 'admin' AND u.active = 1"""
        )
    }
    return admins == {user_id}
