"""Issue 9, defects 5 and 7: pickers that hold team ids, one-transaction saves, learners in no
team, and My team's state kept in the address."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from conftest import NOW, app_for, make_user, texts
from team_fixtures import build_org

from arrowhead.store import audit
from arrowhead.store import teams as team_store
from arrowhead.store.accounts import get_user
from arrowhead.teams import COMMAND_LINE, TeamError

TEAM = "arrowhead/ui/team_page.py"
LEARNER = "arrowhead/ui/learner_page.py"
INSIGHT = "arrowhead/ui/insight_page.py"
PEOPLE = "arrowhead/ui/admin_people_page.py"
ACCOUNT = "arrowhead/ui/account_page.py"
MAP = "arrowhead/ui/map_page.py"
VANISHED = "That team does not exist, or is not yours to see. Pick a team."


@pytest.fixture
def org(app_env, course_root):
    return build_org(app_env, course_root)


def code_of(db, team_id: int) -> str:
    return team_store.team_for(db, get_admin(db), team_id).invite_code


def get_admin(db):
    return get_user(db, team_store.user_id_for(db, "admin"))


# ---------------------------------------------------------------- store


def test_save_person_applies_all_or_nothing(app_env, org):
    """Regression: People's Save ran set_roles, set_team and set_managed_teams as three
    transactions, so a failing third step left the roles and the team changed."""
    entries = audit.audit_count(app_env, COMMAND_LINE)
    with pytest.raises(TeamError, match="does not exist"):
        team_store.save_person(
            app_env,
            COMMAND_LINE,
            org.cleo.id,
            ["learner", "manager"],
            org.team_a,
            [org.team_b, 9999],
            NOW,
        )
    assert get_user(app_env, org.cleo.id).roles == {"learner"}
    assert team_store.team_of(app_env, org.cleo.id) == "Beta Team"
    assert audit.audit_count(app_env, COMMAND_LINE) == entries
    team_store.save_person(
        app_env, COMMAND_LINE, org.cleo.id, ["learner", "manager"], org.team_a, [org.team_b], NOW
    )
    cleo = get_user(app_env, org.cleo.id)
    assert cleo.roles == {"learner", "manager"}
    assert team_store.team_of(app_env, org.cleo.id) == "Alpha Team"
    assert [t.name for t in team_store.teams_for(app_env, cleo)] == ["Beta Team"]
    actions = [e.action for e in audit.audit_entries(app_env, COMMAND_LINE)][:3]
    assert set(actions) == {audit.ROLES_SET, audit.TEAM_SET, audit.MANAGED_TEAMS_SET}


def test_save_person_without_the_manager_role_manages_nothing(app_env, org):
    """The roles decide: teams still listed as managed do not grant the manager role back."""
    team_store.save_person(
        app_env, COMMAND_LINE, org.manager_a.id, ["learner"], None, [org.team_a], NOW
    )
    mara = get_user(app_env, org.manager_a.id)
    assert mara.roles == {"learner"}
    assert team_store.teams_for(app_env, mara) == []


def test_learners_in_no_team_are_the_admins_to_see(app_env, org):
    """Regression: learners in no team appeared in no dashboard."""
    team_store.set_team(app_env, COMMAND_LINE, org.cleo.id, None, NOW)
    names = [
        r.display_name
        for r in team_store.learner_records(app_env, org.admin, team_store.NO_TEAM, org.course)
    ]
    # Ada Admin has the learner role and no team; managers without it are not learners.
    assert names == ["Ada Admin", "Cleo Secret"]
    assert team_store.learner_records(app_env, org.manager_a, team_store.NO_TEAM, org.course) == []
    assert org.cleo.id in team_store.overall_scores(app_env, org.admin, team_store.NO_TEAM)
    # Every team at once is still the teams' learners only.
    everyone = team_store.learner_records(app_env, org.admin, None, org.course)
    assert "Cleo Secret" not in [r.display_name for r in everyone]


def test_a_member_says_whether_they_are_deactivated(app_env, org):
    assert team_store.member(app_env, org.admin, org.ben.id).active
    team_store.set_active(app_env, COMMAND_LINE, org.ben.id, False)
    assert not team_store.member(app_env, org.admin, org.ben.id).active


# ---------------------------------------------------------------- pickers hold ids


def test_renew_after_a_rename_renews_the_team_on_screen(app_env, org):
    """Regression: the picker held team names; after a rename the rerun fell back to the first
    team, so 'Renew the invite' renewed a different team with no message."""
    team_store.set_managed_teams(app_env, COMMAND_LINE, org.manager_a.id, [org.team_a, org.team_b])
    alpha, beta = code_of(app_env, org.team_a), code_of(app_env, org.team_b)
    at = app_for(app_env, org.manager_a, TEAM)
    at.selectbox(key="team_pick").select(org.team_b).run()
    at.session_state["team_invite"] = True  # the invite box open
    at.run()
    team_store.rename_team(app_env, COMMAND_LINE, org.team_b, "Aardvark Team")
    at.button(key="team_renew").click().run()
    assert not at.exception
    assert code_of(app_env, org.team_a) == alpha
    assert code_of(app_env, org.team_b) != beta


def test_a_team_that_vanished_gets_a_plain_sentence_not_another_team(app_env, org):
    """Regression: a team the manager no longer sees silently became the first team."""
    team_store.set_managed_teams(app_env, COMMAND_LINE, org.manager_a.id, [org.team_a, org.team_b])
    alpha = code_of(app_env, org.team_a)
    at = app_for(app_env, org.manager_a, TEAM)
    at.selectbox(key="team_pick").select(org.team_b).run()
    at.session_state["team_invite"] = True  # the invite box open: its button must not show
    team_store.set_managed_teams(app_env, COMMAND_LINE, org.manager_a.id, [org.team_a])
    at.run()
    assert not at.exception
    assert VANISHED in texts(at)
    assert "team_renew" not in [b.key for b in at.button]
    assert code_of(app_env, org.team_a) == alpha
    assert "Ana Able" not in texts(at)


def test_a_team_in_the_address_that_does_not_exist_gets_a_plain_sentence(app_env, org):
    at = app_for(app_env, org.manager_a, TEAM, team="9999")
    assert not at.exception
    assert VANISHED in texts(at)
    assert not at.dataframe
    at = app_for(app_env, org.manager_a, INSIGHT, team=str(org.team_b))
    assert VANISHED in texts(at)


def test_the_admin_picks_no_team_on_my_team_and_insight(app_env, org):
    """Regression: admins had no view of the learners in no team."""
    team_store.set_team(app_env, COMMAND_LINE, org.cleo.id, None, NOW)
    at = app_for(app_env, org.admin, TEAM)
    at.selectbox(key="team_pick").select(team_store.NO_TEAM).run()
    assert not at.exception
    assert list(at.dataframe[0].value["Learner"]) == ["Ada Admin", "Cleo Secret"]
    assert at.query_params["team"] == "none"
    at = app_for(app_env, org.admin, INSIGHT, team="none")
    assert not at.exception
    assert at.selectbox(key="insight_team").value == team_store.NO_TEAM
    assert "No one in this team has taken this quiz yet." not in texts(at)


def test_the_people_page_saves_by_id_in_one_go(app_env, org):
    """The People form's pickers hold team ids; a Save that fails changes nothing."""
    at = app_for(app_env, org.admin, PEOPLE)
    at.selectbox(key="people_pick").select(org.cleo.id).run()
    at.multiselect(key=f"people_roles_{org.cleo.id}").select("manager")
    at.selectbox(key=f"people_team_{org.cleo.id}").select(org.team_a)
    at.multiselect(key=f"people_manages_{org.cleo.id}").select(org.team_b)
    # Between showing the form and saving it, the team she is to learn in is renamed: ids hold.
    team_store.rename_team(app_env, COMMAND_LINE, org.team_a, "Zulu Team")
    at.button[0].click().run()
    assert not at.exception
    assert team_store.team_of(app_env, org.cleo.id) == "Zulu Team"
    assert get_user(app_env, org.cleo.id).roles == {"learner", "manager"}


# ---------------------------------------------------------------- learners' own pages


def test_a_deactivated_learners_page_says_so(app_env, org):
    team_store.set_active(app_env, COMMAND_LINE, org.ben.id, False)
    at = app_for(app_env, org.manager_a, LEARNER, learner=str(org.ben.id))
    assert not at.exception
    assert "Deactivated: cannot sign in; records kept." in texts(at)
    active = app_for(app_env, org.manager_a, LEARNER, learner=str(org.ana.id))
    assert "Deactivated" not in texts(active)


def test_the_course_map_stops_offering_the_invite_of_your_own_team(app_env, org):
    """Regression: after signing up through an invite link the map still offered the invite."""
    beta = code_of(app_env, org.team_b)
    at = app_for(app_env, org.cleo, MAP, join=beta)
    assert not at.exception
    assert not [p for p in at.page_link if "team invite" in p.proto.label]
    at = app_for(app_env, org.ana, MAP, join=beta)
    assert [p for p in at.page_link if "team invite" in p.proto.label]


def test_account_warns_that_joining_moves_you_from_your_team_and_manager(app_env, org):
    """Regression: Account did not warn that joining moves you away from your current manager."""
    at = app_for(app_env, org.ana, ACCOUNT)
    shown = texts(at)
    assert "Joining another team moves you out of your current team" in shown
    assert "Now in Alpha Team, managed by Mara Manager." in shown
    newcomer = make_user(app_env, "nia", name="Nia New")
    assert "Joining another team" not in texts(app_for(app_env, newcomer, ACCOUNT))


# ---------------------------------------------------------------- state in the address


def test_my_team_reads_its_state_from_the_address(app_env, org):
    at = app_for(app_env, org.admin, TEAM, team=str(org.team_a), q="be", status="stuck")
    assert not at.exception
    assert at.selectbox(key="team_pick").value == org.team_a
    assert at.text_input(key="team_search").value == "be"
    assert at.multiselect(key="team_status").value == ["stuck"]
    assert list(at.dataframe[0].value["Learner"]) == ["Ben Stuck"]


def test_my_team_writes_its_state_to_the_address_and_the_learner_link(app_env, org):
    """Regression: returning to My team from a learner reset the team, search and filter."""
    at = app_for(app_env, org.admin, TEAM)
    at.selectbox(key="team_pick").select(org.team_a).run()
    at.text_input(key="team_search").input("ben").run()
    at.multiselect(key="team_status").select("stuck").run()
    assert at.query_params["team"] == str(org.team_a)
    assert at.query_params["q"] == "ben"
    assert at.query_params["status"] == "stuck"
    link = next(p for p in at.page_link if "learner" in p.proto.query_string)
    carried = parse_qs(link.proto.query_string)
    assert carried == {
        "learner": [str(org.ben.id)],
        "team": [str(org.team_a)],
        "q": ["ben"],
        "status": ["stuck"],
    }


def test_the_learner_page_links_back_to_my_team_with_its_state(app_env, org):
    at = app_for(
        app_env, org.manager_a, LEARNER, learner=str(org.ben.id), team=str(org.team_a), q="ben"
    )
    back = [p for p in at.page_link if p.proto.label == "← Back to My team"]
    assert back
    assert parse_qs(back[0].proto.query_string) == {"team": [str(org.team_a)], "q": ["ben"]}
    # A learner looking at their own page has no My team to go back to.
    mine = app_for(app_env, org.ben, LEARNER)
    assert not [p for p in mine.page_link if p.proto.label == "← Back to My team"]


def test_the_audit_logs_team_filter_holds_across_a_rename(app_env, org):
    """Regression: the audit log's 'Done to' picker held labels; a rename dropped the filter."""
    at = app_for(app_env, org.admin, "arrowhead/ui/admin_audit_page.py")
    at.selectbox(key="audit_subject").select(f"team:{org.team_b}").run()
    team_store.rename_team(app_env, COMMAND_LINE, org.team_b, "Omega Team")
    at.run()
    assert not at.exception
    assert at.selectbox(key="audit_subject").value == f"team:{org.team_b}"
    assert "Team Omega Team" in at.selectbox(key="audit_subject").options
