"""Coaching notes: what a manager writes about a learner, and who may read it.

The learner's managers (of their current team) and the admins read every note
on a learner; the learner reads only the notes shared with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from arrowhead.accounts import User
from arrowhead.coaching import clean_note
from arrowhead.store import audit
from arrowhead.store import teams as team_store
from arrowhead.store.database import MIGRATION_SETS, immediate, iso
from arrowhead.teams import TeamError

note_migrations = Migrations("arrowhead-notes")
MIGRATION_SETS.append(note_migrations)


@note_migrations()
def create_coaching_notes(db: Database) -> None:
    """Short dated notes a manager writes on a learner, shared with the learner or not."""
    db.execute(
        """CREATE TABLE coaching_notes (
            id INTEGER PRIMARY KEY,
            learner_id INTEGER NOT NULL REFERENCES users(id),
            author_id INTEGER NOT NULL REFERENCES users(id),
            text TEXT NOT NULL CHECK (length(text) <= 1000),
            shared INTEGER NOT NULL DEFAULT 0,     -- 1: the learner may read it
            written_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX coaching_notes_by_learner ON coaching_notes(learner_id, id)")


@note_migrations()
def add_note_edited_at(db: Database) -> None:
    """When the author last edited a note; NULL for a note never edited."""
    db.execute("ALTER TABLE coaching_notes ADD COLUMN edited_at TEXT")


@dataclass(frozen=True)
class Note:
    """One coaching note."""

    id: int
    learner_id: int
    author: str
    """The author's display name: plain text."""
    text: str
    """Written by a manager: always shown as plain text."""
    shared: bool
    written_at: str
    author_id: int
    edited_at: str | None
    """When the author last changed it; None if never."""


def may_coach(db: Database, viewer: User, learner_id: int) -> bool:
    """Whether the viewer may write notes on this learner: their manager, or an admin; never
    about themselves."""
    return viewer.id != learner_id and team_store.manages(db, viewer, learner_id)


def write_note(
    db: Database, viewer: User, learner_id: int, text: str, shared: bool, now: datetime
) -> int:
    """Store a note on a learner in the viewer's scope; the new note's id."""
    text = clean_note(text)
    with immediate(db):
        if not may_coach(db, viewer, learner_id):
            raise TeamError("You can only write notes on learners in a team you manage.")
        cursor = db.execute(
            """INSERT INTO coaching_notes (learner_id, author_id, text, shared, written_at)
               VALUES (?, ?, ?, ?, ?)""",
            [learner_id, viewer.id, text, int(shared), iso(now)],
        )
        note_id = cursor.lastrowid
        assert note_id is not None
        # The text stays out of the log: it is for the learner's managers, not every admin tool.
        audit.record(
            db,
            viewer,
            audit.NOTE_WRITTEN,
            now,
            user_id=learner_id,
            detail=f"note {note_id}, " + ("shared with the learner" if shared else "not shared"),
        )
    return note_id


NOT_YOURS = "You can only edit your own notes on learners in a team you manage."


def edit_note(
    db: Database, viewer: User, note_id: int, text: str, shared: bool, now: datetime
) -> None:
    """Change a note's text and sharing; only its author, while the learner is in their scope."""
    text = clean_note(text)
    with immediate(db):
        row = db.execute(
            "SELECT learner_id, author_id, text, shared FROM coaching_notes WHERE id = ?",
            [note_id],
        ).fetchone()
        # Another manager of the team, or an admin, reads the note but does not put words
        # in its author's mouth; an author whose learner has moved on leaves it as it was.
        if row is None or row[1] != viewer.id or not may_coach(db, viewer, row[0]):
            raise TeamError(NOT_YOURS)
        learner_id, _, old_text, old_shared = row
        if old_text == text and bool(old_shared) == shared:
            return  # nothing changed: nothing to stamp or log
        db.execute(
            "UPDATE coaching_notes SET text = ?, shared = ?, edited_at = ? WHERE id = ?",
            [text, int(shared), iso(now), note_id],
        )
        audit.record(
            db,
            viewer,
            audit.NOTE_EDITED,
            now,
            user_id=learner_id,
            detail=f"note {note_id}, "
            + ("shared with the learner" if shared else "not shared")
            + ("" if bool(old_shared) == shared else " (sharing changed)"),
        )


def notes_on(db: Database, viewer: User, learner_id: int) -> list[Note]:
    """The notes on a learner that the viewer may read, newest first: all for their managers
    and admins, the shared ones for the learner, none for anyone else."""
    # manages(): themselves while active, or a learner in a team in their scope.
    if not team_store.manages(db, viewer, learner_id):
        return []
    only_shared = viewer.id == learner_id
    rows = db.execute(
        """SELECT n.id, n.learner_id, u.display_name, n.text, n.shared, n.written_at,
             n.author_id, n.edited_at
           FROM coaching_notes n JOIN users u ON u.id = n.author_id
           WHERE n.learner_id = ? AND (n.shared = 1 OR NOT ?)
           ORDER BY n.written_at DESC, n.id DESC""",
        [learner_id, only_shared],
    )
    return [Note(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6], r[7]) for r in rows]
