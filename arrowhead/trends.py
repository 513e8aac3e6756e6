"""Weekly trends and the "this week" summary a manager reads on top of My team (pure).

Weeks are calendar weeks in UTC, Monday 00:00 to the next Monday 00:00; the
last of the trend's weeks is the one holding `now`. Storage counts what
happened in each week; this module lays the weeks out (a week with nothing is a
zero, or no score, never a missing week) and words the summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from arrowhead.course import Course
from arrowhead.teams import INACTIVE, INACTIVE_AFTER, STUCK, LearnerOverview

WEEKS = 12
"""How many weeks the trends cover, the current one included."""
WEEK = timedelta(days=7)


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 of the week holding moment, in moment's time zone (UTC throughout)."""
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def trend_weeks(now: datetime, weeks: int = WEEKS) -> list[datetime]:
    """The first moment of each of the last `weeks` weeks, oldest first; the last holds now."""
    current = week_start(now)
    return [current - (weeks - 1 - i) * WEEK for i in range(weeks)]


@dataclass(frozen=True)
class WeekTally:
    """What storage counted in one week of the trend."""

    week: int
    """Index into trend_weeks: 0 is the oldest week."""
    passed: int
    """Quizzes passed for the first time that week (each learner's first passing attempt)."""
    first_attempts: int
    """Learners' first finished attempts at a quiz that finished that week."""
    first_points: int
    """The sum of those attempts' scores (percent each)."""


@dataclass(frozen=True)
class TrendWeek:
    """One week of a trend, as the chart and its table show it."""

    start: date
    """The week's Monday (UTC)."""
    passed: int
    """Quizzes passed for the first time; 0 in a week with none."""
    first_attempts: int
    first_score: float | None
    """Mean first-attempt score (0–100); None in a week with no first attempt: a gap, not 0."""


def weekly_trend(tallies: Iterable[WeekTally], weeks: list[datetime]) -> list[TrendWeek]:
    """Every week of the trend in order, with zeros and gaps where nothing happened."""
    by_week = {t.week: t for t in tallies if 0 <= t.week < len(weeks)}
    trend = []
    for index, start in enumerate(weeks):
        tally = by_week.get(index)
        firsts = tally.first_attempts if tally else 0
        trend.append(
            TrendWeek(
                start=start.date(),
                passed=tally.passed if tally else 0,
                first_attempts=firsts,
                first_score=tally.first_points / firsts if tally and firsts else None,
            )
        )
    return trend


def trend_sentence(trend: list[TrendWeek]) -> str:
    """The trend in one or two sentences: the text equivalent of its charts."""
    if not trend:
        return ""
    passed = sum(w.passed for w in trend)
    firsts = sum(w.first_attempts for w in trend)
    this = trend[-1]
    weeks = len(trend)
    if not passed and not firsts:
        return f"Nothing finished in the last {weeks} weeks: no quiz passed, no first attempt."
    if passed:
        # Ties go to the latest such week: the nearer one is the more telling.
        busiest = max(trend, key=lambda w: (w.passed, w.start))
        text = (
            f"In the last {weeks} weeks: {_count(passed, 'quiz', 'quizzes')} passed for the "
            f"first time, most in the week of {_day(busiest.start)} ({busiest.passed}); "
            f"{this.passed} this week."
        )
    else:
        text = f"In the last {weeks} weeks: no quiz passed for the first time."
    if firsts:
        mean = sum((w.first_score or 0) * w.first_attempts for w in trend) / firsts
        text += (
            f" First attempts scored {mean:.0f}% on average "
            f"({_count(firsts, 'first attempt', 'first attempts')})"
        )
        if this.first_score is not None:
            text += f"; this week {this.first_score:.0f}% from {this.first_attempts}."
        else:
            text += "; none this week."
    return text


@dataclass(frozen=True)
class WeekSteps:
    """What one learner did this week that moves them through the course, from storage."""

    user_id: int
    first_passes: tuple[str, ...]
    """Quiz ids passed for the first time this week."""
    sections_read: int
    """Sections of the course read for the first time this week."""
    roleplays_finished: int = 0
    """Role-plays of the course played to an ending for the first time this week."""


@dataclass(frozen=True)
class StuckMoment:
    """When a learner became stuck on a quiz: their STUCK_FAILURES-th failure, never passed."""

    user_id: int
    quiz_id: str
    at: datetime


@dataclass(frozen=True)
class WeekSummary:
    """The "this week" lines on top of My team. Names are learner-entered: plain text only."""

    since: date
    """The Monday the week began (UTC)."""
    passed: int
    """Quizzes passed for the first time this week, by anyone in the team."""
    passers: int
    """Learners who passed at least one of them."""
    finished: tuple[str, ...]
    """Learners who finished the course this week."""
    stuck: tuple[str, ...]
    """Learners who became stuck this week, each with the quiz: 'Ben Stuck (ben) on Alpha'."""
    quiet: tuple[str, ...]
    """Learners who became inactive this week: their last activity passed 14 days this week."""


def week_summary(
    rows: Iterable[LearnerOverview],
    steps: Iterable[WeekSteps],
    stuck: Iterable[StuckMoment],
    course: Course,
    now: datetime,
) -> WeekSummary:
    """Who finished, who got stuck and who went quiet in the week holding now.

    Finished: done with the course now, and a step of it (a first pass, a
    first read or a role-play first played to an ending) this week, so the step that finished it was this week. Got
    stuck: stuck now (the roster's status), and the failure that made them so
    was this week. Went quiet: inactive now, and the 14 days without activity
    ran out this week.
    """
    since = week_start(now)
    by_user: Mapping[int, WeekSteps] = {s.user_id: s for s in steps}
    stuck_on: dict[int, list[StuckMoment]] = {}
    for moment in stuck:
        if moment.at >= since:
            stuck_on.setdefault(moment.user_id, []).append(moment)
    titles = {q.id: q.title for q in course.quizzes}
    rows = list(rows)
    finished, got_stuck, quiet = [], [], []
    for row in rows:
        name = f"{row.display_name} ({row.username})"
        mine = by_user.get(row.user_id)
        if (
            row.course_done
            and mine
            and (mine.first_passes or mine.sections_read or mine.roleplays_finished)
        ):
            finished.append(name)
        if row.status == STUCK and row.user_id in stuck_on:
            quizzes = ", ".join(titles.get(m.quiz_id, m.quiz_id) for m in stuck_on[row.user_id])
            got_stuck.append(f"{name} on {quizzes}")
        if (
            row.status == INACTIVE
            and row.last_active is not None
            and row.last_active + INACTIVE_AFTER >= since
        ):
            quiet.append(name)
    return WeekSummary(
        since=since.date(),
        passed=sum(len(s.first_passes) for s in by_user.values()),
        passers=sum(1 for s in by_user.values() if s.first_passes),
        finished=tuple(finished),
        stuck=tuple(got_stuck),
        quiet=tuple(quiet),
    )


NAMES_SHOWN = 10
"""Names listed per line of the summary; for All teams the rest are counted, not listed."""


def _names(names: tuple[str, ...]) -> str:
    listed = "; ".join(names[:NAMES_SHOWN])
    rest = len(names) - NAMES_SHOWN
    return listed + (f"; and {rest} more" if rest > 0 else "") + "."


def summary_lines(summary: WeekSummary) -> list[str]:
    """The summary as plain sentences, one per line, naming the learners (at most NAMES_SHOWN)."""
    lines = [
        f"Since Monday {_day(summary.since)}: "
        + (
            f"{_count(summary.passed, 'quiz', 'quizzes')} passed for the first time by "
            f"{_count(summary.passers, 'learner', 'learners')}."
            if summary.passed
            else "no quiz passed for the first time yet."
        )
    ]
    lines.append(
        "Finished the course: " + _names(summary.finished)
        if summary.finished
        else "Nobody finished the course this week."
    )
    lines.append(
        "Got stuck (failed a quiz a second time without passing it): " + _names(summary.stuck)
        if summary.stuck
        else "Nobody got stuck this week."
    )
    lines.append(
        f"Went quiet (nothing for {INACTIVE_AFTER.days} days, reached this week): "
        + _names(summary.quiet)
        if summary.quiet
        else "Nobody went quiet this week."
    )
    return lines


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B}"
