"""Account rules: what a valid username, display name and password are; password hashing (pure)."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("learner", "manager", "facilitator", "admin")
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$")
MAX_DISPLAY_NAME = 60
MIN_PASSWORD = 8
MAX_PASSWORD = 256
LOGIN_DAYS = 14
MAX_FAILURES = 5
LOCKOUT_MINUTES = 15
SIGN_IN_FAILED = "That username and password do not match an account."
LOCKED_OUT = f"Too many failed sign-ins for this username. Try again in {LOCKOUT_MINUTES} minutes."

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
_hasher = PasswordHasher()
# Verified when the username does not exist, so a miss takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message is for the user."""


@dataclass(frozen=True)
class User:
    """A person with an account."""

    id: int
    username: str
    display_name: str
    """Entered by the person: always shown as plain text."""
    roles: frozenset[str]
    active: bool = True

    def has_role(self, role: str) -> bool:
        """Whether the user holds that role."""
        return role in self.roles


def is_locked_out(failures: list[datetime], now: datetime) -> bool:
    """Whether sign-in is refused: MAX_FAILURES failures within LOCKOUT_MINUTES, the last of
    them less than LOCKOUT_MINUTES ago. Refused tries are not failures, so waiting works."""
    window = timedelta(minutes=LOCKOUT_MINUTES)
    times = sorted(failures)
    for last in range(MAX_FAILURES - 1, len(times)):
        if times[last] - times[last - MAX_FAILURES + 1] <= window and now - times[last] < window:
            return True
    return False


def clean_username(username: str) -> str:
    """The username, trimmed, or AccountError saying what is wrong with it."""
    username = username.strip()
    if not USERNAME.match(username):
        raise AccountError(
            "A username is 3 to 32 letters, digits, dots, hyphens or underscores, "
            "starting with a letter or digit."
        )
    return username


def clean_display_name(display_name: str) -> str:
    """The display name, trimmed, or AccountError saying what is wrong with it."""
    display_name = " ".join(display_name.split())
    if not display_name:
        raise AccountError("Please enter your name as colleagues should see it.")
    if len(display_name) > MAX_DISPLAY_NAME:
        raise AccountError(f"A display name is at most {MAX_DISPLAY_NAME} characters.")
    if any(unicodedata.category(c).startswith("C") for c in display_name):
        raise AccountError("A display name cannot contain control characters.")
    return display_name


def check_password(password: str) -> str:
    """The password if it is acceptable, or AccountError saying why not."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"A password is at most {MAX_PASSWORD} characters.")
    return password


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; an account without a hash matches nothing."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_login_token() -> str:
    """A fresh random token for a login cookie."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored for a login token: its sha256, so a copied database grants no logins."""
    return hashlib.sha256(token.encode()).hexdigest()
