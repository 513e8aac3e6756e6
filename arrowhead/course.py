"""The whole course: every module, quiz and role-play under a content root, cross-checked (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from arrowhead.content import Module, load_module
from arrowhead.problems import ContentError, Problem
from arrowhead.quizzes import Quiz, Scenario, load_quiz
from arrowhead.roleplays import Roleplay, load_roleplay

MODULES_DIR = "modules"
QUIZZES_DIR = "quizzes"
ROLEPLAYS_DIR = "roleplays"


@dataclass(frozen=True)
class Course:
    """Every valid module, quiz and role-play, in order, and every problem found on the way."""

    modules: tuple[Module, ...]
    quizzes: tuple[Quiz, ...]
    problems: tuple[Problem, ...] = field(default=())
    """Problems in files that were left out, and cross-reference problems."""
    roleplays: tuple[Roleplay, ...] = field(default=())

    def module(self, module_id: str) -> Module | None:
        """The module with that id, or None."""
        return next((m for m in self.modules if m.id == module_id), None)

    def quiz(self, quiz_id: str) -> Quiz | None:
        """The quiz with that id, or None."""
        return next((q for q in self.quizzes if q.id == quiz_id), None)

    def quiz_for(self, module_id: str) -> Quiz | None:
        """The quiz that closes a module, or None."""
        return next((q for q in self.quizzes if q.module_id == module_id), None)

    def scenario(self, quiz_id: str, scenario_id: str) -> Scenario | None:
        """A scenario by quiz and scenario id, or None."""
        quiz = self.quiz(quiz_id)
        return quiz.scenario(scenario_id) if quiz else None

    def roleplay(self, roleplay_id: str) -> Roleplay | None:
        """The role-play with that id, or None."""
        return next((r for r in self.roleplays if r.id == roleplay_id), None)

    def roleplays_for(self, module_id: str) -> tuple[Roleplay, ...]:
        """The role-plays that count toward a module, in order."""
        return tuple(r for r in self.roleplays if r.module_id == module_id)

    @property
    def scenario_count(self) -> int:
        """How many scenarios the course holds."""
        return sum(len(q.scenarios) for q in self.quizzes)

    def summary(self) -> str:
        """One line: what the course holds."""
        sections = sum(len(m.sections) for m in self.modules)
        summary = (
            f"{len(self.modules)} modules, {sections} sections, "
            f"{len(self.quizzes)} quizzes, {self.scenario_count} scenarios"
        )
        if self.roleplays:
            count = len(self.roleplays)
            summary += f", {count} role-play{'' if count == 1 else 's'}"
        return summary


def content_fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, size and change time of every content file: changes when an author saves."""
    files = (
        sorted((root / MODULES_DIR).glob("*.md"))
        + sorted((root / QUIZZES_DIR).glob("*.toml"))
        + sorted((root / ROLEPLAYS_DIR).glob("*.toml"))
    )
    fingerprint = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        fingerprint.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(fingerprint)


def load_course(root: Path) -> Course:
    """Load every module, quiz and role-play under root; a broken file is reported and left out."""
    problems: list[Problem] = []
    modules: list[Module] = []
    for path in sorted((root / MODULES_DIR).glob("*.md")):
        try:
            modules.append(load_module(path, root))
        except ContentError as err:
            problems.extend(err.problems)
    quizzes: list[Quiz] = []
    for path in sorted((root / QUIZZES_DIR).glob("*.toml")):
        try:
            quizzes.append(load_quiz(path, root))
        except ContentError as err:
            problems.extend(err.problems)
    roleplays: list[Roleplay] = []
    for path in sorted((root / ROLEPLAYS_DIR).glob("*.toml")):
        try:
            roleplays.append(load_roleplay(path, root))
        except ContentError as err:
            problems.extend(err.problems)
    modules = _unique_modules(modules, problems)
    quizzes = _linked_quizzes(quizzes, modules, problems, root)
    roleplays = _linked_roleplays(roleplays, modules, problems, root)
    if not modules and not problems:
        problems.append(Problem(MODULES_DIR, 1, "no module files (modules/NN-slug.md) found"))
    return Course(
        modules=tuple(sorted(modules, key=lambda m: (m.number, m.id))),
        quizzes=tuple(sorted(quizzes, key=lambda q: (q.number, q.id))),
        problems=tuple(problems),
        roleplays=tuple(sorted(roleplays, key=lambda r: (r.number, r.id))),
    )


def _unique_modules(modules: list[Module], problems: list[Problem]) -> list[Module]:
    kept: dict[str, Module] = {}
    for module in modules:
        if module.id in kept:
            problems.append(
                Problem(
                    module.path,
                    1,
                    f"duplicate module id '{module.id}' (also {kept[module.id].path})",
                )
            )
            continue
        kept[module.id] = module
    return list(kept.values())


def _linked_quizzes(
    quizzes: list[Quiz], modules: list[Module], problems: list[Problem], root: Path
) -> list[Quiz]:
    """Keep quizzes that name an existing module, one per module, with course-unique scenario ids."""
    module_ids = {m.id for m in modules}
    module_files = {p.stem.split("-", 1)[-1] for p in (root / MODULES_DIR).glob("*.md")}
    by_module: dict[str, Quiz] = {}
    scenario_home: dict[str, str] = {}
    kept: list[Quiz] = []
    for quiz in quizzes:
        lines = _lines(root / quiz.path)
        module_line = next(
            (i + 1 for i, text in enumerate(lines) if text.lstrip().startswith("module")), 1
        )
        if quiz.module_id not in module_ids:
            if quiz.module_id in module_files:
                message = f"quiz names module '{quiz.module_id}', which has problems of its own"
            else:
                message = f"quiz names module '{quiz.module_id}', which does not exist"
            problems.append(Problem(quiz.path, module_line, message))
            continue
        if quiz.module_id in by_module:
            problems.append(
                Problem(
                    quiz.path,
                    module_line,
                    f"module '{quiz.module_id}' already has a quiz ({by_module[quiz.module_id].path})",
                )
            )
            continue
        clash = [s.id for s in quiz.scenarios if s.id in scenario_home]
        if clash:
            for scenario_id in clash:
                line = next(
                    (i + 1 for i, text in enumerate(lines) if f'"{scenario_id}"' in text), 1
                )
                problems.append(
                    Problem(
                        quiz.path,
                        line,
                        f"duplicate scenario id '{scenario_id}' (also in {scenario_home[scenario_id]})",
                    )
                )
            continue
        for scenario in quiz.scenarios:
            scenario_home[scenario.id] = quiz.path
        by_module[quiz.module_id] = quiz
        kept.append(quiz)
    for module in modules:
        if module.id not in by_module and not any(p.path.startswith(QUIZZES_DIR) for p in problems):
            problems.append(Problem(module.path, 1, f"module '{module.id}' has no quiz"))
    return kept


def _linked_roleplays(
    roleplays: list[Roleplay], modules: list[Module], problems: list[Problem], root: Path
) -> list[Roleplay]:
    """Keep role-plays that name an existing module and have a course-unique id."""
    module_ids = {m.id for m in modules}
    module_files = {p.stem.split("-", 1)[-1] for p in (root / MODULES_DIR).glob("*.md")}
    home: dict[str, str] = {}
    kept: list[Roleplay] = []
    for roleplay in roleplays:
        lines = _lines(root / roleplay.path)
        module_line = next(
            (i + 1 for i, text in enumerate(lines) if text.lstrip().startswith("module")), 1
        )
        if roleplay.module_id not in module_ids:
            if roleplay.module_id in module_files:
                message = (
                    f"role-play names module '{roleplay.module_id}', which has problems of its own"
                )
            else:
                message = f"role-play names module '{roleplay.module_id}', which does not exist"
            problems.append(Problem(roleplay.path, module_line, message))
            continue
        if roleplay.id in home:
            problems.append(
                Problem(
                    roleplay.path,
                    1,
                    f"duplicate role-play id '{roleplay.id}' (also {home[roleplay.id]})",
                )
            )
            continue
        home[roleplay.id] = roleplay.path
        kept.append(roleplay)
    return kept


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
