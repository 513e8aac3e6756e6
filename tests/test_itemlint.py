"""The item-writing lint: one fixture per authoring rule broken, each with its exact warnings.

Every fixture under tests/data/lint/broken/ is the clean course's file of the same name
(``01-alpha.best-too-long.toml`` replaces ``quizzes/01-alpha.toml``) with one rule broken.
"""

import shutil
from pathlib import Path

import pytest

from arrowhead.course import load_course
from arrowhead.itemlint import (
    chance_of_at_least,
    cue_words,
    lint_course,
    option_cues,
    proper_names,
)
from arrowhead.quizzes import Option, Quiz, Scenario

LINT = Path(__file__).resolve().parent / "data" / "lint"
ROOT = Path(__file__).resolve().parent.parent

EXPECTED = {
    "01-alpha.best-too-long.toml": [
        "quizzes/01-alpha.toml:138: scenario reorder-owner: the best option is 1.27× the mean "
        "length of the others (131 characters against 103; keep it 0.8–1.2×)",
    ],
    "01-alpha.lengths-spread.toml": [
        "quizzes/01-alpha.toml:78: scenario clip-from-site: the longest option, D (catalogue-clip), "
        "is 1.64× the shortest, A (crew-tests-versions) (167 against 102 characters; "
        "keep it at most 1.5×)",
    ],
    "01-alpha.best-often-longest.toml": [
        "quizzes/01-alpha.toml:3: the best option is strictly the longest in 2 of 4 scenarios "
        "(at most 1): glove-reorder, clip-from-site",
    ],
    "01-alpha.best-more-sentences.toml": [
        "quizzes/01-alpha.toml:3: the best option has strictly the most sentences in 2 of 4 "
        "scenarios (at most 1): glove-reorder, clip-from-site",
    ],
    "01-alpha.brackets-cue.toml": [
        "quizzes/01-alpha.toml:16: brackets in 4 of 8 best options (50%) but 0 of 24 other "
        "options (0%) gives the answer away: use it as often in the other options, or drop it",
    ],
    "01-alpha.judging-words.toml": [
        "quizzes/01-alpha.toml:8: scenario glove-reorder: the title uses 'transactional': keep "
        "titles and questions neutral, with no course term or judging word",
        "quizzes/01-alpha.toml:46: scenario late-shipment: the question uses 'right': keep "
        "titles and questions neutral, with no course term or judging word",
    ],
    "01-alpha.behaviour-balance.toml": [
        "quizzes:1: behaviour 'critical-thinking' is exercised by 3 of 8 tagged scenarios "
        "(38%; keep each behaviour 18%–32%)",
        "quizzes:1: behaviour 'innovation' is exercised by 1 of 8 tagged scenarios "
        "(12%; keep each behaviour 18%–32%)",
    ],
    "01-alpha.no-behaviour.toml": [
        "quizzes/01-alpha.toml:114: scenario reorder-owner: no scenario-level 'behaviour': "
        "name the behaviour the scenario exercises",
    ],
    "01-alpha.thin-feedback.toml": [
        "quizzes/01-alpha.toml:134: scenario reorder-owner: option B (checklist) has 8 words of "
        "feedback: explain the consequence in at least 12",
    ],
    "01-alpha.no-discussion.toml": [
        "quizzes/01-alpha.toml:42: scenario late-shipment: 0 discussion prompt(s): give a "
        "facilitator 1–3",
    ],
    "01-alpha.points-nine.toml": [
        "quizzes/01-alpha.toml:24: scenario glove-reorder: option B (ask-about-crews) has "
        "points = 9: use 10 for the best option, 6–8 for a defensible alternative",
    ],
    "01-alpha.few-defensible.toml": [
        "quizzes/01-alpha.toml:3: only 0 of 4 scenarios have a defensible alternative worth "
        "6–8 points (at least 50% should)",
    ],
    "01-alpha.all-partnership-bests.toml": [
        "quizzes/01-alpha.toml:3: every best option is tagged partnership: at least 1 scenario "
        "per quiz should need a transactional or traditional move, so that learners diagnose "
        "rather than spot the style",
    ],
    "01-alpha.few-tempting.toml": [
        "quizzes:1: only 2 of 8 scenarios have a partnership-tagged option worth at most 5 points "
        "(at least 30% should): partnership-sounding must not mean right",
    ],
    "01-alpha.shortest-wins.toml": [
        "quizzes/01-alpha.toml:4: a learner who never read the module and picks the 'shortest' "
        "option scores 100% (chance 53%, pass mark 70%; keep it below the pass mark and at most "
        "15 points above chance)",
    ],
    "01-alpha.minutes.md": [
        "modules/01-alpha.md:4: minutes = 5 for 71 words is 14 words a minute "
        "(keep it 150–250): set minutes = 1",
    ],
    "01-alpha.no-limits.md": [
        "modules/01-alpha.md:3: no Section says where the module's ideas do not apply: add one "
        "headed '## Where this does not apply'",
    ],
    "02-beta.reused-name.toml": [
        "quizzes/02-beta.toml:45: the name 'Quell' is also used in quizzes/01-alpha.toml: "
        "give every person and company its own name across the course",
    ],
}


def course_with(tmp_path: Path, fixture: str | None = None) -> Path:
    """A copy of the clean lint course, with one file replaced by a broken fixture."""
    root = tmp_path / "course"
    shutil.copytree(LINT / "clean", root)
    if fixture:
        stem, suffix = fixture.split(".")[0], fixture.rsplit(".", 1)[1]
        folder = "modules" if suffix == "md" else "quizzes"
        shutil.copy(LINT / "broken" / fixture, root / folder / f"{stem}.{suffix}")
    return root


def warnings_for(root: Path) -> list[str]:
    course = load_course(root)
    assert course.problems == (), course.problems
    return [str(w) for w in lint_course(course, root)]


def test_the_clean_course_has_no_warnings(tmp_path):
    assert warnings_for(course_with(tmp_path)) == []


def test_every_broken_fixture_is_tested():
    assert sorted(p.name for p in (LINT / "broken").iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_each_broken_rule_gives_exactly_its_warnings(tmp_path, fixture):
    assert warnings_for(course_with(tmp_path, fixture)) == EXPECTED[fixture]


def test_warnings_never_leave_a_file_out(tmp_path):
    root = course_with(tmp_path, "01-alpha.shortest-wins.toml")
    course = load_course(root)
    assert [q.id for q in course.quizzes] == ["alpha", "beta"]
    assert all(w.severity == "warning" for w in lint_course(course, root))


def test_option_cues_are_words_and_features():
    assert option_cues("Meet the CFO (twice): at 9; then agree - now.") == {
        "the word 'meet'",
        "the word 'cfo'",
        "the word 'twice'",
        "the word '9'",
        "the word 'then'",
        "the word 'agree'",
        "the word 'now'",
        "brackets",
        "a colon",
        "a semicolon",
        "a digit",
        "a spaced dash",
    }


def quiz_of(best_texts: list[str]) -> Quiz:
    """One scenario per text: that text is the best option, three plain options beside it."""
    scenarios = []
    for number, text in enumerate(best_texts):
        texts = [text, "Plain option one.", "Plain option two.", "Plain option three."]
        options = tuple(
            Option(f"o{i}", t, 10 if i == 0 else 0, "traditional", None, "")
            for i, t in enumerate(texts)
        )
        scenarios.append(Scenario(f"s{number}", "T", "S", "Q?", None, (), options))
    return Quiz("q", 1, "m", "Q", 70, tuple(scenarios), "quizzes/01-q.toml")


def test_a_known_cue_word_is_flagged_where_one_of_many_words_tried_is_not():
    # "together" and twenty made-up words each stand in 4 best options and no other option.
    made_up = [f"zq{chr(97 + i)}" for i in range(20)]
    bests = [" ".join(["Plain option", "together", *made_up]) + "." for _ in range(4)]
    bests += ["Plain option one."] * 8
    messages = [w.message for w in cue_words([quiz_of(bests)])]
    assert messages == [
        "the word 'together' in 4 of 12 best options (33%) but 0 of 36 other options (0%) "
        "gives the answer away: use it as often in the other options, or drop it"
    ]
    # Alone, a made-up word is flagged like a known cue.
    bests = ["Plain option zqa."] * 4 + ["Plain option one."] * 8
    assert [w.message.split(" in ")[0] for w in cue_words([quiz_of(bests)])] == ["the word 'zqa'"]


def test_chance_of_at_least_is_exact():
    assert chance_of_at_least(2, [0.5, 0.5]) == 0.25
    assert chance_of_at_least(1, [0.5, 0.5]) == 0.75
    assert chance_of_at_least(0, [0.25]) == 1.0
    # A word in every option of a scenario is in its best option for certain: no evidence.
    assert chance_of_at_least(4, [1.0] * 4) == 1.0


def test_proper_names_skip_words_opening_a_sentence_and_generic_company_words():
    texts = [
        "Ask Omar Pike at Ironbark Mining. Then tell Lucy Tran.",
        "When it ships, Dr. Quell calls. Tuesday is late; you ask, then you tell.",
    ]
    assert proper_names(texts) == {"Omar", "Pike", "Ironbark", "Lucy", "Tran", "Quell"}


def test_judging_words_match_whole_words_only(tmp_path):
    root = course_with(tmp_path)
    path = root / "quizzes" / "01-alpha.toml"
    path.write_text(
        path.read_text()
        .replace('title = "A glove reorder"', 'title = "A reorder of goods, rightly urgent"')
        .replace('title = "An idea from the site"', 'title = "Problems and white knights"')
    )
    assert warnings_for(root) == [
        "quizzes/01-alpha.toml:79: scenario clip-from-site: the title uses 'white knights', "
        "'problems': keep titles and questions neutral, with no course term or judging word",
    ]


def test_the_shipped_course_has_no_warnings():
    course = load_course(ROOT)
    assert [str(w) for w in lint_course(course, ROOT)] == []
