"""The trends' pure parts: weeks laid out with zeros and gaps, and the summary in words."""

from __future__ import annotations

from datetime import date

from conftest import NOW

from arrowhead import trends
from arrowhead.trends import WeekSummary, WeekTally


def test_a_trend_with_nothing_is_twelve_empty_weeks_and_says_so():
    trend = trends.weekly_trend([], trends.trend_weeks(NOW))
    assert len(trend) == trends.WEEKS
    assert all(w.passed == 0 and w.first_score is None for w in trend)
    assert trends.trend_sentence(trend) == (
        "Nothing finished in the last 12 weeks: no quiz passed, no first attempt."
    )


def test_tallies_outside_the_weeks_are_left_out():
    weeks = trends.trend_weeks(NOW)
    trend = trends.weekly_trend(
        [WeekTally(-1, 5, 5, 500), WeekTally(3, 2, 1, 80), WeekTally(12, 9, 9, 900)], weeks
    )
    assert [w.passed for w in trend] == [0, 0, 0, 2] + [0] * 8
    assert trend[3].first_score == 80.0 and trend[3].start == date(2026, 9, 7)


def test_the_summary_lists_ten_names_and_counts_the_rest():
    summary = WeekSummary(
        since=date(2026, 11, 2),
        passed=0,
        passers=0,
        finished=(),
        stuck=(),
        quiet=tuple(f"Learner {n}" for n in range(13)),
    )
    lines = trends.summary_lines(summary)
    assert lines[0] == "Since Monday 2 November: no quiz passed for the first time yet."
    assert lines[1] == "Nobody finished the course this week."
    assert lines[2] == "Nobody got stuck this week."
    assert lines[3].endswith("Learner 8; Learner 9; and 3 more.")


def test_first_attempts_without_a_pass_are_said_without_a_busiest_week():
    weeks = trends.trend_weeks(NOW)
    trend = trends.weekly_trend([WeekTally(11, 0, 2, 80)], weeks)
    assert trends.trend_sentence(trend) == (
        "In the last 12 weeks: no quiz passed for the first time. First attempts scored 40% "
        "on average (2 first attempts); this week 40% from 2."
    )
