"""The pure rules: assignment statuses, due soon, note text, and which misses to talk about first."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import DATA, NOW

from arrowhead import assignments
from arrowhead.assignments import Assignment, Duty, Facts
from arrowhead.coaching import clean_note, priority
from arrowhead.course import load_course
from arrowhead.teams import TeamError

COURSE = load_course(DATA / "course")
TODAY = date(2026, 11, 2)
ALL_ALPHA = Facts(read={"alpha": 2})


def assignment(kind: str, item: str, due: date = TODAY) -> Assignment:
    return Assignment(1, kind, item, due, 1, None, "Alpha Team", "Mara", "2026-11-01T09:00:00")


@pytest.mark.parametrize(
    ("kind", "item", "facts", "today", "expected"),
    [
        ("quiz", "alpha", Facts(passed=frozenset({"alpha"})), TODAY, assignments.DONE),
        ("quiz", "alpha", Facts(), TODAY, assignments.DUE),
        ("quiz", "alpha", Facts(), TODAY + timedelta(days=1), assignments.OVERDUE),
        ("module", "alpha", ALL_ALPHA, TODAY, assignments.DUE),  # read, quiz not passed
        (
            "module",
            "alpha",
            Facts(read=ALL_ALPHA.read, passed=frozenset({"alpha"})),
            TODAY + timedelta(days=9),
            assignments.DONE,
        ),
        (
            "module",
            "alpha",
            Facts(read={"alpha": 1}, passed=frozenset({"alpha"})),
            TODAY,
            assignments.DUE,
        ),
        ("quiz", "gone", Facts(), TODAY + timedelta(days=9), assignments.GONE),
        ("module", "gone", Facts(), TODAY, assignments.GONE),
    ],
)
def test_assignment_status(kind, item, facts, today, expected):
    assert assignments.status(COURSE, assignment(kind, item), facts, today) == expected


@pytest.mark.parametrize(
    ("due_in", "status", "soon"),
    [
        (0, "due", True),
        (3, "due", True),
        (4, "due", False),
        (-1, "overdue", False),
        (1, "done", False),
    ],
)
def test_due_soon_means_open_and_within_three_days(due_in, status, soon):
    duty = Duty(1, assignment("quiz", "alpha", TODAY + timedelta(days=due_in)), status)
    assert assignments.due_soon(duty, TODAY) is soon


def test_duties_put_overdue_first_then_by_due_date_and_skip_unknown_ids():
    early = assignment("quiz", "alpha", TODAY + timedelta(days=2))
    late = Assignment(2, "quiz", "beta", TODAY + timedelta(days=5), 1, None, "A", "M", "")
    past = Assignment(3, "quiz", "beta", TODAY - timedelta(days=1), 1, None, "A", "M", "")
    found = assignments.duties(
        COURSE, [late, early, past], [(7, 2), (7, 1), (7, 3), (7, 99)], {}, TODAY
    )
    assert [(d.assignment.id, d.status) for d in found] == [
        (3, "overdue"),
        (1, "due"),
        (2, "due"),
    ]
    assert assignments.summary(found) == "1 overdue · 2 due"
    assert assignments.summary([]) == "–"


def test_choices_list_every_module_then_every_quiz():
    assert list(assignments.choices(COURSE).values()) == [
        ("module", "alpha"),
        ("module", "beta"),
        ("quiz", "alpha"),
        ("quiz", "beta"),
    ]


STRENGTHS = {"critical-thinking": 20.0, "driving-urgency": 90.0, "innovation": None}


def test_a_recent_miss_comes_before_an_old_one_on_the_same_behaviour():
    recent = priority("driving-urgency", NOW - timedelta(days=1), STRENGTHS, NOW)
    old = priority("driving-urgency", NOW - timedelta(days=20), STRENGTHS, NOW)
    assert recent > old


def test_of_misses_the_same_week_the_weakest_behaviour_comes_first():
    weak = priority("critical-thinking", NOW - timedelta(days=3), STRENGTHS, NOW)
    strong = priority("driving-urgency", NOW - timedelta(days=1), STRENGTHS, NOW)
    assert weak > strong


def test_weakness_does_not_outweigh_months():
    weak_but_old = priority("critical-thinking", NOW - timedelta(days=60), STRENGTHS, NOW)
    strong_but_new = priority("driving-urgency", NOW, STRENGTHS, NOW)
    assert strong_but_new > weak_but_old


@pytest.mark.parametrize("behaviour", [None, "innovation", "unknown"])
def test_an_unmeasured_behaviour_weighs_as_a_strong_one(behaviour):
    assert priority(behaviour, NOW, STRENGTHS, NOW) == 1.0


def test_a_note_is_trimmed_and_checked():
    assert clean_note("  hello\n  there \t") == "hello\n  there"
    with pytest.raises(TeamError):
        clean_note("\n\n")
