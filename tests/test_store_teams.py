"""Team storage on a real file: set-up rules, invites, moves, resets, and the figures read back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import NOW, make_user
from team_fixtures import build_org

from arrowhead.accounts import AccountError
from arrowhead.scoring import best_styles, build_profile
from arrowhead.store import accounts
from arrowhead.store import teams as team_store
from arrowhead.store.database import apply_migrations
from arrowhead.teams import COMMAND_LINE, LOWER, UPPER, TeamError


@pytest.fixture
def org(db, course_root):
    return build_org(db, course_root, NOW)


def test_team_names_are_unique_in_any_case(db):
    team_store.create_team(db, COMMAND_LINE, "North", NOW)
    with pytest.raises(TeamError, match="already a team"):
        team_store.create_team(db, COMMAND_LINE, "  north ", NOW)


def test_joining_by_invite_and_moving_keeps_history(db, org):
    newcomer = make_user(db, "nia")
    code = team_store.team_for(db, org.admin, org.team_b).invite_code
    team_store.join_by_invite(db, newcomer.id, code.lower(), NOW)
    assert team_store.team_of(db, newcomer.id) == "Beta Team"
    with pytest.raises(TeamError, match="does not match any team"):
        team_store.join_by_invite(db, newcomer.id, "XXXXXXXX", NOW)
    # Ana moves from A to B: her attempts move with her, A's manager loses sight of her.
    team_store.set_team(db, COMMAND_LINE, org.ana.id, org.team_b, NOW)
    assert len(team_store.attempts_of(db, org.manager_b, org.ana.id)) == 2
    assert team_store.attempts_of(db, org.manager_a, org.ana.id) == []


def test_the_last_admin_keeps_the_role(db, org):
    with pytest.raises(TeamError, match="only admin"):
        team_store.set_roles(db, COMMAND_LINE, org.admin.id, ["learner"])
    with pytest.raises(TeamError, match="Unknown role: boss"):
        team_store.set_roles(db, COMMAND_LINE, org.ana.id, ["boss"])


def test_deactivation_ends_logins_and_sign_ins_but_keeps_records(db, org):
    token = accounts.start_login(db, org.ben.id, NOW)
    team_store.set_active(db, COMMAND_LINE, org.ben.id, False)
    assert accounts.user_for_login(db, token, NOW) is None
    with pytest.raises(AccountError):
        accounts.sign_in(db, "ben", "password123", NOW)
    assert len(team_store.attempts_of(db, org.admin, org.ben.id)) == 2
    # Deactivated learners leave the team's overview.
    names = [
        r.display_name for r in team_store.learner_records(db, org.admin, org.team_a, org.course)
    ]
    assert "Ben Stuck" not in names


def test_a_reset_code_works_once_and_expires(db, org):
    code = team_store.issue_reset_code(db, COMMAND_LINE, org.ana.id, NOW)
    token = accounts.start_login(db, org.ana.id, NOW)
    accounts.reset_password(db, "ana", code, "brand-new-pass", NOW)
    assert accounts.user_for_login(db, token, NOW) is None
    assert accounts.sign_in(db, "ana", "brand-new-pass", NOW).id == org.ana.id
    with pytest.raises(AccountError, match="not valid"):
        accounts.reset_password(db, "ana", code, "another-pass", NOW)
    late = team_store.issue_reset_code(db, COMMAND_LINE, org.ana.id, NOW)
    with pytest.raises(AccountError, match="not valid"):
        accounts.reset_password(db, "ana", late, "another-pass", NOW + timedelta(hours=25))


def test_learner_records_sum_up_each_learner(db, org):
    records = {r.username: r for r in team_store.learner_records(db, org.admin, None, org.course)}
    assert set(records) == {"ana", "ben", "cleo", "dan"}
    ben = records["ben"]
    assert [(q.quiz_id, q.best, q.passed, q.failures) for q in ben.quizzes] == [
        ("alpha", 40, False, 2)
    ]
    assert ben.last_active == NOW - timedelta(days=4)
    assert records["dan"].last_active is None
    # Issue 9.3: the all-teams roster needs each learner's team.
    assert {name: r.team for name, r in records.items()} == {
        "ana": "Alpha Team",
        "ben": "Alpha Team",
        "cleo": "Beta Team",
        "dan": "Alpha Team",
    }


def test_workshop_answers_count_in_the_profile_not_as_results(db, org):
    quiz = org.course.quiz("beta")
    attempt = db.execute(
        "INSERT INTO attempts (user_id, quiz_id, source, started_at) VALUES (?, 'beta', 'workshop', ?)",
        [org.dan.id, NOW.isoformat()],
    ).lastrowid
    db.execute(
        """INSERT INTO answers (attempt_id, user_id, quiz_id, scenario_id, option_id, points,
           max_points, style, answered_at) VALUES (?, ?, 'beta', ?, 'brief', 10, 10, 'partnership', ?)""",
        [attempt, org.dan.id, quiz.scenarios[0].id, NOW.isoformat()],
    )
    dan = team_store.learner_record(db, org.admin, org.dan.id, org.course)
    assert dan.quizzes == () and dan.last_active == NOW
    bests = best_styles(org.course.quizzes)
    assert [
        (t.style, t.best_style)
        for t in team_store.choice_tallies_of(db, org.admin, org.dan.id, bests)
    ] == [("partnership", "traditional")]  # stored without a best style: the course's stands in
    assert {a.source for a in team_store.answers_of(db, org.admin, org.dan.id)} == {"workshop"}
    # Not a first self-paced attempt either.
    assert org.dan.id not in team_store.overall_scores(db, org.admin, None)


def test_insight_counts_only_first_attempts_by_third(db, org):
    overall = team_store.overall_scores(db, org.admin, None)
    # Ana's first attempts: 30 of 30; Ben's first: 0 of 20; Cleo's: 3 of 20.
    assert overall == {org.ana.id: 1.0, org.ben.id: 0.0, org.cleo.id: pytest.approx(0.15)}
    tallies = team_store.option_tallies(db, org.admin, None, [org.ana.id], [org.ben.id], "alpha")
    alpha_one = {(t.option_id, t.third): t.chosen for t in tallies if t.scenario_id == "alpha-one"}
    assert alpha_one == {("strategic", UPPER): 1, ("discount", LOWER): 1, ("discount", "middle"): 1}


def test_migrations_apply_once(db):
    apply_migrations(db)
    apply_migrations(db)
    assert "teams" in db.table_names()


def test_team_fit_profile_is_counted_in_sql_by_learner_called_for_and_chosen_style(db, org):
    bests = best_styles(org.course.quizzes)
    tallies = team_store.choice_tallies(db, org.manager_a, org.team_a, bests)
    assert set(tallies) == {org.ana.id, org.ben.id}  # Dan has no answers; Cleo is in team B
    ana = build_profile(tallies[org.ana.id])
    # Ana chose the best move every time, the traditional fix in beta included.
    assert ana.fit == 1.0 and ana.fallback is None
    assert ana.called_for["traditional"]["traditional"] == 1
    ben = build_profile(tallies[org.ben.id])
    assert ben.judged == 4 and ben.fitted == 0
    assert ben.misfits == {"transactional": 2, "traditional": 2, "partnership": 0}
    assert ben.fallback == "transactional"  # a tie goes to the first style
    team = build_profile(t for mine in tallies.values() for t in mine)
    assert team.answers == 7 and team.fit == pytest.approx(3 / 7)


def test_fit_tallies_stream_down_the_covering_index(db, org):
    """The team profile must stay fast at a million answers: no answer row read, nothing sorted."""
    plan = " | ".join(
        row[3]
        for row in db.execute(
            f"EXPLAIN QUERY PLAN WITH {team_store._SCOPE} {team_store._CHOICE_TALLIES}",
            {"teams": f"[{org.team_a}]"},
        )
    )
    assert "COVERING INDEX answers_fit_profile" in plan and "TEMP B-TREE" not in plan, plan


def test_answers_stored_before_the_best_style_was_kept_use_the_courses(db, org):
    db.execute("UPDATE answers SET best_style = NULL WHERE user_id = ?", [org.ana.id])
    bests = best_styles(org.course.quizzes)
    ana = build_profile(team_store.choice_tallies_of(db, org.admin, org.ana.id, bests))
    assert ana.judged == 3 and ana.fit == 1.0
    assert ana.called_for["traditional"]["traditional"] == 1
