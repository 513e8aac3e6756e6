"""Issue 9, what a review found after the first round: file names, links, audit gaps, editing a
coaching note, stale export files and the roster CSV's assignments."""

from __future__ import annotations

import csv
import io
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner
from conftest import NOW, app_for, make_user, texts
from team_fixtures import build_org, serve_files

from arrowhead import exports
from arrowhead.cli import cli
from arrowhead.store import assignments as assignment_store
from arrowhead.store import audit
from arrowhead.store import notes as note_store
from arrowhead.store import teams as team_store
from arrowhead.store.accounts import find_user
from arrowhead.store.database import open_database
from arrowhead.teams import COMMAND_LINE, TeamError

TEAM = "arrowhead/ui/team_page.py"
LEARNER = "arrowhead/ui/learner_page.py"
INSIGHT = "arrowhead/ui/insight_page.py"
SIGN_IN = "arrowhead/ui/signin_page.py"


@pytest.fixture
def org(app_env, course_root):
    return build_org(app_env, course_root)


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# ---------------------------------------------------------------- My team's files and links


def test_no_team_downloads_are_named_no_team(app_env, org, monkeypatch):
    """Regression: the admin's No team downloads were named all-teams-…."""
    served = serve_files(monkeypatch)
    team_store.set_team(app_env, COMMAND_LINE, org.cleo.id, None, NOW)
    at = app_for(app_env, org.admin, TEAM, team="none")
    at.button(key="team_answers_prepare").click().run()
    assert not at.exception
    names = [served.name(b) for b in at.get("download_button")]
    assert names == ["no-team-roster.csv", "no-team-answers.csv"]
    every = app_for(app_env, org.admin, TEAM, team="all")
    assert served.name(every.get("download_button")[0]) == "all-teams-roster.csv"


def test_the_link_to_scenario_insight_keeps_the_team(app_env, org):
    """Regression: the link from My team to Scenario insight dropped ?team=."""
    at = app_for(app_env, org.admin, TEAM)
    at.selectbox(key="team_pick").select(org.team_b).run()
    link = next(p for p in at.page_link if "Scenario insight" in p.proto.label)
    assert parse_qs(link.proto.query_string) == {"team": [str(org.team_b)]}
    insight = app_for(app_env, org.admin, INSIGHT, team=str(org.team_b))
    assert insight.selectbox(key="insight_team").value == org.team_b


# ---------------------------------------------------------------- the audit log's gaps


def test_users_add_is_in_the_audit_log(tmp_path):
    """Regression: `arrowhead users add` left no row in the audit log."""
    db_path = tmp_path / "cli.db"
    done = CliRunner().invoke(
        cli,
        ["users", "add", "sam", "--name", "Sam Lee", "--password", "password123"]
        + ["--role", "manager", "--role", "learner", "--team", "North", "--db", str(db_path)],
    )
    assert done.exit_code == 0, done.output
    db = open_database(db_path)
    sam = find_user(db, "sam")
    entries = audit.audit_entries(db, COMMAND_LINE, subject_user_id=sam.id)
    assert [(e.actor, e.action, e.detail) for e in reversed(entries)] == [
        ("command line", audit.ACCOUNT_CREATED, "learner, manager"),
        ("command line", audit.TEAM_SET, "no team → North"),
    ]


def test_joining_through_an_invite_is_in_the_audit_log(db, course_root):
    """Regression: joining a team through its invite moved a learner without a log row."""
    org = build_org(db, course_root)
    code = team_store.team_for(db, org.admin, org.team_b).invite_code
    team_store.join_by_invite(db, org.ana.id, code, NOW)
    (entry,) = audit.audit_entries(db, org.admin, actor_id=org.ana.id)
    assert (entry.actor, entry.action, entry.subject_user, entry.subject_team) == (
        "Ana Able",
        audit.JOINED_BY_INVITE,
        "Ana Able",
        "Beta Team",
    )
    assert entry.detail == "Alpha Team → Beta Team"
    # The same code again changes nothing, and logs nothing.
    team_store.join_by_invite(db, org.ana.id, code, NOW)
    assert len(audit.audit_entries(db, org.admin, actor_id=org.ana.id)) == 1


def test_signing_up_through_an_invite_is_in_the_audit_log(app_env, org):
    code = team_store.team_for(app_env, org.admin, org.team_a).invite_code
    at = app_for(app_env, None, join=code)
    at.text_input(key="signup_display_name").input("Nia New")
    at.text_input(key="signup_username").input("nia")
    at.text_input(key="signup_password").input("password123")
    at.text_input(key="signup_confirm").input("password123")
    next(b for b in at.button if b.label == "Create my account").click().run()
    assert not at.exception
    nia = find_user(app_env, "nia")
    (entry,) = audit.audit_entries(app_env, org.admin, subject_user_id=nia.id)
    assert (entry.actor, entry.action, entry.detail) == (
        "Nia New",
        audit.JOINED_BY_INVITE,
        "no team → Alpha Team",
    )


# ---------------------------------------------------------------- editing a coaching note


def test_the_author_edits_their_own_note_and_the_edit_is_logged(db, course_root):
    """Regression: a coaching note could not be edited once saved."""
    org = build_org(db, course_root)
    note_id = note_store.write_note(db, org.manager_a, org.ana.id, "Frist draft.", False, NOW)
    later = NOW + timedelta(hours=2)
    note_store.edit_note(db, org.manager_a, note_id, "First draft, fixed.", True, later)
    (note,) = note_store.notes_on(db, org.manager_a, org.ana.id)
    assert (note.text, note.shared, note.written_at) == (
        "First draft, fixed.",
        True,
        NOW.isoformat(),
    )
    assert note.edited_at == later.isoformat()
    assert [n.text for n in note_store.notes_on(db, org.ana, org.ana.id)] == ["First draft, fixed."]
    edited = audit.audit_entries(db, org.admin, actor_id=org.manager_a.id)[0]
    assert (edited.action, edited.subject_user) == (audit.NOTE_EDITED, "Ana Able")
    assert "fixed" not in edited.detail and "shared with the learner" in edited.detail


def test_nobody_but_the_author_in_scope_edits_a_note(db, course_root):
    org = build_org(db, course_root)
    note_id = note_store.write_note(db, org.manager_a, org.ana.id, "Mine.", False, NOW)
    co_manager = make_user(db, "carl", ("manager",), "Carl Co")
    team_store.set_managed_teams(db, COMMAND_LINE, co_manager.id, [org.team_a])
    for other in (org.admin, co_manager, org.manager_b, org.ana):
        with pytest.raises(TeamError, match="your own notes"):
            note_store.edit_note(db, other, note_id, "Changed.", True, NOW)
    # Ana moves to team B: her old manager's notes are no longer his to change.
    team_store.set_team(db, COMMAND_LINE, org.ana.id, org.team_b, NOW)
    with pytest.raises(TeamError, match="your own notes"):
        note_store.edit_note(db, org.manager_a, note_id, "Changed.", True, NOW)
    with pytest.raises(TeamError, match="your own notes"):
        note_store.edit_note(db, org.manager_a, 9999, "Changed.", True, NOW)
    assert [n.text for n in note_store.notes_on(db, org.admin, org.ana.id)] == ["Mine."]
    assert [e.action for e in audit.audit_entries(db, org.admin)].count(audit.NOTE_EDITED) == 0


def test_a_bad_edit_is_refused_in_plain_words_and_keeps_the_note(db, course_root):
    org = build_org(db, course_root)
    note_id = note_store.write_note(db, org.manager_a, org.ana.id, "Keep me.", False, NOW)
    with pytest.raises(TeamError, match="Write something"):
        note_store.edit_note(db, org.manager_a, note_id, "  ", False, NOW)
    assert note_store.notes_on(db, org.manager_a, org.ana.id)[0].text == "Keep me."


def test_the_learner_page_edits_a_note_and_shows_it_was_edited(app_env, org):
    note_id = note_store.write_note(app_env, org.manager_a, org.ana.id, "Frist.", False, NOW)
    note_store.write_note(app_env, org.admin, org.ana.id, "The admin's.", False, NOW)
    at = app_for(app_env, org.manager_a, LEARNER, learner=str(org.ana.id))
    # Only the manager's own note offers an edit.
    assert at.text_area(key=f"note_edit_text_{note_id}").value == "Frist."
    assert len([t for t in at.text_area if t.key.startswith("note_edit_text_")]) == 1
    at.text_area(key=f"note_edit_text_{note_id}").input("First.")
    at.checkbox(key=f"note_edit_shared_{note_id}").check()
    next(b for b in at.button if b.key == f"note_edit_save_{note_id}").click().run()
    assert not at.exception
    shown = texts(at)
    assert "First." in shown and "Frist." not in shown
    assert any(" · edited " in t.value and "shared" in t.value for t in at.text)
    mine = app_for(app_env, org.ana, LEARNER)
    assert "First." in texts(mine)
    assert any(" · edited " in t.value for t in mine.text)


# ---------------------------------------------------------------- stale export files


def old_folder(root: Path, name: str, age: timedelta) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "answers.csv").write_text("learner\n")
    stamp = time.time() - age.total_seconds()
    os.utime(folder / "answers.csv", (stamp, stamp))
    os.utime(folder, (stamp, stamp))
    return folder


def test_export_files_older_than_a_day_are_swept(tmp_path):
    """Regression: files prepared in sessions that ended stayed in the temp folder for good."""
    old = old_folder(tmp_path, "arrowhead-answers-old", timedelta(days=1, minutes=1))
    fresh = old_folder(tmp_path, "arrowhead-answers-fresh", timedelta(hours=23))
    other = old_folder(tmp_path, "someone-elses", timedelta(days=30))
    swept = exports.sweep_old_exports(datetime.now(UTC), tmp_path)
    assert swept == 1
    assert not old.exists()
    assert fresh.exists() and other.exists()


def test_the_next_export_sweeps_old_files(db, course_root, tmp_path, monkeypatch):
    org = build_org(db, course_root)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    old = old_folder(temp, "arrowhead-answers-left", timedelta(days=2))
    prepared = exports.write_answers_to_temp(db, org.manager_a, org.team_a, {})
    assert not old.exists()
    assert prepared.path.exists() and prepared.path.parent.parent == temp


def test_the_app_sweeps_old_files_at_start_up(app_env, org, tmp_path, monkeypatch):
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    old = old_folder(temp, "arrowhead-answers-left", timedelta(days=2))
    app_for(app_env, org.manager_a, TEAM)
    assert not old.exists()


# ---------------------------------------------------------------- the roster CSV's assignments


def test_the_roster_csv_counts_each_learners_assignments(app_env, org, monkeypatch):
    """Regression: the roster CSV had no assignments column."""
    served = serve_files(monkeypatch)
    today = datetime.now(UTC).date()
    for item, due in (("alpha", 3), ("beta", 5)):
        assignment_store.assign(
            app_env,
            org.manager_a,
            org.course,
            kind="quiz",
            item_id=item,
            due=today + timedelta(days=due),
            now=datetime.now(UTC) - timedelta(days=10),
            team_id=org.team_a,
        )
    assignment_store.assign(
        app_env,
        org.manager_a,
        org.course,
        kind="quiz",
        item_id="beta",
        due=today,
        now=datetime.now(UTC) - timedelta(days=10),
        user_id=org.ben.id,
    )
    at = app_for(app_env, org.manager_a, TEAM)
    rows = {r["learner"]: r for r in rows_of(served.text(at.get("download_button")[0]))}
    counts = {
        name: (r["assignments_overdue"], r["assignments_due"], r["assignments_done"])
        for name, r in rows.items()
    }
    # Ana passed both quizzes; Ben passed neither, with one more of his own; Dan did nothing.
    assert counts == {
        "Ana Able": ("0", "0", "2"),
        "Ben Stuck": ("0", "3", "0"),
        "Dan Idle": ("0", "2", "0"),
    }
