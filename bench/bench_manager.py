"""How fast the manager's overview, profile and scenario insight are at 5,000 learners in 50 teams.

Run: python bench/bench_manager.py [--learners 5000] [--teams 50] [--db PATH]
Builds the demo organisation (about a million answers) into a temporary file,
then times, for one team and for the whole organisation, the same calls the
pages make (overview, profile, insight, the reviews due and overdue), next to a
bare SQL aggregate over the same learners' answers.
A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from arrowhead import teams
from arrowhead.accounts import hash_password
from arrowhead.course import load_course
from arrowhead.demo import DEMO_PASSWORD, demo_learners, demo_staff, team_names
from arrowhead.scoring import best_styles, build_profile
from arrowhead.store import practice as practice_store
from arrowhead.store import teams as team_store
from arrowhead.store.accounts import find_user
from arrowhead.store.database import apply_migrations, open_database
from arrowhead.store.demo import write_organisation

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def timed(call) -> float:
    """The median wall time of a call over RUNS runs, in ms."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--db", type=Path, default=None, help="Reuse or keep this file.")
    args = parser.parse_args()
    course = load_course(ROOT)
    now = datetime.now(UTC)
    path = args.db or Path(tempfile.mkdtemp()) / "bench.db"
    db = open_database(path)
    apply_migrations(db)
    if find_user(db, "demo.admin") is None:
        start = time.perf_counter()
        counts = write_organisation(
            db,
            team_names(args.teams),
            demo_staff(args.teams, 1),
            demo_learners(course, args.learners, args.teams, 1, now),
            hash_password(DEMO_PASSWORD),
            now,
        )
        print(
            f"built {counts.learners} learners, {counts.teams} teams, {counts.attempts} attempts, "
            f"{counts.answers} answers in {time.perf_counter() - start:.1f} s"
        )
    admin = find_user(db, "demo.admin")
    assert admin is not None
    team_id = team_store.visible_team_ids(db, admin)[0]

    def overview(scope):
        rows = teams.overview(team_store.learner_records(db, admin, scope, course), course, now)
        return teams.team_totals(rows)

    bests = best_styles(course.quizzes)

    def profile(scope):
        # What My team does: the team's fit profile and each learner's own.
        tallies = team_store.choice_tallies(db, admin, scope, bests)
        team = build_profile(t for mine in tallies.values() for t in mine)
        return team, [build_profile(mine) for mine in tallies.values()]

    def insight(scope):
        overall = team_store.overall_scores(db, admin, scope)
        upper, lower = teams.thirds(overall)
        tallies = team_store.option_tallies(db, admin, scope, upper, lower)
        return [teams.quiz_insight(q, tallies) for q in course.quizzes]

    def due_reviews(scope):
        # My team's Reviews due / overdue columns: one indexed read of the stored schedule.
        return practice_store.review_counts(db, admin, scope, course, now.date())

    def bare(scope):
        # The floor: one pass over the same learners' answers, nothing else.
        ids = json.dumps(team_store.visible_team_ids(db, admin) if scope is None else [scope])
        return db.execute(
            """SELECT count(*), sum(points), max(answered_at) FROM answers WHERE user_id IN (
                 SELECT user_id FROM team_members WHERE team_id IN (SELECT value FROM json_each(?)))""",
            [ids],
        ).fetchone()

    print(
        f"{'scope':<14}{'answers':>9}{'bare SQL':>11}{'overview':>11}{'ratio':>7}"
        f"{'profile':>10}{'ratio':>7}{'insight':>10}{'ratio':>7}{'reviews':>10}{'ratio':>7}"
    )
    for label, scope in (("one team", team_id), ("organisation", None)):
        answers = bare(scope)[0]
        floor = timed(lambda s=scope: bare(s))
        over = timed(lambda s=scope: overview(s))
        prof = timed(lambda s=scope: profile(s))
        ins = timed(lambda s=scope: insight(s))
        rev = timed(lambda s=scope: due_reviews(s))
        print(
            f"{label:<14}{answers:>9}{floor:>9.0f}ms{over:>9.0f}ms{over / floor:>6.1f}x"
            f"{prof:>8.0f}ms{prof / floor:>6.1f}x{ins:>8.0f}ms{ins / floor:>6.1f}x"
            f"{rev:>8.0f}ms{rev / floor:>6.1f}x"
        )


if __name__ == "__main__":
    main()
