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
    best_style: str
    """The style of the scenario's best move: the style the situation called for."""


@dataclass(frozen=True)
class Choice:
    """One stored answer as scoring needs it, or several alike counted together."""

    points: int
    """Points earned; summed over count answers."""
    max_points: int
    """Points possible; summed over count answers."""
    style: str
    behaviour: str | None
    best_style: str | None = None
    """The style of the scenario's best move (what the situation called for); None if unknown."""
    count: int = 1
    """How many answers this stands for."""


@dataclass(frozen=True)
class Profile:
    """Where a learner's choices lean, whether they fitted the situation, and behaviour strengths.

    A situation calls for the style of its scenario's best move; a choice fits
    when its style is that style, whatever its points.
    """

    styles: dict[str, float]
    """Share (0–1) of choices per style; all zero when there are no choices."""
    behaviours: dict[str, float | None]
    """Mean score (0–100) on scenarios exercising each behaviour; None if none answered."""
    answers: int
    called_for: dict[str, dict[str, int]]
    """Choices counted by the style the situation called for, then by the style chosen;
    choices whose scenario is no longer in the course are left out."""

    @property
    def judged(self) -> int:
        """Choices whose called-for style is known: what the fit is measured on."""
        return sum(sum(chosen.values()) for chosen in self.called_for.values())

    @property
    def fitted(self) -> int:
        """Choices whose style was the one the situation called for."""
        return sum(self.called_for[s][s] for s in STYLES)

    @property
    def fit(self) -> float | None:
        """Share (0–1) of judged choices that fitted; None when none is judged."""
        return self.fitted / self.judged if self.judged else None

    @property
    def fit_by_style(self) -> dict[str, float | None]:
        """Per called-for style, the share (0–1) of those situations met in that style; None if none."""
        shares: dict[str, float | None] = {}
        for called in STYLES:
            total = sum(self.called_for[called].values())
            shares[called] = self.called_for[called][called] / total if total else None
        return shares

    @property
    def misfits(self) -> dict[str, int]:
        """How often each style was chosen when the situation called for another."""
        return {
            chosen: sum(self.called_for[called][chosen] for called in STYLES if called != chosen)
            for chosen in STYLES
        }

    @property
    def fallback(self) -> str | None:
        """The style chosen most often when the choice did not fit; None without misfits.

        Ties go to the first in STYLES order, so the answer is stable.
        """
        misfits = self.misfits
        most = max(misfits.values())
        return next(s for s in STYLES if misfits[s] == most) if most else None


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
        best_style=scenario.best.style,
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


def best_styles(quizzes: Iterable[Quiz]) -> dict[str, str]:
    """The style of each scenario's best move, by scenario id: for answers stored without it."""
    return {s.id: s.best.style for quiz in quizzes for s in quiz.scenarios}


def build_profile(choices: Iterable[Choice]) -> Profile:
    """The style shares, fit and behaviour strengths of a set of choices (single or counted)."""
    choices = list(choices)
    counts: Counter[str] = Counter()
    called_for = {called: dict.fromkeys(STYLES, 0) for called in STYLES}
    for c in choices:
        counts[c.style] += c.count
        if c.best_style in STYLES and c.style in STYLES:
            called_for[c.best_style][c.style] += c.count
    total = sum(counts[s] for s in STYLES)
    styles = {s: (counts[s] / total if total else 0.0) for s in STYLES}
    behaviours: dict[str, float | None] = {}
    for behaviour in BEHAVIOURS:
        mine = [c for c in choices if c.behaviour == behaviour]
        possible = sum(c.max_points for c in mine)
        behaviours[behaviour] = 100 * sum(c.points for c in mine) / possible if possible else None
    return Profile(
        styles=styles,
        behaviours=behaviours,
        answers=sum(c.count for c in choices),
        called_for=called_for,
    )


CALLED_FOR_NAMES = {
    "transactional": "a quick, transactional deal",
    "traditional": "a traditional fix",
    "partnership": "a partnership move",
}
"""How advice names what a situation called for."""

PRACTICE = {
    "transactional": (
        "when the client only wants a fair price and a quick order, give them that cleanly "
        "instead of opening a bigger conversation they did not ask for."
    ),
    "traditional": (
        "when the client needs a problem fixed or a promise kept, fix it well and fast; the "
        "strategic conversation is earned afterwards."
    ),
    "partnership": (
        "practise asking what the client is trying to achieve, and bringing in peers for their "
        "leaders, before you talk about what you sell."
    ),
}
"""What to practise when a situation called for a style and the learner reached for another."""

STRONG = 70.0
"""Behaviour strength (percent) at or above which advice calls a behaviour strong."""


def advice(profile: Profile, *, finished: bool = False) -> str:
    """What to work on next: where choices did not fit the situation, else the weakest behaviour.

    `finished`: every section is read and every quiz passed, so there is no quiz left to
    send the learner to.
    """
    if profile.answers == 0:
        return "Take your first scenario quiz to see how well your choices fit each situation."
    if not profile.judged:
        return (
            "The scenarios you answered are no longer in the course: take a quiz to see how "
            "well your choices fit each situation."
        )
    measured = {b: v for b, v in profile.behaviours.items() if v is not None}
    weakest = min(measured, key=lambda b: measured[b]) if measured else None
    weak_behaviour = weakest is not None and measured[weakest] < STRONG
    if profile.fitted < profile.judged:
        # The called-for style missed most often, and what was chosen there instead.
        called = max(
            STYLES,
            key=lambda s: sum(profile.called_for[s].values()) - profile.called_for[s][s],
        )
        chosen = profile.called_for[called]
        instead = max((s for s in STYLES if s != called), key=lambda s: chosen[s])
        sentence = (
            f"When a situation called for {CALLED_FOR_NAMES[called]}, you reached for "
            f"a {instead} move {chosen[instead]} "
            f"{'time' if chosen[instead] == 1 else 'times'} of {sum(chosen.values())}: "
            f"{PRACTICE[called]}"
        )
        if weak_behaviour:
            assert weakest is not None
            sentence += (
                f" Your weakest behaviour is {BEHAVIOUR_NAMES[weakest]} ({measured[weakest]:.0f}%)."
            )
        return sentence
    if weak_behaviour:
        assert weakest is not None
        return (
            f"Your choices fitted every situation so far; your weakest behaviour is "
            f"{BEHAVIOUR_NAMES[weakest]} ({measured[weakest]:.0f}%), so work on that next."
        )
    unmeasured = [BEHAVIOUR_NAMES[b] for b in BEHAVIOURS if b not in measured]
    if unmeasured:
        return (
            "Your choices fitted every situation so far and the behaviours measured are strong; "
            f"{_join(unmeasured)} {'is' if len(unmeasured) == 1 else 'are'} not measured yet: "
            "the quizzes you have not taken will show them."
        )
    if finished:
        return (
            "Your choices fitted every situation and every behaviour is strong: coach a "
            "colleague through a quiz, or bring a scenario to your next team meeting."
        )
    return (
        "Your choices fitted every situation and every behaviour is strong: take the quizzes "
        "you have not passed, or coach a colleague through one."
    )


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
