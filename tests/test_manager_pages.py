"""AppTest of the manager and admin pages: what they show, and what a click changes."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pandas as pd
import pyarrow.ipc
import pytest
from conftest import NOW, app_for, make_user, texts
from team_fixtures import build_org, markdown_table, serve_files, take_quiz

from arrowhead import exports
from arrowhead.accounts import AccountError, User
from arrowhead.store import teams as team_store
from arrowhead.store.accounts import find_user, get_user, sign_in
from arrowhead.teams import COMMAND_LINE

TEAM = "arrowhead/ui/team_page.py"
LEARNER = "arrowhead/ui/learner_page.py"
INSIGHT = "arrowhead/ui/insight_page.py"
PEOPLE = "arrowhead/ui/admin_people_page.py"
TEAMS = "arrowhead/ui/admin_teams_page.py"
REVIEW = "arrowhead/ui/review_page.py"
PROGRESS = "arrowhead/ui/progress_page.py"


@pytest.fixture
def org(app_env, course_root):
    return build_org(app_env, course_root)


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_team_overview_shows_the_managers_learners_and_statuses(app_env, org, monkeypatch):
    served = serve_files(monkeypatch)
    at = app_for(app_env, org.manager_a, TEAM)
    assert not at.exception
    roster = at.dataframe[0].value
    assert list(roster["Learner"]) == ["Ana Able", "Ben Stuck", "Dan Idle"]
    assert dict(zip(roster["Learner"], roster["Status"], strict=True)) == {
        "Ana Able": "on track",
        "Ben Stuck": "stuck on Alpha quiz",
        "Dan Idle": "not started",
    }
    assert at.metric[0].value == "3"
    assert "Cleo Secret" not in texts(at)
    csv_rows = rows_of(served.text(at.get("download_button")[0]))
    assert [(r["learner"], r["status"], r["alpha"]) for r in csv_rows] == [
        ("Ana Able", "on track", "100"),
        ("Ben Stuck", "stuck", "40"),
        ("Dan Idle", "not started", ""),
    ]
    # Every answer, one row each, with where it came from.
    at.button(key="team_answers_prepare").click().run()
    answers = rows_of(served.text(at.get("download_button")[1]))
    assert len(answers) == 3 + 4  # Ana: 2 + 1 answers; Ben: 2 attempts of 2
    assert {r["source"] for r in answers} == {"self"}
    assert {r["learner"] for r in answers} == {"Ana Able", "Ben Stuck"}


def test_team_overview_filters_by_status_and_name(app_env, org):
    at = app_for(app_env, org.manager_a, TEAM)
    at.multiselect(key="team_status").select("stuck").run()
    assert list(at.dataframe[0].value["Learner"]) == ["Ben Stuck"]
    at.multiselect(key="team_status").unselect("stuck").run()
    at.text_input(key="team_search").input("ANA").run()
    assert list(at.dataframe[0].value["Learner"]) == ["Ana Able"]


def test_invite_code_is_shown_and_renewed(app_env, org):
    before = team_store.team_for(app_env, org.manager_a, org.team_a).invite_code
    at = app_for(app_env, org.manager_a, TEAM)
    # Drawn only once the manager opens the box.
    assert not at.code
    at.session_state["team_invite"] = True
    at.run()
    assert before in [c.value for c in at.code][0]
    at.button(key="team_renew").click().run()
    after = team_store.team_for(app_env, org.manager_a, org.team_a).invite_code
    assert after != before
    assert team_store.team_for_invite(app_env, before) is None


def test_learner_page_shows_attempts_profile_and_what_to_talk_about(app_env, org):
    at = app_for(app_env, org.manager_a, LEARNER, learner=str(org.ben.id))
    assert not at.exception
    shown = texts(at)
    assert "Ben Stuck (ben)" in shown
    assert "their manager (Mara Manager)" in shown
    assert at.metric[0].value == "stuck"
    attempts = markdown_table(next(m.value for m in at.markdown if m.value.startswith("| Quiz")))
    assert [a["Quiz"] for a in attempts] == ["Alpha quiz", "Alpha quiz"]  # two attempts
    # His latest answers missed both alpha scenarios: each comes with its feedback.
    assert "Reasonable, but you stay at the level you are comfortable in." in shown
    assert "Busy, but it does not change the process." in shown


def test_a_learner_sees_the_same_picture_of_themselves(app_env, org):
    mine = app_for(app_env, org.ben, LEARNER)
    managers = app_for(app_env, org.manager_a, LEARNER, learner=str(org.ben.id))
    assert [m.value for m in mine.metric] == [m.value for m in managers.metric]
    assert "You, your manager (Mara Manager), and the organisation's admins." in texts(mine)
    progress = app_for(app_env, org.ben, PROGRESS)
    assert "You, your manager (Mara Manager), and the organisation's admins." in texts(progress)


def test_manager_reviews_an_attempt_of_their_learner(app_env, org):
    attempt = team_store.attempts_of(app_env, org.manager_a, org.ana.id)[0]
    at = app_for(app_env, org.manager_a, REVIEW, attempt=str(attempt.id))
    assert not at.exception
    assert "Ana Able" in texts(at)
    assert "Review: Alpha quiz" in texts(at)


def test_a_tampered_insight_view_opens_the_scenarios(app_env, org):
    """?insight_view= is the address's: a value no tab has opens the first tab, no error."""
    at = app_for(app_env, org.manager_a, INSIGHT, insight_view="<b>nothing</b>")
    assert not at.exception
    assert "The first situation" in texts(at)
    assert "<b>nothing</b>" not in texts(at)


def test_insight_page_shows_statistics_flags_and_a_small_sample_warning(app_env, org, monkeypatch):
    served = serve_files(monkeypatch)
    at = app_for(app_env, org.manager_a, INSIGHT)
    assert not at.exception
    shown = texts(at)
    assert "Only 2 learners so far" in shown
    first = markdown_table(next(m.value for m in at.markdown if m.value.startswith("| Option")))
    # By text in file order: each attempt lettered the options its own way.
    assert {row["Option"]: row["Chosen"] for row in first} == {
        "Give the discount.": "1",
        "Explain the value of the service.": "0",
        "Ask what the client is trying to achieve this year.": "1",
    }
    assert [row["Share"] for row in first] == ["50%", "0%", "50%"]
    assert [row["Style"] for row in first] == ["Transactional", "Traditional", "Partnership"]
    assert "An option nobody picks" in [w.value for w in at.warning]
    stats = rows_of(served.text(at.get("download_button")[0]))
    alpha_one = [r for r in stats if r["scenario"] == "alpha-one"]
    assert {r["facility_percent"] for r in alpha_one} == {"50.0"}
    # Ben's second attempt is not a first attempt: it does not count.
    assert {r["option"]: r["chosen"] for r in alpha_one} == {
        "discount": "1",
        "explain-value": "0",
        "strategic": "1",
    }


def test_admin_creates_and_renames_a_team(app_env, org):
    at = app_for(app_env, org.admin, TEAMS)
    at.text_input(key="teams_new_name").input("Gamma Team")
    at.button[0].click().run()  # the form's submit button
    assert team_store.team_by_name(app_env, "Gamma Team") is not None
    at.text_input(key="teams_new_name").input("gamma team")
    at.button[0].click().run()
    assert "There is already a team of that name." in texts(at)
    at.selectbox(key="teams_rename_pick").select(team_store.team_by_name(app_env, "Gamma Team"))
    at.text_input(key="teams_rename_name").input("Delta Team")
    at.button[1].click().run()
    assert team_store.team_by_name(app_env, "Delta Team") is not None
    assert team_store.team_by_name(app_env, "Gamma Team") is None


def test_admin_changes_roles_team_and_managed_teams(app_env, org):
    at = app_for(app_env, org.admin, PEOPLE)
    assert not at.exception
    at.selectbox(key="people_pick").select(org.cleo.id).run()
    at.multiselect(key=f"people_roles_{org.cleo.id}").select("manager")
    at.selectbox(key=f"people_team_{org.cleo.id}").select(org.team_a)
    at.multiselect(key=f"people_manages_{org.cleo.id}").select(org.team_b)
    at.button[0].click().run()
    cleo = get_user(app_env, org.cleo.id)
    assert cleo.roles == {"learner", "manager"}
    assert team_store.team_of(app_env, org.cleo.id) == "Alpha Team"
    assert [t.name for t in team_store.teams_for(app_env, cleo)] == ["Beta Team"]
    # Her history moved with her: Alpha Team's manager now sees her attempt.
    assert team_store.attempts_of(app_env, org.manager_a, org.cleo.id)


def test_admin_deactivates_and_issues_a_reset_code(app_env, org):
    at = app_for(app_env, org.admin, PEOPLE)
    at.selectbox(key="people_pick").select(org.ben.id).run()
    at.button(key=f"people_reset_{org.ben.id}").click().run()
    code = at.code[0].value
    assert len(code) == 12
    at.button(key=f"people_deactivate_{org.ben.id}").click().run()
    assert not get_user(app_env, org.ben.id).active
    with pytest.raises(AccountError, match="do not match"):
        sign_in(app_env, "ben", "password123", datetime.now(UTC))
    # His records are kept.
    assert team_store.attempts_of(app_env, org.admin, org.ben.id)


def test_the_only_admin_cannot_deactivate_themselves(app_env, org):
    at = app_for(app_env, org.admin, PEOPLE)
    at.selectbox(key="people_pick").select(org.admin.id).run()
    at.button(key=f"people_deactivate_{org.admin.id}").click().run()
    assert "This is the only admin" in texts(at)
    assert find_user(app_env, "admin").active


def test_signing_up_through_an_invite_link_lands_in_the_team(app_env, org):
    code = team_store.team_for(app_env, org.admin, org.team_b).invite_code
    at = app_for(app_env, join=code.lower())
    assert "You have an invite to a team" in texts(at)
    at.text_input(key="signup_display_name").input("Nia New")
    at.text_input(key="signup_username").input("nia")
    at.text_input(key="signup_password").input("password123")
    at.text_input(key="signup_confirm").input("password123")
    assert at.text_input(key="signup_team_code").value == code.lower()
    at.button[1].click().run()
    assert not at.exception
    assert team_store.team_of(app_env, find_user(app_env, "nia").id) == "Beta Team"


def test_an_unknown_invite_code_gets_a_plain_message_and_no_account(app_env, org):
    at = app_for(app_env)
    at.text_input(key="signup_display_name").input("Nia New")
    at.text_input(key="signup_username").input("nia")
    at.text_input(key="signup_password").input("password123")
    at.text_input(key="signup_confirm").input("password123")
    at.text_input(key="signup_team_code").input("NOPE-NOPE")
    at.button[1].click().run()
    assert "That invite code does not match any team." in texts(at)
    assert find_user(app_env, "nia") is None


def test_password_reset_with_a_code_from_the_admin(app_env, org):
    code = team_store.issue_reset_code(app_env, COMMAND_LINE, org.ana.id, datetime.now(UTC))
    at = app_for(app_env)
    at.text_input(key="reset_username").input("ana")
    at.text_input(key="reset_code").input("WRONGCODE123")
    at.text_input(key="reset_password").input("new-password-1")
    at.text_input(key="reset_confirm").input("new-password-1")
    at.button[2].click().run()
    assert "That reset code is not valid" in texts(at)
    at.text_input(key="reset_code").input(code)
    at.button[2].click().run()
    assert not at.exception
    assert sign_in(app_env, "ana", "new-password-1", datetime.now(UTC)).id == org.ana.id


def test_admin_takes_the_manager_role_away_on_the_people_page(app_env, org):
    """Regression: the form's 'Manages teams' still listed her teams, so saving without the
    manager role made set_managed_teams grant it straight back: she kept seeing Alpha Team."""
    at = app_for(app_env, org.admin, PEOPLE)
    at.selectbox(key="people_pick").select(org.manager_a.id).run()
    at.multiselect(key=f"people_roles_{org.manager_a.id}").unselect("manager").select("learner")
    at.button[0].click().run()
    assert not at.exception
    mara = get_user(app_env, org.manager_a.id)
    assert mara.roles == {"learner"}
    assert team_store.teams_for(app_env, mara) == []
    assert team_store.learner_records(app_env, mara, org.team_a, org.course) == []


@pytest.mark.parametrize("name", ["No team", "all TEAMS"])
def test_a_team_cannot_take_a_pickers_own_label(app_env, org, name):
    """Regression: a team named "No team" shared the People page's "No team" label, so saving
    anyone outside a team put them in it; one named "All teams" hid the admin's every-team view."""
    at = app_for(app_env, org.admin, TEAMS)
    at.text_input(key="teams_new_name").input(name)
    at.button[0].click().run()
    assert team_store.team_by_name(app_env, name) is None
    at = app_for(app_env, org.admin, PEOPLE)
    at.selectbox(key="people_pick").select(org.manager_b.id).run()
    at.multiselect(key=f"people_roles_{org.manager_b.id}").select("facilitator")
    at.button[0].click().run()
    assert team_store.team_of(app_env, org.manager_b.id) is None


def table_with(at, column: str):
    """The page's table that has this column."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def add_partnership_habit(db, org) -> User:
    """A learner in team A who always picks the partnership-tagged option."""
    pia = make_user(db, "pia", name="Pia Partner")
    team_store.set_team(db, COMMAND_LINE, pia.id, org.team_a, NOW)
    when = datetime.now(UTC) - timedelta(days=1)
    take_quiz(db, org.course, pia, "alpha", ["strategic", "escalate"], when)
    take_quiz(db, org.course, pia, "beta", ["vision"], when)
    return pia


def test_a_partnership_habit_does_not_look_perfect_to_the_manager(app_env, org):
    pia = add_partnership_habit(app_env, org)
    at = app_for(app_env, org.manager_a, LEARNER, learner=str(pia.id))
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Fitted the situation"] == "67%"
    assert metrics["Fallback style"] == "Partnership"
    assert "How fit is worked out" in texts(at)
    team = app_for(app_env, org.manager_a, TEAM, team_view="Selling style")
    own = table_with(team, "Fit").set_index("Learner")
    assert own.loc["Pia Partner", "Partnership"] == 100  # by style shares alone: ideal
    assert own.loc["Pia Partner", "Fit"] == pytest.approx(200 / 3)
    assert own.loc["Pia Partner", "Fallback"] == "Partnership"
    assert own.loc["Ana Able", "Fit"] == 100 and own.loc["Ana Able", "Fallback"] == "–"
    assert own.loc["Ben Stuck", "Fit"] == 0
    team_metrics = {m.label: m.value for m in team.metric}
    assert team_metrics["Fitted the situation"] == "50%"  # 5 of 10 choices in team A


def test_the_learner_page_letters_each_answer_as_its_attempt_showed_it(app_env, org):
    attempt = team_store.attempts_of(app_env, org.manager_a, org.ana.id)[0]
    scenario = org.course.scenario("alpha", "alpha-one").shuffled(attempt.option_seed)
    at = app_for(app_env, org.manager_a, LEARNER, learner=str(org.ana.id))
    assert not [d for d in at.dataframe if "Choice" in d.value.columns]  # built when opened
    at.session_state["learner_every"] = True
    at.run()
    answers = table_with(at, "Choice")
    first = answers[answers["Scenario"] == "The first situation"]["Choice"].iloc[0]
    assert (
        first
        == f"{scenario.letter('strategic')}. Ask what the client is trying to achieve this year."
    )


def test_a_prepared_answer_file_is_dropped_when_the_team_changes(app_env, org, monkeypatch):
    """Issue 9, defect 1: a prepared 'every answer' file outlived a scope change.

    After an admin moved a learner out, the manager could still download that
    learner's rows for the rest of the session.
    """
    served = serve_files(monkeypatch)
    at = app_for(app_env, org.manager_a, TEAM)
    assert "about 7 answers" in texts(at)
    at.button(key="team_answers_prepare").click().run()
    drawn = at.get("download_button")[1]
    assert {r["username"] for r in rows_of(served.text(drawn))} == {"ana", "ben"}
    team_store.set_team(app_env, COMMAND_LINE, org.ben.id, None, NOW)
    # The button already on the screen checks the team again when clicked.
    with pytest.raises(exports.StaleExport):
        served.text(drawn)
    at.run()
    assert not at.exception
    assert len(at.get("download_button")) == 1  # the roster only
    assert "Who is in this team has changed" in texts(at)
    at.button(key="team_answers_prepare").click().run()
    again = rows_of(served.text(at.get("download_button")[1]))
    assert {r["username"] for r in again} == {"ana"} and len(again) == 3


def test_a_big_answer_file_is_offered_from_the_command_line(app_env, org, monkeypatch):
    """Issue 9, defect 4: every answer of 5,000 learners was built in the server's memory."""
    monkeypatch.setattr(exports, "PAGE_LIMIT", 5)
    at = app_for(app_env, org.manager_a, TEAM)
    assert not at.exception
    assert "team_answers_prepare" not in [b.key for b in at.button]
    assert "too many to build and download here" in texts(at)
    assert [c.value for c in at.code][-1] == (
        f"arrowhead export answers --team 'Alpha Team' --out team-{org.team_a}-answers.csv"
    )


def heatmap_spec(at) -> tuple[dict, pd.DataFrame]:
    """The heatmap's Vega-Lite spec and its data: the chart with a Learner axis."""
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if any(layer["encoding"]["y"]["field"] == "Learner" for layer in spec.get("layer", [])):
            data = pyarrow.ipc.open_stream(chart.proto.datasets[0].data.data).read_pandas()
            return spec, data
    raise AssertionError("no heatmap on the page")


def test_heatmap_gives_every_learner_a_readable_named_row(app_env, org):
    """Issue 9.2: rows shrank to 9 px and Vega dropped names that overlapped or ran long;
    0-10% looked like 'not attempted'; the pass mark was nowhere."""
    at = app_for(app_env, org.manager_a, TEAM, team_view="Best scores")
    spec, data = heatmap_spec(at)
    assert spec["height"]["step"] >= 24
    y_axis = spec["layer"][0]["encoding"]["y"]["axis"]
    assert y_axis["labelOverlap"] is False and y_axis["labelLimit"] == 0
    # SVG: every label is a text element a browser test (and a screen reader) can find.
    assert spec["usermeta"]["embedOptions"]["renderer"] == "svg"
    assert sorted(set(data["Learner"])) == ["Ana Able (ana)", "Ben Stuck (ben)", "Dan Idle (dan)"]
    cells = data.set_index(["Learner", "Number"])
    assert cells.loc[("Ben Stuck (ben)", "1"), "Label"] == "40"
    assert cells.loc[("Ana Able (ana)", "1"), "Label"] == "100 ✓"
    assert cells.loc[("Dan Idle (dan)", "1"), "Label"] == "–"
    assert cells.loc[("Dan Idle (dan)", "1"), "Untried"] == "not attempted"
    # The colour is the distance from the quiz's pass mark (70 in the tiny course).
    assert cells.loc[("Ben Stuck (ben)", "1"), "Margin"] == 40 - 70
    colour = next(
        layer
        for layer in spec["layer"]
        if layer["encoding"].get("color", {}).get("field") == "Margin"
    )
    assert colour["encoding"]["color"]["scale"]["domainMid"] == 0
    assert 0 in colour["encoding"]["color"]["legend"]["values"]
    assert "Pick a team above" not in texts(at)


def test_all_teams_starts_with_the_teams_compared(app_env, org, monkeypatch):
    """Issue 9.3: All teams had no Team column in the roster or its CSV, no comparison of teams,
    and a heatmap of 'the first 150 learners by name'."""
    served = serve_files(monkeypatch)
    at = app_for(app_env, org.admin, TEAM, team_view="Best scores")
    at.selectbox(key="team_pick").select("All teams").run()
    assert not at.exception
    assert at.subheader[0].value == "Teams compared"
    compared = at.dataframe[0].value
    assert list(compared.columns) == [
        "Team",
        "Learners",
        "Completed",
        "Stuck",
        "Inactive",
        "Average best",
        "Certificates",
    ]
    lines = compared.set_index("Team")
    assert list(lines.index) == ["Alpha Team", "Beta Team"]
    assert lines.loc["Alpha Team", ["Learners", "Completed", "Stuck", "Inactive"]].tolist() == [
        3,
        0,
        1,
        0,
    ]
    assert lines.loc["Beta Team", ["Learners", "Completed", "Stuck", "Inactive"]].tolist() == [
        1,
        0,
        0,
        0,
    ]
    roster = table_with(at, "Modules passed")
    assert dict(zip(roster["Learner"], roster["Team"], strict=True)) == {
        "Ana Able": "Alpha Team",
        "Ben Stuck": "Alpha Team",
        "Cleo Secret": "Beta Team",
        "Dan Idle": "Alpha Team",
    }
    csv_rows = rows_of(served.text(at.get("download_button")[0]))
    assert {r["learner"]: r["team"] for r in csv_rows}["Cleo Secret"] == "Beta Team"
    assert "Pick a team above to see its heatmap" in texts(at)
    with pytest.raises(AssertionError):
        heatmap_spec(at)


def test_all_teams_shows_a_page_of_learners_who_need_attention_first(app_env, org, monkeypatch):
    """Issue 9 (speed): All teams drew every learner (5,000 rows) by name. It shows a page,
    stuck then inactive first, after the search and status filter; the CSV keeps everyone."""
    from arrowhead import teams

    ivy = make_user(app_env, "ivy", name="Ivy Quiet")
    team_store.set_team(app_env, COMMAND_LINE, ivy.id, org.team_b, NOW)
    take_quiz(
        app_env,
        org.course,
        ivy,
        "alpha",
        ["discount", "chase"],
        datetime.now(UTC) - timedelta(days=30),
    )
    # A page of two stands in for the 200 a page holds: the same code, five learners.
    monkeypatch.setattr(teams, "ROSTER_PAGE", 2)
    served = serve_files(monkeypatch)
    at = app_for(app_env, org.admin, TEAM)
    at.selectbox(key="team_pick").select("All teams").run()
    assert not at.exception
    assert at.subheader[0].value == "Teams compared"
    roster = table_with(at, "Modules passed")
    assert [(r.Learner, r.Status) for r in roster.itertuples()] == [
        ("Ben Stuck", "stuck on Alpha quiz"),
        ("Ivy Quiet", "inactive"),
    ]
    assert "Showing 2 of the 5 learners found (of 5), those who need attention first" in texts(at)
    assert list(at.selectbox(key="team_learner").options) == ["Ben Stuck (ben)", "Ivy Quiet (ivy)"]
    # The CSV is every learner, by name, not the page.
    csv_rows = rows_of(served.text(at.get("download_button")[0]))
    assert [r["learner"] for r in csv_rows] == [
        "Ana Able",
        "Ben Stuck",
        "Cleo Secret",
        "Dan Idle",
        "Ivy Quiet",
    ]
    # The filter applies before the page: learners past it on the unfiltered page show.
    at.multiselect(key="team_status").select("on track").run()
    roster = table_with(at, "Modules passed")
    assert list(roster["Learner"]) == ["Ana Able", "Cleo Secret"]
    assert "2 of 5 learners shown, those who need attention first." in texts(at)
    at.multiselect(key="team_status").unselect("on track").run()
    at.text_input(key="team_search").input("dan").run()
    assert list(table_with(at, "Modules passed")["Learner"]) == ["Dan Idle"]
    at.text_input(key="team_search").input("a").run()
    # "a" finds Ana (on track) and Dan (not started): the one to act on first.
    assert list(table_with(at, "Modules passed")["Learner"]) == ["Dan Idle", "Ana Able"]


def test_one_team_is_not_cut_to_a_page(app_env, org, monkeypatch):
    """A team's roster stays whole and by name: the page is for every team at once."""
    from arrowhead import teams

    monkeypatch.setattr(teams, "ROSTER_PAGE", 2)
    at = app_for(app_env, org.manager_a, TEAM)
    assert list(table_with(at, "Modules passed")["Learner"]) == [
        "Ana Able",
        "Ben Stuck",
        "Dan Idle",
    ]
    assert "3 of 3 learners shown. Click a column heading to sort." in texts(at)


def test_one_teams_roster_has_no_team_column(app_env, org):
    at = app_for(app_env, org.manager_a, TEAM)
    assert "Team" not in table_with(at, "Modules passed").columns
    assert "Teams compared" not in [s.value for s in at.subheader]
