"""Shared fixtures: a temp database, a tiny course, AppTest sessions, a real server and browser."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import streamlit as st
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from arrowhead.accounts import User
from arrowhead.store import accounts
from arrowhead.store.database import apply_migrations, open_database

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_page_faults(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """The app turns a page's exception into a plain message; a test must still fail on one."""
    yield
    faults = [r for r in caplog.records if r.name == "arrowhead" and r.levelno >= logging.ERROR]
    assert not faults, faults[0].getMessage() + "\n" + (faults[0].exc_text or "")


@pytest.fixture
def course_root(tmp_path: Path) -> Path:
    """A copy of the tiny test course that a test may edit."""
    root = tmp_path / "course"
    shutil.copytree(DATA / "course", root)
    return root


@pytest.fixture
def roleplay_root(course_root: Path) -> Path:
    """The tiny test course with the test role-play (tests/data/roleplays) added."""
    shutil.copytree(DATA / "roleplays", course_root / "roleplays")
    return course_root


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "progress.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    """A migrated database in a real file."""
    database = open_database(db_path)
    apply_migrations(database)
    yield database
    database.close()


def make_user(
    db: Database,
    username: str = "sam",
    roles: tuple[str, ...] = ("learner",),
    name: str | None = None,
) -> User:
    """An account with the password 'password123'."""
    return accounts.create_user(db, username, name or username.title(), "password123", NOW, roles)


@pytest.fixture
def app_env(
    monkeypatch: pytest.MonkeyPatch, db_path: Path, course_root: Path, db: Database
) -> Database:
    """Point the app at the temp database and course; forget cached settings between tests."""
    monkeypatch.setenv("ARROWHEAD_DB", str(db_path))
    monkeypatch.setenv("ARROWHEAD_CONTENT", str(course_root))
    st.cache_resource.clear()
    st.cache_data.clear()
    return db


def hold_login(at: AppTest, db: Database, user: User) -> None:
    """Sign the AppTest session in as user."""
    token = accounts.start_login(db, user.id, datetime.now(UTC))
    # AppTest sends no cookies or headers: hold the login the way a fresh sign-in does.
    at.session_state["_arrowhead_login"] = (token, None)


def app_for(
    db: Database, user: User | None = None, page: str | None = None, **query: str
) -> AppTest:
    """An AppTest session of the whole app, signed in as user, opened at page with query params."""
    at = AppTest.from_file(str(ROOT / "course_app.py"), default_timeout=30)
    if user is not None:
        hold_login(at, db, user)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
    return at


def texts(at: AppTest) -> str:
    """Every piece of text the page shows, joined, for 'is it on the screen' checks."""
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "error",
        "warning",
        "info",
        "success",
        "code",
    ):
        parts.extend(str(getattr(element, "value", "")) for element in getattr(at, kind))
    return "\n".join(parts)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A real `streamlit run course_app.py` on 127.0.0.1."""

    def __init__(
        self,
        db_path: Path,
        content_root: Path,
        extra: list[str] | None = None,
        env: dict[str, str] | None = None,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_path = db_path
        # env: more variables for the server, e.g. the test clock (ARROWHEAD_TEST_NOW).
        env = {
            **os.environ,
            "ARROWHEAD_DB": str(db_path),
            "ARROWHEAD_CONTENT": str(content_root),
            **(env or {}),
        }
        self.log = open(db_path.with_suffix(".server.log"), "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "course_app.py"),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                *(extra or []),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(
            "streamlit did not start: " + db_path.with_suffix(".server.log").read_text()
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A real server on a fresh database, serving the shipped course."""
    running = Server(tmp_path / "browser.db", ROOT)
    yield running
    running.stop()
