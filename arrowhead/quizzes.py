"""Quizzes: ``quizzes/NN-slug.toml`` files parsed into Quiz, Scenario and Option values (pure)."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from arrowhead.content import parse_file_name, read_text
from arrowhead.problems import (
    SLUG,
    Checker,
    ContentError,
    find_key_line,
    parse_toml,
    relative_name,
    table_headers,
)

STYLES = ("transactional", "traditional", "partnership")
BEHAVIOURS = ("critical-thinking", "driving-urgency", "innovation", "driving-accountability")
MAX_POINTS = 10
MIN_OPTIONS, MAX_OPTIONS = 3, 5
LETTERS = "ABCDE"

QUIZ_FIELDS = {"module", "title", "pass_mark", "scenarios"}
SCENARIO_FIELDS = {"id", "title", "situation", "question", "behaviour", "discussion", "options"}
OPTION_FIELDS = {"id", "text", "points", "style", "behaviour", "feedback"}


@dataclass(frozen=True)
class Option:
    """One answer a learner can choose in a scenario."""

    id: str
    """Slug, unique within the scenario; answers are stored under it."""
    text: str
    points: int
    """Credit from 0 to MAX_POINTS; the best move has MAX_POINTS."""
    style: str
    """The sales style the choice reflects: one of STYLES."""
    behaviour: str | None
    """The strategic-seller behaviour the choice shows or lacks, if any."""
    feedback: str
    """Why the choice works or does not: its consequence."""


@dataclass(frozen=True)
class Scenario:
    """A situation, a decision to make and the options for it."""

    id: str
    """Slug, unique across the course."""
    title: str
    situation: str
    question: str
    behaviour: str | None
    """The behaviour the scenario exercises, if any: feeds behaviour strengths."""
    discussion: tuple[str, ...]
    """Prompts a facilitator uses after the reveal."""
    options: tuple[Option, ...]

    @property
    def best(self) -> Option:
        """The option worth full marks."""
        return next(o for o in self.options if o.points == MAX_POINTS)

    def option(self, option_id: str) -> Option | None:
        """The option with that id, or None."""
        return next((o for o in self.options if o.id == option_id), None)

    def letter(self, option_id: str) -> str:
        """The letter (A–E) the option is shown under, in this scenario's option order."""
        ids = [o.id for o in self.options]
        return LETTERS[ids.index(option_id)] if option_id in ids else "?"

    def shuffled(self, seed: int | None) -> Scenario:
        """This scenario with its options in the order one attempt or workshop shows them.

        The order depends only on the seed and the scenario id, so it is the same on every
        reload, in the attempt's review and on every phone in a workshop. A seed of None
        keeps file order (attempts stored before orders were shuffled).
        """
        if seed is None:
            return self
        options = list(self.options)
        random.Random(f"{seed}:{self.id}").shuffle(options)
        return replace(self, options=tuple(options))


@dataclass(frozen=True)
class Quiz:
    """The scenario quiz that closes a module."""

    id: str
    """The slug from the file name."""
    number: int
    module_id: str
    title: str
    pass_mark: int
    """Percent of the quiz's points needed to pass."""
    scenarios: tuple[Scenario, ...]
    path: str

    def scenario(self, scenario_id: str) -> Scenario | None:
        """The scenario with that id, or None."""
        return next((s for s in self.scenarios if s.id == scenario_id), None)


def load_quiz(path: Path, root: Path) -> Quiz:
    """Parse one quiz file; raise ContentError listing every problem in it."""
    name = relative_name(path, root)
    number, quiz_id = parse_file_name(path, name, "toml")
    text = read_text(path, name)
    data = parse_toml(text, name)
    checker = _QuizChecker(name, text.splitlines())
    quiz = checker.quiz(data, quiz_id, number)
    if checker.problems:
        raise ContentError(checker.problems)
    assert quiz is not None
    return quiz


class _QuizChecker(Checker):
    """Validates a quiz's parsed TOML, collecting problems with the line each is on."""

    def __init__(self, name: str, lines: list[str]):
        super().__init__(name)
        self.lines = lines
        self.scenario_lines = table_headers(lines, "scenarios")
        self.option_lines = table_headers(lines, "scenarios.options")

    def _table_span(self, scenario: int, option: int | None) -> tuple[int, int]:
        """0-based [start, end) lines of a scenario's own keys, or of one of its options."""
        starts = self.scenario_lines
        if scenario >= len(starts):
            return 0, len(self.lines)
        start = starts[scenario]
        end = starts[scenario + 1] if scenario + 1 < len(starts) else len(self.lines)
        mine = [i for i in self.option_lines if start < i < end]
        if option is None:
            return start, mine[0] if mine else end
        if option >= len(mine):
            return start, end
        return mine[option], mine[option + 1] if option + 1 < len(mine) else end

    def line(
        self, scenario: int | None = None, option: int | None = None, key: str | None = None
    ) -> int:
        if scenario is None:
            first_table = self.scenario_lines[0] if self.scenario_lines else len(self.lines)
            return (find_key_line(self.lines, key, 0, first_table) if key else None) or 1
        start, end = self._table_span(scenario, option)
        return (find_key_line(self.lines, key, start, end) if key else None) or start + 1

    def quiz(self, data: dict[str, Any], quiz_id: str, number: int) -> Quiz | None:
        for key in sorted(QUIZ_FIELDS - data.keys()):
            self.report(1, f"quiz is missing '{key}'")
        for key in sorted(data.keys() - QUIZ_FIELDS):
            self.report(self.line(key=key), f"unknown quiz field '{key}'")
        module_id = self.text(data, "module", self.line(key="module"))
        if module_id and not SLUG.match(module_id):
            self.report(
                self.line(key="module"), f"'module' must be a module id (slug), not '{module_id}'"
            )
        title = self.text(data, "title", self.line(key="title"))
        pass_mark = data.get("pass_mark")
        if "pass_mark" in data and not _whole(pass_mark, 0, 100):
            self.report(
                self.line(key="pass_mark"), "'pass_mark' must be a whole number from 0 to 100"
            )
        raw = data.get("scenarios", [])
        if not isinstance(raw, list) or not raw:
            if "scenarios" in data:
                self.report(1, "quiz needs at least one [[scenarios]] table")
            raw = []
        scenarios = []
        seen: set[str] = set()
        for index, item in enumerate(raw):
            scenario = self.scenario(item, index)
            if scenario is None:
                continue
            if scenario.id in seen:
                self.report(self.line(index, key="id"), f"duplicate scenario id '{scenario.id}'")
                continue
            seen.add(scenario.id)
            scenarios.append(scenario)
        if self.problems:
            return None
        return Quiz(
            id=quiz_id,
            number=number,
            module_id=module_id or "",
            title=title or "",
            pass_mark=pass_mark,  # type: ignore[arg-type]
            scenarios=tuple(scenarios),
            path=self.name,
        )

    def scenario(self, data: dict[str, Any], index: int) -> Scenario | None:
        before = len(self.problems)
        raw_id = data.get("id")
        label = f'scenario "{raw_id}"' if isinstance(raw_id, str) else f"scenario {index + 1}"
        where = f"{label}: "
        line = self.line(index)
        for key in sorted({"id", "title", "situation", "question", "options"} - data.keys()):
            self.report(line, f"{label} is missing '{key}'")
        for key in sorted(data.keys() - SCENARIO_FIELDS):
            self.report(self.line(index, key=key), f"{label} has unknown field '{key}'")
        scenario_id = self.text(data, "id", self.line(index, key="id"), where)
        if scenario_id and not SLUG.match(scenario_id):
            self.report(
                self.line(index, key="id"),
                f"{label}: id must be lower-case words joined by hyphens",
            )
        title = self.text(data, "title", self.line(index, key="title"), where)
        situation = self.text(data, "situation", self.line(index, key="situation"), where)
        question = self.text(data, "question", self.line(index, key="question"), where)
        behaviour = self.behaviour(data, self.line(index, key="behaviour"), where)
        discussion = data.get("discussion", [])
        if not (
            isinstance(discussion, list)
            and all(isinstance(d, str) and d.strip() for d in discussion)
        ):
            self.report(
                self.line(index, key="discussion"), f"{label}: 'discussion' must be a list of texts"
            )
            discussion = []
        raw_options = data.get("options", [])
        if not isinstance(raw_options, list):
            raw_options = []
        if "options" in data and not MIN_OPTIONS <= len(raw_options) <= MAX_OPTIONS:
            self.report(
                line,
                f"{label} has {len(raw_options)} options; it needs {MIN_OPTIONS} to {MAX_OPTIONS}",
            )
        options = []
        seen: set[str] = set()
        for option_index, item in enumerate(raw_options):
            option = self.option(item, index, option_index, label)
            if option is None:
                continue
            if option.id in seen:
                self.report(
                    self.line(index, option_index, "id"),
                    f"{label}: duplicate option id '{option.id}'",
                )
                continue
            seen.add(option.id)
            options.append(option)
        best = [o for o in options if o.points == MAX_POINTS]
        if options and len(options) == len(raw_options) and len(best) != 1:
            problem = "has no best move" if not best else f"has {len(best)} best moves"
            self.report(line, f"{label} {problem}: exactly one option needs points = {MAX_POINTS}")
        if len(self.problems) > before:
            return None
        return Scenario(
            id=scenario_id or "",
            title=title or "",
            situation=situation or "",
            question=question or "",
            behaviour=behaviour,
            discussion=tuple(d.strip() for d in discussion),
            options=tuple(options),
        )

    def behaviour(self, data: dict[str, Any], line: int, where: str) -> str | None:
        value = data.get("behaviour")
        if value is None:
            return None
        if value not in BEHAVIOURS:
            self.report(
                line, f"{where}'behaviour' must be one of {', '.join(BEHAVIOURS)}; not '{value}'"
            )
            return None
        return str(value)

    def option(self, data: Any, scenario: int, index: int, label: str) -> Option | None:
        before = len(self.problems)
        line = self.line(scenario, index)
        if not isinstance(data, dict):
            self.report(line, f"{label}: option {index + 1} must be a table")
            return None
        where = f"{label}, option {LETTERS[index] if index < len(LETTERS) else index + 1}: "
        for key in sorted({"id", "text", "points", "style", "feedback"} - data.keys()):
            what = {"style": "tag"}.get(key, key)
            self.report(line, f"{where}missing '{key}'" + (f" ({what})" if what != key else ""))
        for key in sorted(data.keys() - OPTION_FIELDS):
            self.report(self.line(scenario, index, key), f"{where}unknown field '{key}'")
        option_id = self.text(data, "id", self.line(scenario, index, "id"), where)
        if option_id and not SLUG.match(option_id):
            self.report(
                self.line(scenario, index, "id"),
                f"{where}id must be lower-case words joined by hyphens",
            )
        text = self.text(data, "text", self.line(scenario, index, "text"), where)
        feedback = self.text(data, "feedback", self.line(scenario, index, "feedback"), where)
        points = data.get("points")
        if "points" in data and not _whole(points, 0, MAX_POINTS):
            self.report(
                self.line(scenario, index, "points"),
                f"{where}'points' must be a whole number from 0 to {MAX_POINTS}",
            )
        style = data.get("style")
        if "style" in data and style not in STYLES:
            self.report(
                self.line(scenario, index, "style"),
                f"{where}'style' must be one of {', '.join(STYLES)}; not '{style}'",
            )
        behaviour = self.behaviour(data, self.line(scenario, index, "behaviour"), where)
        if len(self.problems) > before:
            return None
        return Option(
            id=option_id or "",
            text=text or "",
            points=points,  # type: ignore[arg-type]
            style=str(style),
            behaviour=behaviour,
            feedback=feedback or "",
        )


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
