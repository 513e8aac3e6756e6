"""A room signing in at once while learners answer: failures and how long answers wait.

Run: python bench/bench_signin.py [--people 60] [--learners 10] [--db PATH]
On a temporary database file, each learner is a thread with its own connection
(as each browser session has) answering quiz scenarios through the store, one
every 50 ms. First they answer alone: that is the floor. Then, while they keep
answering, --people threads start at the same moment, half signing in to existing
accounts and half signing up, each then starting a login, as the pages do. It
prints the failures and the time each answer took (its wait for the write lock
included), next to the floor, and how long the room took next to one sign-in
alone. A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from arrowhead import journey
from arrowhead.course import load_course
from arrowhead.quizzes import Quiz
from arrowhead.store import accounts, learning
from arrowhead.store.database import apply_migrations, open_database

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
THINK = 0.05
"""Seconds a learner thread waits between two answers."""


class Learner(threading.Thread):
    """One learner answering scenario after scenario on their own connection until told to stop."""

    def __init__(self, path: Path, user_id: int, quiz: Quiz, until: Callable[[], bool]):
        super().__init__()
        self.path, self.user_id, self.quiz, self.until = path, user_id, quiz, until
        self.times: list[float] = []
        self.failures: list[str] = []
        self.answered: set[tuple[int, str]] = set()

    def run(self) -> None:
        db = open_database(self.path)
        try:
            while not self.until():
                attempt = learning.start_attempt(db, self.user_id, self.quiz.id, now())
                for scenario in self.quiz.scenarios:
                    if self.until():
                        break
                    started = time.perf_counter()
                    try:
                        option = scenario.options[self.user_id % len(scenario.options)]
                        journey.answer_scenario(
                            db, attempt, self.quiz, scenario.id, option.id, now()
                        )
                        self.answered.add((attempt.id, scenario.id))
                    except Exception as err:  # noqa: BLE001 - counted and printed
                        self.failures.append(f"{type(err).__name__}: {err}")
                    self.times.append(time.perf_counter() - started)
                    time.sleep(THINK)
        finally:
            db.close()


def now() -> datetime:
    return datetime.now(UTC)


def answering(path: Path, learner_ids: list[int], quiz: Quiz, until: Callable[[], bool]):
    learners = [Learner(path, user_id, quiz, until) for user_id in learner_ids]
    for learner in learners:
        learner.start()
    return learners


def summary(times: list[float]) -> str:
    ms = sorted(1000 * t for t in times)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    return (
        f"{len(ms)} answers: median {statistics.median(ms):.1f} ms, "
        f"95th percentile {p95:.1f} ms, max {ms[-1]:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=60, help="Sign-ins and sign-ups at once.")
    parser.add_argument("--learners", type=int, default=10, help="Learners answering meanwhile.")
    parser.add_argument("--db", type=Path, default=None, help="Keep the database in this file.")
    args = parser.parse_args()
    quiz = load_course(ROOT).quizzes[0]
    path = args.db or Path(tempfile.mkdtemp()) / "bench.db"
    db = open_database(path)
    apply_migrations(db)
    signing_in = args.people // 2
    print(f"Setting up {signing_in + args.learners} accounts (argon2, one at a time)…")
    learner_ids = [
        accounts.create_user(db, f"learner{i}", f"Learner {i}", PASSWORD, now()).id
        for i in range(args.learners)
    ]
    for i in range(signing_in):
        accounts.create_user(db, f"member{i}", f"Member {i}", PASSWORD, now())

    # Floors: one sign-in with nobody else about, and the learners answering alone.
    started = time.perf_counter()
    accounts.sign_in(db, "member0", PASSWORD, now())
    one_sign_in = time.perf_counter() - started
    # The floor: the same learners answering with nobody signing in.
    stop_at = time.monotonic() + 3
    alone = answering(path, learner_ids, quiz, lambda: time.monotonic() > stop_at)
    for learner in alone:
        learner.join()

    # The room: everyone presses the button at the same moment.
    outcomes: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(args.people)

    def arrive(i: int) -> None:
        conn = open_database(path)
        try:
            barrier.wait()
            started = time.perf_counter()
            if i < signing_in:
                user = accounts.sign_in(conn, f"member{i}", PASSWORD, now())
            else:
                user = accounts.create_user(conn, f"newcomer{i}", f"Newcomer {i}", PASSWORD, now())
            accounts.start_login(conn, user.id, now())
            outcome = "ok"
        except Exception as err:  # noqa: BLE001 - counted and printed
            outcome = f"{type(err).__name__}: {err}"
        finally:
            conn.close()
        with lock:
            outcomes.append(outcome)
            latencies.append(time.perf_counter() - started)

    room_done = threading.Event()
    busy = answering(path, learner_ids, quiz, room_done.is_set)
    time.sleep(0.5)  # the learners are answering before the room arrives
    started = time.perf_counter()
    people = [threading.Thread(target=arrive, args=(i,)) for i in range(args.people)]
    for person in people:
        person.start()
    for person in people:
        person.join()
    room_wall = time.perf_counter() - started
    room_done.set()
    for learner in busy:
        learner.join()

    failed = [o for o in outcomes if o != "ok"]
    answer_failures = [f for learner in busy + alone for f in learner.failures]
    stored = db.execute("SELECT count(*) FROM answers").fetchone()[0]
    # An attempt left open by the floor resumes in the room: count each answer once.
    sent = len(set().union(*(learner.answered for learner in busy + alone)))
    ms = sorted(1000 * t for t in latencies)
    print(
        f"{args.people} people ({signing_in} sign-ins, {args.people - signing_in} sign-ups) "
        f"while {args.learners} learners answer:"
    )
    print(
        f"  failures: {len(failed)} of {args.people} sign-ins/sign-ups, "
        f"{len(answer_failures)} answers"
    )
    for failure in sorted(set(failed + answer_failures)):
        print(f"    {failure}")
    print(
        f"  all signed in after {room_wall:.1f} s; each took median "
        f"{statistics.median(ms) / 1000:.1f} s, max {ms[-1] / 1000:.1f} s "
        f"(floor: one sign-in alone {one_sign_in:.2f} s)"
    )
    print(f"  answers during the sign-ins: {summary([t for b in busy for t in b.times])}")
    print(f"  floor, answers alone:        {summary([t for a in alone for t in a.times])}")
    print(f"  answers stored: {stored} of {sent} sent")
    worst = max(t for b in busy for t in b.times)
    met = not failed and not answer_failures and worst <= 1.0 and stored == sent
    print(f"Goal (no failure, every answer stored, none over 1 s): {'met' if met else 'MISSED'}")
    db.close()


if __name__ == "__main__":
    main()
