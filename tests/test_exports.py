"""Every answer as a CSV file: the scope it was built for, and streaming with flat memory."""

from __future__ import annotations

import csv
import tracemalloc
from datetime import UTC, datetime

import pytest
from conftest import NOW, ROOT
from team_fixtures import build_org

from arrowhead import exports
from arrowhead.accounts import hash_password
from arrowhead.course import load_course
from arrowhead.demo import demo_learners, demo_staff, team_names
from arrowhead.scoring import best_styles
from arrowhead.store import teams as team_store
from arrowhead.store.demo import write_organisation
from arrowhead.teams import COMMAND_LINE


@pytest.fixture
def org(db, course_root):
    return build_org(db, course_root)


def current(db, viewer, prepared, team_id) -> bool:
    """What the page asks before serving a prepared file."""
    return exports.is_current(prepared, team_id, team_store.answers_scope(db, viewer, team_id))


def usernames(prepared: exports.AnswersFile) -> set[str]:
    with prepared.path.open(encoding="utf-8", newline="") as f:
        return {row["username"] for row in csv.DictReader(f)}


def test_the_file_holds_what_team_answers_gives(db, org):
    prepared = exports.write_answers_to_temp(db, org.manager_a, org.team_a, {})
    with prepared.path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    expected = team_store.team_answers(db, org.manager_a, org.team_a)
    assert prepared.answers == len(rows) == len(expected) == 7
    assert [(r["username"], int(r["attempt_id"]), r["option"]) for r in rows] == [
        (a.username, a.attempt_id, a.option_id) for a in expected
    ]
    assert usernames(prepared) == {"ana", "ben"}
    exports.discard(prepared)
    assert not prepared.path.exists() and not prepared.path.parent.exists()


def move_ben_to_team_b(db, org):
    team_store.set_team(db, COMMAND_LINE, org.ben.id, org.team_b, NOW)


def take_ben_out_of_any_team(db, org):
    team_store.set_team(db, COMMAND_LINE, org.ben.id, None, NOW)


def deactivate_ben(db, org):
    team_store.set_active(db, COMMAND_LINE, org.ben.id, False)


def move_cleo_in(db, org):
    team_store.set_team(db, COMMAND_LINE, org.cleo.id, org.team_a, NOW)


def take_team_a_from_its_manager(db, org):
    team_store.set_managed_teams(db, COMMAND_LINE, org.manager_a.id, [])


@pytest.mark.parametrize(
    "change",
    [
        move_ben_to_team_b,
        take_ben_out_of_any_team,
        deactivate_ben,
        move_cleo_in,
        take_team_a_from_its_manager,
    ],
)
def test_a_scope_change_makes_a_prepared_file_stale(db, org, change):
    """Issue 9, defect 1: a prepared 'every answer' file outlived a scope change.

    It was keyed by team id only, so after an admin moved a learner out (or
    deactivated them) the manager could still download that learner's rows.
    """
    prepared = exports.write_answers_to_temp(db, org.manager_a, org.team_a, {})
    assert current(db, org.manager_a, prepared, org.team_a)
    change(db, org)
    assert not current(db, org.manager_a, prepared, org.team_a)
    with pytest.raises(exports.StaleExport):
        exports.read_if_current(db, org.manager_a, prepared)
    exports.discard(prepared)


def test_answers_and_other_teams_do_not_make_the_file_stale(db, org):
    prepared = exports.write_answers_to_temp(db, org.manager_a, org.team_a, {})
    team_store.set_active(db, COMMAND_LINE, org.cleo.id, False)  # team B: not in this file
    assert current(db, org.manager_a, prepared, org.team_a)
    assert not current(db, org.manager_a, prepared, org.team_b)  # another team
    exports.discard(prepared)


def test_a_deleted_file_is_not_current(db, org):
    prepared = exports.write_answers_to_temp(db, org.manager_a, org.team_a, {})
    exports.discard(prepared)
    assert not current(db, org.manager_a, prepared, org.team_a)


def test_write_answers_never_overwrites(db, org, tmp_path):
    target = tmp_path / "answers.csv"
    target.write_text("keep me")
    with pytest.raises(FileExistsError):
        exports.write_answers(db, COMMAND_LINE, None, {}, target)
    assert target.read_text() == "keep me"


def test_a_formula_in_a_name_is_defused(db, org):
    db.execute("UPDATE users SET display_name = '=HYPERLINK(1)' WHERE id = ?", [org.ana.id])
    db.conn.commit()
    prepared = exports.write_answers_to_temp(db, org.manager_a, org.team_a, {})
    assert "'=HYPERLINK(1)" in prepared.path.read_text(encoding="utf-8")
    exports.discard(prepared)


def test_the_export_streams_with_flat_memory(db, tmp_path):
    """Issue 9, defect 4: every answer for 5,000 learners was built as one 168 MB string.

    Tens of thousands of answers must stream to disk with memory far below the file's size.
    """
    course = load_course(ROOT)
    now = datetime.now(UTC)
    write_organisation(
        db,
        team_names(2),
        demo_staff(2, 1),
        demo_learners(course, 120, 2, 1, now),
        hash_password("arrowhead-demo"),
        now,
    )
    target = tmp_path / "all.csv"
    tracemalloc.start()
    try:
        written = exports.write_answers(db, COMMAND_LINE, None, best_styles(course.quizzes), target)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = target.stat().st_size
    assert written.answers > 20_000
    assert size > 3_000_000
    # Holding the rows or the text would take several times the file's size; a
    # stream holds a chunk of rows (team_store.ANSWER_CHUNK), whatever the total.
    assert peak < 1_500_000, f"peak {peak:,} bytes for a {size:,}-byte file"
