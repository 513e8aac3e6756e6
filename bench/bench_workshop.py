"""Load test: 200 participants vote in one live Workshop; every vote counted, the projector right.

Starts its own `streamlit run course_app.py` on 127.0.0.1 with a fresh database
and the agent API switched on for that server only (never in .streamlit/config.toml),
drives 200 real Streamlit sessions over HTTP (join, then vote), counts the votes
stored, and measures how long after the last vote the projector's tally shows
them all. Every loop is bounded in count and time; all traffic stays on 127.0.0.1.

    python bench/bench_workshop.py [--participants 200] [--workers 16]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arrowhead.course import load_course  # noqa: E402
from arrowhead.store import accounts  # noqa: E402
from arrowhead.store import workshops as store  # noqa: E402
from arrowhead.store.database import apply_migrations, open_database  # noqa: E402
from arrowhead.workshops import DeckEntry  # noqa: E402

PASSWORD = "bench-password-123"
TALLY = re.compile(r"Votes — (.*)")
REQUEST_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Agent:
    """A client of one server's agent API: each call is one Streamlit rerun."""

    def __init__(self, base: str):
        self.url = base + "/_stcore/agent/interact"

    def call(self, body: dict) -> dict:
        request = urllib.request.Request(
            self.url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        deadline = time.monotonic() + REQUEST_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
                    snapshot = json.load(response)
            except urllib.error.HTTPError as err:
                raise RuntimeError(f"agent API refused: {err.code} {err.read()[:300]!r}") from None
            # A run still going after the server's wait: collect it with only the session id.
            if snapshot.get("status") != "wait_timed_out" or time.monotonic() > deadline:
                return snapshot
            request = urllib.request.Request(
                self.url,
                data=json.dumps({"session_id": snapshot["session_id"]}).encode(),
                headers={"Content-Type": "application/json"},
            )


def nodes(snapshot: dict):
    """Every element in a snapshot's tree."""
    stack = [snapshot.get("tree", {})]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.get("children", []))


def texts(snapshot: dict) -> list[str]:
    """The body of every text element, for 'is it on the screen' checks."""
    return [str(n.get("props", {}).get("body", "")) for n in nodes(snapshot)]


def action_key(snapshot: dict, label: str) -> str:
    """The key of the action with that label."""
    for action in snapshot.get("actions", []):
        if action.get("label") == label:
            return action["key"]
    raise RuntimeError(f"no action labelled {label!r}: {snapshot.get('actions')}")


def prepare(db_path: Path, participants: int):
    """A database with a facilitator and a live Workshop on the course's first scenario."""
    course = load_course(ROOT)
    quiz = course.quizzes[0]
    scenario = quiz.scenarios[0]
    db = open_database(db_path)
    apply_migrations(db)
    now = datetime.now(UTC)
    facilitator = accounts.create_user(
        db, "bench-facilitator", "Bench", PASSWORD, now, ("facilitator",)
    )
    deck = store.save_deck(db, facilitator, "Bench", [DeckEntry(quiz.id, scenario.id)], now)
    workshop = store.start_workshop(db, facilitator, deck.id, now)
    # The letters the room sees: the Workshop's own shuffle of the options.
    return db, facilitator, workshop, scenario.shuffled(workshop.option_seed)


# The shipped .streamlit/config.toml turns off the full garbage collection after
# every script run (~80 ms of CPU with pandas and Altair loaded) and the file
# watcher. Pass --defaults to measure with Streamlit's own defaults instead.
STREAMLIT_DEFAULTS = ["--runner.postScriptGC", "true", "--server.fileWatcherType", "auto"]


# The floor: the same 200 sessions clicking one button on a bare Streamlit page,
# served the same way, so the vote figures can be read against it.
BARE_PAGE = """import streamlit as st
if st.button("Vote", key="vote"):
    st.write("Your vote is in")
"""


def start_server(
    db_path: Path,
    port: int,
    max_sessions: int,
    tuning: list[str],
    script: Path = ROOT / "course_app.py",
) -> subprocess.Popen:
    env = {**os.environ, "ARROWHEAD_DB": str(db_path), "ARROWHEAD_CONTENT": str(ROOT)}
    log = open(db_path.with_suffix(".server.log"), "w")  # noqa: SIM115  closed with the process
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            # The agent API, on this benchmark's own server only.
            "--server.enableAgentApi",
            "true",
            "--server.agentMaxSessions",
            str(max_sessions),
            *tuning,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("streamlit did not start; see " + str(db_path.with_suffix(".server.log")))


def projector_tally(agent: Agent, session_id: str) -> dict[str, int]:
    """Rerun the projector session and read its vote tally line."""
    snapshot = agent.call({"session_id": session_id})
    for text in texts(snapshot):
        found = TALLY.match(text)
        if found:
            return {
                letter: int(count)
                for letter, count in (part.split(": ") for part in found.group(1).split(" · "))
            }
    return {}


def bare_floor(folder: Path, count: int, workers: int, tuning: list[str]) -> tuple[float, float]:
    """Seconds for count sessions to click once on a bare page, and the median round trip."""
    script = folder / "bare_page.py"
    script.write_text(BARE_PAGE)
    port = free_port()
    server = start_server(folder / "bare.db", port, count + 20, tuning, script=script)
    agent = Agent(f"http://127.0.0.1:{port}")
    try:
        with ThreadPoolExecutor(workers) as pool:
            sessions = list(pool.map(lambda _: agent.call({})["session_id"], range(count)))

        def click(session_id: str) -> float:
            sent = time.monotonic()
            done = agent.call({"session_id": session_id, "trigger": {"key": "vote"}})
            if not any("Your vote is in" in t for t in texts(done)):
                raise RuntimeError("the bare page did not answer the click")
            return time.monotonic() - sent

        started = time.monotonic()
        with ThreadPoolExecutor(workers) as pool:
            latencies = list(pool.map(click, sessions))
        return time.monotonic() - started, statistics.median(latencies)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--workers", type=int, default=16, help="requests in flight at once")
    parser.add_argument(
        "--defaults", action="store_true", help="keep postScriptGC and the file watcher on"
    )
    args = parser.parse_args()
    count = max(1, min(args.participants, 1000))
    rng = random.Random(2026)

    with tempfile.TemporaryDirectory(prefix="arrowhead-bench-") as folder:
        db_path = Path(folder) / "bench.db"
        db, facilitator, workshop, scenario = prepare(db_path, count)
        port = free_port()
        tuning = STREAMLIT_DEFAULTS if args.defaults else []
        server = start_server(db_path, port, max_sessions=count + 20, tuning=tuning)
        agent = Agent(f"http://127.0.0.1:{port}")
        try:
            # The facilitator signs in on a session of their own and opens the projector.
            first = agent.call({})
            projector_id = first["session_id"]
            signed_in = agent.call(
                {
                    "session_id": projector_id,
                    "widget_state": {
                        "signin_username": "bench-facilitator",
                        "signin_password": PASSWORD,
                    },
                    "trigger": {"key": action_key(first, "Sign in")},
                }
            )
            assert signed_in.get("page", {}).get("url_path") != "join", "sign-in failed"
            agent.call(
                {
                    "session_id": projector_id,
                    "page": "projector",
                    "query_params": {"workshop": [str(workshop.id)]},
                }
            )

            def join(index: int) -> str:
                opened = agent.call(
                    {"page": "join", "query_params": {"code": [workshop.join_code]}}
                )
                joined = agent.call(
                    {
                        "session_id": opened["session_id"],
                        "widget_state": {"join_nickname": f"Participant {index}"},
                        "trigger": {"key": "join_submit"},
                    }
                )
                if not any("You're in." in t for t in texts(joined)):
                    raise RuntimeError(
                        f"participant {index} did not join: {json.dumps(joined)[:1500]}"
                    )
                return opened["session_id"]

            started = time.monotonic()
            with ThreadPoolExecutor(args.workers) as pool:
                sessions = list(pool.map(join, range(count)))
            join_seconds = time.monotonic() - started

            for action in ("next", "open", "show"):
                store.act(db, facilitator, workshop.id, action, datetime.now(UTC))
            # Each phone redraws on its own timer and so sees the vote buttons; the
            # agent API needs that redraw asked for before it accepts their keys.
            refresh_start = time.monotonic()
            with ThreadPoolExecutor(args.workers) as pool:
                refreshed = list(pool.map(lambda sid: agent.call({"session_id": sid}), sessions))
            refresh_seconds = time.monotonic() - refresh_start
            if not all("Voting is open: tap an option." in texts(r) for r in refreshed):
                raise RuntimeError("not every phone shows open voting")
            choices = [rng.choice(scenario.options).id for _ in sessions]
            expected = Counter(choices)

            def vote(pair: tuple[str, str]) -> tuple[float, float, bool]:
                session_id, option_id = pair
                sent = time.monotonic()
                done = agent.call(
                    {"session_id": session_id, "trigger": {"key": f"vote_0_1_{option_id}"}}
                )
                ok = any("Your vote is in" in t for t in texts(done))
                return sent, time.monotonic(), ok

            vote_start = time.monotonic()
            with ThreadPoolExecutor(args.workers) as pool:
                results = list(pool.map(vote, zip(sessions, choices, strict=True)))
            last_vote = max(finished for _, finished, _ in results)
            vote_seconds = last_vote - vote_start
            latencies = sorted(finished - sent for sent, finished, _ in results)
            confirmed = sum(ok for _, _, ok in results)

            stored = store.round_count(db, facilitator, workshop.id, 0, 1)
            want = {scenario.letter(o.id): expected.get(o.id, 0) for o in scenario.options}
            shown: dict[str, int] = {}
            lag = None
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                shown = projector_tally(agent, projector_id)
                if shown == want:
                    lag = time.monotonic() - last_vote
                    break
                time.sleep(0.1)
            floor_seconds, floor_median = bare_floor(Path(folder), count, args.workers, tuning)
        except Exception:
            log = db_path.with_suffix(".server.log").read_text()[-3000:]
            print("server log, last lines:\n" + log, file=sys.stderr)
            raise
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
            db.close()

    print("server flags:             ", " ".join(tuning) or "as shipped in .streamlit/config.toml")
    counted_right = stored.votes == dict(expected) and stored.voted == count
    print(f"participants joined:       {count} in {join_seconds:.1f} s ({args.workers} at a time)")
    print(f"phones redrawn for voting: {count} in {refresh_seconds:.1f} s")
    print(f"votes sent:                {count} in {vote_seconds:.2f} s")
    print(
        f"vote round trip:           median {statistics.median(latencies) * 1000:.0f} ms, "
        f"95th {latencies[int(0.95 * (len(latencies) - 1))] * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms"
    )
    print(
        f"floor, a bare page:        {count} clicks in {floor_seconds:.2f} s, median "
        f"{floor_median * 1000:.0f} ms: votes take {vote_seconds / floor_seconds:.1f}x the time, "
        f"{statistics.median(latencies) / floor_median:.1f}x the median"
    )
    print(f"votes confirmed on phones: {confirmed} of {count}")
    print(
        f"votes stored:              {stored.voted} of {count} ({'right' if counted_right else 'WRONG'})"
    )
    print(f"projector tally:           {shown}")
    print(
        "projector right after:     "
        + ("never (30 s)" if lag is None else f"{lag:.2f} s after the last vote (its own poll)")
    )
    print(
        "in a browser the projector redraws every 1 s (st.fragment run_every=1), "
        "so add at most 1 s to that figure"
    )
    ok = (
        counted_right
        and confirmed == count
        and vote_seconds <= 10
        and lag is not None
        and lag + 1 <= 2
    )
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
