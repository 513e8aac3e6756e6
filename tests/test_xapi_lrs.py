"""Pushing the xAPI outbox to a real LRS (ralph, started here on 127.0.0.1), outages included,
and the `arrowhead xapi` commands."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from conftest import NOW, free_port, make_user
from lrs_support import PASSWORD, USERNAME, Ralph

from arrowhead import journey
from arrowhead.cli import cli
from arrowhead.course import load_course
from arrowhead.lrs import Forwarder, LrsConfig, Refused, Unavailable, push
from arrowhead.statements import Recorder
from arrowhead.store import learning
from arrowhead.store import roleplays as roleplay_store
from arrowhead.store import xapi as outbox


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Ralph]:
    # One LRS for the module (it takes seconds to start); each test's server home page
    # differs, so its statement ids are its own.
    lrs = Ralph(tmp_path_factory.mktemp("lrs"), free_port()).start()
    yield lrs
    lrs.stop()


@pytest.fixture
def ralph(server) -> Iterator[Ralph]:
    yield server
    if server.process is None:
        server.start()  # a test that ended in an outage leaves the LRS up for the next


@pytest.fixture
def home() -> str:
    return f"https://arrowhead-{uuid.uuid4().hex[:8]}.example.com"


@pytest.fixture
def config(ralph) -> LrsConfig:
    return LrsConfig(ralph.endpoint, USERNAME, PASSWORD, batch_size=3)


@pytest.fixture
def events(db, course_root, home) -> list[str]:
    """Three learners read both sections of alpha and take its quiz: the outbox's statement ids."""
    course = load_course(course_root)
    recorder = Recorder(course, home)
    quiz = course.quiz("alpha")
    for number in range(3):
        user = make_user(db, f"learner{number:02}")
        for section in ("first-steps", "second-steps"):
            statements = recorder.section_read(user.id, "alpha", section)
            learning.mark_section_read(db, user.id, "alpha", section, NOW, statements)
        attempt = learning.start_attempt(db, user.id, "alpha", NOW)
        for scenario_id, option_id in (("alpha-one", "strategic"), ("alpha-two", "wait")):
            journey.answer_scenario(db, attempt, quiz, scenario_id, option_id, NOW, recorder)
    return [json.loads(text)["id"] for text in outbox.statements_since(db)]


def arrived(ralph: Ralph, ids: list[str]) -> Counter:
    """How many times ralph stored each of these statement ids."""
    wanted = set(ids)
    return Counter(s["id"] for s in ralph.stored() if s["id"] in wanted)


def test_push_sends_every_statement_once_and_marks_it_sent(db, events, ralph, config):
    assert len(events) > 5 * config.batch_size  # several batches
    result = push(db, config)
    assert (result.sent, result.left) == (len(events), 0)
    assert arrived(ralph, events) == Counter(events)
    assert outbox.count_pending(db) == 0
    assert push(db, config).sent == 0  # nothing left, nothing sent again


def test_a_roleplay_runs_statements_reach_the_lrs(db, roleplay_root, home, ralph, config):
    """Steps chosen, the ending and the module's progress, as the LRS itself accepts them."""
    course = load_course(roleplay_root)
    roleplay = course.roleplay("first-call")
    recorder = Recorder(course, home)
    sam = make_user(db)
    run = roleplay_store.start_run(db, sam.id, roleplay.id, NOW)
    for position, option_id in enumerate(["send-brochure", "ask-why", "meet-director"]):
        statements = recorder.roleplay_choice(run, roleplay, position)
        roleplay_store.record_choice(db, run, roleplay, position, option_id, NOW, statements)
    ids = [json.loads(text)["id"] for text in outbox.statements_since(db)]
    assert len(ids) == 5  # three moves, the ending, the module's progress
    assert push(db, config).sent == 5
    assert arrived(ralph, ids) == Counter(ids)


def test_an_outage_in_the_middle_of_a_push_loses_and_doubles_nothing(db, events, ralph, config):
    batches = []

    def lrs_goes_down_after_two_batches(sent: int) -> None:
        batches.append(sent)
        if len(batches) == 2:
            ralph.stop()

    waits: list[float] = []
    with pytest.raises(Unavailable):
        push(db, config, retries=3, sleep=waits.append, on_batch=lrs_goes_down_after_two_batches)
    assert waits == [1.0, 2.0, 4.0]  # backoff, then it gives up
    left = outbox.count_pending(db)
    assert left == len(events) - 2 * config.batch_size
    assert sum(arrived(ralph, events).values()) == 2 * config.batch_size

    ralph.start()  # the LRS is back: the next push sends what is left
    assert push(db, config).sent == left
    assert arrived(ralph, events) == Counter(events)


def test_a_short_outage_is_waited_out_within_one_push(db, events, ralph, config):
    ralph.stop()
    waits: list[float] = []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            ralph.start()

    result = push(db, config, retries=5, sleep=wait)
    assert waits == [1.0, 2.0]
    assert result.left == 0
    assert arrived(ralph, events) == Counter(events)


def test_a_crash_after_the_lrs_accepted_doubles_nothing(db, events, ralph, config):
    """The LRS stored a batch but the push died before marking it sent: it goes again, and the
    LRS keeps one copy of each."""
    push(db, config)
    db.execute("UPDATE xapi_outbox SET sent_at = NULL")
    db.conn.commit()
    assert push(db, config).sent == len(events)
    assert arrived(ralph, events) == Counter(events)


def test_a_conflict_over_a_stored_id_counts_as_accepted(db, events, ralph, config):
    """An LRS answers 409 Conflict to an id it holds with other content: already stored, so sent."""
    push(db, config)
    changed = db.execute("SELECT id, statement FROM xapi_outbox ORDER BY seq LIMIT 1").fetchone()
    statement = json.loads(changed[1])
    statement["verb"]["display"]["en-US"] = "experienced it"
    db.execute(
        "UPDATE xapi_outbox SET statement = ?, sent_at = NULL WHERE id = ?",
        [json.dumps(statement), changed[0]],
    )
    db.conn.commit()
    assert push(db, config).left == 0
    assert arrived(ralph, events) == Counter(events)


def test_wrong_credentials_are_refused_and_nothing_is_marked_sent(db, events, ralph):
    config = LrsConfig(ralph.endpoint, USERNAME, "wrong-secret")
    with pytest.raises(Refused, match="refused the credentials"):
        push(db, config)
    assert outbox.count_pending(db) == len(events)
    assert not arrived(ralph, events)


def test_the_forwarder_sends_in_the_background_through_an_outage(
    db, db_path, events, ralph, config, home
):
    forwarder = Forwarder(db_path, config, interval=0.2, max_wait=0.5).start()
    try:
        deadline = time.monotonic() + 30
        while outbox.count_pending(db) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert outbox.count_pending(db) == 0
        ralph.stop()
        extra = make_user(db, "late")
        recorder = Recorder(load_course(db_path.parent / "course"), home)
        statements = recorder.section_read(extra.id, "alpha", "first-steps")
        learning.mark_section_read(db, extra.id, "alpha", "first-steps", NOW, statements)
        time.sleep(1.0)  # the forwarder fails and waits, and nothing is lost
        assert outbox.count_pending(db) == 2
        ralph.start()
        deadline = time.monotonic() + 30
        while outbox.count_pending(db) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert forwarder.thread.is_alive()
    finally:
        forwarder.stop()
    everything = [json.loads(text)["id"] for text in outbox.statements_since(db)]
    assert arrived(ralph, everything) == Counter(everything)


# Headers, seen by a plain HTTP server ----------------------------------------------


class _Recording(BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers["Content-Length"]))
        _Recording.seen.append(dict(self.headers))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"[]")

    def log_message(self, *args) -> None:
        pass


def test_push_sends_the_xapi_version_header_and_the_credentials(db, events):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recording)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/xapi/"
        push(db, LrsConfig(endpoint, "key", "secret", batch_size=1000))
    finally:
        server.shutdown()
        server.server_close()
    [headers] = _Recording.seen
    assert headers["X-Experience-API-Version"] == "1.0.3"
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"key:secret").decode()


# The commands ----------------------------------------------------------------------


def test_xapi_push_command_takes_credentials_from_the_environment(db_path, events, ralph):
    result = CliRunner().invoke(
        cli,
        ["xapi", "push", "--endpoint", ralph.endpoint, "--db", str(db_path), "--batch-size", "7"],
        env={"ARROWHEAD_LRS_KEY": USERNAME, "ARROWHEAD_LRS_SECRET": PASSWORD},
    )
    assert result.exit_code == 0, result.output
    assert f"Sent {len(events)} statements; 0 left." in result.output
    assert arrived(ralph, events) == Counter(events)


def test_xapi_push_command_says_in_one_line_what_is_left_when_the_lrs_is_down(db_path, events):
    endpoint = f"http://127.0.0.1:{free_port()}/xAPI"  # nothing listens there
    result = CliRunner().invoke(
        cli, ["xapi", "push", "--endpoint", endpoint, "--db", str(db_path), "--retries", "0"]
    )
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: Could not reach the LRS")
    assert f"{len(events)} left in the outbox" in last


def test_xapi_export_writes_json_lines_since_a_date(
    db, db_path, events, course_root, tmp_path, home
):
    later = make_user(db, "later")
    recorder = Recorder(load_course(course_root), home)
    when = NOW.replace(day=20)
    statements = recorder.section_read(later.id, "alpha", "first-steps")
    learning.mark_section_read(db, later.id, "alpha", "first-steps", when, statements)
    everything = CliRunner().invoke(cli, ["xapi", "export", "--db", str(db_path)])
    assert everything.exit_code == 0, everything.output
    lines = [json.loads(line) for line in everything.stdout.splitlines()]
    assert [s["id"] for s in lines] == [*events, *(s["id"] for s in lines[len(events) :])]
    assert len(lines) == len(events) + 2
    out = tmp_path / "since.jsonl"
    since = CliRunner().invoke(
        cli, ["xapi", "export", "--since", "2026-11-10", "--out", str(out), "--db", str(db_path)]
    )
    assert since.exit_code == 0, since.output
    recent = [json.loads(line) for line in out.read_text().splitlines()]
    assert [s["actor"]["account"]["name"] for s in recent] == [str(later.id)] * 2
    assert all(s["timestamp"] >= "2026-11-10" for s in recent)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "last week"], "is not a date"),
        (["--out", "{existing}"], "already exists"),
    ],
)
def test_xapi_export_refuses_bad_input_in_one_line(db_path, events, tmp_path, args, message):
    existing = tmp_path / "taken.jsonl"
    existing.write_text("keep me")
    args = [a.replace("{existing}", str(existing)) for a in args]
    result = CliRunner().invoke(cli, ["xapi", "export", *args, "--db", str(db_path)])
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error:") and message in result.output
    assert existing.read_text() == "keep me"
