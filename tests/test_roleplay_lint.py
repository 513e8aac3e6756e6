"""The item-writing lint on role-plays: each step read as a scenario, and the best route."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA

from arrowhead.cli import cli
from arrowhead.course import load_course
from arrowhead.itemlint import cue_words, lint_course, lint_roleplay
from arrowhead.roleplays import load_roleplay

FILE = "roleplays/01-first-call.toml"
GOOD = (DATA / "roleplays" / "01-first-call.toml").read_text(encoding="utf-8")
LINT = DATA / "lint"


def edited(*replacements: tuple[str, str]) -> str:
    text = GOOD
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def warnings_for(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    roleplay = load_roleplay(path, tmp_path)
    return [str(w) for w in lint_roleplay(roleplay, text.splitlines())]


def test_the_test_role_play_has_no_warnings(tmp_path):
    assert warnings_for(tmp_path, GOOD) == []


LINT_CASES = [
    pytest.param(
        [("Ask her to bring the director to a short meeting.", "Ask her to bring the director.")],
        [
            f"{FILE}:112: step sponsor: the best option is 0.67× the mean length of the others "
            "(30 characters against 45; keep it 0.8–1.2×)",
            f"{FILE}:103: step sponsor: the longest option, C (push-close), is 1.53× the "
            "shortest, A (meet-director) (46 against 30 characters; keep it at most 1.5×)",
        ],
        id="option-lengths",
    ),
    pytest.param(
        [('question = "How do you answer?"', 'question = "What is the right answer?"')],
        [
            f"{FILE}:75: step price-talk: the question uses 'right': keep titles and questions "
            "neutral, with no course term or judging word",
        ],
        id="judging-question",
    ),
    pytest.param(
        [('title = "A first call with a buyer"', 'title = "A transactional buyer"')],
        [
            f"{FILE}:3: the title uses 'transactional': keep titles and questions neutral, "
            "with no course term or judging word",
        ],
        id="judging-title",
    ),
    pytest.param(
        [
            (
                '  points = 6\n  style = "traditional"\n  reply = "She reads it',
                '  points = 9\n  style = "traditional"\n  reply = "She reads it',
            )
        ],
        [
            f"{FILE}:59: step goals: option B (quote-price) has points = 9: use 10 for the best "
            "move, 6–8 for a defensible alternative",
        ],
        id="points-nine",
    ),
    pytest.param(
        [
            (
                "Ask what one late bus costs her on a bad day.",
                "Ask what one late bus costs her on a bad morning.",
            ),
        ],
        [
            f"{FILE}:3: the best move is strictly the longest in 2 of 4 steps (at most 1): "
            "price-talk, sponsor",
        ],
        id="best-often-longest",
    ),
    pytest.param(
        [
            (
                'id = "signed"\ntitle = "A trial at the depot"\npoints = 10',
                'id = "signed"\ntitle = "A trial at the depot"\npoints = 8',
            )
        ],
        [
            f'{FILE}:8: following the best move at every step ends at "signed", worth 8 points: '
            "the best moves should lead to an ending worth 10",
        ],
        id="best-route-ends-below-ten",
    ),
    pytest.param(
        [
            (
                '  points = 10\n  style = "partnership"\n  reply = "She asks who',
                '  points = 2\n  style = "partnership"\n  reply = "She asks who',
            ),
            (
                '  points = 2\n  style = "traditional"\n  reply = "She sighs',
                '  points = 10\n  style = "traditional"\n  reply = "She sighs',
            ),
        ],
        [
            f"{FILE}:8: following the best move at every step goes round a loop and never ends: "
            "the best moves should lead to an ending worth 10",
            # The move that loops back is the longest of its step, as is the last step's best.
            f"{FILE}:3: the best move is strictly the longest in 2 of 4 steps (at most 1): "
            "goals, sponsor",
        ],
        id="best-route-loops",
    ),
]


@pytest.mark.parametrize("replacements, expected", LINT_CASES)
def test_each_broken_rule_gives_exactly_its_warnings(tmp_path, replacements, expected):
    assert sorted(warnings_for(tmp_path, edited(*replacements))) == sorted(expected)


def test_a_cue_in_the_best_moves_gives_the_answer_away(tmp_path):
    text = edited(
        ("Ask what she most needs to change this year.", "Ask (gently) what she needs this year."),
        ("Offer a month of spares kept at her main depot.", "Offer (for free) a month of spares."),
        ("Ask what one late bus costs her on a bad day.", "Ask (calmly) what a late bus costs."),
        ("Ask her to bring the director to a short meeting.", "Ask (kindly) for the director."),
    )
    path = tmp_path / FILE
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    roleplay = load_roleplay(path, tmp_path)
    assert [str(w) for w in cue_words([], None, [roleplay])] == [
        "roleplays/01-first-call.toml:1: brackets in 4 of 4 best options (100%) but 0 of 8 other "
        "options (0%) gives the answer away: use it as often in the other options, or drop it"
    ]


def test_a_name_used_in_a_role_play_and_another_module_is_flagged(roleplay_root):
    quiz = roleplay_root / "quizzes" / "02-beta.toml"
    quiz.write_text(
        quiz.read_text().replace('situation = "', 'situation = "Corvid Parts calls. ', 1)
    )
    course = load_course(roleplay_root)
    line = next(i + 1 for i, text in enumerate(quiz.read_text().splitlines()) if "Corvid" in text)
    assert (
        f"quizzes/02-beta.toml:{line}: the name 'Corvid' is also used in {FILE}: give every "
        "person and company its own name across the course"
    ) in [str(w) for w in lint_course(course, roleplay_root)]


@pytest.fixture
def clean_root(tmp_path: Path) -> Path:
    """The lint-clean course with the test role-play added."""
    root = tmp_path / "course"
    shutil.copytree(LINT / "clean", root)
    shutil.copytree(DATA / "roleplays", root / "roleplays")
    return root


def test_check_strict_passes_a_clean_course_with_a_role_play(clean_root):
    result = CliRunner().invoke(cli, ["check", "--strict", "--root", str(clean_root)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "OK: 2 modules, 6 sections, 2 quizzes, 8 scenarios, 1 role-play."
    )


def test_check_reports_a_role_play_graph_error_and_exits_1(clean_root):
    path = clean_root / FILE
    path.write_text(path.read_text().replace('start = "opening"', 'start = "hello"'))
    result = CliRunner().invoke(cli, ["check", "--root", str(clean_root)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{FILE}:8: 'start' names \"hello\", which is no step"]


def test_check_strict_fails_on_a_role_play_warning(clean_root):
    path = clean_root / FILE
    path.write_text(path.read_text().replace("How do you answer?", "What is the right answer?"))
    result = CliRunner().invoke(cli, ["check", "--strict", "--root", str(clean_root)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{FILE}:75: step price-talk: the question uses 'right': keep titles and questions "
        "neutral, with no course term or judging word"
    ]
