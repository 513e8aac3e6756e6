"""Certificates: issued once per learner, looked up by their owner and, by code, by anyone.

A certificate is a record of a moment: the name, the date earned and the
scores are copied onto it when it is issued, so the PDF and the verify page
say the same thing however the course or the account changes later. The
content column holds JSON: {"quizzes": [{quiz_id, title, best}], "roleplays":
[{roleplay_id, title, best}]}; certificates issued before role-plays had no
"roleplays" key.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from arrowhead.certificates import QuizScore, RoleplayScore, new_code

# The core set must be registered first: certificates refer to users.
from arrowhead.store import schema as _core  # noqa: F401
from arrowhead.store.database import MIGRATION_SETS, immediate, iso

certificate_migrations = Migrations("arrowhead-certificates")
MIGRATION_SETS.append(certificate_migrations)


@certificate_migrations()
def create_certificates(db: Database) -> None:
    """One certificate per learner, with its verification code and what it says."""
    db.execute(
        """CREATE TABLE certificates (
            user_id INTEGER PRIMARY KEY REFERENCES users(id),   -- one per learner, ever
            code TEXT NOT NULL UNIQUE,             -- the verification code, as stored (no hyphens)
            display_name TEXT NOT NULL,            -- the name when it was issued
            earned_at TEXT NOT NULL,               -- when the learner became eligible
            issued_at TEXT NOT NULL,               -- when it was stored
            content TEXT NOT NULL                  -- JSON: {"quizzes": [{quiz_id, title, best}]}
        )"""
    )


@dataclass(frozen=True)
class Certificate:
    """A learner's certificate, as issued."""

    user_id: int
    code: str
    """Stored form: CODE_LENGTH capitals and digits; shown_code() adds the hyphens."""
    display_name: str
    """Entered by the learner: shown as plain text, printed with an embedded Unicode font."""
    earned_at: str
    issued_at: str
    scores: tuple[QuizScore, ...]
    """Each quiz's best score when it was issued, in course order."""
    roleplay_scores: tuple[RoleplayScore, ...] = ()
    """Each role-play's best ending when it was issued; none for a course without role-plays."""


@dataclass(frozen=True)
class Verified:
    """What anyone with the code may learn: whose certificate it is and when it was earned."""

    display_name: str
    earned_at: str


_COLUMNS = "user_id, code, display_name, earned_at, issued_at, content"


def _certificate(row: tuple) -> Certificate:
    user_id, code, name, earned_at, issued_at, content = row
    return Certificate(
        user_id=user_id,
        code=code,
        display_name=name,
        earned_at=earned_at,
        issued_at=issued_at,
        scores=tuple(QuizScore(**score) for score in json.loads(content)["quizzes"]),
        # Certificates issued before role-plays existed hold none.
        roleplay_scores=tuple(
            RoleplayScore(**score) for score in json.loads(content).get("roleplays", [])
        ),
    )


def issue_certificate(
    db: Database,
    user_id: int,
    earned_at: str,
    scores: Sequence[QuizScore],
    now: datetime,
    roleplay_scores: Sequence[RoleplayScore] = (),
) -> Certificate:
    """The learner's certificate: stored now with a fresh code, or the one already issued.

    Checked and written in one write transaction, so two tabs (or two pages in
    one run) issuing at once make one certificate, and both get it.
    """
    with immediate(db):
        row = db.execute(
            f"SELECT {_COLUMNS} FROM certificates WHERE user_id = ?", [user_id]
        ).fetchone()
        if row is None:
            code = new_code()
            while db.execute("SELECT 1 FROM certificates WHERE code = ?", [code]).fetchone():
                code = new_code()
            content = {
                "quizzes": [vars(score) for score in scores],
                "roleplays": [vars(score) for score in roleplay_scores],
            }
            db.execute(
                f"""INSERT INTO certificates ({_COLUMNS})
                    SELECT id, ?, display_name, ?, ?, ? FROM users WHERE id = ?""",
                [code, earned_at, iso(now), json.dumps(content, ensure_ascii=False), user_id],
            )
            row = db.execute(
                f"SELECT {_COLUMNS} FROM certificates WHERE user_id = ?", [user_id]
            ).fetchone()
    if row is None:
        raise LookupError("That person does not exist.")
    return _certificate(row)


def certificate_of(db: Database, user_id: int) -> Certificate | None:
    """The learner's own certificate, or None if none has been issued."""
    row = db.execute(f"SELECT {_COLUMNS} FROM certificates WHERE user_id = ?", [user_id]).fetchone()
    return _certificate(row) if row else None


def verify(db: Database, code: str) -> Verified | None:
    """The name and date earned of the certificate with this (cleaned) code, or None.

    A deactivated learner's certificate still verifies: it records something
    that happened, and leaving the organisation does not undo it.
    """
    row = db.execute(
        "SELECT display_name, earned_at FROM certificates WHERE code = ?", [code]
    ).fetchone()
    return Verified(*row) if row else None
