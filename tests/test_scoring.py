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
            Choice(10, 10, "partnership", "innovation", "partnership"),
            Choice(0, 10, "transactional", "innovation", "partnership"),
            Choice(5, 10, "traditional", None, "partnership"),
            Choice(10, 10, "partnership", "driving-urgency", "partnership"),
        ]
    )
    assert profile.styles == {"transactional": 0.25, "traditional": 0.25, "partnership": 0.5}
    assert profile.behaviours["innovation"] == 50
    assert profile.behaviours["driving-urgency"] == 100
    assert profile.behaviours["critical-thinking"] is None
    assert "innovation with the client (50%)" in advice(profile)


def test_grade_carries_the_style_the_situation_called_for(course_root):
    beta = load_course(course_root).quiz("beta").scenario("beta-one")
    assert grade_answer(beta, "vision").best_style == "traditional"
    assert grade_answer(beta, "brief").best_style == "traditional"


def partnership_habit(course_root) -> list[Choice]:
    """Every scenario of the test course answered with its partnership-tagged option."""
    choices = []
    for quiz in load_course(course_root).quizzes:
        for scenario in quiz.scenarios:
            option = next(o for o in scenario.options if o.style == "partnership")
            grade = grade_answer(scenario, option.id)
            choices.append(
                Choice(
                    grade.points, grade.max_points, grade.style, grade.behaviour, grade.best_style
                )
            )
    return choices


def test_always_choosing_the_partnership_option_does_not_look_perfect(course_root):
    profile = build_profile(partnership_habit(course_root))
    # By style shares alone this learner looks ideal: every choice is partnership.
    assert profile.styles["partnership"] == 1.0
    assert profile.judged == 3 and profile.fitted == 2
    assert profile.fit == pytest.approx(2 / 3)
    assert profile.fit_by_style == {"transactional": None, "traditional": 0.0, "partnership": 1.0}
    assert profile.fallback == "partnership"
    assert profile.misfits == {"transactional": 0, "traditional": 0, "partnership": 1}
    said = advice(profile)
    assert said.startswith(
        "When a situation called for a traditional fix, you reached for a partnership move "
        "1 time of 1:"
    )
    assert "every behaviour is strong" not in said


def test_choosing_the_best_move_every_time_fits_every_situation(course_root):
    course = load_course(course_root)
    choices = []
    for quiz in course.quizzes:
        for scenario in quiz.scenarios:
            grade = grade_answer(scenario, scenario.best.id)
            choices.append(
                Choice(
                    grade.points, grade.max_points, grade.style, grade.behaviour, grade.best_style
                )
            )
    profile = build_profile(choices)
    assert profile.fit == 1.0 and profile.fallback is None
    assert profile.fit_by_style["traditional"] == 1.0


def test_fallback_is_the_style_most_chosen_when_the_choice_did_not_fit():
    profile = build_profile(
        [
            Choice(2, 10, "traditional", None, "partnership", count=4),
            Choice(0, 10, "transactional", None, "partnership"),
            Choice(3, 10, "partnership", None, "traditional", count=2),
            Choice(10, 10, "partnership", None, "partnership", count=3),
        ]
    )
    assert profile.called_for["partnership"] == {
        "transactional": 1,
        "traditional": 4,
        "partnership": 3,
    }
    assert profile.misfits == {"transactional": 1, "traditional": 4, "partnership": 2}
    assert profile.fallback == "traditional"
    assert profile.fit == pytest.approx(3 / 10)
    assert profile.fit_by_style["partnership"] == pytest.approx(3 / 8)
    assert profile.fit_by_style["traditional"] == 0.0
    assert advice(profile).startswith(
        "When a situation called for a partnership move, you reached for a traditional move "
        "4 times of 8:"
    )


def test_counted_choices_give_the_same_profile_as_single_ones():
    single = [Choice(5, 10, "traditional", "innovation", "partnership")] * 3 + [
        Choice(10, 10, "partnership", None, "partnership")
    ]
    counted = [
        Choice(15, 30, "traditional", "innovation", "partnership", count=3),
        Choice(10, 10, "partnership", None, "partnership"),
    ]
    assert build_profile(counted) == build_profile(single)


def test_choices_on_scenarios_no_longer_in_the_course_count_in_styles_not_in_fit():
    profile = build_profile(
        [
            Choice(10, 10, "partnership", None, None),
            Choice(0, 10, "traditional", None, "partnership"),
        ]
    )
    assert profile.answers == 2 and profile.judged == 1
    assert profile.styles["traditional"] == 0.5
    assert profile.fit == 0.0 and profile.fallback == "traditional"


ALL_STRONG = [
    Choice(10, 10, "partnership", behaviour, "partnership")
    for behaviour in (
        "critical-thinking",
        "driving-urgency",
        "innovation",
        "driving-accountability",
    )
]


@pytest.mark.parametrize(
    ("choices", "phrase"),
    [
        ([], "first scenario quiz"),
        (
            [Choice(0, 10, "transactional", None, "partnership")] * 3,
            "called for a partnership move, you reached for a transactional move 3 times of 3",
        ),
        (
            [Choice(4, 10, "partnership", None, "transactional")] * 2,
            "called for a quick, transactional deal, you reached for a partnership move",
        ),
        (
            [Choice(5, 10, "traditional", "innovation", "traditional")],
            "fitted every situation so far; your weakest behaviour is innovation",
        ),
        ([Choice(1, 10, "partnership", None, None)], "no longer in the course"),
        (ALL_STRONG, "every behaviour is strong"),
    ],
)
def test_advice_names_what_to_work_on(choices, phrase):
    assert phrase in advice(build_profile(choices))


def test_advice_never_calls_every_behaviour_strong_when_some_are_unmeasured():
    """Regression: one strong behaviour measured was reported as "every behaviour is strong"."""
    said = advice(build_profile([Choice(10, 10, "partnership", "innovation", "partnership")]))
    assert "every behaviour is strong" not in said
    assert (
        "critical thinking, driving urgency and driving accountability are not measured yet" in said
    )
    assert "every behaviour is strong" in advice(build_profile(ALL_STRONG))


def test_advice_to_a_learner_who_finished_sends_them_to_no_quiz():
    """Pins: after the last quiz, My progress still said "take the quizzes you have not passed"."""
    said = advice(build_profile(ALL_STRONG), finished=True)
    assert "every behaviour is strong" in said and "quizzes you have not passed" not in said
