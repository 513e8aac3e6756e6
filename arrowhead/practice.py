"""Practice and review rounds: which scenarios a round asks, and answering them — rules over stored records.

A practice answer is graded like a quiz answer but kept apart from attempts
(store/practice.py), so it never changes a quiz score, a best score, the
profile or a team's figures; it moves the review schedule on like any answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from arrowhead import journey, review
from arrowhead.course import Course
from arrowhead.quizzes import Quiz, Scenario
from arrowhead.review import Review
from arrowhead.scoring import grade_answer
from arrowhead.store import learning, reviews
from arrowhead.store import practice as practice_store
from arrowhead.store.learning import Attempt
from arrowhead.store.practice import PracticeAnswer, Round

Item = tuple[str, str]
"""(quiz id, scenario id): a scenario as a round names it."""


def in_course(course: Course, item: Item) -> Scenario | None:
    """The scenario an item names, if the course still has it."""
    return course.scenario(*item)


def reviews_due(db: Database, course: Course, user_id: int, now: datetime) -> list[Review]:
    """The learner's scenarios to review at this moment, worked out from their stored answers.

    Scenarios an author has since removed are left out: they cannot be asked.
    """
    return [
        r
        for r in review.due_today(reviews.marks_of(db, user_id), now)
        if in_course(course, (r.quiz_id, r.scenario_id)) is not None
    ]


def missed_items(quiz: Quiz, attempt: Attempt, db: Database) -> list[Item]:
    """The scenarios the attempt answered below full marks, in quiz order, at most a round's worth."""
    misses = journey.missed(quiz, learning.answers_in(db, attempt.id))
    return [(quiz.id, scenario.id) for scenario, _ in misses][: review.ROUND_SIZE]


def review_items(due: list[Review]) -> list[Item]:
    """The scenarios for a review round: the longest waiting first, at most a round's worth."""
    return [(r.quiz_id, r.scenario_id) for r in due][: review.ROUND_SIZE]


def review_in_progress(db: Database, user_id: int, now: datetime) -> Round | None:
    """The learner's review round in progress if it was started today.

    One left unfinished on an earlier day is closed instead: the due list has
    moved on since, and a new round asks what is due now.
    """
    going = practice_store.open_round(db, user_id, practice_store.REVIEW)
    if going is not None and datetime.fromisoformat(going.started_at).date() < now.date():
        practice_store.finish_round(db, going, now)
        return None
    return going


def next_item(course: Course, practice: Round, answered: list[PracticeAnswer]) -> Item | None:
    """The first scenario of the round not answered yet that the course still has; None when done."""
    done = {(a.quiz_id, a.scenario_id) for a in answered}
    return next(
        (item for item in practice.items if item not in done and in_course(course, item)), None
    )


def answer(
    db: Database, course: Course, practice: Round, item: Item, option_id: str, now: datetime
) -> PracticeAnswer:
    """Grade and store a practice choice; the stored answer (the first, if one was already given).

    LookupError, in plain words, for a scenario or option the round cannot take.
    """
    scenario = in_course(course, item)
    if scenario is None:
        raise LookupError("That scenario is no longer in the course.")
    try:
        grade = grade_answer(scenario, option_id)
    except KeyError:
        raise LookupError("That option is not one of this scenario's.") from None
    return practice_store.record_answer(db, practice, item[0], item[1], grade, now)
