"""Which xAPI statements each learning event implies, read from the records it just stored.

A Recorder knows the course and the server's home page. Each of its methods
returns a builder that the store runs inside the event's own write transaction
(arrowhead/store/xapi.py: record), so the statements are stored with the event
or not at all. Builders read the stored state, not what the caller hoped to
store: a double click that stored nothing new builds the same statements with
the same ids, which the outbox ignores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from arrowhead import xapi
from arrowhead.course import Course
from arrowhead.journey import course_progress
from arrowhead.quizzes import Quiz
from arrowhead.roleplays import Roleplay
from arrowhead.scoring import Grade
from arrowhead.store import learning
from arrowhead.store import roleplays as roleplay_store
from arrowhead.store import xapi as outbox
from arrowhead.store.database import iso
from arrowhead.store.learning import Attempt
from arrowhead.store.roleplays import Run
from arrowhead.store.xapi import Statements


@dataclass(frozen=True)
class Recorder:
    """Builds the statements of learning events for one course on one server."""

    course: Course
    home_page: str
    """The server's address: the actors' account home page and the root of activity ids."""

    def section_read(self, user_id: int, module_id: str, section_id: str) -> Statements:
        """A section read: 'experienced', and the module's progress."""

        def build(db: Database) -> list[dict[str, Any]]:
            module = self.course.module(module_id)
            section = (
                next((s for s in module.sections if s.id == section_id), None) if module else None
            )
            read_at = outbox.section_read_at(db, user_id, module_id, section_id)
            if module is None or section is None or read_at is None:
                return []  # not in the course: nothing an LRS could describe
            return [
                xapi.section_read(self.home_page, user_id, module, section, read_at),
                *self._module_progress(db, user_id, module_id, read_at),
            ]

        return build

    def answered(self, attempt: Attempt, quiz: Quiz, scenario_id: str) -> Statements:
        """A scenario answered: the attempt 'attempted', the answer, and its end if it was the last."""

        def build(db: Database) -> list[dict[str, Any]]:
            scenario = quiz.scenario(scenario_id)
            answer = next(
                (a for a in learning.answers_in(db, attempt.id) if a.scenario_id == scenario_id),
                None,
            )
            if scenario is None or answer is None:
                return []
            home = self.home_page
            return [
                xapi.attempt_started(home, attempt.user_id, attempt.id, quiz, attempt.started_at),
                xapi.answered(
                    home,
                    attempt.user_id,
                    attempt.id,
                    quiz,
                    scenario,
                    option_id=answer.option_id,
                    points=answer.points,
                    max_points=answer.max_points,
                    style=answer.style,
                    best_style=answer.best_style,
                    answered_at=answer.answered_at,
                ),
                *self.attempt_finished(attempt, quiz)(db),
            ]

        return build

    def attempt_finished(self, attempt: Attempt, quiz: Quiz) -> Statements:
        """A finished attempt: 'completed' and 'passed' or 'failed'; a pass moves the module on."""

        def build(db: Database) -> list[dict[str, Any]]:
            stored = learning.own_attempt(db, attempt.id, attempt.user_id)
            if stored is None or stored.finished_at is None or stored.score is None:
                return []
            finished = xapi.attempt_finished(
                self.home_page,
                stored.user_id,
                stored.id,
                quiz,
                score=stored.score,
                passed=bool(stored.passed),
                finished_at=stored.finished_at,
            )
            if stored.passed:
                finished += self._module_progress(
                    db, stored.user_id, quiz.module_id, stored.finished_at
                )
            return finished

        return build

    def workshop_vote(
        self,
        user_id: int | None,
        workshop_id: int,
        position: int,
        round_: int,
        grade: Grade,
        now: datetime,
    ) -> Statements:
        """A signed-in learner's vote: 'responded' in the workshop session. Anonymous votes send nothing."""

        def build(db: Database) -> list[dict[str, Any]]:
            voted = outbox.voted_on(db, workshop_id, position)
            if user_id is None or voted is None:
                return []
            scenario = self.course.scenario(voted.quiz_id, voted.scenario_id)
            if scenario is None:
                return []
            return [
                xapi.workshop_vote(
                    self.home_page,
                    user_id,
                    workshop_id,
                    voted.workshop_title,
                    scenario,
                    position=position,
                    round_=round_,
                    option_id=grade.option_id,
                    points=grade.points,
                    max_points=grade.max_points,
                    style=grade.style,
                    best_style=grade.best_style,
                    voted_at=iso(now),
                )
            ]

        return build

    def roleplay_choice(self, run: Run, roleplay: Roleplay, position: int) -> Statements:
        """A move in a role-play run: 'answered' on its step, and 'completed' if it reached an ending."""

        def build(db: Database) -> list[dict[str, Any]]:
            made = roleplay_store.choices_in(db, run.id)
            stored = roleplay_store.own_run(db, run.id, run.user_id)
            if position >= len(made) or stored is None:
                return []
            choice = made[position]
            step = roleplay.step(choice.step_id)
            if step is None:
                return []
            home = self.home_page
            statements = [
                xapi.step_chosen(
                    home,
                    stored.user_id,
                    stored.id,
                    roleplay,
                    step,
                    position=choice.position,
                    option_id=choice.option_id,
                    points=choice.points,
                    max_points=choice.max_points,
                    style=choice.style,
                    chosen_at=choice.chosen_at,
                )
            ]
            ending = roleplay.ending(stored.ending_id or "")
            if stored.finished_at is not None and ending is not None:
                statements.append(
                    xapi.ending_reached(
                        home,
                        stored.user_id,
                        stored.id,
                        roleplay,
                        ending,
                        finished_at=stored.finished_at,
                    )
                )
                # Playing a role-play to an ending is one of its module's steps.
                statements += self._module_progress(
                    db, stored.user_id, roleplay.module_id, stored.finished_at
                )
            return statements

        return build

    def workshop_step_vote(
        self,
        user_id: int | None,
        workshop_id: int,
        roleplay: Roleplay,
        step_id: str,
        *,
        position: int,
        move: int,
        round_: int,
        option_id: str,
        now: datetime,
    ) -> Statements:
        """A signed-in learner's vote on a role-play step: 'responded' in the workshop session,
        as a scenario vote is. Anonymous votes send nothing."""

        def build(db: Database) -> list[dict[str, Any]]:
            voted = outbox.voted_on(db, workshop_id, position)
            # The step in file order, as a run's statements describe it, not the room's order.
            step = roleplay.step(step_id)
            option = step.option(option_id) if step else None
            if user_id is None or voted is None or step is None or option is None:
                return []
            return [
                xapi.workshop_step_vote(
                    self.home_page,
                    user_id,
                    workshop_id,
                    voted.workshop_title,
                    roleplay,
                    step,
                    position=position,
                    move=move,
                    round_=round_,
                    option_id=option.id,
                    points=option.points,
                    style=option.style,
                    voted_at=iso(now),
                )
            ]

        return build

    def _module_progress(
        self, db: Database, user_id: int, module_id: str, at: str
    ) -> list[dict[str, Any]]:
        progress = next(
            (p for p in course_progress(db, self.course, user_id) if p.module.id == module_id),
            None,
        )
        if progress is None:
            return []
        return [
            xapi.module_progress(
                self.home_page, user_id, progress.module, progress.steps_done, progress.steps, at
            )
        ]
