"""Account rules: what a valid username, display name and password are; password hashing (pure)."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("learner", "manager", "facilitator", "admin")
# Every text a person types has a limit, checked here on the server before it is
# stored or hashed: a browser's max_chars is a convenience anyone can skip.
MIN_USERNAME = 3
MAX_USERNAME = 32
USERNAME = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9._-]{{{MIN_USERNAME - 1},{MAX_USERNAME - 1}}}$")
MAX_DISPLAY_NAME = 60
MIN_PASSWORD = 8
MAX_PASSWORD = 256
LOGIN_DAYS = 14
SIGN_IN_FAILED = "That username and password do not match an account."

MAX_FAILURES = 5
"""Failed sign-ins for one username, within FAILURE_WINDOW, before each try must wait."""
FAILURE_WINDOW = timedelta(minutes=15)
"""How long a failure counts; older failures are forgotten (and their rows deleted)."""
FIRST_WAIT = timedelta(seconds=30)
"""The wait after the MAX_FAILURES-th failure; it doubles with every further failure."""
LONGEST_WAIT = timedelta(minutes=15)

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
_hasher = PasswordHasher()
HASHES_AT_ONCE = 2
"""Each hash holds 64 MiB and works 4 lanes in parallel threads for a few hundred ms:
a room signing in together takes turns here, so memory stays bounded, the first in are
done first, and the cores keep time for everyone else's clicks."""
_hashing = threading.BoundedSemaphore(HASHES_AT_ONCE)
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


def sign_in_wait(failures: Iterable[datetime], now: datetime) -> timedelta:
    """How long a username must wait before its next try (zero: it may try now).

    Up to MAX_FAILURES failures within FAILURE_WINDOW cost nothing; from then on each
    try waits FIRST_WAIT after the last failure, doubling with every further failure,
    at most LONGEST_WAIT. Tries refused for waiting are not failures, so waiting
    always works, and nobody can hold a username shut for more than LONGEST_WAIT
    past their own last failed guess.
    """
    recent = sorted(f for f in failures if now - f < FAILURE_WINDOW)
    if len(recent) < MAX_FAILURES:
        return timedelta(0)
    doublings = min(len(recent) - MAX_FAILURES, 16)  # 2**16 * 30 s is far past the cap
    wait = min(FIRST_WAIT * 2**doublings, LONGEST_WAIT)
    return max(recent[-1] + wait - now, timedelta(0))


def too_many_failures(wait: timedelta) -> str:
    """The message for a try that must wait, saying how long (rounded up)."""
    seconds = math.ceil(wait.total_seconds())
    if seconds < 120:
        return f"Too many failed sign-ins for this username. Try again in {seconds} seconds."
    return (
        "Too many failed sign-ins for this username. "
        f"Try again in {math.ceil(seconds / 60)} minutes."
    )


# Zero-width joiner and non-joiner: Persian and Indic names need them between letters,
# and emoji such as 👩‍💻 and 🏳️‍🌈 are built with them.
JOINERS = frozenset("\u200c\u200d")


def has_control_characters(text: str) -> bool:
    """Whether text holds a control or invisible format character, bidirectional overrides
    and isolates included; a joiner (ZWJ, ZWNJ) between two other characters is fine.

    Unassigned code points pass: an emoji newer than this Python's Unicode tables
    is still an emoji.
    """
    for i, c in enumerate(text):
        category = unicodedata.category(c)
        if category in ("Cc", "Cs"):
            return True
        if category == "Cf":
            inside = 0 < i < len(text) - 1
            if c not in JOINERS or not inside:
                return True
    return False


def clean_username(username: str) -> str:
    """The username, trimmed, or AccountError saying what is wrong with it."""
    username = username.strip()
    if not USERNAME.match(username):
        raise AccountError(
            f"A username is {MIN_USERNAME} to {MAX_USERNAME} letters, digits, dots, hyphens or "
            "underscores, starting with a letter or digit."
        )
    return username


def typed_username(username: str) -> str | None:
    """A username typed to sign in, trimmed: None if no account can have it; AccountError
    if it is longer than any username, so nothing that long is stored or looked up."""
    username = username.strip()
    if len(username) > MAX_USERNAME:
        raise AccountError(f"A username is at most {MAX_USERNAME} characters.")
    return username if USERNAME.match(username) else None


def clean_display_name(display_name: str) -> str:
    """The display name, trimmed, or AccountError saying what is wrong with it."""
    display_name = " ".join(display_name.split())
    if not display_name:
        raise AccountError("Please enter your name as colleagues should see it.")
    if len(display_name) > MAX_DISPLAY_NAME:
        raise AccountError(f"A display name is at most {MAX_DISPLAY_NAME} characters.")
    if has_control_characters(display_name):
        raise AccountError("A display name cannot contain control characters.")
    return display_name


def check_password_length(password: str) -> str:
    """The password if it is not longer than any password; AccountError otherwise."""
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"A password is at most {MAX_PASSWORD} characters.")
    return password


def check_password(password: str) -> str:
    """The password if it is acceptable, or AccountError saying why not."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.")
    return check_password_length(password)


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    with _hashing:
        return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; an account without a hash matches nothing."""
    try:
        with _hashing:
            matched = _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


def new_login_token() -> str:
    """A fresh random token for a login cookie."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored for a login token: its sha256, so a copied database grants no logins."""
    return hashlib.sha256(token.encode()).hexdigest()
