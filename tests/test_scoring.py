"""Grading, scores, pass marks, resuming and the style profile."""

import pytest

from arrowhead.course import load_course
from arrowhead.scoring import (
    Choice,
    advice,
    build_profile,
    grade_answer,
    has_passed,
    next_scenario,
    quiz_score,
)


@pytest.fixture
def quiz(course_root):
    return load_course(course_root).quiz("alpha")


@pytest.mark.parametrize(
    ("option", "points", "style", "best"),
    [
        ("discount", 0, "transactional", False),
        ("explain-value", 5, "traditional", False),
        ("strategic", 10, "partnership", True),
    ],
)
def test_grade_answer_gives_points_style_and_the_scenarios_behaviour(
    quiz, option, points, style, best
):
    grade = grade_answer(quiz.scenario("alpha-one"), option)
    assert (grade.points, grade.max_points, grade.style, grade.is_best) == (points, 10, style, best)
    assert grade.behaviour == "critical-thinking"


def test_grade_answer_refuses_an_option_the_scenario_lacks(quiz):
    with pytest.raises(KeyError):
        grade_answer(quiz.scenario("alpha-one"), "made-up")


@pytest.mark.parametrize(
    ("points", "score", "passed"),
    [
        ({}, 0, False),
        ({"alpha-one": 10, "alpha-two": 10}, 100, True),
        ({"alpha-one": 5, "alpha-two": 10}, 75, True),
        ({"alpha-one": 10, "alpha-two": 3}, 65, False),
        ({"alpha-one": 10, "alpha-two": 4}, 70, True),
        ({"alpha-one": 10}, 50, False),
    ],
)
def test_quiz_score_and_pass_mark(quiz, points, score, passed):
    assert quiz_score(quiz, points) == score
    assert has_passed(quiz, score) is passed


def test_next_scenario_is_the_first_unanswered(quiz):
    assert next_scenario(quiz, []).id == "alpha-one"
    assert next_scenario(quiz, ["alpha-one"]).id == "alpha-two"
    assert next_scenario(quiz, ["alpha-two"]).id == "alpha-one"
    assert next_scenario(quiz, ["alpha-one", "alpha-two"]) is None


def test_profile_shares_and_behaviour_strengths():
    profile = build_profile(
        [
            Choice(10, 10, "partnership", "innovation"),
            Choice(0, 10, "transactional", "innovation"),
            Choice(5, 10, "traditional", None),
            Choice(10, 10, "partnership", "driving-urgency"),
        ]
    )
    assert profile.styles == {"transactional": 0.25, "traditional": 0.25, "partnership": 0.5}
    assert profile.behaviours["innovation"] == 50
    assert profile.behaviours["driving-urgency"] == 100
    assert profile.behaviours["critical-thinking"] is None
    assert "innovation with the client (50%)" in advice(profile)


@pytest.mark.parametrize(
    ("choices", "phrase"),
    [
        ([], "first scenario quiz"),
        ([Choice(0, 10, "transactional", None)] * 3, "price and supply"),
        ([Choice(5, 10, "traditional", None)] * 3, "strategic imperatives"),
        ([Choice(10, 10, "partnership", "innovation")], "every behaviour is strong"),
    ],
)
def test_advice_names_what_to_work_on(choices, phrase):
    assert phrase in advice(build_profile(choices))
