"""The team rules: statuses, totals, scenario statistics and flags, safe CSV cells (pure)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from arrowhead import teams
from arrowhead.course import load_course
from arrowhead.teams import (
    COMPLETED,
    INACTIVE,
    LOWER,
    MIDDLE,
    NOT_STARTED,
    ON_TRACK,
    STUCK,
    UPPER,
    LearnerRecord,
    OptionTally,
    QuizRecord,
    TeamError,
)

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
COURSE = load_course(Path(__file__).parent / "data" / "course")
ALPHA = COURSE.quiz("alpha")


def record(last_active_days: float | None, *quizzes: QuizRecord, read: int = 0) -> LearnerRecord:
    return LearnerRecord(
        user_id=1,
        display_name="Sam",
        username="sam",
        sections_read=read,
        quizzes=quizzes,
        last_active=None if last_active_days is None else NOW - timedelta(days=last_active_days),
    )


FAILED_TWICE = QuizRecord("alpha", best=40, passed=False, failures=2)
FAILED_ONCE = QuizRecord("alpha", best=40, passed=False, failures=1)
PASSED_LATE = QuizRecord("alpha", best=80, passed=True, failures=3)


@pytest.mark.parametrize(
    ("learner", "course_done", "expected"),
    [
        (record(None), False, NOT_STARTED),
        (record(1), False, ON_TRACK),
        (record(13.9), False, ON_TRACK),
        (record(14), False, INACTIVE),
        (record(30, FAILED_ONCE), False, INACTIVE),
        (record(1, FAILED_TWICE), False, STUCK),
        # Stuck wins over inactive: the failed quiz is the likely reason they stopped.
        (record(40, FAILED_TWICE), False, STUCK),
        # Failing twice and then passing is not stuck.
        (record(1, PASSED_LATE), False, ON_TRACK),
        # Nothing left to do: completed, not inactive, however long ago.
        (record(60, PASSED_LATE), True, COMPLETED),
        (record(1, PASSED_LATE), True, COMPLETED),
    ],
)
def test_learner_status(learner, course_done, expected):
    assert teams.learner_status(learner, NOW, course_done=course_done) == expected


def test_overview_counts_steps_like_the_learners_own_map():
    # The tiny course: 3 sections and 2 quizzes, so 5 steps.
    row = teams.overview([record(1, PASSED_LATE, read=2)], COURSE, NOW)[0]
    assert row.completion == pytest.approx(3 / 5)
    assert row.modules_passed == 1
    assert row.average_best == 80
    assert row.best_scores == {"alpha": 80}


def test_team_totals():
    rows = teams.overview(
        [record(None), record(1, FAILED_TWICE), record(1, PASSED_LATE, read=3)], COURSE, NOW
    )
    totals = teams.team_totals(rows)
    assert totals.learners == 3
    assert totals.statuses == {NOT_STARTED: 1, ON_TRACK: 1, STUCK: 1, INACTIVE: 0, COMPLETED: 0}
    assert totals.average_best == pytest.approx(60)
    assert totals.completion == pytest.approx((0 + 0 + 4 / 5) / 3)


def test_compare_teams_counts_each_team_and_keeps_empty_ones():
    """Issue 9.3: admins had no comparison of teams."""
    north = [
        replace(record(None), team="North"),
        replace(record(1, FAILED_TWICE), team="North"),
        replace(record(20, PASSED_LATE, read=3), team="North"),
    ]
    south = [replace(record(30, FAILED_ONCE), team="south")]
    rows = teams.overview([*north, *south], COURSE, NOW)
    lines = teams.compare_teams(rows, ["North", "south", "Empty"])
    assert [line.team for line in lines] == ["Empty", "North", "south"]
    empty, north_line, south_line = lines
    assert (empty.learners, empty.done, empty.average_best) == (0, 0, None)
    assert (north_line.learners, north_line.stuck, north_line.inactive) == (3, 1, 1)
    assert north_line.average_best == pytest.approx(60)
    assert (south_line.learners, south_line.inactive, south_line.average_best) == (1, 1, 40)


def test_compare_teams_counts_learners_who_finished_the_course():
    # The tiny course: 3 sections and 2 quizzes.
    beta = QuizRecord("beta", best=90, passed=True, failures=0)
    done = replace(record(40, PASSED_LATE, beta, read=3), team="North")
    rows = teams.overview(
        [done, replace(record(1, PASSED_LATE, read=3), team="North")], COURSE, NOW
    )
    [line] = teams.compare_teams(rows, ["North"])
    assert line.done == 1
    # Finished long ago is not inactive.
    assert line.inactive == 0


def test_compare_teams_counts_certificates_per_team():
    north = [replace(record(1, PASSED_LATE), team="North", user_id=n) for n in (1, 2, 3)]
    south = [replace(record(1, PASSED_LATE), team="South", user_id=4)]
    rows = teams.overview([*north, *south], COURSE, NOW)
    # Learner 9 is in neither team shown: counted nowhere.
    lines = teams.compare_teams(rows, ["North", "South", "Empty"], certified={1, 3, 9})
    assert {line.team: line.certificates for line in lines} == {"Empty": 0, "North": 2, "South": 0}


def test_attention_first_puts_stuck_then_inactive_first_and_keeps_a_page():
    """Issue 9: All teams listed 5,000 learners by name; a page of those to act on comes first."""
    beta = QuizRecord("beta", best=90, passed=True, failures=0)
    records = [
        replace(record(1, PASSED_LATE), display_name="Ann", user_id=1),  # on track
        replace(record(20, FAILED_ONCE), display_name="Bea", user_id=2),  # inactive
        replace(record(None), display_name="Cal", user_id=3),  # not started
        replace(record(1, FAILED_TWICE), display_name="Dee", user_id=4),  # stuck
        replace(record(30, PASSED_LATE, beta, read=3), display_name="Eve", user_id=5),  # done
        replace(record(25), display_name="Fay", user_id=6),  # inactive
        replace(record(1, FAILED_TWICE), display_name="Gus", user_id=7),  # stuck
    ]
    rows = teams.overview(records, COURSE, NOW)
    assert [r.display_name for r in teams.attention_first(rows, limit=10)] == [
        "Dee",
        "Gus",
        "Bea",
        "Fay",
        "Cal",
        "Ann",
        "Eve",
    ]
    assert [r.display_name for r in teams.attention_first(rows, limit=3)] == ["Dee", "Gus", "Bea"]
    assert teams.attention_first([], limit=3) == []
    assert teams.ROSTER_PAGE == 200


def test_heatmap_cells_tell_untried_from_a_low_score_and_mark_the_pass():
    """Issue 9.2: a 0-10% score looked like 'not attempted', and the pass mark was not shown."""
    zero = QuizRecord("alpha", best=0, passed=False, failures=1)
    rows = teams.overview(
        [record(1, zero), replace(record(1, PASSED_LATE), username="pat")], COURSE, NOW
    )
    cells = teams.heatmap_cells(rows, COURSE)
    assert [(c.learner, c.number, c.best, c.passed, c.label) for c in cells] == [
        ("Sam (sam)", 1, 0, False, "0"),
        ("Sam (sam)", 2, None, None, "–"),
        ("Sam (pat)", 1, 80, True, "80 ✓"),
        ("Sam (pat)", 2, None, None, "–"),
    ]
    assert cells[0].result == f"0% (not passed; pass mark {ALPHA.pass_mark}%)"
    assert cells[1].result == "not attempted"


@pytest.mark.parametrize(
    ("scores", "upper", "lower"),
    [
        ({}, set(), set()),
        ({1: 0.9, 2: 0.1}, set(), set()),
        ({1: 0.9, 2: 0.5, 3: 0.1}, {1}, {3}),
        ({1: 0.2, 2: 0.4, 3: 0.6, 4: 0.8, 5: 1.0, 6: 0.0, 7: 0.5}, {5, 4}, {6, 1}),
        # Ties are broken by id, so the same data always gives the same thirds.
        ({1: 0.5, 2: 0.5, 3: 0.5}, {1}, {3}),
    ],
)
def test_thirds(scores, upper, lower):
    assert teams.thirds(scores) == (upper, lower)


def tally(scenario: str, option: str, third: str, chosen: int, points: int) -> OptionTally:
    return OptionTally("alpha", scenario, option, third, chosen, points * chosen, 10 * chosen)


def test_insight_counts_facility_and_discrimination():
    tallies = [
        tally("alpha-one", "strategic", UPPER, 3, 10),
        tally("alpha-one", "explain-value", MIDDLE, 2, 5),
        tally("alpha-one", "discount", LOWER, 3, 0),
    ]
    one = teams.quiz_insight(ALPHA, tallies)[0]
    assert one.learners == 8
    assert {o.option_id: o.chosen for o in one.options} == {
        "discount": 3,
        "explain-value": 2,
        "strategic": 3,
    }
    assert one.facility == pytest.approx(100 * 40 / 80)
    assert one.discrimination == pytest.approx(1.0)
    assert one.small_sample
    # File order, by text and style: each attempt lettered the options its own way.
    assert [(o.option_id, o.style) for o in one.options] == [
        ("discount", "transactional"),
        ("explain-value", "traditional"),
        ("strategic", "partnership"),
    ]
    assert not hasattr(one.options[0], "letter")


def test_insight_without_answers_has_no_figures_and_no_flags():
    two = teams.quiz_insight(ALPHA, [])[1]
    assert (two.learners, two.facility, two.discrimination, two.flags) == (0, None, None, ())


@pytest.mark.parametrize(
    ("tallies", "flag", "raised"),
    [
        ([tally("alpha-one", "strategic", MIDDLE, 10, 10)], teams.FLAG_TOO_EASY, True),
        (
            [
                tally("alpha-one", "strategic", MIDDLE, 9, 10),
                tally("alpha-one", "discount", MIDDLE, 1, 0),
            ],
            teams.FLAG_TOO_EASY,
            False,  # exactly 90%: "over 90%" is not met
        ),
        (
            [
                tally("alpha-one", "explain-value", MIDDLE, 6, 5),
                tally("alpha-one", "strategic", MIDDLE, 4, 10),
            ],
            teams.FLAG_MOST_CHOSE_WEAKER,
            True,
        ),
        (
            [
                tally("alpha-one", "explain-value", MIDDLE, 5, 5),
                tally("alpha-one", "strategic", MIDDLE, 5, 10),
            ],
            teams.FLAG_MOST_CHOSE_WEAKER,
            False,  # half is not most
        ),
        (
            [
                tally("alpha-one", "discount", UPPER, 4, 0),
                tally("alpha-one", "strategic", LOWER, 4, 10),
            ],
            teams.FLAG_STRONG_MISS,
            True,
        ),
        (
            [
                tally("alpha-one", "strategic", UPPER, 4, 10),
                tally("alpha-one", "discount", LOWER, 4, 0),
            ],
            teams.FLAG_STRONG_MISS,
            False,
        ),
        ([tally("alpha-one", "strategic", MIDDLE, 3, 10)], teams.FLAG_UNPICKED, True),
        (
            [
                tally("alpha-one", "strategic", MIDDLE, 3, 10),
                tally("alpha-one", "discount", MIDDLE, 3, 0),
                tally("alpha-one", "explain-value", MIDDLE, 3, 5),
            ],
            teams.FLAG_UNPICKED,
            False,
        ),
    ],
)
def test_insight_flags(tallies, flag, raised):
    assert (flag in teams.quiz_insight(ALPHA, tallies)[0].flags) is raised


def test_small_sample_warning_stops_at_ten():
    nine = teams.quiz_insight(ALPHA, [tally("alpha-one", "strategic", MIDDLE, 9, 10)])[0]
    ten = teams.quiz_insight(ALPHA, [tally("alpha-one", "strategic", MIDDLE, 10, 10)])[0]
    assert nine.small_sample and not ten.small_sample


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Ana Able", "Ana Able"),
        (-5, -5),
        (None, None),
    ],
)
def test_csv_cell_defuses_formulas(value, cell):
    assert teams.csv_cell(value) == cell


def test_csv_text_round_trips_and_defuses():
    text = teams.csv_text(["name", "score"], [["=1+1", 70], ['Bo, "the" boss', None]])
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "score"],
        ["'=1+1", "70"],
        ['Bo, "the" boss', ""],
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Please give the team a name."),
        ("x" * 61, "at most 60"),
        ("a\x07b", "control"),
        ("North\u202eKey", "control"),
        (" no  TEAM ", "kept for the team pickers"),
        ("All teams", "kept for the team pickers"),
        # Pins: "Nо team" with a Cyrillic о was accepted and looked like the picker's entry.
        ("N\u043e team", "mixes Cyrillic and Latin letters"),
        ("\u0391thens Key Accounts", "mixes Greek and Latin letters"),
    ],
)
def test_bad_team_names(name, message):
    with pytest.raises(TeamError, match=message):
        teams.clean_team_name(name)


@pytest.mark.parametrize("name", ["Северная команда", "北区チーム", "Équipe Nord-Est", "Αθήνα"])
def test_team_names_in_one_alphabet_are_welcome(name):
    assert teams.clean_team_name(name) == name


def test_team_names_may_hold_a_joiner_inside_the_text():
    """Like display names and nicknames (issue 8): ZWJ and ZWNJ are part of names and emoji."""
    assert teams.clean_team_name("فروش\u200cشمال 👩\u200d💻") == "فروش\u200cشمال 👩\u200d💻"


def test_codes_are_unambiguous_and_typed_forgivingly():
    code = teams.new_code(8)
    assert len(code) == 8 and not set(code) & set("01OIL")
    assert teams.normalise_code(" ab-cd 23 ") == "ABCD23"


@pytest.mark.parametrize(
    ("managers", "yourself", "sentence"),
    [
        ([], True, "You, and the organisation's admins."),
        (["Mara"], True, "You, your manager (Mara), and the organisation's admins."),
        (
            ["Mara", "Bo"],
            False,
            "This learner, their managers (Mara, Bo), and the organisation's admins.",
        ),
    ],
)
def test_audience(managers, yourself, sentence):
    assert teams.audience(managers, yourself) == sentence
