"""How fast, and in how much memory, every answer streams to a CSV file.

Run: python bench/bench_export.py [--learners 1000] [--teams 10] [--db PATH]
Builds the demo organisation into a temporary file (about 200 answers a
learner), then, for every team at once: the per-run checks the team page makes
(the count for the estimate, the scope fingerprint), the streamed export's
time and Python peak memory, and as the floor the same rows read from the
cursor and thrown away. A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from arrowhead import exports
from arrowhead.accounts import hash_password
from arrowhead.course import load_course
from arrowhead.demo import DEMO_PASSWORD, demo_learners, demo_staff, team_names
from arrowhead.scoring import best_styles
from arrowhead.store import teams as team_store
from arrowhead.store.accounts import find_user
from arrowhead.store.database import apply_migrations, open_database
from arrowhead.store.demo import write_organisation

ROOT = Path(__file__).resolve().parent.parent


def timed(call) -> tuple[float, object]:
    """Wall time of one call in seconds, and what it returned."""
    start = time.perf_counter()
    value = call()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--db", type=Path, default=None, help="Reuse or keep this file.")
    args = parser.parse_args()
    course = load_course(ROOT)
    now = datetime.now(UTC)
    work = Path(tempfile.mkdtemp())
    path = args.db or work / "bench.db"
    db = open_database(path)
    apply_migrations(db)
    if find_user(db, "demo.admin") is None:
        seconds, counts = timed(
            lambda: write_organisation(
                db,
                team_names(args.teams),
                demo_staff(args.teams, 1),
                demo_learners(course, args.learners, args.teams, 1, now),
                hash_password(DEMO_PASSWORD),
                now,
            )
        )
        print(f"built {counts.answers:,} answers in {seconds:.1f} s")  # type: ignore[attr-defined]
    admin = find_user(db, "demo.admin")
    assert admin is not None
    bests = best_styles(course.quizzes)

    seconds, total = timed(lambda: team_store.count_team_answers(db, admin, None))
    print(f"count for the estimate:     {1000 * seconds:8.1f} ms ({total:,} answers)")
    seconds, _ = timed(lambda: team_store.answers_scope(db, admin, None))
    print(f"scope fingerprint:          {1000 * seconds:8.1f} ms")

    floor, _ = timed(lambda: sum(1 for _ in team_store.stream_team_answers(db, admin, None)))
    print(f"floor, rows read only:      {floor:8.2f} s")
    target = work / "answers.csv"
    seconds, written = timed(lambda: exports.write_answers(db, admin, None, bests, target))
    size = target.stat().st_size
    rate = written.answers / seconds  # type: ignore[attr-defined]
    print(
        f"streamed export:            {seconds:8.2f} s ({seconds / floor:.1f}x the floor), "
        f"{rate:,.0f} answers/s, {size / 1e6:.1f} MB file"
    )
    target.unlink()
    tracemalloc.start()
    exports.write_answers(db, admin, None, bests, target)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"Python peak while streaming: {peak / 1e6:7.1f} MB (a second run, traced)")
    print(
        f"estimate the page shows:    {exports.seconds_for(total)} s "
        f"(at {exports.ANSWERS_PER_SECOND:,} answers/s)"
    )
    target.unlink()


if __name__ == "__main__":
    main()
