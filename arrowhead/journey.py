"""The learner's journey: course progress, Continue, answering — domain rules applied to stored records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlite_utils import Database

from arrowhead.content import Module
from arrowhead.course import Course
from arrowhead.quizzes import Quiz, Scenario
from arrowhead.roleplays import Roleplay
from arrowhead.scoring import (
    Profile,
    best_styles,
    build_profile,
    grade_answer,
    has_passed,
    quiz_score,
)
from arrowhead.store import learning
from arrowhead.store import roleplays as roleplay_store
from arrowhead.store.learning import Answer, Attempt, Finisher, Place

if TYPE_CHECKING:  # statements.py builds on this module
    from arrowhead.statements import Recorder

ROLEPLAY = "roleplay"
"""The kind of a Place that is a role-play (besides "section" and "quiz")."""


@dataclass(frozen=True)
class ModuleProgress:
    """How far one learner is through one module."""

    module: Module
    read: frozenset[str]
    """Ids of the sections read (only sections the module still has)."""
    quiz: Quiz | None
    attempts: tuple[Attempt, ...]
    """Finished attempts at the module's quiz, oldest first."""
    roleplays: tuple[Roleplay, ...] = ()
    """The role-plays that count toward the module."""
    finished_roleplays: frozenset[str] = frozenset()
    """Ids of the module's role-plays the learner has played to an ending."""

    @property
    def best_score(self) -> int | None:
        scores = [a.score for a in self.attempts if a.score is not None]
        return max(scores) if scores else None

    @property
    def best_attempt(self) -> Attempt | None:
        """The attempt with the best score; the latest of equal ones."""
        scored = [a for a in self.attempts if a.score is not None]
        return max(reversed(scored), key=lambda a: a.score or 0) if scored else None

    @property
    def latest_score(self) -> int | None:
        return self.attempts[-1].score if self.attempts else None

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def steps(self) -> int:
        """Sections, role-plays and the quiz: the units a progress bar counts."""
        return len(self.module.sections) + len(self.roleplays) + (1 if self.quiz else 0)

    @property
    def steps_done(self) -> int:
        return len(self.read) + len(self.finished_roleplays) + (1 if self.passed else 0)

    @property
    def fraction(self) -> float:
        return self.steps_done / self.steps if self.steps else 0.0

    @property
    def done(self) -> bool:
        return self.steps > 0 and self.steps_done == self.steps


def course_progress(db: Database, course: Course, user_id: int) -> list[ModuleProgress]:
    """Progress through every module, in course order."""
    read = learning.sections_read(db, user_id)
    finished = finished_attempts(db, user_id)
    played = roleplay_store.finished_roleplays(db, user_id) if course.roleplays else set()
    progress = []
    for module in course.modules:
        quiz = course.quiz_for(module.id)
        section_ids = {s.id for s in module.sections}
        roleplays = course.roleplays_for(module.id)
        progress.append(
            ModuleProgress(
                module=module,
                read=frozenset(read.get(module.id, set()) & section_ids),
                quiz=quiz,
                attempts=tuple(a for a in finished if quiz and a.quiz_id == quiz.id),
                roleplays=roleplays,
                finished_roleplays=frozenset(r.id for r in roleplays if r.id in played),
            )
        )
    return progress


def finished_attempts(db: Database, user_id: int) -> list[Attempt]:
    """The learner's finished quiz attempts, oldest first."""
    # Workshop answers count in the style profile, not as quiz attempts.
    return [
        a
        for a in learning.attempts_of(db, user_id)
        if a.finished_at is not None and a.source == "self"
    ]


def overall_fraction(progress: list[ModuleProgress]) -> float:
    """Share of all steps in the course done."""
    steps = sum(p.steps for p in progress)
    return sum(p.steps_done for p in progress) / steps if steps else 0.0


def continue_place(
    db: Database, course: Course, user_id: int, progress: list[ModuleProgress] | None = None
) -> Place | None:
    """Where Continue leads (see next_place); None once the course is finished.

    Pass the progress a page already has, so it is not read twice.
    """
    if progress is None:
        progress = course_progress(db, course, user_id)
    return next_place(progress, learning.last_place(db, user_id))


def _places(progress: list[ModuleProgress]) -> list[tuple[Place, bool]]:
    # Every place in course order, and whether it is done: a section read, a role-play
    # played to an ending, a quiz passed. A module's role-plays come after its sections
    # and before the quiz that closes it.
    places = []
    for item in progress:
        for section in item.module.sections:
            places.append((Place("section", item.module.id, section.id), section.id in item.read))
        for roleplay in item.roleplays:
            places.append(
                (
                    Place(ROLEPLAY, item.module.id, roleplay.id),
                    roleplay.id in item.finished_roleplays,
                )
            )
        if item.quiz:
            places.append((Place("quiz", item.module.id, item.quiz.id), item.passed))
    return places


def next_place(progress: list[ModuleProgress], last: Place | None) -> Place | None:
    """The first unfinished place from the last place seen on, wrapping round to the start.

    A last place that is still unfinished is where the learner carries on; a
    finished one (a section read again, a quiz just passed) leads on to what
    comes next, not back to itself. None when everything is done.
    """
    places = _places(progress)
    start = next((i for i, (place, _) in enumerate(places) if place == last), 0)
    for place, done in places[start:] + places[:start]:
        if not done:
            return place
    return None


def course_finished(progress: list[ModuleProgress]) -> bool:
    """Whether every section of the course is read, every role-play finished and every quiz passed."""
    return bool(progress) and all(item.done for item in progress)


def finished_words(course: Course) -> str:
    """What finishing the course takes, in words: 'every section read and every quiz passed'."""
    if course.roleplays:
        return "every section read, every role-play played and every quiz passed"
    return "every section read and every quiz passed"


def missed(quiz: Quiz, answers: list[Answer]) -> list[tuple[Scenario, Answer]]:
    """The scenarios of the quiz answered without the best option, in quiz order."""
    given = {a.scenario_id: a for a in answers}
    return [
        (scenario, given[scenario.id])
        for scenario in quiz.scenarios
        if scenario.id in given and given[scenario.id].points < given[scenario.id].max_points
    ]


def finisher(quiz: Quiz) -> Finisher:
    """Closes an attempt once every scenario of the quiz has an answer."""

    def finish(points: dict[str, int]) -> tuple[int, bool] | None:
        if any(s.id not in points for s in quiz.scenarios):
            return None
        score = quiz_score(quiz, points)
        return score, has_passed(quiz, score)

    return finish


def answer_scenario(
    db: Database,
    attempt: Attempt,
    quiz: Quiz,
    scenario_id: str,
    option_id: str,
    now: datetime,
    xapi: Recorder | None = None,
) -> Answer:
    """Grade and store a choice, with its xAPI statements; returns the stored answer (the first,
    if one was already given)."""
    scenario = quiz.scenario(scenario_id)
    if scenario is None:
        raise LookupError("That scenario is not in this quiz.")
    grade = grade_answer(scenario, option_id)
    statements = xapi.answered(attempt, quiz, scenario_id) if xapi else None
    return learning.record_answer(db, attempt, scenario_id, grade, now, finisher(quiz), statements)


def profile_of(db: Database, course: Course, user_id: int) -> Profile:
    """The learner's profile: style shares, fit to each situation, behaviour strengths."""
    return build_profile(learning.choices_of(db, user_id, best_styles(course.quizzes)))
