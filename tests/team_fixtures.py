"""A small organisation for team tests: two teams, their managers, learners with answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import NOW, make_user
from sqlite_utils import Database

from arrowhead import journey
from arrowhead.accounts import User
from arrowhead.course import Course, load_course
from arrowhead.store import learning
from arrowhead.store import teams as team_store
from arrowhead.teams import COMMAND_LINE


def take_quiz(
    db: Database, course: Course, user: User, quiz_id: str, options: list[str], when: datetime
) -> int:
    """Answer every scenario of a quiz with the given option ids, in order; the attempt's id."""
    quiz = course.quiz(quiz_id)
    assert quiz is not None
    attempt = learning.start_attempt(db, user.id, quiz.id, when)
    for scenario, option_id in zip(quiz.scenarios, options, strict=True):
        journey.answer_scenario(db, attempt, quiz, scenario.id, option_id, when)
    return attempt.id


@dataclass
class Org:
    """Who is who in the small organisation."""

    course: Course
    admin: User
    manager_a: User
    manager_b: User
    team_a: int
    team_b: int
    ana: User
    """Team A: passed alpha first time, then beta."""
    ben: User
    """Team A: failed alpha twice, never passed: stuck."""
    cleo: User
    """Team B: a learner the manager of team A must never see."""
    dan: User
    """Team A: nothing done: not started."""


def build_org(db: Database, course_root: Path, now: datetime | None = None) -> Org:
    """Two teams with a manager each, three learners in A and one in B, active days before now.

    Pages read the real clock, so by default the history is placed before it.
    """
    now = now or datetime.now(UTC)
    course = load_course(course_root)
    admin = make_user(db, "admin", ("admin", "learner"), "Ada Admin")
    manager_a = make_user(db, "mara", ("manager",), "Mara Manager")
    manager_b = make_user(db, "boris", ("manager",), "Bo Boss")
    team_a = team_store.create_team(db, COMMAND_LINE, "Alpha Team", NOW).id
    team_b = team_store.create_team(db, COMMAND_LINE, "Beta Team", NOW).id
    team_store.set_managed_teams(db, COMMAND_LINE, manager_a.id, [team_a])
    team_store.set_managed_teams(db, COMMAND_LINE, manager_b.id, [team_b])
    ana = make_user(db, "ana", name="Ana Able")
    ben = make_user(db, "ben", name="Ben Stuck")
    cleo = make_user(db, "cleo", name="Cleo Secret")
    dan = make_user(db, "dan", name="Dan Idle")
    for learner, team in ((ana, team_a), (ben, team_a), (cleo, team_b), (dan, team_a)):
        team_store.set_team(db, COMMAND_LINE, learner.id, team, NOW)
    day = timedelta(days=1)
    take_quiz(db, course, ana, "alpha", ["strategic", "escalate"], now - 3 * day)
    take_quiz(db, course, ana, "beta", ["brief"], now - 2 * day)
    take_quiz(db, course, ben, "alpha", ["discount", "wait"], now - 5 * day)
    take_quiz(db, course, ben, "alpha", ["explain-value", "chase"], now - 4 * day)
    take_quiz(db, course, cleo, "alpha", ["discount", "chase"], now - day)
    return Org(course, admin, manager_a, manager_b, team_a, team_b, ana, ben, cleo, dan)


class ServedFiles:
    """What download buttons served during AppTest runs, by the URL the button points at.

    AppTest keeps served files in an in-memory store that it drops after each
    run; this keeps a copy so a test can read the CSV a button would download.
    """

    def __init__(self) -> None:
        self.by_id: dict[str, bytes] = {}
        self.deferred: dict[str, Callable[[], bytes]] = {}
        self.names: dict[str, str | None] = {}

    def text(self, button) -> str:
        """The text behind a download button element (a deferred one's callable runs now)."""
        return self.data(button).decode("utf-8")

    def data(self, button) -> bytes:
        """The bytes behind a download button element (a deferred one's callable runs now)."""
        if button.proto.deferred_file_id:
            return self.deferred[button.proto.deferred_file_id]()
        file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
        return self.by_id[file_id]

    def name(self, button) -> str | None:
        """The file name a download button offers its file under."""
        if button.proto.deferred_file_id:
            return self.names[button.proto.deferred_file_id]
        return self.names[button.proto.url.rsplit("/", 1)[-1].split(".")[0]]


def serve_files(monkeypatch) -> ServedFiles:
    """Keep a copy of every file Streamlit's in-memory media store is given."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    served = ServedFiles()
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        if isinstance(path_or_data, bytes):
            served.by_id[file_id] = path_or_data
        served.names[file_id] = filename
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    from streamlit.runtime.media_file_manager import MediaFileManager

    add_deferred = MediaFileManager.add_deferred

    def keep_deferred(self, data_callable, *args, **kwargs):
        file_id = add_deferred(self, data_callable, *args, **kwargs)
        served.deferred[file_id] = data_callable
        served.names[file_id] = kwargs.get("file_name", args[2] if len(args) > 2 else None)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep_deferred)
    return served


def markdown_table(text: str) -> list[dict[str, str]]:
    """The rows of a table drawn with components.plain_table, by column, as the reader sees them."""
    header, _, *rows = (
        [re.sub(r"\\(.)", r"\1", cell.strip()) for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        for line in text.splitlines()
    )
    return [dict(zip(header, row, strict=True)) for row in rows]
