"""Grading, quiz scores, progress and the sales-style profile (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from arrowhead.quizzes import BEHAVIOURS, MAX_POINTS, STYLES, Quiz, Scenario

BEHAVIOUR_NAMES = {
    "critical-thinking": "critical thinking",
    "driving-urgency": "driving urgency",
    "innovation": "innovation with the client",
    "driving-accountability": "driving accountability",
}


@dataclass(frozen=True)
class Grade:
    """What one chosen option is worth, as stored with the answer."""

    option_id: str
    points: int
    max_points: int
    style: str
    behaviour: str | None
    """The scenario's behaviour if it has one, else the option's."""
    is_best: bool


@dataclass(frozen=True)
class Choice:
    """One stored answer, as scoring needs it."""

    points: int
    max_points: int
    style: str
    behaviour: str | None


@dataclass(frozen=True)
class Profile:
    """Where a learner's choices lean and how strong each behaviour is."""

    styles: dict[str, float]
    """Share (0–1) of choices per style; all zero when there are no choices."""
    behaviours: dict[str, float | None]
    """Mean score (0–100) on scenarios exercising each behaviour; None if none answered."""
    answers: int


def grade_answer(scenario: Scenario, option_id: str) -> Grade:
    """Grade one choice; raises KeyError for an option the scenario does not have."""
    option = scenario.option(option_id)
    if option is None:
        raise KeyError(option_id)
    return Grade(
        option_id=option.id,
        points=option.points,
        max_points=MAX_POINTS,
        style=option.style,
        behaviour=scenario.behaviour or option.behaviour,
        is_best=option.points == MAX_POINTS,
    )


def quiz_score(quiz: Quiz, points_by_scenario: dict[str, int]) -> int:
    """Percent (0–100, rounded) of the quiz's points earned; unanswered scenarios earn 0."""
    possible = MAX_POINTS * len(quiz.scenarios)
    if possible == 0:
        return 0
    earned = sum(points_by_scenario.get(s.id, 0) for s in quiz.scenarios)
    return round(100 * earned / possible)


def has_passed(quiz: Quiz, score: int) -> bool:
    """A quiz is passed at or above its pass mark."""
    return score >= quiz.pass_mark


def next_scenario(quiz: Quiz, answered: Iterable[str]) -> Scenario | None:
    """The first scenario not yet answered in this attempt, or None when all are."""
    done = set(answered)
    return next((s for s in quiz.scenarios if s.id not in done), None)


def build_profile(choices: Iterable[Choice]) -> Profile:
    """The style shares and behaviour strengths of a set of choices."""
    choices = list(choices)
    counts = Counter(c.style for c in choices)
    total = sum(counts[s] for s in STYLES)
    styles = {s: (counts[s] / total if total else 0.0) for s in STYLES}
    behaviours: dict[str, float | None] = {}
    for behaviour in BEHAVIOURS:
        mine = [c for c in choices if c.behaviour == behaviour]
        possible = sum(c.max_points for c in mine)
        behaviours[behaviour] = 100 * sum(c.points for c in mine) / possible if possible else None
    return Profile(styles=styles, behaviours=behaviours, answers=len(choices))


def advice(profile: Profile) -> str:
    """One sentence on what to work on next."""
    if profile.answers == 0:
        return "Take your first scenario quiz to see where your choices lean."
    styles = profile.styles
    leaning = max(STYLES, key=lambda s: styles[s])
    measured = {b: v for b, v in profile.behaviours.items() if v is not None}
    weakest = min(measured, key=lambda b: measured[b]) if measured else None
    if leaning == "transactional":
        return (
            "Most of your choices compete on price and supply: practise asking what the "
            "client is trying to achieve before you talk about what you sell."
        )
    if leaning == "traditional":
        return (
            "Your choices tend to stay at the level where you are comfortable: practise "
            "connecting your work to the client's strategic imperatives and bringing in peers "
            "for their leaders."
        )
    if weakest is not None and measured[weakest] < 70:
        return (
            f"You choose the partnership move most often; your weakest behaviour is "
            f"{BEHAVIOUR_NAMES[weakest]} ({measured[weakest]:.0f}%), so work on that next."
        )
    return (
        "You choose the partnership move most often and every behaviour is strong: take "
        "the quizzes you have not passed, or coach a colleague through one."
    )
