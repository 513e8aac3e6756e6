"""`arrowhead demo`: a synthetic organisation, the same for the same seed, never over real users."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from arrowhead.cli import cli
from arrowhead.course import load_course
from arrowhead.demo import DEMO_PASSWORD, demo_learners
from arrowhead.scoring import Choice, best_styles, build_profile
from arrowhead.store import accounts
from arrowhead.store import teams as team_store
from arrowhead.store.database import open_database
from arrowhead.teams import STATUSES, overview

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def demo(db_path, *args):
    return CliRunner().invoke(cli, ["demo", "--db", str(db_path), "--root", str(ROOT), *args])


def test_demo_fills_an_empty_database_and_replaces_its_own_data(tmp_path):
    db_path = tmp_path / "demo.db"
    result = demo(db_path, "--learners", "60", "--teams", "3", "--seed", "7")
    assert result.exit_code == 0, result.output
    assert "3 teams, 60 learners" in result.output
    db = open_database(db_path)
    admin = accounts.sign_in(db, "demo.admin", DEMO_PASSWORD, NOW)
    teams = team_store.teams_for(db, admin)
    assert len(teams) == 3 and sum(t.learners for t in teams) == 60
    assert all(t.managers for t in teams)
    course = load_course(ROOT)
    rows = overview(team_store.learner_records(db, admin, None, course), course, datetime.now(UTC))
    statuses = {r.status for r in rows}
    assert statuses == set(STATUSES), statuses  # some of every kind
    # Stored as real records are: each answer with its called-for style, each attempt its order.
    assert db.execute("SELECT count(*) FROM answers WHERE best_style IS NULL").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM attempts WHERE option_seed IS NULL").fetchone()[0] == 0
    # Running it again replaces the demo organisation rather than adding a second one.
    assert demo(db_path, "--learners", "30", "--teams", "2").exit_code == 0
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 30 + 2 + 1


def test_demo_refuses_a_database_with_real_users_unless_forced(tmp_path):
    db_path = tmp_path / "real.db"
    db = open_database(db_path)
    from arrowhead.store.database import apply_migrations

    apply_migrations(db)
    accounts.create_first_admin(db, "owner", "The Owner", "password123", NOW)
    refused = demo(db_path, "--learners", "5", "--teams", "1")
    assert refused.exit_code == 1
    assert "holds 1 real user(s). Use --force" in refused.output
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    forced = demo(db_path, "--learners", "5", "--teams", "1", "--force")
    assert forced.exit_code == 0, forced.output
    assert accounts.find_user(db, "owner") is not None
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 1 + 5 + 2


def test_demo_says_which_real_accounts_it_leaves_without_a_team(tmp_path):
    """Pins: demo --force over real accounts in demo teams left them teamless without a word."""
    db_path = tmp_path / "mixed.db"
    assert demo(db_path, "--learners", "5", "--teams", "1").exit_code == 0
    db = open_database(db_path)
    owner = accounts.create_user(db, "owner", "The Owner", "password123", NOW)
    admin = accounts.find_user(db, "demo.admin")
    team = team_store.teams_for(db, admin)[0]
    team_store.set_team(db, admin, owner.id, team.id, NOW)
    again = demo(db_path, "--learners", "5", "--teams", "1", "--force")
    assert again.exit_code == 0, again.output
    assert "1 real account(s) were in the replaced demo teams and are now in no team: owner" in (
        again.stderr
    )
    assert team_store.team_of(db, owner.id) is None


def test_the_same_seed_gives_the_same_organisation():
    course = load_course(ROOT)

    def picture(seed):
        return [
            (
                learner.username,
                [(a.quiz_id, [x.option_id for x in a.answers]) for a in learner.attempts],
            )
            for learner in demo_learners(course, 25, 4, seed, NOW)
        ]

    assert picture(3) == picture(3)
    assert picture(3) != picture(4)


def test_demo_learners_fall_back_on_their_style_when_they_miss_the_best_move():
    course = load_course(ROOT)
    bests = best_styles(course.quizzes)
    fallbacks = []
    for learner in demo_learners(course, 80, 4, 5, NOW):
        answers = [a for attempt in learner.attempts for a in attempt.answers]
        if not answers:
            continue
        assert all(a.best_style == bests[a.scenario_id] for a in answers)
        profile = build_profile(
            Choice(a.points, 10, a.style, a.behaviour, a.best_style) for a in answers
        )
        assert profile.fit is not None and profile.fit < 1  # nobody is perfect
        fallbacks.append(profile.fallback)
    # Learners differ in the style they fall back on, and it shows among their misfits.
    assert {"transactional", "traditional"} <= set(fallbacks)


def test_demo_learners_play_each_modules_role_plays_and_the_route_leads_to_the_stored_ending(
    tmp_path,
):
    """Regression: the demo wrote no role-play runs, so once a module asked for its role-play
    no demo learner could finish the course and 'completed' never appeared."""
    from arrowhead.roleplays import walk
    from arrowhead.store import roleplays as roleplay_store

    db_path = tmp_path / "demo.db"
    assert demo(db_path, "--learners", "40", "--teams", "2", "--seed", "3").exit_code == 0
    db = open_database(db_path)
    course = load_course(ROOT)
    runs = db.execute("SELECT id, roleplay_id, ending_id, score FROM roleplay_runs").fetchall()
    assert len({r[1] for r in runs}) == len(course.roleplays)  # every role-play played by someone
    for run_id, roleplay_id, ending_id, score in runs:
        chosen = [c.option_id for c in roleplay_store.choices_in(db, run_id)]
        position = walk(course.roleplay(roleplay_id), chosen)
        assert position.ending is not None and position.ending.id == ending_id
        assert position.ending.score == score
