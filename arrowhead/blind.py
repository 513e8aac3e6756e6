"""The blind solver: how well surface strategies that never read a module score on a quiz (pure).

A test-wise learner picks by length, wording or overlap with the situation. Each strategy
here is deterministic; where several options tie, the learner is taken to pick one of them
at random, so the strategy earns the mean of their points (its expected score).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from arrowhead.authoring_rules import (
    BLIND_MARGIN_OVER_CHANCE,
    COURSE_VOCABULARY,
    PARTNERSHIP_SOUNDING,
    STEP_WORDS,
    STOP_WORDS,
)
from arrowhead.quizzes import MAX_POINTS, Option, Quiz, Scenario

_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|mr|mrs|ms|dr|st|no)\.", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*(?=\s|$)")


def words(text: str) -> list[str]:
    """The text's words, lower-case, hyphenated words and contractions kept whole."""
    return _WORD.findall(text.lower())


def sentences(text: str) -> int:
    """How many sentences the text has (at least 1); "e.g." and the like end none."""
    return max(1, len(_SENTENCE_END.findall(_ABBREVIATIONS.sub("", text.strip()))))


def term_count(text: str, terms: Iterable[str]) -> int:
    """How many times the terms occur in the text as whole words (a space also matches a hyphen)."""
    low = text.lower()
    return sum(len(term_pattern(term).findall(low)) for term in terms)


@functools.lru_cache(maxsize=512)
def term_pattern(term: str, plurals: bool = True) -> re.Pattern[str]:
    """A term as a case-insensitive whole-word pattern; a space also matches a hyphen."""
    body = r"[\s-]+".join(re.escape(part) for part in term.lower().split())
    plural = "(?:s|es)?" if plurals else ""
    return re.compile(rf"(?<![\w-]){body}{plural}(?![\w])", re.IGNORECASE)


def content_words(text: str) -> set[str]:
    """The text's distinct words without stop words, possessive 's dropped ("Ironbark's")."""
    return {re.sub(r"['’]s$", "", w) for w in words(text)} - STOP_WORDS


@dataclass(frozen=True)
class Strategy:
    """One way to pick an option without reading the module."""

    name: str
    """How the report names it."""
    pick: Callable[[Scenario], list[Option]]
    """The options the strategy would choose between (ties), never empty."""


def _maximising(measure: Callable[[Scenario, Option], float]) -> Callable[[Scenario], list[Option]]:
    def pick(scenario: Scenario) -> list[Option]:
        values = [measure(scenario, option) for option in scenario.options]
        top = max(values)
        return [o for o, v in zip(scenario.options, values, strict=True) if v == top]

    return pick


def _middle_length(scenario: Scenario) -> list[Option]:
    """Neither the longest nor the shortest: the 'play it safe' pick."""
    lengths = [len(o.text) for o in scenario.options]
    middle = [
        o
        for o, n in zip(scenario.options, lengths, strict=True)
        if n not in (max(lengths), min(lengths))
    ]
    return middle or list(scenario.options)


def _overlap(scenario: Scenario, option: Option) -> float:
    return len(
        content_words(option.text) & content_words(scenario.situation + " " + scenario.question)
    )


def _steps(scenario: Scenario, option: Option) -> float:
    """How many things the option does at once: its joining words."""
    return sum(1 for w in words(option.text) if w in STEP_WORDS)


def _details(scenario: Scenario, option: Option) -> float:
    """How specific the option sounds: its numbers, and its capitalised words inside sentences."""
    tokens = option.text.split()
    return sum(
        1
        for before, token in zip(tokens, tokens[1:], strict=False)
        if token[:1].isdigit() or (token[:1].isupper() and before[-1:] not in ".!?:")
    ) + (tokens[0][:1].isdigit() if tokens else 0)


STRATEGIES: tuple[Strategy, ...] = (
    Strategy("longest", _maximising(lambda s, o: len(o.text))),
    Strategy("most words", _maximising(lambda s, o: len(words(o.text)))),
    Strategy("most sentences", _maximising(lambda s, o: sentences(o.text))),
    Strategy("course vocabulary", _maximising(lambda s, o: term_count(o.text, COURSE_VOCABULARY))),
    Strategy("situation overlap", _maximising(_overlap)),
    Strategy(
        "partnership-sounding", _maximising(lambda s, o: term_count(o.text, PARTNERSHIP_SOUNDING))
    ),
    Strategy("does the most", _maximising(_steps)),
    Strategy("most details", _maximising(_details)),
    Strategy("shortest", _maximising(lambda s, o: -len(o.text))),
    Strategy("middle length", _middle_length),
)
"""Every strategy the report tries, in report order."""


@dataclass(frozen=True)
class QuizReport:
    """How blind strategies and pure guessing fare on one quiz."""

    quiz: Quiz
    strategies: dict[str, float]
    """Expected score (0–100) of each strategy, by name, in STRATEGIES order."""
    chance: float
    """Expected score (0–100) of picking an option uniformly at random in every scenario."""
    pass_by_guessing: float
    """Probability (0–1) of reaching the pass mark by guessing uniformly."""


def strategy_score(quiz: Quiz, strategy: Strategy) -> float:
    """The strategy's expected score on the quiz, in percent."""
    if not quiz.scenarios:
        return 0.0
    earned = sum(_mean_points(strategy.pick(s)) for s in quiz.scenarios)
    return float(100 * earned / (MAX_POINTS * len(quiz.scenarios)))


def chance_score(quiz: Quiz) -> float:
    """The expected score, in percent, of guessing uniformly in every scenario."""
    if not quiz.scenarios:
        return 0.0
    earned = sum(_mean_points(list(s.options)) for s in quiz.scenarios)
    return float(100 * earned / (MAX_POINTS * len(quiz.scenarios)))


def pass_probability(quiz: Quiz) -> float:
    """The exact probability of passing the quiz by guessing uniformly in every scenario.

    Passing is scored as the app scores it: round(100 × earned ÷ possible) ≥ pass mark.
    """
    if not quiz.scenarios:
        return 1.0 if quiz.pass_mark <= 0 else 0.0
    totals: dict[int, Fraction] = {0: Fraction(1)}
    for scenario in quiz.scenarios:
        share = Fraction(1, len(scenario.options))
        following: dict[int, Fraction] = {}
        for total, chance in totals.items():
            for option in scenario.options:
                key = total + option.points
                following[key] = following.get(key, Fraction(0)) + chance * share
        totals = following
    possible = MAX_POINTS * len(quiz.scenarios)
    passing = sum(
        (
            chance
            for total, chance in totals.items()
            if round(100 * total / possible) >= quiz.pass_mark
        ),
        Fraction(0),
    )
    return float(passing)


def quiz_report(quiz: Quiz) -> QuizReport:
    """Every strategy's score, the chance score and P(pass by guessing) for one quiz."""
    return QuizReport(
        quiz=quiz,
        strategies={s.name: strategy_score(quiz, s) for s in STRATEGIES},
        chance=chance_score(quiz),
        pass_by_guessing=pass_probability(quiz),
    )


def is_suspect(report: QuizReport, score: float) -> bool:
    """Whether a blind strategy's score gives the quiz away: the pass mark, or far above chance."""
    return score >= report.quiz.pass_mark or score > report.chance + BLIND_MARGIN_OVER_CHANCE


def report_table(reports: Sequence[QuizReport]) -> str:
    """The reports as aligned plain text: a column per quiz, a row per strategy; '!' marks a warning."""
    rows = [["blind strategy", *(f"{r.quiz.number:02d}" for r in reports)]]
    rows.append(["pass mark", *(f"{r.quiz.pass_mark}%" for r in reports)])
    for strategy in STRATEGIES:
        cells = []
        for report in reports:
            score = report.strategies[strategy.name]
            cells.append(f"{score:.0f}%" + ("!" if is_suspect(report, score) else " "))
        rows.append([strategy.name, *cells])
    rows.append(["chance", *(f"{r.chance:.0f}% " for r in reports)])
    rows.append(["P(pass by guessing)", *(f"{r.pass_by_guessing:.4f}" for r in reports)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            [row[0].ljust(widths[0])]
            + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        ).rstrip()
        for row in rows
    ]
    legend = [f"{r.quiz.number:02d}  {r.quiz.path}" for r in reports]
    return "\n".join(lines + [""] + legend)


def _mean_points(options: list[Option]) -> Fraction:
    return Fraction(sum(o.points for o in options), len(options))
