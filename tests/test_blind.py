"""The blind solver: surface strategies, the chance score and the chance of passing by guessing."""

import itertools
from pathlib import Path

from arrowhead.blind import (
    STRATEGIES,
    chance_score,
    pass_probability,
    quiz_report,
    report_table,
    sentences,
    strategy_score,
)
from arrowhead.course import load_course
from arrowhead.quizzes import Option, Quiz, Scenario
from arrowhead.scoring import has_passed, quiz_score

LINT = Path(__file__).resolve().parent / "data" / "lint"
BY_NAME = {s.name: s for s in STRATEGIES}


def option(text: str, points: int, style: str = "traditional") -> Option:
    return Option(
        id=f"o{points}-{len(text)}",
        text=text,
        points=points,
        style=style,
        behaviour=None,
        feedback="",
    )


def scenario(*options: Option, situation: str = "A client calls.", sid: str = "s") -> Scenario:
    return Scenario(
        id=sid,
        title="A call",
        situation=situation,
        question="What do you do?",
        behaviour=None,
        discussion=(),
        options=options,
    )


def quiz(*scenarios: Scenario, pass_mark: int = 70) -> Quiz:
    return Quiz(
        id="q",
        number=1,
        module_id="m",
        title="Q",
        pass_mark=pass_mark,
        scenarios=scenarios,
        path="quizzes/01-q.toml",
    )


def test_ties_split_the_points_evenly():
    two_longest = scenario(option("x" * 20, 10), option("y" * 20, 0), option("z" * 5, 4))
    assert strategy_score(quiz(two_longest), BY_NAME["longest"]) == 50.0
    assert strategy_score(quiz(two_longest), BY_NAME["shortest"]) == 40.0


def test_each_strategy_picks_by_its_surface_feature():
    s = scenario(
        option("Call the board. Then agree a joint plan together.", 10),
        option("Send the client a short and polite written answer today.", 6),
        option("Wait.", 0),
        situation="The client's finance director asks for a written answer.",
    )
    scores = {name: strategy_score(quiz(s), strategy) for name, strategy in BY_NAME.items()}
    assert scores == {
        "longest": 60.0,  # 57 characters against 49
        "most words": 60.0,
        "most sentences": 100.0,
        "course vocabulary": 100 * (10 + 6 + 0) / 3 / 10,  # no option uses any: a three-way tie
        "situation overlap": 60.0,  # client, written, answer
        "partnership-sounding": 100.0,  # board, joint, together
        "does the most": 80.0,  # "then" and "and" tie
        "most details": 100 * (10 + 6 + 0) / 3 / 10,  # "Then" opens a sentence: no detail
        "shortest": 0.0,
        "middle length": 100.0,
    }


def test_most_details_counts_numbers_and_names_inside_sentences():
    s = scenario(
        option("Call Omar Pike at 9: Ask for 2 days.", 10),
        option("Call the client. Ask for time.", 0),
    )
    assert strategy_score(quiz(s), BY_NAME["most details"]) == 100.0


def test_middle_length_guesses_among_all_when_no_option_is_in_the_middle():
    s = scenario(option("a" * 10, 10), option("b" * 10, 0), option("c" * 30, 2))
    assert strategy_score(quiz(s), BY_NAME["middle length"]) == 100 * 4 / 10


def test_chance_is_the_mean_of_each_scenarios_mean_points():
    q = quiz(
        scenario(option("a", 10), option("b", 5), option("c", 0)),
        scenario(option("a", 10), option("b", 0), option("c", 0), option("d", 2)),
    )
    assert chance_score(q) == 40.0


def test_pass_probability_matches_every_way_of_guessing_scored_as_the_app_scores():
    scenarios = (
        scenario(option("a", 10), option("b", 7), option("c", 3), sid="one"),
        scenario(option("a", 10), option("b", 0), option("c", 0), option("d", 6), sid="two"),
        scenario(option("a", 10), option("b", 2), option("c", 5), sid="three"),
    )
    ways = list(itertools.product(*(s.options for s in scenarios)))  # each equally likely
    for pass_mark in (0, 50, 56, 57, 67, 70, 100):
        q = quiz(*scenarios, pass_mark=pass_mark)
        passing = sum(
            has_passed(
                q, quiz_score(q, {s.id: o.points for s, o in zip(scenarios, way, strict=True)})
            )
            for way in ways
        )
        assert pass_probability(q) == passing / len(ways), pass_mark


def test_pass_probability_of_two_coin_flips():
    q = quiz(
        scenario(option("a", 10), option("b", 0), sid="one"),
        scenario(option("a", 10), option("b", 0), sid="two"),
        pass_mark=50,
    )
    assert pass_probability(q) == 0.75


def test_sentences_ignore_abbreviations():
    assert sentences("Ask Dr. Quell, e.g. by phone.") == 1
    assert sentences("Ask her. Then wait!") == 2
    assert sentences("no full stop") == 1


def test_report_table_is_aligned_plain_text():
    course = load_course(LINT / "clean")
    reports = [quiz_report(q) for q in course.quizzes]
    assert report_table(reports) == "\n".join(
        [
            "blind strategy            01      02",
            "pass mark                70%     70%",
            "longest                 42%     38%",
            "most words              64%     51%",
            "most sentences          53%     48%",
            "course vocabulary       53%     44%",
            "situation overlap       25%     60%",
            "partnership-sounding    42%     48%",
            "does the most           64%     46%",
            "most details            46%     38%",
            "shortest                50%     40%",
            "middle length           66%     61%",
            "chance                  53%     48%",
            "P(pass by guessing)   0.1875  0.1367",
            "",
            "01  quizzes/01-alpha.toml",
            "02  quizzes/02-beta.toml",
        ]
    )
