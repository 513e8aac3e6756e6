"""The whole course: cross-references, broken files left out, and the shipped course itself."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from arrowhead.cli import cli
from arrowhead.course import load_course
from arrowhead.quizzes import BEHAVIOURS, MAX_OPTIONS, MIN_OPTIONS, STYLES

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "source" / "partnership-selling-organisation.txt"


def test_tiny_course_loads_in_order(course_root):
    course = load_course(course_root)
    assert course.problems == ()
    assert [m.id for m in course.modules] == ["alpha", "beta"]
    assert course.quiz_for("beta").id == "beta"
    assert course.scenario("alpha", "alpha-two").title == "The second situation"


def test_quiz_naming_a_missing_module_is_reported_and_left_out(course_root):
    path = course_root / "quizzes" / "02-beta.toml"
    path.write_text(path.read_text().replace('module = "beta"', 'module = "gamma"'))
    course = load_course(course_root)
    assert "quizzes/02-beta.toml:1: quiz names module 'gamma', which does not exist" in [
        str(p) for p in course.problems
    ]
    assert course.quiz("beta") is None
    assert course.quiz("alpha") is not None


def test_duplicate_scenario_id_across_quizzes(course_root):
    path = course_root / "quizzes" / "02-beta.toml"
    path.write_text(path.read_text().replace('id = "beta-one"', 'id = "alpha-one"'))
    problems = [str(p) for p in load_course(course_root).problems]
    assert any(
        p.startswith(
            "quizzes/02-beta.toml:6: duplicate scenario id 'alpha-one' (also in quizzes/01-alpha.toml)"
        )
        for p in problems
    ), problems


def test_broken_module_is_left_out_but_the_rest_is_served(course_root):
    path = course_root / "modules" / "01-alpha.md"
    path.write_text(path.read_text().replace("minutes = 5", "minutes = lots"))
    course = load_course(course_root)
    assert [m.id for m in course.modules] == ["beta"]
    assert any(
        str(p).startswith("modules/01-alpha.md:3: TOML syntax error") for p in course.problems
    )
    assert any("which has problems of its own" in str(p) for p in course.problems)


def test_check_exits_0_on_a_course_with_warnings_only(course_root):
    result = CliRunner().invoke(cli, ["check", "--root", str(course_root)])
    assert result.exit_code == 0
    warnings = result.stdout.splitlines()
    assert "quizzes/01-alpha.toml:5: scenario alpha-one: the longest option" in result.stdout
    assert result.stderr.strip() == (
        f"{len(warnings)} warning(s) in 2 modules, 3 sections, 2 quizzes, 3 scenarios."
    )
    assert "Traceback" not in result.output


def test_check_prints_every_problem_and_exits_1(course_root):
    (course_root / "quizzes" / "01-alpha.toml").write_text('module = "alpha"\ntitle = [\n')
    (course_root / "modules" / "02-beta.md").write_text("no front matter\n")
    result = CliRunner().invoke(cli, ["check", "--root", str(course_root)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("modules/02-beta.md:1: module must start with TOML front matter")
    assert lines[1].startswith("quizzes/01-alpha.toml:3: TOML syntax error")
    assert "Traceback" not in result.output


# The shipped course ---------------------------------------------------------

SHIPPED = load_course(ROOT)


def test_shipped_course_is_valid_and_complete():
    assert SHIPPED.problems == ()
    assert len(SHIPPED.modules) >= 6
    assert SHIPPED.scenario_count >= 40
    for module in SHIPPED.modules:
        quiz = SHIPPED.quiz_for(module.id)
        assert quiz is not None, module.id
        assert len(quiz.scenarios) >= 6, quiz.id


@pytest.mark.parametrize("quiz", SHIPPED.quizzes, ids=lambda q: q.id)
def test_shipped_scenarios_are_well_made(quiz):
    for scenario in quiz.scenarios:
        assert MIN_OPTIONS <= len(scenario.options) <= MAX_OPTIONS
        assert all(o.style in STYLES and len(o.feedback.split()) >= 12 for o in scenario.options), (
            scenario.id
        )
        assert any(0 < o.points < 10 for o in scenario.options), (
            f"{scenario.id} has no partial credit"
        )
        assert scenario.discussion, scenario.id


def test_shipped_course_exercises_every_behaviour():
    behaviours = {s.behaviour for q in SHIPPED.quizzes for s in q.scenarios}
    assert set(BEHAVIOURS) <= behaviours


@pytest.mark.parametrize(
    "idea",
    [
        "transactional",
        "traditional",
        "partnership",
        "pinned",
        "quarter",
        "white knight",
        "blunt",
        "start with why",
        "chief sales officer",
        "sack",
        "next generation",
        "language leads",
        "business card",
        "packaged",
        "critical thinking",
        "urgency",
        "innovation",
        "accountab",
        "maintenance",
        "commoditis",
    ],
)
def test_shipped_course_teaches_each_idea_of_the_brief(idea):
    text = " ".join(s.body for m in SHIPPED.modules for s in m.sections).lower()
    assert idea in text


def test_shipped_course_is_in_our_own_words():
    """No run of eight words of the source article appears in the course, but in short quotes.

    A quotation of at most 15 words, in quotation marks, is how the course cites the
    article where its wording is the point (the CEO acid test); anything longer is copying.
    """

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))

    def unquoted(text: str) -> str:
        return re.sub(
            # One line, and not TOML's triple quotes, which open and close whole texts.
            r'(?<!")["\u201c](?!")([^"\u201c\u201d\n]+)["\u201d]',
            lambda m: " | " if len(m.group(1).split()) <= 15 else m.group(0),
            text,
        )

    source = words(SOURCE.read_text(encoding="utf-8"))
    runs = {tuple(source[i : i + 8]) for i in range(len(source) - 7)}
    for path in sorted((ROOT / "modules").glob("*.md")) + sorted((ROOT / "quizzes").glob("*.toml")):
        mine = words(unquoted(path.read_text(encoding="utf-8")))
        copied = [
            " ".join(mine[i : i + 8])
            for i in range(len(mine) - 7)
            if tuple(mine[i : i + 8]) in runs
        ]
        assert copied == [], f"{path.name} repeats the article: {copied[:3]}"
