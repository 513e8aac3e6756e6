"""Weekly counts for the trends and the "this week" summary, counted in SQL inside the viewer's scope.

Like every team read, each function takes the viewer and answers only about
learners in their scope (store.teams decides it); `now` comes from the caller,
so the weeks are the caller's, and tests can fix them.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from arrowhead.accounts import User
from arrowhead.course import Course
from arrowhead.store import snapshots
from arrowhead.store.database import MIGRATION_SETS, iso

# After the team set: these indexes serve its scoped reads.
from arrowhead.store.teams import _SCOPE, _SOME_OF_SCOPE, _scope, manages
from arrowhead.teams import STUCK_FAILURES
from arrowhead.trends import WEEK, StuckMoment, WeekSteps, WeekTally, trend_weeks

trend_migrations = Migrations("arrowhead-trends")
MIGRATION_SETS.append(trend_migrations)


@trend_migrations()
def index_by_time(db: Database) -> None:
    """Find this week's attempts and section reads by time, not by reading every learner's."""
    db.execute("CREATE INDEX attempts_by_finished ON attempts(finished_at)")
    db.execute("CREATE INDEX section_reads_by_time ON section_reads(read_at)")


_ONE = "scope(user_id) AS (SELECT :user)"

# Each learner's first finished self-paced attempt per quiz (SQLite takes the bare
# columns from the row holding min(id)), and their first passing attempt per quiz.
# Both walk attempts_by_user_source_quiz learner by learner (CROSS JOIN keeps scope the
# outer loop: left to itself the planner scanned every attempt and probed the scope).
_FIRSTS_AND_PASSES = """
firsts(user_id, attempt_id, finished_at, score) AS (
    SELECT a.user_id, min(a.id), a.finished_at, a.score
    FROM scope CROSS JOIN attempts a ON a.user_id = scope.user_id AND a.source = 'self'
    WHERE a.finished_at IS NOT NULL AND a.quiz_id IN (SELECT value FROM json_each(:quizzes))
    GROUP BY a.user_id, a.quiz_id),
passes(user_id, quiz_id, finished_at) AS (
    SELECT a.user_id, a.quiz_id, min(a.finished_at)
    FROM scope CROSS JOIN attempts a ON a.user_id = scope.user_id AND a.source = 'self'
    WHERE a.passed = 1 AND a.finished_at IS NOT NULL
      AND a.quiz_id IN (SELECT value FROM json_each(:quizzes))
    GROUP BY a.user_id, a.quiz_id)"""

# Whole weeks since the first Monday, in integer seconds: a moment at Monday
# 00:00:00 falls in the week it starts, a second before it in the week before.
_WEEK_OF = "(CAST(strftime('%s', {column}) AS INTEGER) - :first_epoch) / :week_seconds"

_WEEKLY = f"""
SELECT week, sum(passed), sum(firsts), sum(points) FROM (
    SELECT {_WEEK_OF.format(column="finished_at")} AS week, 1 AS passed, 0 AS firsts, 0 AS points
    FROM passes WHERE finished_at >= :first AND finished_at < :end
    UNION ALL
    SELECT {_WEEK_OF.format(column="finished_at")}, 0, 1, score
    FROM firsts WHERE finished_at >= :first AND finished_at < :end)
GROUP BY week ORDER BY week"""


def _week_params(course: Course, now: datetime) -> dict:
    weeks = trend_weeks(now)
    return {
        "quizzes": json.dumps([q.id for q in course.quizzes]),
        "first": iso(weeks[0]),
        "end": iso(weeks[-1] + WEEK),
        "first_epoch": int(weeks[0].timestamp()),
        "week_seconds": int(WEEK.total_seconds()),
    }


def team_trend(
    db: Database, viewer: User, team_id: int | None, course: Course, now: datetime
) -> list[WeekTally]:
    """Per week of the trend: first passes and first-attempt scores of a team in scope
    (or every team in scope), for the quizzes the course has; weeks with nothing left out."""
    params = {"teams": json.dumps(_scope(db, viewer, team_id)), **_week_params(course, now)}
    return [
        WeekTally(*row)
        for row in db.execute(f"WITH {_SCOPE}, {_FIRSTS_AND_PASSES} {_WEEKLY}", params)
    ]


def learner_trend(
    db: Database, viewer: User, user_id: int, course: Course, now: datetime
) -> list[WeekTally]:
    """One learner's weeks, counted as team_trend counts them, if the viewer may see them."""
    if not manages(db, viewer, user_id):
        return []
    params = {"user": user_id, **_week_params(course, now)}
    return [
        WeekTally(*row)
        for row in db.execute(f"WITH {_ONE}, {_FIRSTS_AND_PASSES} {_WEEKLY}", params)
    ]


def week_steps(
    db: Database, viewer: User, team_id: int | None, course: Course, since: datetime
) -> list[WeekSteps]:
    """Per learner in scope who moved on since `since`: quizzes first passed, sections first
    read, role-plays first played to an ending."""
    teams = json.dumps(_scope(db, viewer, team_id))
    # Kept until the next commit, like the learner records: for all 50 teams these reads
    # are 70 ms of every load of All teams. The scope was checked above, on the viewer's
    # own connection; the key holds what it allowed.
    return list(
        snapshots.kept_by_learner(
            db,
            ("week_steps", teams, _course_key(course), iso(since)),
            lambda some: _week_steps(db, teams, some, course, since),
        )
    )


def _in_scope(teams: str, some: list[int] | None) -> tuple[str, dict[str, str]]:
    # The scope CTE and its parameters: every learner in scope, or only those of `some`
    # (snapshots.by_learner reads again only the learners a commit touched).
    if some is None:
        return _SCOPE, {"teams": teams}
    return _SOME_OF_SCOPE, {"teams": teams, "some": json.dumps(some)}


def _course_key(course: Course) -> tuple[tuple[str, ...], ...]:
    return (
        tuple(f"{m.id}/{s.id}" for m in course.modules for s in m.sections),
        tuple(q.id for q in course.quizzes),
        tuple(r.id for r in course.roleplays),
    )


def _week_steps(
    db: Database, teams: str, some: list[int] | None, course: Course, since: datetime
) -> dict[int, WeekSteps]:
    scope, params = _in_scope(teams, some)
    params = {
        **params,
        "quizzes": json.dumps([q.id for q in course.quizzes]),
        "sections": json.dumps([f"{m.id}/{s.id}" for m in course.modules for s in m.sections]),
        "since": iso(since),
    }
    steps: dict[int, tuple[list[str], int]] = {}
    # Driven by time (INDEXED BY: without statistics the planner walked every learner in
    # scope instead): only this week's rows are read, then checked against the scope and,
    # for a pass, against earlier passes.
    for user_id, quiz_id in db.execute(
        f"""WITH {scope}
            SELECT a.user_id, a.quiz_id FROM attempts a INDEXED BY attempts_by_finished
            WHERE a.finished_at >= :since AND a.source = 'self' AND a.passed = 1
              AND a.quiz_id IN (SELECT value FROM json_each(:quizzes))
              AND a.user_id IN (SELECT user_id FROM scope)
              AND NOT EXISTS (
                SELECT 1 FROM attempts b WHERE b.user_id = a.user_id AND b.quiz_id = a.quiz_id
                  AND b.source = 'self' AND b.passed = 1 AND (b.finished_at < a.finished_at
                    OR (b.finished_at = a.finished_at AND b.id < a.id)))
            ORDER BY a.user_id, a.finished_at""",
        params,
    ):
        steps.setdefault(user_id, ([], 0))[0].append(quiz_id)
    for user_id, read in db.execute(
        f"""WITH {scope}
            SELECT r.user_id, count(*) FROM section_reads r INDEXED BY section_reads_by_time
            WHERE r.read_at >= :since AND r.user_id IN (SELECT user_id FROM scope)
              AND r.module_id || '/' || r.section_id IN (SELECT value FROM json_each(:sections))
            GROUP BY r.user_id""",
        params,
    ):
        steps[user_id] = (steps.get(user_id, ([], 0))[0], read)
    finished: dict[int, int] = {}
    if course.roleplays:
        for user_id, count in db.execute(
            f"""WITH {scope}
                SELECT r.user_id, count(DISTINCT r.roleplay_id) FROM roleplay_runs r
                WHERE r.finished_at >= :since AND r.source = 'self'
                  AND r.roleplay_id IN (SELECT value FROM json_each(:roleplays))
                  AND r.user_id IN (SELECT user_id FROM scope)
                  AND NOT EXISTS (
                    SELECT 1 FROM roleplay_runs b WHERE b.user_id = r.user_id
                      AND b.roleplay_id = r.roleplay_id AND b.source = 'self'
                      AND b.finished_at < :since)
                GROUP BY r.user_id""",
            {**params, "roleplays": json.dumps([r.id for r in course.roleplays])},
        ):
            finished[user_id] = count
            steps.setdefault(user_id, ([], 0))
    return {
        user_id: WeekSteps(
            user_id=user_id,
            first_passes=tuple(passes),
            sections_read=read,
            roleplays_finished=finished.get(user_id, 0),
        )
        for user_id, (passes, read) in steps.items()
    }


def stuck_moments(
    db: Database, viewer: User, team_id: int | None, course: Course, since: datetime
) -> list[StuckMoment]:
    """Learners in scope who became stuck since `since`: the failure that made them so, on a
    quiz of the course they have not passed (the STUCK_FAILURES-th failed attempt)."""
    teams = json.dumps(_scope(db, viewer, team_id))
    # Kept until the next commit, as week_steps is; scope checked above.
    moments = snapshots.kept_by_learner(
        db,
        ("stuck_moments", teams, _course_key(course), iso(since)),
        lambda some: _stuck_moments(db, teams, some, course, since),
    )
    return [moment for learners in moments for moment in learners]


def _stuck_moments(
    db: Database, teams: str, some: list[int] | None, course: Course, since: datetime
) -> dict[int, tuple[StuckMoment, ...]]:
    scope, params = _in_scope(teams, some)
    # Driven by time: this week's failed attempts, each checked to be the learner's
    # STUCK_FAILURES-th failure at that quiz, on a quiz they have never passed.
    rows = db.execute(
        f"""WITH {scope}
            SELECT a.user_id, a.quiz_id, a.finished_at FROM attempts a INDEXED BY attempts_by_finished
            WHERE a.finished_at >= :since AND a.source = 'self' AND a.passed = 0
              AND a.quiz_id IN (SELECT value FROM json_each(:quizzes))
              AND a.user_id IN (SELECT user_id FROM scope)
              AND (SELECT count(*) FROM attempts b WHERE b.user_id = a.user_id
                     AND b.quiz_id = a.quiz_id AND b.source = 'self' AND b.passed = 0
                     AND (b.finished_at < a.finished_at
                       OR (b.finished_at = a.finished_at AND b.id < a.id))) = :failures - 1
              AND NOT EXISTS (
                SELECT 1 FROM attempts p WHERE p.user_id = a.user_id AND p.quiz_id = a.quiz_id
                  AND p.source = 'self' AND p.passed = 1)
            ORDER BY a.user_id, a.finished_at""",
        {
            **params,
            "quizzes": json.dumps([q.id for q in course.quizzes]),
            "failures": STUCK_FAILURES,
            "since": iso(since),
        },
    )
    moments: dict[int, list[StuckMoment]] = {}
    for user_id, quiz_id, at in rows:
        moments.setdefault(user_id, []).append(
            StuckMoment(user_id=user_id, quiz_id=quiz_id, at=datetime.fromisoformat(at))
        )
    return {user_id: tuple(found) for user_id, found in moments.items()}
