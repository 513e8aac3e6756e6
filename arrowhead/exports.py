"""Every answer as a CSV file, streamed from the database to disk: for My team and the shell.

A million answers make a 170 MB file: built as one string it held the server's
memory for good. Here rows go from an SQLite cursor, a chunk at a time, straight
into a file, so memory stays flat whatever the size.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from arrowhead.store import teams as team_store
from arrowhead.store.teams import Actor, AnswerRow
from arrowhead.teams import write_csv

ANSWER_HEADER = (
    "learner",
    "username",
    "team",
    "source",
    "attempt_id",
    "quiz",
    "scenario",
    "option",
    "points",
    "max_points",
    "style",
    "behaviour",
    "best_move_style",
    "answered_at",
)

ANSWERS_PER_SECOND = 40_000
"""A cautious build rate for the estimate: bench/bench_export.py measured about 58,000 a second
at 100,000 answers on two cores shared with other work; a busy server gives less."""

PAGE_LIMIT = 200_000
"""More answers than this (about 35 MB of CSV) are offered from the command line, not the page:
at the click Streamlit reads the whole file into the server's memory to send it."""

PROGRESS_EVERY = 5_000
"""Rows between progress reports."""

TEMP_PREFIX = "arrowhead-answers-"
"""The name every prepared file's temporary folder starts with."""
KEEP_TEMP_FOR = timedelta(days=1)
"""A prepared file older than this belongs to a session that has ended: it is swept away.
A session that keeps a file offered for longer is told to prepare it again."""


@dataclass(frozen=True)
class AnswersFile:
    """A prepared 'every answer' file on disk, and the scope it was built for."""

    path: Path
    team_id: int | None
    """The team it covers; None for every team in the viewer's scope."""
    scope: str
    """team_store.answers_scope when it was built: a different one now means it must not be served."""
    answers: int


def seconds_for(answers: int) -> int:
    """Roughly how many seconds building a file of this many answers takes (at least 1)."""
    return max(1, math.ceil(answers / ANSWERS_PER_SECOND))


def answer_cells(answer: AnswerRow, bests: Mapping[str, str]) -> list[object]:
    """One answer as the CSV's cells, in ANSWER_HEADER's order."""
    return [
        answer.display_name,
        answer.username,
        answer.team,
        answer.source,
        answer.attempt_id,
        answer.quiz_id,
        answer.scenario_id,
        answer.option_id,
        answer.points,
        answer.max_points,
        answer.style,
        answer.behaviour,
        answer.best_style or bests.get(answer.scenario_id),
        answer.answered_at,
    ]


def write_answers(
    db: Database,
    viewer: Actor,
    team_id: int | None,
    bests: Mapping[str, str],
    path: Path,
    on_progress: Callable[[int], None] | None = None,
) -> AnswersFile:
    """Stream every answer in the viewer's scope into a new CSV file at path; what was written.

    Refuses to overwrite (FileExistsError). The scope is read before the rows: a
    change while they stream makes the fingerprint stale, so the file is dropped, never
    served with rows of someone who left.
    """
    scope = team_store.answers_scope(db, viewer, team_id)

    def rows():
        for done, answer in enumerate(team_store.stream_team_answers(db, viewer, team_id), 1):
            if on_progress is not None and done % PROGRESS_EVERY == 0:
                on_progress(done)
            yield answer_cells(answer, bests)

    with path.open("x", encoding="utf-8", newline="") as out:
        written = write_csv(out, ANSWER_HEADER, rows())
    return AnswersFile(path=path, team_id=team_id, scope=scope, answers=written)


def write_answers_to_temp(
    db: Database,
    viewer: Actor,
    team_id: int | None,
    bests: Mapping[str, str],
    on_progress: Callable[[int], None] | None = None,
) -> AnswersFile:
    """write_answers into a new temporary folder; the caller deletes it with discard().

    Files that sessions which ended never discarded are swept first.
    """
    sweep_old_exports(datetime.now().astimezone())
    path = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX)) / "answers.csv"
    try:
        return write_answers(db, viewer, team_id, bests, path, on_progress)
    except BaseException:
        _remove(path)
        raise


def is_current(prepared: AnswersFile, team_id: int | None, scope: str) -> bool:
    """Whether a prepared file may still be served: same team, same scope now, still on disk."""
    return prepared.team_id == team_id and prepared.scope == scope and prepared.path.exists()


class StaleExport(Exception):
    """A prepared file no longer matches whom the viewer may see: it must not be served."""


def read_if_current(db: Database, viewer: Actor, prepared: AnswersFile) -> bytes:
    """The prepared file's bytes, checked against the scope at this moment; else StaleExport."""
    scope = team_store.answers_scope(db, viewer, prepared.team_id)
    if not is_current(prepared, prepared.team_id, scope):
        raise StaleExport("Who is in this team has changed: prepare the file again.")
    return prepared.path.read_bytes()


def discard(prepared: AnswersFile) -> None:
    """Delete a file made by write_answers_to_temp, and its temporary folder."""
    _remove(prepared.path)


def sweep_old_exports(now: datetime, folder: Path | None = None) -> int:
    """Delete prepared files older than KEEP_TEMP_FOR from the temp folder; how many went.

    A session that ends (a closed tab, a restart) never calls discard(): without a
    sweep, every file prepared there would stay on the server's disk for good.
    """
    root = Path(folder or tempfile.gettempdir())
    cutoff = (now - KEEP_TEMP_FOR).timestamp()
    swept = 0
    for candidate in root.glob(TEMP_PREFIX + "*"):
        try:
            # A folder's own time changes when its file is made; the file's when it is written.
            newest = max(
                [candidate.stat().st_mtime] + [f.stat().st_mtime for f in candidate.iterdir()]
            )
        except OSError:
            continue  # gone already, or not ours to read
        if candidate.is_dir() and newest < cutoff:
            shutil.rmtree(candidate, ignore_errors=True)
            swept += 1
    return swept


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    try:
        os.rmdir(path.parent)  # the folder mkdtemp made for this one file
    except OSError:
        pass  # already gone
