"""Assignments: a module, quiz or role-play a manager sets a team or one learner, with a due
date (pure).

Storage hands over the assignments and what each learner has done; the page
hands over today's date. Nothing here reads the clock or the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from arrowhead.course import Course
from arrowhead.teams import TeamError

MODULE = "module"
QUIZ = "quiz"
ROLEPLAY = "roleplay"
KINDS = (MODULE, QUIZ, ROLEPLAY)

DONE = "done"
DUE = "due"
OVERDUE = "overdue"
GONE = "no longer in the course"
"""The module or quiz was assigned, then an author removed it: neither done nor overdue."""
STATUSES = (OVERDUE, DUE, DONE, GONE)
"""Every status, in the order a list of assignments shows them."""

DUE_SOON_DAYS = 3
"""An open assignment due within this many days is called out on the course map."""


@dataclass(frozen=True)
class Assignment:
    """A module, quiz or role-play set for a team or for one learner, due on a date."""

    id: int
    kind: str
    """MODULE, QUIZ or ROLEPLAY."""
    item_id: str
    """The module's, the quiz's or the role-play's id."""
    due: date
    team_id: int | None
    """Set for a team assignment: it applies to everyone currently in the team."""
    user_id: int | None
    """Set for an assignment to one learner."""
    target: str
    """The team's or the learner's name, entered by people: shown as plain text."""
    assigned_by: str
    """The display name of who assigned it."""
    assigned_at: str


@dataclass(frozen=True)
class Facts:
    """What one learner has done that an assignment can ask for."""

    read: Mapping[str, int] = field(default_factory=dict)
    """Sections read per module id, counting only sections the module still has."""
    passed: frozenset[str] = frozenset()
    """Ids of the quizzes passed in a self-paced attempt, at any time."""
    played: frozenset[str] = frozenset()
    """Ids of the role-plays played to an ending in a self-paced run, at any time."""


@dataclass(frozen=True)
class Duty:
    """One assignment as it stands for one learner."""

    user_id: int
    assignment: Assignment
    status: str

    @property
    def open(self) -> bool:
        """Still to do: due or overdue."""
        return self.status in (DUE, OVERDUE)


def item_title(course: Course, kind: str, item_id: str) -> str | None:
    """The assigned item as a screen names it, or None when the course no longer has it."""
    if kind == MODULE:
        module = course.module(item_id)
        return f"Module {module.number}: {module.title}" if module else None
    if kind == ROLEPLAY:
        roleplay = course.roleplay(item_id)
        return f"Role-play: {roleplay.title}" if roleplay else None
    quiz = course.quiz(item_id)
    return f"Quiz: {quiz.title}" if quiz else None


def label(course: Course, assignment: Assignment) -> str:
    """The assigned item's title, or its id marked as gone."""
    title = item_title(course, assignment.kind, assignment.item_id)
    return title or f"{assignment.kind} {assignment.item_id} ({GONE})"


def choices(course: Course) -> dict[str, tuple[str, str]]:
    """Everything that can be assigned, by its title: each module, each quiz, each role-play."""
    items: dict[str, tuple[str, str]] = {}
    for module in course.modules:
        items[f"Module {module.number}: {module.title}"] = (MODULE, module.id)
    for module in course.modules:
        quiz = course.quiz_for(module.id)
        if quiz:
            items[f"Quiz: {quiz.title}"] = (QUIZ, quiz.id)
    for roleplay in course.roleplays:
        items[f"Role-play: {roleplay.title}"] = (ROLEPLAY, roleplay.id)
    return items


def check_new(course: Course, kind: str, item_id: str, due: date, today: date) -> None:
    """TeamError, in plain words, if this cannot be assigned as it stands."""
    if kind not in KINDS or item_title(course, kind, item_id) is None:
        raise TeamError("That module, quiz or role-play is not in the course.")
    if due < today:
        raise TeamError("That due date has passed. Pick today or a later day.")


def is_done(course: Course, kind: str, item_id: str, facts: Facts) -> bool | None:
    """Whether the learner has done it; None when the course no longer has it.

    A module is done when every section is read, its role-plays played to an ending and
    its quiz (if it has one) passed; a quiz when it is passed; a role-play when it has been
    played to an ending. Work done before the assignment counts.
    """
    if kind == QUIZ:
        return None if course.quiz(item_id) is None else item_id in facts.passed
    if kind == ROLEPLAY:
        return None if course.roleplay(item_id) is None else item_id in facts.played
    module = course.module(item_id)
    if module is None:
        return None
    quiz = course.quiz_for(module.id)
    read_all = facts.read.get(module.id, 0) >= len(module.sections)
    played_all = all(r.id in facts.played for r in course.roleplays_for(module.id))
    return read_all and played_all and (quiz is None or quiz.id in facts.passed)


def status(course: Course, assignment: Assignment, facts: Facts, today: date) -> str:
    """DONE, OVERDUE (not done and the due date has passed), DUE, or GONE."""
    done = is_done(course, assignment.kind, assignment.item_id, facts)
    if done is None:
        return GONE
    if done:
        return DONE
    return OVERDUE if today > assignment.due else DUE


def due_soon(duty: Duty, today: date) -> bool:
    """Still to do and due within DUE_SOON_DAYS (today included); overdue work is not 'soon'."""
    return duty.status == DUE and (duty.assignment.due - today).days <= DUE_SOON_DAYS


def duties(
    course: Course,
    assignments: Iterable[Assignment],
    pairs: Iterable[tuple[int, int]],
    facts: Mapping[int, Facts],
    today: date,
) -> list[Duty]:
    """Each (learner, assignment) pair with its status: overdue first, then by due date."""
    by_id = {a.id: a for a in assignments}
    found = [
        Duty(user_id, by_id[a_id], status(course, by_id[a_id], facts.get(user_id, Facts()), today))
        for user_id, a_id in pairs
        if a_id in by_id
    ]
    order = {s: i for i, s in enumerate(STATUSES)}
    return sorted(found, key=lambda d: (order[d.status], d.assignment.due, d.assignment.id))


def counts(found: Iterable[Duty]) -> dict[str, int]:
    """How many duties have each status."""
    found = list(found)
    return {s: sum(1 for d in found if d.status == s) for s in STATUSES}


def summary(found: Iterable[Duty]) -> str:
    """One learner's assignments in a few words, for the roster: '1 overdue · 2 due · 3 done'."""
    tally = counts(found)
    parts = [f"{tally[s]} {s}" for s in (OVERDUE, DUE, DONE) if tally[s]]
    return " · ".join(parts) or "–"
