"""The certificate: who has earned one, when, and its verification code (pure).

Nothing here reads the clock or the database: storage hands over the records,
the page hands over the time.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass

# No look-alike characters (0/O, 1/I/L, 2/Z, 5/S, 8/B): the code is read off paper and typed.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 12
"""25 ** 12 is about 6e16 (55 bits): nobody finds a certificate by trying codes."""
CODE_GROUP = 4
"""Shown as XXXX-XXXX-XXXX: three groups are easy to read aloud and type."""
MAX_TYPED_CODE = 40
"""The longest code accepted as typed, spaces and hyphens included; longer is refused unread."""

NO_SUCH_CODE = "No certificate has this code; check it against the certificate."
MALFORMED_CODE = (
    f"That is not a certificate code: a code is {CODE_LENGTH} letters and digits, "
    "like ACDE-FGHJ-KM34."
)


class CertificateError(ValueError):
    """A certificate code that cannot be looked up; the message is for the person who typed it."""


def eligible(
    required_quiz_ids: Collection[str],
    passed_quiz_ids: Collection[str],
    required_roleplay_ids: Collection[str],
    finished_roleplay_ids: Collection[str],
) -> bool:
    """Whether every required quiz is passed and every required role-play finished.

    A course that asks for nothing (no quiz, no role-play) gives no certificate:
    there would be nothing on it to vouch for.
    """
    if not required_quiz_ids and not required_roleplay_ids:
        return False
    return set(required_quiz_ids) <= set(passed_quiz_ids) and set(required_roleplay_ids) <= set(
        finished_roleplay_ids
    )


@dataclass(frozen=True)
class Standing:
    """What the certificate asks of one learner and what they have done towards it."""

    required_quiz_ids: frozenset[str]
    """Every quiz of the course."""
    passed_at: Mapping[str, str]
    """Quiz id -> when the learner first passed it (stored ISO time); only quizzes passed."""
    required_roleplay_ids: frozenset[str]
    """Every role-play of the course."""
    finished_at: Mapping[str, str]
    """Role-play id -> when the learner first finished it (reached an ending); only those finished."""

    @property
    def eligible(self) -> bool:
        """Every required quiz passed and every required role-play finished."""
        return eligible(
            self.required_quiz_ids,
            self.passed_at.keys(),
            self.required_roleplay_ids,
            self.finished_at.keys(),
        )

    @property
    def earned_at(self) -> str | None:
        """The moment the learner became eligible: the last of the first passes and first
        finishes the certificate asks for; None while not eligible.

        Taken from the records, so it does not move with the day a page first noticed.
        """
        if not self.eligible:
            return None
        return max(
            [self.passed_at[q] for q in self.required_quiz_ids]
            + [self.finished_at[r] for r in self.required_roleplay_ids]
        )

    @property
    def quizzes_left(self) -> frozenset[str]:
        """Required quizzes not yet passed."""
        return self.required_quiz_ids - self.passed_at.keys()

    @property
    def roleplays_left(self) -> frozenset[str]:
        """Required role-plays not yet finished."""
        return self.required_roleplay_ids - self.finished_at.keys()


@dataclass(frozen=True)
class QuizScore:
    """One quiz's best score as the certificate records it."""

    quiz_id: str
    title: str
    """The quiz's title when the certificate was issued."""
    best: int
    """Best score, percent."""


@dataclass(frozen=True)
class RoleplayScore:
    """One role-play's best ending as the certificate records it."""

    roleplay_id: str
    title: str
    """The role-play's title when the certificate was issued."""
    best: int
    """The score of the best ending reached, percent."""


def new_code() -> str:
    """A random verification code of CODE_LENGTH unambiguous capitals and digits."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def shown_code(code: str) -> str:
    """A stored code as printed and shown: groups of four joined by hyphens."""
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def clean_code(typed: str) -> str:
    """A code as typed (any case, spaces or hyphens) in its stored form, or CertificateError."""
    if len(typed) > MAX_TYPED_CODE:
        raise CertificateError(MALFORMED_CODE)
    code = "".join(c for c in typed.upper() if c not in " -\t")
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        raise CertificateError(MALFORMED_CODE)
    return code
