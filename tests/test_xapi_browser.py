"""A real server with an LRS in its secrets forwards the outbox in the background, through an outage."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from conftest import NOW, ROOT, Server, free_port, make_user
from lrs_support import PASSWORD, USERNAME, Ralph

from arrowhead.course import load_course
from arrowhead.statements import Recorder
from arrowhead.store import learning
from arrowhead.store import xapi as outbox
from arrowhead.store.database import apply_migrations, open_database

pytestmark = pytest.mark.browser


@pytest.fixture
def ralph(tmp_path) -> Iterator[Ralph]:
    lrs = Ralph(tmp_path / "lrs", free_port()).start()
    yield lrs
    lrs.stop()


def read_sections(db, user, sections) -> None:
    recorder = Recorder(load_course(ROOT), "http://localhost:8501")
    module = load_course(ROOT).modules[0]
    for section in sections:
        statements = recorder.section_read(user.id, module.id, section)
        learning.mark_section_read(db, user.id, module.id, section, NOW, statements)


def wait_until_sent(db, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while outbox.count_pending(db) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert outbox.count_pending(db) == 0


def test_the_app_forwards_statements_in_the_background(tmp_path, browser, ralph):
    db_path = tmp_path / "browser.db"
    db = open_database(db_path)
    apply_migrations(db)
    sam = make_user(db, "sam")
    sections = [s.id for s in load_course(ROOT).modules[0].sections]
    read_sections(db, sam, sections[:2])
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        f'[lrs]\nendpoint = "{ralph.endpoint}"\nkey = "{USERNAME}"\n'
        f'secret = "{PASSWORD}"\ninterval = 0.5\n'
    )
    server = Server(db_path, ROOT, ["--secrets.files", str(secrets)])
    page = browser.new_page()
    try:
        page.goto(server.url)  # the first page run starts the forwarder
        page.get_by_role("button", name="Sign in").wait_for()
        wait_until_sent(db)

        ralph.stop()  # an outage: pages go on as before, statements wait
        read_sections(db, sam, sections[2:3])
        started = time.monotonic()
        page.reload()
        page.get_by_role("button", name="Sign in").wait_for()
        assert time.monotonic() - started < 10
        time.sleep(1.5)
        assert outbox.count_pending(db) > 0

        ralph.start()
        wait_until_sent(db)
    finally:
        page.close()
        server.stop()
    ids = [json.loads(text)["id"] for text in outbox.statements_since(db)]
    db.close()
    assert sorted(s["id"] for s in ralph.stored()) == sorted(ids)
    assert "Forwarding xAPI statements failed" in (tmp_path / "browser.server.log").read_text()
