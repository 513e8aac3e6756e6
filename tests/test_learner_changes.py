"""The overview's records brought up to date from the change log, never stale after any write.

After a commit, learner_records reads again only the learners the log names
(store.changes, kept by triggers); these tests compare it, after each kind of
write, with every record read afresh from the tables.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from conftest import NOW, make_user
from team_fixtures import build_org, take_quiz

from arrowhead.store import accounts, changes, learning, snapshots
from arrowhead.store import roleplays as roleplay_store
from arrowhead.store import teams as team_store
from arrowhead.store import trends as trend_store
from arrowhead.store.database import open_database
from arrowhead.store.learning import mark_section_read
from arrowhead.teams import COMMAND_LINE

LATER = NOW + timedelta(hours=1)


def fresh(db, viewer, team_id, course):
    """Every record in the viewer's scope read from the tables, nothing kept."""
    teams = json.dumps(team_store._scope(db, viewer, team_id))
    return team_store._records(db, team_store._SCOPE, {"teams": teams}, course)


@pytest.fixture
def org(db, roleplay_root):
    return build_org(db, roleplay_root, NOW)


def views(org):
    """Every scope the overview is read for: all teams, each team, no team, a manager's."""
    return [
        (org.admin, None),
        (org.admin, org.team_a),
        (org.admin, org.team_b),
        (org.admin, team_store.NO_TEAM),
        (org.manager_a, None),
        (org.manager_b, org.team_b),
    ]


WEEK = NOW - timedelta(days=7)


def check_all(db, org):
    """The overview, the answer count and this week's steps and stuck moments, in every
    scope, as read afresh."""
    for viewer, team_id in views(org):
        where = (viewer.username, team_id)
        assert team_store.learner_records(db, viewer, team_id, org.course) == fresh(
            db, viewer, team_id, org.course
        ), where
        teams = json.dumps(team_store._scope(db, viewer, team_id))
        steps = trend_store._week_steps(db, teams, None, org.course, WEEK)
        assert trend_store.week_steps(db, viewer, team_id, org.course, WEEK) == [
            steps[user_id] for user_id in sorted(steps)
        ], where
        assert team_store.count_team_answers(db, viewer, team_id) == len(
            team_store.team_answers(db, viewer, team_id)
        ), where
        stuck = trend_store._stuck_moments(db, teams, None, org.course, WEEK)
        assert trend_store.stuck_moments(db, viewer, team_id, org.course, WEEK) == [
            moment for user_id in sorted(stuck) for moment in stuck[user_id]
        ], where


def test_every_kind_of_write_shows_in_the_next_overview(db, org):
    """Each write below changes a record (or who is in scope); read after each, the overview
    and this week's summary equal a fresh read in every scope. The first read keeps a base;
    the rest build on it."""
    course = org.course
    check_all(db, org)
    module = course.modules[0]
    roleplay = course.roleplays[0]
    writes = [
        # An answer and a finished attempt: best score, passed, failures, last active;
        # this week's first passes; failures that make a learner stuck.
        lambda: take_quiz(db, course, org.dan, "alpha", ["strategic", "escalate"], LATER),
        lambda: take_quiz(db, course, org.cleo, "alpha", ["discount", "wait"], LATER),
        # A section read: sections read, last active.
        lambda: mark_section_read(db, org.ben.id, module.id, module.sections[0].id, LATER),
        # An attempt started, nothing answered yet: last active.
        lambda: learning.start_attempt(db, org.cleo.id, "beta", LATER),
        # A role-play started: nothing in the record yet; then one played to an ending.
        lambda: roleplay_store.start_run(db, org.cleo.id, roleplay.id, LATER),
        # A role-play played to an ending.
        lambda: play_to_an_end(db, org.ana, roleplay),
        # A team renamed: the team beside each of its learners.
        lambda: team_store.rename_team(db, COMMAND_LINE, org.team_a, "Alpha Squad", LATER),
        # A move between teams, and out of every team.
        lambda: team_store.set_team(db, COMMAND_LINE, org.cleo.id, org.team_a, LATER),
        lambda: team_store.set_team(db, COMMAND_LINE, org.ben.id, None, LATER),
        # Deactivated and back: out of every scope, then in again.
        lambda: team_store.set_active(db, COMMAND_LINE, org.ana.id, False, LATER),
        lambda: team_store.set_active(db, COMMAND_LINE, org.ana.id, True, LATER),
        # A new learner joins a team; a learner in no team stops being a learner.
        lambda: team_store.set_team(
            db, COMMAND_LINE, make_user(db, "eve", name="eve Early").id, org.team_b, LATER
        ),
        lambda: team_store.set_roles(db, COMMAND_LINE, org.ben.id, ["manager"]),
        # A display name changed by another connection (another process, the CLI).
        lambda: rename_elsewhere(db, org.dan.id, "Aaron Dan"),
    ]
    for write in writes:
        write()
        check_all(db, org)
    # What was compared was not empty: Cleo got stuck this week, Dan passed alpha.
    assert [m.user_id for m in trend_store.stuck_moments(db, org.admin, None, course, WEEK)] == [
        org.cleo.id
    ]
    assert org.dan.id in {
        s.user_id for s in trend_store.week_steps(db, org.admin, None, course, WEEK)
    }


def play_to_an_end(db, user, roleplay):
    run = roleplay_store.start_run(db, user.id, roleplay.id, LATER)
    for position, option_id in enumerate(["send-brochure", "hold-price"]):
        run = roleplay_store.record_choice(db, run, roleplay, position, option_id, LATER).run
    assert run.finished


def rename_elsewhere(db, user_id, name):
    other = open_database(db.execute("PRAGMA database_list").fetchone()[2])
    with other.conn:
        other.execute("UPDATE users SET display_name = ? WHERE id = ?", [name, user_id])
    other.close()


def test_only_the_learners_a_change_names_are_read_again(db, org, monkeypatch):
    """After an answer by one learner, the overview of all teams reads that learner alone."""
    team_store.learner_records(db, org.admin, None, org.course)
    asked = []
    records = team_store._records

    def counting(db, scope, params, course):
        asked.append(json.loads(params["some"]) if "some" in params else None)
        return records(db, scope, params, course)

    monkeypatch.setattr(team_store, "_records", counting)
    take_quiz(db, org.course, org.dan, "beta", ["brief"], LATER)
    team_store.learner_records(db, org.admin, None, org.course)
    assert asked == [[org.dan.id]]
    # Nothing committed since: nothing read at all.
    team_store.learner_records(db, org.admin, None, org.course)
    assert asked == [[org.dan.id]]


def test_a_log_that_went_backwards_reads_everyone_again(db, org):
    """A file put back from a copy has an older log: nothing kept is trusted against it."""
    team_store.learner_records(db, org.admin, None, org.course)
    seen = changes.latest(db)
    with db.conn:
        # As an older copy would be: its log ends before what was seen, and it differs.
        db.execute("DELETE FROM learner_changes")
        db.execute("UPDATE users SET display_name = 'Zed Zero' WHERE id = ?", [org.ana.id])
    assert changes.latest(db) < seen
    records = team_store.learner_records(db, org.admin, None, org.course)
    assert records == fresh(db, org.admin, None, org.course)
    assert records[-1].display_name == "Zed Zero"


def test_the_order_is_sqlites_nocase_order_whatever_the_letters(db, org):
    """Records brought up to date are sorted in Python as SQLite sorts them: ASCII letters
    folded, everything else by code point, ties by id."""
    team_store.learner_records(db, org.admin, None, org.course)
    for username, name in [
        ("zoe", "zoë"),
        ("omar", "Ömer"),
        ("ali", "علی"),
        ("ann", "ann"),
        ("ann2", "Ann"),
        ("bob", "_bob"),
    ]:
        team_store.set_team(
            db, COMMAND_LINE, make_user(db, username, name=name).id, org.team_a, LATER
        )
    assert team_store.learner_records(db, org.admin, None, org.course) == fresh(
        db, org.admin, None, org.course
    )


def test_the_log_names_each_learner_once_with_their_latest_change(db, org):
    before = changes.latest(db)
    take_quiz(db, org.course, org.dan, "beta", ["brief"], LATER)
    accounts.set_user_active(db, org.cleo.id, False)
    assert sorted(changes.changed_since(db, before)) == sorted([org.dan.id, org.cleo.id])
    assert changes.latest(db) > before
    assert db.execute("SELECT count(*) FROM learner_changes").fetchone()[0] == len(
        {r[0] for r in db.execute("SELECT user_id FROM learner_changes")}
    )


def test_a_database_in_memory_keeps_nothing(org):
    """Without a file there is no one to share with: computed afresh each time."""
    from sqlite_utils import Database

    calls = []
    memory = Database(memory=True)
    for _ in range(2):
        snapshots.by_learner(memory, "k", lambda some: calls.append(some) or {})
    assert calls == [None, None]


def test_a_demo_rebuild_logs_its_learners_once_and_the_overview_follows(tmp_path):
    """The demo writes a million rows with the triggers stood aside (changes.bulk) and logs
    its learners at the end: a kept overview follows a rebuild, and no marker is left."""
    from pathlib import Path

    from click.testing import CliRunner

    from arrowhead.cli import cli
    from arrowhead.course import load_course
    from arrowhead.demo import DEMO_PASSWORD

    root = Path(__file__).resolve().parent.parent
    db_path = tmp_path / "demo.db"

    def build(learners: str, seed: str) -> None:
        result = CliRunner().invoke(
            cli,
            ["demo", "--db", str(db_path), "--root", str(root)]
            + ["--learners", learners, "--teams", "2", "--seed", seed],
        )
        assert result.exit_code == 0, result.output

    build("20", "1")
    db = open_database(db_path)
    course = load_course(root)
    admin = accounts.sign_in(db, "demo.admin", DEMO_PASSWORD, NOW)
    first = team_store.learner_records(db, admin, None, course)
    assert first == fresh(db, admin, None, course) and len(first) == 20
    demo_ids = {r[0] for r in db.execute("SELECT user_id FROM demo_accounts")}
    assert demo_ids <= {r[0] for r in db.execute("SELECT user_id FROM learner_changes")}
    build("12", "2")  # replaces the demo: 20 learners gone, 12 new ones
    admin = accounts.sign_in(db, "demo.admin", DEMO_PASSWORD, NOW)
    again = team_store.learner_records(db, admin, None, course)
    assert again == fresh(db, admin, None, course) and len(again) == 12
    assert db.execute("SELECT count(*) FROM learner_changes_bulk").fetchone()[0] == 0
    # And the triggers work again after it: an answer shows at once.
    learner = accounts.get_user(db, again[0].user_id)
    with db.conn:
        db.execute("UPDATE users SET display_name = 'Zoe Last' WHERE id = ?", [learner.id])
    assert team_store.learner_records(db, admin, None, course)[-1].display_name == "Zoe Last"
    db.close()
