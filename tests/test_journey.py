"""The journey's pure rules: where Continue leads, when the course is finished, what was missed."""

from dataclasses import fields

import pytest

from arrowhead import journey
from arrowhead.course import load_course
from arrowhead.store.learning import Answer, Attempt, Place

ALPHA_ONE = Place("section", "alpha", "first-steps")
ALPHA_TWO = Place("section", "alpha", "second-steps")
ALPHA_QUIZ = Place("quiz", "alpha", "alpha")
BETA_ONE = Place("section", "beta", "only-section")
BETA_QUIZ = Place("quiz", "beta", "beta")


@pytest.fixture
def course(course_root):
    return load_course(course_root)


def record(kind, **values):
    """A stored-record value from plain values; fields these rules do not read are None."""
    return kind(**{f.name: values.get(f.name) for f in fields(kind)})


def attempt(quiz_id: str, score: int, passed: bool, number: int = 1) -> Attempt:
    return record(
        Attempt,
        id=number,
        user_id=1,
        quiz_id=quiz_id,
        source="self",
        started_at=f"2026-11-02T09:{number:02d}:00+00:00",
        finished_at=f"2026-11-02T09:{number:02d}:30+00:00",
        score=score,
        passed=passed,
    )


def progress_of(course, read: dict[str, set[str]], attempts: list[Attempt]):
    """Progress built the way course_progress builds it, from plain values."""
    return [
        journey.ModuleProgress(
            module=m,
            read=frozenset(read.get(m.id, set())),
            quiz=course.quiz_for(m.id),
            attempts=tuple(a for a in attempts if a.quiz_id == m.id),
        )
        for m in course.modules
    ]


EVERYTHING_READ = {"alpha": {"first-steps", "second-steps"}, "beta": {"only-section"}}


@pytest.mark.parametrize(
    ("read", "attempts", "last", "expected"),
    [
        # A new learner starts at the beginning.
        ({}, [], None, ALPHA_ONE),
        # An unfinished last place is where they carry on.
        ({"alpha": {"first-steps"}}, [], BETA_ONE, BETA_ONE),
        ({"alpha": {"first-steps"}}, [], ALPHA_TWO, ALPHA_TWO),
        # Bug (issue 8.5): a passed quiz as the last place kept Continue on "Retake".
        (
            {"alpha": {"first-steps", "second-steps"}},
            [attempt("alpha", 100, True)],
            ALPHA_QUIZ,
            BETA_ONE,
        ),
        # A failed quiz is still unfinished: Continue stays on it.
        (
            {"alpha": {"first-steps", "second-steps"}},
            [attempt("alpha", 0, False)],
            ALPHA_QUIZ,
            ALPHA_QUIZ,
        ),
        # A section read again leads on to the next unfinished place after it...
        ({"alpha": {"first-steps"}}, [], ALPHA_ONE, ALPHA_TWO),
        # ...and past the end of the course, back to what was skipped at the start.
        ({"beta": {"only-section"}}, [attempt("beta", 100, True)], BETA_QUIZ, ALPHA_ONE),
        # A place an author has since removed starts the search at the beginning.
        ({"alpha": {"first-steps"}}, [], Place("section", "alpha", "gone"), ALPHA_TWO),
        # Every section read and every quiz passed: nowhere left to go.
        (
            EVERYTHING_READ,
            [attempt("alpha", 100, True), attempt("beta", 50, True, 2)],
            BETA_QUIZ,
            None,
        ),
    ],
)
def test_next_place_is_the_next_unfinished_place(course, read, attempts, last, expected):
    assert journey.next_place(progress_of(course, read, attempts), last) == expected


def test_the_course_is_finished_when_every_module_is_done(course):
    passed = [attempt("alpha", 100, True), attempt("beta", 50, True, 2)]
    assert journey.course_finished(progress_of(course, EVERYTHING_READ, passed))
    assert not journey.course_finished(progress_of(course, EVERYTHING_READ, passed[:1]))
    assert not journey.course_finished(progress_of(course, {}, passed))
    assert not journey.course_finished([])


def test_best_attempt_is_the_highest_score_and_the_latest_of_equals(course):
    first, second, third = (
        attempt("alpha", 40, False, 1),
        attempt("alpha", 75, True, 2),
        attempt("alpha", 75, True, 3),
    )
    [alpha, beta] = progress_of(course, {}, [first, second, third])
    assert alpha.best_attempt == third
    assert beta.best_attempt is None


def answer(scenario_id: str, option_id: str, points: int) -> Answer:
    return record(
        Answer, scenario_id=scenario_id, option_id=option_id, points=points, max_points=10
    )


def test_missed_lists_the_scenarios_not_answered_with_the_best_option_in_quiz_order(course):
    quiz = course.quiz("alpha")
    answers = [answer("alpha-two", "chase", 3), answer("alpha-one", "strategic", 10)]
    assert [(s.id, a.option_id) for s, a in journey.missed(quiz, answers)] == [
        ("alpha-two", "chase")
    ]
    # A scenario an author has since removed is not listed.
    assert journey.missed(quiz, [answer("removed", "x", 0)]) == []
