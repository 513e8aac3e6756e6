"""Spaced review: when a scenario answered below full marks comes back (pure).

The schedule is worked out from stored answers alone, with the day passed in:

- A scenario answered below full marks enters review and comes back the next
  day. Every later day it is answered on moves it one step further out: it
  comes back 1, 3, 7 and then 21 days after the day it was last answered (and
  every 21 days after that).
- It leaves review once it is answered at full marks on two answered days in a
  row; a day below full marks starts that count again from nought.
- Days, not clicks: a day's answers to a scenario count once, at full marks
  only if every answer that day was. A retake or a practice round straight
  after a miss cannot clear it the same day: spacing is the point.
- Every answer counts: self-paced, workshop and practice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

INTERVALS = (1, 3, 7, 21)
"""Days until a scenario in review comes back, by how many answered days it has been in review."""
CLEAR_AFTER = 2
"""Answered days in a row at full marks that take a scenario out of review."""
ROUND_SIZE = 10
"""At most this many scenarios in one practice or review round: a short round."""


@dataclass(frozen=True)
class Mark:
    """One stored answer, as much of it as the schedule needs."""

    quiz_id: str
    scenario_id: str
    answered_at: datetime
    full: bool
    """Answered at full marks (the best move)."""


@dataclass(frozen=True)
class Review:
    """A scenario in review: when it comes back and how far along it is."""

    quiz_id: str
    scenario_id: str
    last_day: date
    """The last day it was answered on."""
    step: int
    """Index into INTERVALS: answered days in review since it entered, at most the last."""
    streak: int
    """Answered days in a row at full marks since its last day below them (0 or 1)."""

    @property
    def due(self) -> date:
        """The day it comes back."""
        return self.last_day + timedelta(days=INTERVALS[self.step])

    def overdue(self, today: date) -> bool:
        """Whether it came back before today and is still waiting."""
        return self.due < today


@dataclass
class _State:
    in_review: bool = False
    step: int = 0
    streak: int = 0
    last_day: date | None = None


def _step(state: _State, day: date, full: bool) -> None:
    """Move one scenario's schedule on by one answered day."""
    if not state.in_review:
        if not full:
            state.in_review, state.step, state.streak = True, 0, 0
    else:
        state.step = min(state.step + 1, len(INTERVALS) - 1)
        state.streak = state.streak + 1 if full else 0
        if state.streak >= CLEAR_AFTER:
            state.in_review = False
    state.last_day = day


def schedule(marks: Iterable[Mark]) -> list[Review]:
    """Every scenario still in review after these answers, soonest due first."""
    days: dict[tuple[str, str], dict[date, bool]] = {}
    for mark in marks:
        per_day = days.setdefault((mark.quiz_id, mark.scenario_id), {})
        day = mark.answered_at.date()
        # A day counts at full marks only if every answer that day was.
        per_day[day] = per_day.get(day, True) and mark.full
    reviews = []
    for (quiz_id, scenario_id), per_day in days.items():
        state = _State()
        for day in sorted(per_day):
            _step(state, day, per_day[day])
        if state.in_review and state.last_day is not None:
            reviews.append(Review(quiz_id, scenario_id, state.last_day, state.step, state.streak))
    return sorted(reviews, key=lambda r: (r.due, r.quiz_id, r.scenario_id))


def due(reviews: Iterable[Review], today: date) -> list[Review]:
    """The reviews that have come back by today, the longest waiting first."""
    return sorted(
        (r for r in reviews if r.due <= today), key=lambda r: (r.due, r.quiz_id, r.scenario_id)
    )


def due_today(marks: Iterable[Mark], now: datetime) -> list[Review]:
    """The scenarios to review at this moment (UTC days), from the stored answers."""
    return due(schedule(marks), now.date())


@dataclass(frozen=True)
class ReviewCounts:
    """How many of a learner's reviews have come back: today, and before today."""

    due: int = 0
    """Came back today."""
    overdue: int = 0
    """Came back on an earlier day and are still waiting."""


def counts(reviews: Iterable[Review], today: date) -> ReviewCounts:
    """The reviews that came back today and those that came back earlier."""
    waiting = due(reviews, today)
    late = sum(r.overdue(today) for r in waiting)
    return ReviewCounts(due=len(waiting) - late, overdue=late)
