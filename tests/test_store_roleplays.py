"""Role-play runs on a real file: each choice stored as made, no doubles, scope-checked reads."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from conftest import NOW, make_user
from team_fixtures import build_org

from arrowhead.course import load_course
from arrowhead.store import roleplays as store
from arrowhead.store import teams as team_store
from arrowhead.store.database import apply_migrations, open_database
from arrowhead.teams import COMMAND_LINE

LATER = NOW + timedelta(minutes=1)


@pytest.fixture
def course(roleplay_root):
    return load_course(roleplay_root)


@pytest.fixture
def roleplay(course):
    return course.roleplay("first-call")


def play(db, user, roleplay, choices, when=NOW):
    """A new run with the given choices, in order; the run as it stands after them."""
    run = store.start_run(db, user.id, roleplay.id, when)
    for position, option_id in enumerate(choices):
        run = store.record_choice(db, run, roleplay, position, option_id, when).run
    return run


def test_migrations_apply_twice_without_change(db):
    apply_migrations(db)
    assert {"roleplay_runs", "roleplay_choices"} <= set(db.table_names())


def test_a_double_click_on_start_makes_one_run(db, roleplay):
    sam = make_user(db)
    first = store.start_run(db, sam.id, roleplay.id, NOW)
    again = store.start_run(db, sam.id, roleplay.id, LATER)
    assert first == again
    assert not first.finished and first.source == "self"


def test_each_choice_is_stored_the_moment_it_is_made_with_its_points_and_style(
    db_path, db, roleplay
):
    sam = make_user(db)
    run = store.start_run(db, sam.id, roleplay.id, NOW)
    recorded = store.record_choice(db, run, roleplay, 0, "send-brochure", NOW)
    assert not recorded.already and not recorded.run.finished
    # A second connection (another process, or the app after a crash) sees it at once.
    other = open_database(db_path)
    assert store.choices_in(other, run.id) == [
        store.StoredChoice(
            0,
            "opening",
            "send-brochure",
            3,
            10,
            "traditional",
            "critical-thinking",
            "2026-11-02T09:30:00+00:00",
        )
    ]
    other.close()


def test_a_run_finishes_at_an_ending_with_its_score(db, roleplay):
    sam = make_user(db)
    run = play(db, sam, roleplay, ["send-brochure", "hold-price"])
    assert run.finished and (run.ending_id, run.score) == ("small-order", 60)
    assert store.open_run(db, sam.id, roleplay.id) is None
    assert store.latest_run(db, sam.id, roleplay.id) == run
    assert store.finished_roleplays(db, sam.id) == {"first-call"}
    # Play again: a new run, the finished one kept.
    again = store.start_run(db, sam.id, roleplay.id, LATER)
    assert again.id != run.id and not again.finished
    assert [r.id for r in store.runs_of(db, sam.id, roleplay.id)] == [run.id, again.id]


def test_first_finished_gives_when_each_role_play_was_first_played_to_an_ending(db, roleplay):
    sam = make_user(db)
    assert store.first_finished(db, sam.id) == {}
    run = play(db, sam, roleplay, ["ask-goals"], NOW)
    assert store.first_finished(db, sam.id) == {}  # not finished yet
    store.record_choice(db, run, roleplay, 1, "quote-price", NOW)
    store.record_choice(db, run, roleplay, 2, "hold-price", LATER)  # an ending
    play(db, sam, roleplay, ["offer-discount"], LATER + timedelta(days=1))
    assert store.first_finished(db, sam.id) == {"first-call": "2026-11-02T09:31:00+00:00"}


def test_a_stale_tab_gets_the_stored_choice_back_and_never_a_second_row(db, roleplay):
    sam = make_user(db)
    run = store.start_run(db, sam.id, roleplay.id, NOW)
    store.record_choice(db, run, roleplay, 0, "ask-goals", NOW)
    stale = store.record_choice(db, run, roleplay, 0, "offer-discount", LATER)
    assert stale.already and stale.choice.option_id == "ask-goals"
    assert not stale.run.finished  # the stale tab's choice would have ended it: it did not
    assert [c.option_id for c in store.choices_in(db, run.id)] == ["ask-goals"]


def test_a_stale_tab_on_a_finished_run_changes_nothing(db, roleplay):
    sam = make_user(db)
    run = play(db, sam, roleplay, ["offer-discount"])
    stale = store.record_choice(db, run, roleplay, 0, "ask-goals", LATER)
    assert stale.already and stale.choice.option_id == "offer-discount"
    with pytest.raises(store.RunError, match="moved on in another tab"):
        store.record_choice(db, run, roleplay, 1, "ask-goals", LATER)
    assert store.latest_run(db, sam.id, roleplay.id).ending_id == "lost"


def test_a_choice_for_a_later_position_than_the_run_has_reached_is_refused(db, roleplay):
    sam = make_user(db)
    run = store.start_run(db, sam.id, roleplay.id, NOW)
    with pytest.raises(store.RunError, match="moved on in another tab"):
        store.record_choice(db, run, roleplay, 1, "propose-pilot", NOW)
    assert store.choices_in(db, run.id) == []


def test_an_option_of_another_step_is_refused(db, roleplay):
    sam = make_user(db)
    run = store.start_run(db, sam.id, roleplay.id, NOW)
    with pytest.raises(store.RunError, match="not one of the options at this step"):
        store.record_choice(db, run, roleplay, 0, "propose-pilot", NOW)
    assert store.choices_in(db, run.id) == []


def test_someone_elses_run_cannot_take_a_choice(db, roleplay):
    sam, eve = make_user(db), make_user(db, "eve")
    run = store.start_run(db, sam.id, roleplay.id, NOW)
    forged = store.Run(run.id, eve.id, run.roleplay_id, "self", run.started_at, None, None, None)
    with pytest.raises(store.RunError, match="not yours"):
        store.record_choice(db, forged, roleplay, 0, "ask-goals", NOW)
    assert store.own_run(db, run.id, eve.id) is None
    assert store.own_run(db, run.id, sam.id) == run


def test_a_changed_role_play_gives_a_plain_sentence(db, roleplay, roleplay_root):
    sam = make_user(db)
    run = play(db, sam, roleplay, ["ask-goals"])
    path = roleplay_root / roleplay.path
    path.write_text(path.read_text().replace('"ask-goals"', '"ask-aims"'))
    changed = load_course(roleplay_root).roleplay("first-call")
    with pytest.raises(store.RunError, match="has changed since this run began"):
        store.record_choice(db, run, changed, 1, "propose-pilot", NOW)
    with pytest.raises(store.RunError, match="has changed since this run began"):
        store.position_of(changed, store.choices_in(db, run.id))


def test_two_tabs_choosing_at_once_store_one_choice(db_path, db, roleplay):
    """Two connections race for the same position: one choice is stored, both see it."""
    sam = make_user(db)
    run = store.start_run(db, sam.id, roleplay.id, NOW)
    results: list[store.Recorded] = []

    def choose(option_id: str) -> None:
        own = open_database(db_path)
        results.append(store.record_choice(own, run, roleplay, 0, option_id, NOW))
        own.close()

    threads = [threading.Thread(target=choose, args=(o,)) for o in ("ask-goals", "send-brochure")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = store.choices_in(db, run.id)
    assert len(stored) == 1
    assert sorted(r.already for r in results) == [False, True]
    assert {r.choice.option_id for r in results} == {stored[0].option_id}


# ---------------------------------------------------------------- managers' reads


@pytest.fixture
def org(db, roleplay_root):
    return build_org(db, roleplay_root, NOW)


def test_a_manager_reads_runs_of_their_team_only(db, org, roleplay):
    ana_run = play(db, org.ana, roleplay, ["offer-discount"])
    cleo_run = play(db, org.cleo, roleplay, ["ask-goals"])
    assert store.runs_for(db, org.manager_a, org.ana.id) == [ana_run]
    assert store.runs_for(db, org.manager_a, org.cleo.id) == []
    assert store.runs_for(db, org.manager_b, org.cleo.id) == [cleo_run]
    assert store.runs_for(db, org.admin, org.cleo.id) == [cleo_run]
    assert store.runs_for(db, org.ana, org.ana.id) == [ana_run]
    assert store.runs_for(db, org.ana, org.ben.id) == []
    assert [c.option_id for c in store.visible_choices(db, org.manager_a, ana_run.id)] == [
        "offer-discount"
    ]
    assert store.visible_choices(db, org.manager_a, cleo_run.id) == []
    assert store.visible_choices(db, org.ben, ana_run.id) == []
    assert store.visible_choices(db, org.manager_a, 9999) == []


def test_the_ending_spread_counts_finished_runs_in_scope(db, org, roleplay):
    play(db, org.ana, roleplay, ["offer-discount"])
    play(db, org.ana, roleplay, ["ask-goals", "propose-pilot", "meet-director"])
    play(db, org.ben, roleplay, ["send-brochure", "cut-price"])
    play(db, org.dan, roleplay, ["ask-goals"])  # not finished: not counted
    play(db, org.cleo, roleplay, ["send-brochure", "hold-price"])  # team B
    assert store.ending_spread(db, org.manager_a, org.team_a, "first-call") == {
        "lost": 2,
        "signed": 1,
    }
    assert store.ending_spread(db, org.manager_a, None, "first-call") == {"lost": 2, "signed": 1}
    # Another manager's team gives nothing back; an admin sees every team.
    assert store.ending_spread(db, org.manager_a, org.team_b, "first-call") == {}
    assert store.ending_spread(db, org.admin, None, "first-call") == {
        "lost": 2,
        "signed": 1,
        "small-order": 1,
    }
    # Learners in no team are an admin's to see, and nobody else's.
    loner = make_user(db, "lou")
    play(db, loner, roleplay, ["offer-discount"])
    assert store.ending_spread(db, org.admin, team_store.NO_TEAM, "first-call") == {"lost": 1}
    assert store.ending_spread(db, org.manager_a, team_store.NO_TEAM, "first-call") == {}
    # A learner who leaves the team leaves its spread.
    team_store.set_team(db, COMMAND_LINE, org.ben.id, org.team_b, LATER)
    assert store.ending_spread(db, org.manager_a, org.team_a, "first-call") == {
        "lost": 1,
        "signed": 1,
    }


def test_a_new_demo_run_removes_the_demo_learners_role_play_runs(tmp_path, roleplay):
    """Bug: a demo learner's run referenced the user, so replacing the demo failed on it."""
    from pathlib import Path

    from click.testing import CliRunner

    from arrowhead.cli import cli

    root = Path(__file__).resolve().parent.parent
    db_path = tmp_path / "demo.db"

    def demo():
        args = ["demo", "--db", str(db_path), "--root", str(root), "--learners", "6"]
        return CliRunner().invoke(cli, [*args, "--teams", "1", "--seed", "3"])

    assert demo().exit_code == 0
    db = open_database(db_path)
    learner_id = db.execute("SELECT min(user_id) FROM demo_accounts").fetchone()[0]
    run = store.start_run(db, learner_id, roleplay.id, NOW)
    store.record_choice(db, run, roleplay, 0, "ask-goals", NOW)
    result = demo()
    assert result.exit_code == 0, result.output
    # The new demo's own learners play the shipped role-plays; the run made here is gone.
    assert (
        db.execute(
            "SELECT count(*) FROM roleplay_runs WHERE roleplay_id = ?", [roleplay.id]
        ).fetchone()[0]
        == 0
    )
    assert (
        db.execute(
            "SELECT count(*) FROM roleplay_choices WHERE run_id NOT IN (SELECT id FROM roleplay_runs)"
        ).fetchone()[0]
        == 0
    )
    db.close()
