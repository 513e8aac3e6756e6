"""Parsing quiz files, and every kind of problem a quiz file can have, with its line."""

from pathlib import Path

import pytest

from arrowhead.problems import ContentError
from arrowhead.quizzes import load_quiz

GOOD = """module = "alpha"
title = "Alpha quiz"
pass_mark = 70

[[scenarios]]
id = "first"
title = "First"
situation = "Something happens."
question = "What now?"
behaviour = "innovation"
discussion = ["Why?"]

  [[scenarios.options]]
  id = "low"
  text = "Cheap."
  points = 0
  style = "transactional"
  feedback = "Price war."

  [[scenarios.options]]
  id = "mid"
  text = "Fix it."
  points = 5
  style = "traditional"
  feedback = "Comfortable."

  [[scenarios.options]]
  id = "high"
  text = "Co-create."
  points = 10
  style = "partnership"
  behaviour = "innovation"
  feedback = "Ideas from both sides."
"""


def write(root: Path, text: str, name: str = "01-alpha.toml") -> Path:
    path = root / "quizzes" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_quiz_loads_with_scenarios_and_options_in_file_order(tmp_path):
    quiz = load_quiz(write(tmp_path, GOOD), tmp_path)
    assert (quiz.id, quiz.module_id, quiz.pass_mark) == ("alpha", "alpha", 70)
    scenario = quiz.scenarios[0]
    assert [o.id for o in scenario.options] == ["low", "mid", "high"]
    assert scenario.best.id == "high"
    assert scenario.letter("mid") == "B"
    assert scenario.behaviour == "innovation"
    assert scenario.discussion == ("Why?",)


def test_a_seed_shuffles_options_the_same_way_every_time(tmp_path):
    scenario = load_quiz(write(tmp_path, GOOD), tmp_path).scenarios[0]
    assert scenario.shuffled(None) is scenario
    orders = {tuple(o.id for o in scenario.shuffled(seed).options) for seed in range(40)}
    assert len(orders) == 6, "40 seeds should reach every order of three options"
    again = scenario.shuffled(7)
    assert again == scenario.shuffled(7)
    assert again.letter(again.options[0].id) == "A"
    assert again.best.id == "high"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "pass_mark = 70",
            "pass_mark = 70\npass_mark = 80",
            "quizzes/01-alpha.toml:4: TOML syntax error",
        ),
        (
            "pass_mark = 70",
            "pass_mark = 170",
            "quizzes/01-alpha.toml:3: 'pass_mark' must be a whole number from 0 to 100",
        ),
        ('module = "alpha"\n', "", "quizzes/01-alpha.toml:1: quiz is missing 'module'"),
        ('title = "First"\n', "", "quizzes/01-alpha.toml:5: scenario \"first\" is missing 'title'"),
        (
            'id = "first"',
            'id = "First One"',
            'quizzes/01-alpha.toml:6: scenario "First One": id must be lower-case',
        ),
        (
            'behaviour = "innovation"\ndiscussion',
            'behaviour = "charm"\ndiscussion',
            "quizzes/01-alpha.toml:10: scenario \"first\": 'behaviour' must be one of",
        ),
        (
            "points = 5",
            "points = 11",
            "quizzes/01-alpha.toml:23: scenario \"first\", option B: 'points' must be a whole number from 0 to 10",
        ),
        (
            "points = 5",
            "points = -1",
            "quizzes/01-alpha.toml:23: scenario \"first\", option B: 'points'",
        ),
        (
            '  feedback = "Comfortable."\n',
            "",
            "quizzes/01-alpha.toml:20: scenario \"first\", option B: missing 'feedback'",
        ),
        (
            '  style = "traditional"\n',
            "",
            "quizzes/01-alpha.toml:20: scenario \"first\", option B: missing 'style' (tag)",
        ),
        (
            'style = "traditional"',
            'style = "consultative"',
            "quizzes/01-alpha.toml:24: scenario \"first\", option B: 'style' must be one of",
        ),
        (
            'id = "mid"',
            'id = "low"',
            "quizzes/01-alpha.toml:21: scenario \"first\": duplicate option id 'low'",
        ),
        (
            "points = 10",
            "points = 9",
            'quizzes/01-alpha.toml:5: scenario "first" has no best move',
        ),
        (
            "points = 5",
            "points = 10",
            'quizzes/01-alpha.toml:5: scenario "first" has 2 best moves',
        ),
        (
            '  [[scenarios.options]]\n  id = "mid"',
            '  [[scenarios.options]]\n  colour = "red"\n  id = "mid"',
            "quizzes/01-alpha.toml:21: scenario \"first\", option B: unknown field 'colour'",
        ),
    ],
)
def test_each_quiz_problem_names_file_and_line(tmp_path, old, new, expected):
    assert old in GOOD
    with pytest.raises(ContentError) as err:
        load_quiz(write(tmp_path, GOOD.replace(old, new, 1)), tmp_path)
    problems = [str(p) for p in err.value.problems]
    assert any(p.startswith(expected) for p in problems), problems


def test_too_few_options_is_reported_on_the_scenario(tmp_path):
    text = GOOD.split('  [[scenarios.options]]\n  id = "mid"')[0]
    text += '  [[scenarios.options]]\n  id = "high"\n  text = "x"\n  points = 10\n  style = "partnership"\n  feedback = "y"\n'
    with pytest.raises(ContentError) as err:
        load_quiz(write(tmp_path, text), tmp_path)
    assert 'quizzes/01-alpha.toml:5: scenario "first" has 2 options; it needs 3 to 5' in [
        str(p) for p in err.value.problems
    ]


def test_duplicate_scenario_ids_in_one_quiz(tmp_path):
    second = GOOD[GOOD.index("[[scenarios]]") :]
    with pytest.raises(ContentError) as err:
        load_quiz(write(tmp_path, GOOD + "\n" + second), tmp_path)
    assert any(
        "duplicate scenario id 'first'" in str(p) and ":36:" in str(p) for p in err.value.problems
    )


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    text = GOOD.replace("pass_mark = 70", "pass_mark = 101").replace("points = 5", "points = 50")
    with pytest.raises(ContentError) as err:
        load_quiz(write(tmp_path, text), tmp_path)
    assert len(err.value.problems) == 2
