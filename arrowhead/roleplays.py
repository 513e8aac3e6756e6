"""Role-plays: ``roleplays/NN-slug.toml`` files parsed into branching conversations (pure).

A role-play is a conversation in steps. Each step is a situation and a choice; each option
leads to another step or to an ending. The loader refuses a file whose graph cannot be played
through (an option leading nowhere, a step no path reaches, a loop with no way out…), with a
``path:line: message`` for each problem, as the quiz loader does.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

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
from arrowhead.quizzes import BEHAVIOURS, MAX_OPTIONS, MAX_POINTS, MIN_OPTIONS, STYLES

GOOD_ENDING = 7
"""An ending worth at least this many points is a good ending."""
MIN_DECISIONS = 3
"""The shortest path from the start to a good ending takes at least this many decisions."""
MIN_ENDINGS = 3

ROLEPLAY_FIELDS = {"module", "title", "role", "setting", "start", "steps", "endings"}
STEP_FIELDS = {"id", "situation", "question", "behaviour", "discussion", "options"}
OPTION_FIELDS = {"id", "text", "points", "style", "reply", "next"}
ENDING_FIELDS = {"id", "title", "points", "outcome", "why"}


@dataclass(frozen=True)
class RoleplayOption:
    """One move the learner can make at a step."""

    id: str
    """Slug, unique within the step; choices are stored under it."""
    text: str
    points: int
    """How sound the move is here, 0 to MAX_POINTS; the best move has MAX_POINTS."""
    style: str
    """The sales style the move reflects: one of STYLES."""
    reply: str
    """What the other person says or does at once: shown above the next step or the ending."""
    next: str
    """The id of the step or ending the move leads to."""


@dataclass(frozen=True)
class Step:
    """One point of decision in the conversation."""

    id: str
    """Slug, unique within the role-play (steps and endings share one set of ids)."""
    situation: str
    """Markdown: what is happening at this point."""
    question: str
    behaviour: str
    """The strategic-seller behaviour the step exercises: one of BEHAVIOURS."""
    discussion: tuple[str, ...]
    """Prompts a facilitator uses in a workshop."""
    options: tuple[RoleplayOption, ...]

    @property
    def best(self) -> RoleplayOption:
        """The move worth full marks."""
        return next(o for o in self.options if o.points == MAX_POINTS)

    def option(self, option_id: str) -> RoleplayOption | None:
        """The option with that id, or None."""
        return next((o for o in self.options if o.id == option_id), None)

    def shuffled(self, seed: int) -> Step:
        """This step with its options in the order one run shows them: the same on every
        reload of that run, so file order gives nothing away."""
        options = list(self.options)
        random.Random(f"{seed}:{self.id}").shuffle(options)
        return replace(self, options=tuple(options))


@dataclass(frozen=True)
class Ending:
    """Where a conversation ends: what the client did next, and why."""

    id: str
    title: str
    points: int
    """How good the outcome is, 0 to MAX_POINTS; GOOD_ENDING or more is a good ending."""
    outcome: str
    """Markdown: what the client did next."""
    why: str
    """Markdown: why it turned out this way, in the course's terms."""

    @property
    def good(self) -> bool:
        """Whether this is a good ending."""
        return self.points >= GOOD_ENDING

    @property
    def score(self) -> int:
        """A run's score in percent when it ends here."""
        return self.points * 100 // MAX_POINTS


@dataclass(frozen=True)
class Roleplay:
    """A branching conversation the learner plays through, counted toward a module."""

    id: str
    """The slug from the file name."""
    number: int
    """The ``NN`` from the file name; orders the role-plays."""
    module_id: str
    title: str
    role: str
    """Who the learner plays."""
    setting: str
    """Markdown: the background the learner reads before the first step."""
    start: str
    """The id of the first step."""
    steps: tuple[Step, ...]
    endings: tuple[Ending, ...]
    path: str
    """File name relative to the content root, for messages."""

    def step(self, step_id: str) -> Step | None:
        """The step with that id, or None."""
        return next((s for s in self.steps if s.id == step_id), None)

    def ending(self, ending_id: str) -> Ending | None:
        """The ending with that id, or None."""
        return next((e for e in self.endings if e.id == ending_id), None)

    @property
    def first(self) -> Step:
        """The step the conversation starts at."""
        step = self.step(self.start)
        assert step is not None  # the loader refuses a start that names no step
        return step


@dataclass(frozen=True)
class Position:
    """Where a run stands after its choices: the route so far, and a step or an ending."""

    route: tuple[tuple[Step, RoleplayOption], ...]
    """Each step passed and the move made there, in order."""
    step: Step | None
    """The step to decide next, or None once the run has reached an ending."""
    ending: Ending | None
    """The ending reached, or None while the run goes on."""

    @property
    def finished(self) -> bool:
        """Whether the run has reached an ending."""
        return self.ending is not None

    @property
    def last_reply(self) -> str | None:
        """The other person's reply to the latest move, or None before the first."""
        return self.route[-1][1].reply if self.route else None


def walk(roleplay: Roleplay, option_ids: Sequence[str]) -> Position:
    """Replay choices from the start; ValueError on a choice that is not an option of its step."""
    route: list[tuple[Step, RoleplayOption]] = []
    step: Step | None = roleplay.first
    for number, option_id in enumerate(option_ids, start=1):
        if step is None:
            raise ValueError(f"choice {number} ('{option_id}') comes after the ending")
        option = step.option(option_id)
        if option is None:
            raise ValueError(f"choice {number}: step '{step.id}' has no option '{option_id}'")
        route.append((step, option))
        step = roleplay.step(option.next)
    if step is not None:
        return Position(tuple(route), step, None)
    ending = roleplay.ending(route[-1][1].next)
    assert ending is not None  # the loader refuses an option leading nowhere
    return Position(tuple(route), None, ending)


def best_route(roleplay: Roleplay) -> Position | None:
    """Where following the best move at every step leads; None if it goes round a loop."""
    chosen: list[str] = []
    step: Step | None = roleplay.first
    seen: set[str] = set()
    while step is not None:
        if step.id in seen:
            return None
        seen.add(step.id)
        chosen.append(step.best.id)
        step = roleplay.step(step.best.next)
    return walk(roleplay, chosen)


def route_points(position: Position) -> tuple[int, int]:
    """The points of the moves made so far, and the most they could have been."""
    return sum(o.points for _, o in position.route), MAX_POINTS * len(position.route)


def shortest_decisions(roleplay: Roleplay) -> int | None:
    """The fewest decisions from the start to a good ending, or None if none is reachable."""
    good = {e.id for e in roleplay.endings if e.good}
    return _shortest(roleplay.steps, roleplay.start, good)


def _shortest(steps: Sequence[Step], start: str, targets: set[str]) -> int | None:
    by_id = {s.id: s for s in steps}
    distance = {start: 0}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        for option in by_id[here].options:
            if option.next in targets:
                return distance[here] + 1
            if option.next in by_id and option.next not in distance:
                distance[option.next] = distance[here] + 1
                queue.append(option.next)
    return None


# ---------------------------------------------------------------- loading


def load_roleplay(path: Path, root: Path) -> Roleplay:
    """Parse one role-play file; raise ContentError listing every problem in it."""
    name = relative_name(path, root)
    number, roleplay_id = parse_file_name(path, name, "toml")
    text = read_text(path, name)
    data = parse_toml(text, name)
    checker = _RoleplayChecker(name, text.splitlines())
    roleplay = checker.roleplay(data, roleplay_id, number)
    if checker.problems:
        raise ContentError(checker.problems)
    assert roleplay is not None
    return roleplay


class RoleplayLines:
    """Finds the line of a role-play's tables and fields."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.steps = table_headers(lines, "steps")
        self.options = table_headers(lines, "steps.options")
        self.endings = table_headers(lines, "endings")
        self._tables = sorted([*self.steps, *self.options, *self.endings])

    def _end(self, start: int) -> int:
        """0-based line where the next table after the one starting at start begins."""
        return next((i for i in self._tables if i > start), len(self.lines))

    def top(self, key: str = "") -> int:
        """1-based line of a top-level key, or 1."""
        first = self._tables[0] if self._tables else len(self.lines)
        return (find_key_line(self.lines, key, 0, first) if key else None) or 1

    def step(self, step: int, key: str = "", option: int | None = None) -> int:
        """1-based line of a key (or the table header) of a step or one of its options."""
        if step >= len(self.steps):
            return 1
        start = self.steps[step]
        if option is not None:
            step_end = next((i for i in self.steps if i > start), len(self.lines))
            mine = [i for i in self.options if start < i < step_end]
            if option < len(mine):
                start = mine[option]
        return self._at(start, key)

    def ending(self, ending: int, key: str = "") -> int:
        """1-based line of a key (or the table header) of an ending."""
        if ending >= len(self.endings):
            return 1
        return self._at(self.endings[ending], key)

    def _at(self, start: int, key: str) -> int:
        return (find_key_line(self.lines, key, start, self._end(start)) if key else None) or (
            start + 1
        )


T = TypeVar("T")


class _RoleplayChecker(Checker):
    """Validates parsed TOML and the conversation's graph, collecting problems with lines."""

    def __init__(self, name: str, lines: list[str]):
        super().__init__(name)
        self.where = RoleplayLines(lines)

    def slug(self, data: dict[str, Any], line: int, where: str) -> str | None:
        value = self.text(data, "id", line, where)
        if value and not SLUG.match(value):
            self.report(line, f"{where}id must be lower-case words joined by hyphens")
            return None
        return value

    def points(self, data: dict[str, Any], line: int, where: str) -> int | None:
        value = data.get("points")
        if "points" in data and not _whole(value, 0, MAX_POINTS):
            self.report(line, f"{where}'points' must be a whole number from 0 to {MAX_POINTS}")
            return None
        return value if isinstance(value, int) else None

    def roleplay(self, data: dict[str, Any], roleplay_id: str, number: int) -> Roleplay | None:
        top = self.where.top
        for key in sorted(ROLEPLAY_FIELDS - data.keys()):
            self.report(1, f"role-play is missing '{key}'")
        for key in sorted(data.keys() - ROLEPLAY_FIELDS):
            self.report(top(key), f"unknown role-play field '{key}'")
        module_id = self.text(data, "module", top("module"))
        if module_id and not SLUG.match(module_id):
            self.report(top("module"), f"'module' must be a module id (slug), not '{module_id}'")
        title = self.text(data, "title", top("title"))
        role = self.text(data, "role", top("role"))
        setting = self.text(data, "setting", top("setting"))
        start = self.text(data, "start", top("start"))
        steps = self._list(data, "steps", "[[steps]]", self.step)
        endings = self._list(data, "endings", "[[endings]]", self.ending)
        ids: set[str] = set()
        for kind, items, line_of in (
            ("step", steps, self.where.step),
            ("ending", endings, self.where.ending),
        ):
            for index, item in items:
                if item.id in ids:
                    self.report(line_of(index, "id"), f"duplicate {kind} id '{item.id}'")
                ids.add(item.id)
        if self.problems:
            return None
        roleplay = Roleplay(
            id=roleplay_id,
            number=number,
            module_id=module_id or "",
            title=title or "",
            role=role or "",
            setting=setting or "",
            start=start or "",
            steps=tuple(s for _, s in steps),
            endings=tuple(e for _, e in endings),
            path=self.name,
        )
        self.graph(roleplay)
        return None if self.problems else roleplay

    def _list(
        self,
        data: dict[str, Any],
        key: str,
        header: str,
        parse: Callable[[Any, int], T | None],
    ) -> list[tuple[int, T]]:
        raw = data.get(key, [])
        if not isinstance(raw, list) or not raw:
            if key in data:
                self.report(1, f"role-play needs at least one {header} table")
            return []
        parsed = [(index, parse(item, index)) for index, item in enumerate(raw)]
        return [(index, item) for index, item in parsed if item is not None]

    def step(self, data: Any, index: int) -> Step | None:
        line = self.where.step(index)
        if not isinstance(data, dict):
            self.report(line, f"step {index + 1} must be a table")
            return None
        before = len(self.problems)
        raw_id = data.get("id")
        label = f'step "{raw_id}"' if isinstance(raw_id, str) else f"step {index + 1}"
        where = f"{label}: "
        for key in sorted(STEP_FIELDS - {"discussion"} - data.keys()):
            self.report(line, f"{label} is missing '{key}'")
        for key in sorted(data.keys() - STEP_FIELDS):
            self.report(self.where.step(index, key), f"{label} has unknown field '{key}'")
        step_id = self.slug(data, self.where.step(index, "id"), where)
        situation = self.text(data, "situation", self.where.step(index, "situation"), where)
        question = self.text(data, "question", self.where.step(index, "question"), where)
        behaviour = data.get("behaviour")
        if "behaviour" in data and behaviour not in BEHAVIOURS:
            self.report(
                self.where.step(index, "behaviour"),
                f"{where}'behaviour' must be one of {', '.join(BEHAVIOURS)}; not '{behaviour}'",
            )
        discussion = data.get("discussion", [])
        if not (
            isinstance(discussion, list)
            and all(isinstance(d, str) and d.strip() for d in discussion)
        ):
            self.report(
                self.where.step(index, "discussion"), f"{where}'discussion' must be a list of texts"
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
        options: list[RoleplayOption] = []
        for option_index, item in enumerate(raw_options):
            option = self.option(item, index, option_index, label)
            if option is None:
                continue
            if any(o.id == option.id for o in options):
                self.report(
                    self.where.step(index, "id", option_index),
                    f"{where}duplicate option id '{option.id}'",
                )
                continue
            options.append(option)
        best = [o for o in options if o.points == MAX_POINTS]
        if options and len(options) == len(raw_options) and len(best) != 1:
            problem = "has no best move" if not best else f"has {len(best)} best moves"
            self.report(line, f"{label} {problem}: exactly one option needs points = {MAX_POINTS}")
        if len(self.problems) > before:
            return None
        return Step(
            id=step_id or "",
            situation=situation or "",
            question=question or "",
            behaviour=str(behaviour),
            discussion=tuple(d.strip() for d in discussion),
            options=tuple(options),
        )

    def option(self, data: Any, step: int, index: int, label: str) -> RoleplayOption | None:
        line = self.where.step(step, "", index)
        if not isinstance(data, dict):
            self.report(line, f"{label}: option {index + 1} must be a table")
            return None
        before = len(self.problems)
        raw_id = data.get("id")
        where = (
            f'{label}, option "{raw_id}": '
            if isinstance(raw_id, str)
            else f"{label}, option {index + 1}: "
        )
        for key in sorted(OPTION_FIELDS - data.keys()):
            self.report(line, f"{where}missing '{key}'")
        for key in sorted(data.keys() - OPTION_FIELDS):
            self.report(self.where.step(step, key, index), f"{where}unknown field '{key}'")
        option_id = self.slug(data, self.where.step(step, "id", index), where)
        text = self.text(data, "text", self.where.step(step, "text", index), where)
        reply = self.text(data, "reply", self.where.step(step, "reply", index), where)
        next_id = self.text(data, "next", self.where.step(step, "next", index), where)
        points = self.points(data, self.where.step(step, "points", index), where)
        style = data.get("style")
        if "style" in data and style not in STYLES:
            self.report(
                self.where.step(step, "style", index),
                f"{where}'style' must be one of {', '.join(STYLES)}; not '{style}'",
            )
        if len(self.problems) > before:
            return None
        return RoleplayOption(
            id=option_id or "",
            text=text or "",
            points=points or 0,
            style=str(style),
            reply=reply or "",
            next=next_id or "",
        )

    def ending(self, data: Any, index: int) -> Ending | None:
        line = self.where.ending(index)
        if not isinstance(data, dict):
            self.report(line, f"ending {index + 1} must be a table")
            return None
        before = len(self.problems)
        raw_id = data.get("id")
        label = f'ending "{raw_id}"' if isinstance(raw_id, str) else f"ending {index + 1}"
        for key in sorted(ENDING_FIELDS - {"outcome", "why"} - data.keys()):
            self.report(line, f"{label} is missing '{key}'")
        for key in sorted(data.keys() - ENDING_FIELDS):
            self.report(self.where.ending(index, key), f"{label} has unknown field '{key}'")
        ending_id = self.slug(data, self.where.ending(index, "id"), f"{label}: ")
        title = self.text(data, "title", self.where.ending(index, "title"), f"{label}: ")
        points = self.points(data, self.where.ending(index, "points"), f"{label}: ")
        feedback = {}
        for key, what in (("outcome", "what the client did next"), ("why", "why it turned out so")):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                feedback[key] = value.strip()
            else:
                at = self.where.ending(index, key) if key in data else line
                self.report(at, f"{label} has no feedback: '{key}' must say {what}")
        if len(self.problems) > before:
            return None
        return Ending(
            id=ending_id or "",
            title=title or "",
            points=points or 0,
            outcome=feedback["outcome"],
            why=feedback["why"],
        )

    def graph(self, roleplay: Roleplay) -> None:
        """Every step and ending reachable, no dead end, no trap, a long enough good path."""
        where = self.where
        step_index = {s.id: i for i, s in enumerate(roleplay.steps)}
        ending_index = {e.id: i for i, e in enumerate(roleplay.endings)}
        broken = False
        if roleplay.start not in step_index:
            self.report(where.top("start"), f"'start' names \"{roleplay.start}\", which is no step")
            broken = True
        for step in roleplay.steps:
            for option_index, option in enumerate(step.options):
                if option.next not in step_index and option.next not in ending_index:
                    self.report(
                        where.step(step_index[step.id], "next", option_index),
                        f'step "{step.id}", option "{option.id}" leads nowhere: '
                        f"'next' names \"{option.next}\", which is no step or ending",
                    )
                    broken = True
        if len(roleplay.endings) < MIN_ENDINGS:
            self.report(
                where.ending(0) if roleplay.endings else 1,
                f"role-play has {len(roleplay.endings)} ending(s); it needs at least {MIN_ENDINGS}",
            )
        if not any(e.good for e in roleplay.endings):
            self.report(
                where.ending(0) if roleplay.endings else 1,
                f"role-play has no good ending: at least one needs {GOOD_ENDING} points or more",
            )
        if broken:
            return
        reached = _reachable(roleplay)
        for step in roleplay.steps:
            if step.id not in reached:
                self.report(
                    where.step(step_index[step.id]),
                    f'step "{step.id}" is unreachable: no path from the start leads to it',
                )
        for ending in roleplay.endings:
            if ending.id not in reached:
                self.report(
                    where.ending(ending_index[ending.id]),
                    f'ending "{ending.id}" is unreachable: no path from the start leads to it',
                )
        endings = set(ending_index)
        for step in roleplay.steps:
            if step.id in reached and _shortest(roleplay.steps, step.id, endings) is None:
                self.report(
                    where.step(step_index[step.id]),
                    f'step "{step.id}" is caught in a loop with no way out: '
                    "no ending can be reached from it",
                )
        decisions = shortest_decisions(roleplay)
        if decisions is not None and decisions < MIN_DECISIONS:
            self.report(
                where.top("start"),
                f"the shortest path to a good ending takes {decisions} decision(s); "
                f"it needs at least {MIN_DECISIONS}",
            )


def _reachable(roleplay: Roleplay) -> set[str]:
    """Ids of every step and ending some path from the start reaches."""
    by_id = {s.id: s for s in roleplay.steps}
    seen = {roleplay.start}
    queue = deque([roleplay.start])
    while queue:
        step = by_id.get(queue.popleft())
        for option in step.options if step else ():
            if option.next not in seen:
                seen.add(option.next)
                queue.append(option.next)
    return seen


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
