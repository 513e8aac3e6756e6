"""Nothing of a team leaks outside its scope: not through a page, a link, a guessed id or storage."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import ROOT, app_for, hold_login, texts
from streamlit.testing.v1 import AppTest
from team_fixtures import build_org, serve_files

from arrowhead.store import teams as team_store
from arrowhead.teams import COMMAND_LINE, TeamError

TEAM = "arrowhead/ui/team_page.py"
LEARNER = "arrowhead/ui/learner_page.py"
INSIGHT = "arrowhead/ui/insight_page.py"
PEOPLE = "arrowhead/ui/admin_people_page.py"
TEAMS = "arrowhead/ui/admin_teams_page.py"
AUDIT = "arrowhead/ui/admin_audit_page.py"
REVIEW = "arrowhead/ui/review_page.py"
SECRET = "Cleo Secret"


@pytest.fixture
def org(app_env, course_root):
    return build_org(app_env, course_root)


def everything_shown(at, served) -> str:
    """Every text, table cell and served file of a run, for 'does it leak' checks."""
    parts = [texts(at)]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    parts += [str(s.options) for s in at.selectbox]
    parts += [served.text(b) for b in at.get("download_button")]
    return "\n".join(parts)


def test_manager_asking_for_another_team_by_link_sees_only_their_own(app_env, org, monkeypatch):
    served = serve_files(monkeypatch)
    for page in (TEAM, INSIGHT):
        at = app_for(app_env, org.manager_a, page, team=str(org.team_b))
        assert not at.exception
        assert at.selectbox(key="team_pick" if page == TEAM else "insight_team").options == [
            "Alpha Team"
        ]
        # Not silently their own team either: a plain sentence, and they pick.
        assert "That team does not exist, or is not yours to see." in texts(at)
        assert SECRET not in everything_shown(at, served)
    at = app_for(app_env, org.manager_a, TEAM, team=str(org.team_b))
    at.selectbox(key="team_pick").select(org.team_a).run()
    at.button(key="team_answers_prepare").click().run()
    assert SECRET not in everything_shown(at, served)
    assert "cleo" not in everything_shown(at, served)


def test_manager_guessing_a_learner_or_attempt_id_gets_nothing(app_env, org):
    at = app_for(app_env, org.manager_a, LEARNER, learner=str(org.cleo.id))
    assert "That learner does not exist, or is not in a team you manage." in texts(at)
    assert SECRET not in texts(at) and not at.dataframe and not at.metric
    cleos = team_store.attempts_of(app_env, org.admin, org.cleo.id)[0]
    at = app_for(app_env, org.manager_a, REVIEW, attempt=str(cleos.id))
    assert "That attempt does not exist, or it is not yours to see." in texts(at)
    assert "Review:" not in texts(at)


def page_alone(db, user, page: str) -> AppTest:
    """The page script run on its own, as a tampered page switch would reach it."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=30)
    hold_login(at, db, user)
    return at.run()


@pytest.mark.parametrize("page", [TEAM, INSIGHT, PEOPLE, TEAMS, AUDIT])
def test_a_learner_gets_no_manager_or_admin_page(app_env, org, page):
    # Navigation does not offer it ...
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app_for(app_env, org.ana, page)
    # ... and the page itself refuses, should it be reached anyway.
    at = page_alone(app_env, org.ana, page)
    assert "This page is not available to your account." in texts(at)
    assert "Ben Stuck" not in texts(at) and not at.dataframe


def test_a_learner_cannot_open_a_teammates_learner_page(app_env, org):
    at = app_for(app_env, org.ana, LEARNER, learner=str(org.ben.id))
    assert "That learner does not exist, or is not in a team you manage." in texts(at)
    assert "Ben Stuck" not in texts(at)


@pytest.mark.parametrize("page", [PEOPLE, TEAMS, AUDIT])
def test_a_manager_gets_no_admin_page(app_env, org, page):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app_for(app_env, org.manager_a, page)
    at = page_alone(app_env, org.manager_a, page)
    assert "This page is not available to your account." in texts(at)
    assert SECRET not in texts(at) and not at.dataframe


def reads(db, viewer, team_id, learner_id, attempt_id, course):
    """Every storage read a page makes, for one viewer."""
    return {
        "team_for": team_store.team_for(db, viewer, team_id),
        "learner_records": team_store.learner_records(db, viewer, team_id, course),
        "choice_tallies": team_store.choice_tallies(db, viewer, team_id, {}),
        "overall_scores": team_store.overall_scores(db, viewer, team_id),
        "option_tallies": team_store.option_tallies(db, viewer, team_id, [], []),
        "team_answers": team_store.team_answers(db, viewer, team_id),
        "member": team_store.member(db, viewer, learner_id),
        "learner_record": team_store.learner_record(db, viewer, learner_id, course),
        "attempts_of": team_store.attempts_of(db, viewer, learner_id),
        "answers_of": team_store.answers_of(db, viewer, learner_id),
        "choice_tallies_of": team_store.choice_tallies_of(db, viewer, learner_id, {}),
        "visible_attempt": team_store.visible_attempt(db, viewer, attempt_id),
    }


def test_storage_answers_nothing_outside_the_viewers_scope(app_env, org):
    cleos = team_store.attempts_of(app_env, org.admin, org.cleo.id)[0]
    args = (org.team_b, org.cleo.id, cleos.id, org.course)
    # The admin sees team B, so every read below has something to hide.
    assert all(reads(app_env, org.admin, *args).values())
    for outsider in (org.manager_a, org.ana):
        leaked = {k: v for k, v in reads(app_env, outsider, *args).items() if v}
        assert leaked == {}, outsider.username
    # All teams at once (team None) means all the viewer may see, not everyone.
    records = team_store.learner_records(app_env, org.manager_a, None, org.course)
    assert SECRET not in {r.display_name for r in records}


def test_a_stale_user_value_grants_nothing_once_the_role_is_gone(app_env, org):
    team_store.set_roles(app_env, COMMAND_LINE, org.manager_a.id, ["learner"])
    # org.manager_a still says "manager": storage reads the roles again.
    assert team_store.learner_records(app_env, org.manager_a, org.team_a, org.course) == []
    team_store.set_roles(app_env, COMMAND_LINE, org.manager_b.id, ["manager"])
    team_store.set_active(app_env, COMMAND_LINE, org.manager_b.id, False)
    assert team_store.learner_records(app_env, org.manager_b, org.team_b, org.course) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda db, o, now: team_store.create_team(db, o.manager_a, "Mine", now),
        lambda db, o, now: team_store.rename_team(db, o.manager_a, o.team_b, "Mine"),
        lambda db, o, now: team_store.set_team(db, o.manager_a, o.cleo.id, o.team_a, now),
        lambda db, o, now: team_store.set_managed_teams(
            db, o.manager_a, o.manager_a.id, [o.team_b]
        ),
        lambda db, o, now: team_store.set_roles(db, o.manager_a, o.manager_a.id, ["admin"]),
        lambda db, o, now: team_store.set_active(db, o.manager_a, o.cleo.id, False),
        lambda db, o, now: team_store.issue_reset_code(db, o.manager_a, o.cleo.id, now),
        lambda db, o, now: team_store.renew_invite(db, o.manager_a, o.team_b),
    ],
)
def test_only_an_admin_changes_the_organisation(app_env, org, change):
    with pytest.raises(TeamError, match="Only"):
        change(app_env, org, datetime.now(UTC))
    assert team_store.people(app_env, org.manager_a) == []


@pytest.mark.parametrize(
    ("page", "param", "message"),
    [
        (LEARNER, "learner", "That learner does not exist, or is not in a team you manage."),
        (REVIEW, "attempt", "That attempt does not exist, or it is not yours to see."),
    ],
)
@pytest.mark.parametrize("tampered", ["²", "٣", "9" * 30])
def test_a_tampered_id_in_the_link_gets_a_plain_message(
    app_env, org, page, param, message, tampered
):
    """Regression: a Unicode digit ('²' passes str.isdigit but not int()) or an id too large
    for SQLite reached int() or the query and faulted the page; '٣' was read as id 3."""
    at = app_for(app_env, org.manager_a, page, **{param: tampered})
    shown = texts(at)
    assert "Something went wrong" not in shown
    assert message in shown
