"""Coaching a learner: the rules for a coaching note, and which misses to talk about first (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from arrowhead.teams import TeamError

MAX_NOTE = 1000
"""Characters in one coaching note."""

TALK_LIMIT = 5
"""Misses shown at a time under 'What to talk about'; the rest behind 'show all'."""
HALF_LIFE_DAYS = 14
"""A miss's weight halves with every this many days since it was answered."""


def clean_note(text: str) -> str:
    """The note's text, trimmed, or TeamError saying what is wrong with it."""
    text = text.strip()
    if not text:
        raise TeamError("Write something in the note first.")
    if len(text) > MAX_NOTE:
        raise TeamError(f"A coaching note is at most {MAX_NOTE} characters.")
    # Line breaks and tabs are part of a note; other control characters are not text.
    if any(not c.isprintable() and c not in "\n\t" for c in text):
        raise TeamError("A coaching note cannot contain control characters.")
    return text


def priority(
    behaviour: str | None,
    answered_at: datetime,
    strengths: Mapping[str, float | None],
    now: datetime,
) -> float:
    """How urgently a missed scenario should be talked about: higher first.

    Recency decides first: the weight halves every HALF_LIFE_DAYS. A miss on a
    behaviour the learner is weak at weighs more, by 1 + the shortfall on it
    (twice as much at 0%, the same at 100%), so among misses of about the same
    age those on the learner's weakest measured behaviour come first. A miss on
    a behaviour not measured, or none, weighs as if at 100%.
    """
    age_days = max((now - answered_at).total_seconds(), 0) / 86_400
    strength = strengths.get(behaviour) if behaviour else None
    weight = 1 + (100 - strength) / 100 if strength is not None else 1.0
    return weight * 0.5 ** (age_days / HALF_LIFE_DAYS)
