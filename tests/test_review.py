"""The review schedule (arrowhead.review) with the days passed in."""

from datetime import UTC, date, datetime, timedelta

import pytest

from arrowhead import review
from arrowhead.review import Mark, Review

DAY0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def marks(*days_and_results: tuple[int, bool], scenario: str = "s1") -> list[Mark]:
    """Answers to one scenario: (days after DAY0, at full marks)."""
    return [Mark("q", scenario, DAY0 + timedelta(days=d), full) for d, full in days_and_results]


def one(found: list[Review]) -> Review:
    [only] = found
    return only


MISS, FULL = False, True


def test_a_scenario_answered_at_full_marks_is_never_reviewed():
    assert review.schedule(marks((0, FULL))) == []
    assert review.schedule(marks((0, FULL), (1, FULL), (5, FULL))) == []


def test_a_miss_comes_back_the_next_day():
    found = one(review.schedule(marks((0, MISS))))
    assert found.due == date(2026, 11, 3)
    assert review.due(review.schedule(marks((0, MISS))), date(2026, 11, 2)) == []
    assert review.due(review.schedule(marks((0, MISS))), date(2026, 11, 3)) == [found]


@pytest.mark.parametrize(
    ("history", "interval"),
    [
        ([(0, MISS)], 1),
        ([(0, MISS), (1, MISS)], 3),
        ([(0, MISS), (1, MISS), (4, FULL)], 7),
        ([(0, MISS), (1, FULL), (4, MISS)], 7),
        ([(0, MISS), (1, MISS), (4, MISS), (11, MISS)], 21),
        ([(0, MISS), (1, MISS), (4, FULL), (11, MISS)], 21),
        # After 21 days it keeps coming back every 21 days until it is cleared.
        ([(0, MISS), (1, MISS), (4, MISS), (11, MISS), (32, MISS)], 21),
    ],
)
def test_each_answered_day_in_review_moves_it_one_interval_further_out(history, interval):
    found = one(review.schedule(marks(*history)))
    last = max(d for d, _ in history)
    assert found.due == (DAY0 + timedelta(days=last + interval)).date()


def test_a_miss_resets_the_count_of_full_marks_in_a_row():
    # Full marks, then a miss: the next full marks is the first in a row again, not the second.
    found = one(review.schedule(marks((0, MISS), (1, FULL), (4, MISS), (11, FULL))))
    assert found.streak == 1
    assert review.schedule(marks((0, MISS), (1, FULL), (4, MISS), (11, FULL), (32, FULL))) == []


def test_full_marks_on_two_days_in_a_row_clear_it():
    assert one(review.schedule(marks((0, MISS), (1, FULL)))).streak == 1
    assert review.schedule(marks((0, MISS), (1, FULL), (4, FULL))) == []


def test_a_cleared_scenario_missed_again_starts_over_at_one_day():
    found = one(review.schedule(marks((0, MISS), (1, FULL), (4, FULL), (30, MISS))))
    assert (found.step, found.streak) == (0, 0)
    assert found.due == (DAY0 + timedelta(days=31)).date()


def test_a_day_counts_once_and_at_full_marks_only_if_every_answer_that_day_was():
    """A retake or practice straight after a miss cannot clear it the same day."""
    same_day = [
        Mark("q", "s1", DAY0, MISS),
        Mark("q", "s1", DAY0 + timedelta(minutes=5), FULL),
        Mark("q", "s1", DAY0 + timedelta(minutes=9), FULL),
    ]
    found = one(review.schedule(same_day))
    assert (found.step, found.streak, found.due) == (0, 0, date(2026, 11, 3))


def test_practice_answers_count_toward_the_schedule_like_any_answer():
    # The schedule reads marks; a practice answer is one (see test_store_practice for storage).
    quiz_miss = marks((0, MISS))
    practice_full = [Mark("q", "s1", DAY0 + timedelta(days=1), FULL)]
    assert one(review.schedule(quiz_miss + practice_full)).due == date(2026, 11, 6)


def test_answers_may_come_in_any_order_and_scenarios_are_kept_apart():
    found = review.schedule(
        [*marks((1, MISS), (0, MISS), scenario="late"), *marks((0, MISS), scenario="early")]
    )
    assert [(r.scenario_id, r.due) for r in found] == [
        ("early", date(2026, 11, 3)),
        ("late", date(2026, 11, 6)),
    ]


def test_due_and_overdue_are_counted_by_utc_day():
    reviews = review.schedule(
        [
            *marks((0, MISS), scenario="a"),
            *marks((1, MISS), scenario="b"),
            *marks((2, MISS), scenario="c"),
        ]
    )
    today = date(2026, 11, 4)
    assert [r.scenario_id for r in review.due(reviews, today)] == ["a", "b"]
    assert review.counts(reviews, today) == review.ReviewCounts(due=1, overdue=1)
    assert review.due_today(
        [*marks((0, MISS), scenario="a")], datetime(2026, 11, 3, 0, 0, 1, tzinfo=UTC)
    )
