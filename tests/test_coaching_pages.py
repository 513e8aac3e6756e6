"""AppTest of assignments (team page, course map), coaching notes and the audit log page."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from conftest import app_for, make_user, texts
from team_fixtures import build_org, serve_files, take_quiz

from arrowhead.store import assignments as assignment_store
from arrowhead.store import audit
from arrowhead.store import notes as note_store
from arrowhead.store import teams as team_store
from arrowhead.teams import COMMAND_LINE

TEAM = "arrowhead/ui/team_page.py"
LEARNER = "arrowhead/ui/learner_page.py"
MAP = "arrowhead/ui/map_page.py"
AUDIT = "arrowhead/ui/admin_audit_page.py"


@pytest.fixture
def org(app_env, course_root):
    return build_org(app_env, course_root)


def today():
    return datetime.now(UTC).date()


def assign(db, org, due_in_days: int, item="alpha", kind="quiz", days_ago=0, **target) -> int:
    """An assignment made days_ago, due due_in_days from today (negative: already past)."""
    made = datetime.now(UTC) - timedelta(days=days_ago)
    return assignment_store.assign(
        db,
        org.manager_a,
        org.course,
        kind=kind,
        item_id=item,
        due=today() + timedelta(days=due_in_days),
        now=made,
        **target,
    )


def button(at, label):
    return next(b for b in at.button if b.label == label)


def frame(at, *columns: str):
    """The first table on the page with these columns."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def link_labels(at) -> list[str]:
    return [link.proto.label for link in at.get("page_link")]


# ---------------------------------------------------------------- the team page


def test_team_page_before_anything_is_assigned(app_env, org):
    at = app_for(app_env, org.manager_a, TEAM)
    assert not at.exception
    assert "Nothing assigned yet." in texts(at)
    assert set(at.dataframe[0].value["Assignments"]) == {"–"}
    assert at.selectbox(key="assign_target").options == [
        "Everyone in Alpha Team",
        "Ana Able (ana)",
        "Ben Stuck (ben)",
        "Dan Idle (dan)",
    ]


def test_manager_assigns_a_quiz_to_the_team_and_the_roster_shows_who_is_done(app_env, org):
    at = app_for(app_env, org.manager_a, TEAM)
    at.selectbox(key="assign_item").select("Quiz: Alpha quiz")
    at.date_input(key="assign_due").set_value(today() + timedelta(days=5))
    button(at, "Assign").click().run()
    assert not at.exception
    assert "Assigned. It shows at the top of their course map." in texts(at)
    roster = at.dataframe[0].value
    assert dict(zip(roster["Learner"], roster["Assignments"], strict=True)) == {
        "Ana Able": "1 done",  # passed alpha before it was assigned
        "Ben Stuck": "1 due",
        "Dan Idle": "1 due",
    }
    table = frame(at, "Set by")
    assert list(table["What"]) == ["Quiz: Alpha quiz"]
    assert list(table["Assigned to"]) == ["Team Alpha Team"]
    assert (table["Done"][0], table["Due"][0], table["Overdue"][0]) == (1, 2, 0)
    assert list(table["Due on"]) == [(today() + timedelta(days=5)).isoformat()]


def test_manager_assigns_a_module_to_one_learner(app_env, org):
    at = app_for(app_env, org.manager_a, TEAM)
    at.selectbox(key="assign_target").select("Ben Stuck (ben)")
    at.selectbox(key="assign_item").select("Module 2: Beta module")
    button(at, "Assign").click().run()
    (stored,) = assignment_store.learner_work(app_env, org.ben, org.ben.id, org.course).assignments
    assert (stored.kind, stored.item_id, stored.user_id) == ("module", "beta", org.ben.id)
    assert stored.due == today() + timedelta(days=7)  # the default
    roster = at.dataframe[0].value
    assert dict(zip(roster["Learner"], roster["Assignments"], strict=True))["Ben Stuck"] == "1 due"


def test_overdue_work_shows_on_the_roster_and_can_be_removed(app_env, org):
    assign(app_env, org, -2, days_ago=9, user_id=org.ben.id)
    at = app_for(app_env, org.manager_a, TEAM)
    roster = at.dataframe[0].value
    assert dict(zip(roster["Learner"], roster["Assignments"], strict=True))["Ben Stuck"] == (
        "1 overdue"
    )
    statuses = frame(at, "What", "Status")
    assert list(zip(statuses["Learner"], statuses["Status"], strict=True)) == [
        ("Ben Stuck", "overdue")
    ]
    at.button(key="assign_remove").click().run()
    assert not at.exception
    assert "Nothing assigned yet." in texts(at)
    assert assignment_store.learner_work(app_env, org.ben, org.ben.id, org.course).assignments == []


def test_admin_sees_every_teams_assignments_but_assigns_within_one_team(app_env, org):
    assign(app_env, org, 3, team_id=org.team_a)
    at = app_for(app_env, org.admin, TEAM)
    at.selectbox(key="team_pick").select_index(0).run()  # All teams: the admin's first choice
    assert not at.exception
    assert "Pick one team above to assign" in texts(at)
    assert not [s for s in at.selectbox if s.key == "assign_target"]
    assert len(frame(at, "Set by")) == 1


# ---------------------------------------------------------------- the course map


def test_the_map_shows_nothing_extra_without_assignments(app_env, org):
    at = app_for(app_env, org.ben, MAP)
    assert not at.exception
    assert "Assigned to you" not in texts(at)
    assert not at.warning


def test_the_map_calls_out_work_due_within_three_days(app_env, org):
    assign(app_env, org, 2, team_id=org.team_a)
    assign(app_env, org, 10, item="beta", user_id=org.ben.id)
    at = app_for(app_env, org.ben, MAP)
    assert "Assigned to you" in texts(at)
    (warning,) = at.warning
    assert warning.value.startswith("Due within 3 days: Quiz: Alpha quiz (due ")
    assert "Beta quiz" not in warning.value  # ten days away
    labels = link_labels(at)
    assert any(label.startswith("Quiz: Alpha quiz · due ") for label in labels)
    assert any(label.startswith("Quiz: Beta quiz · due ") for label in labels)


def test_the_map_shows_overdue_and_done_work(app_env, org):
    assign(app_env, org, -1, days_ago=5, team_id=org.team_a)  # alpha: Ana passed it
    assign(app_env, org, -1, days_ago=5, item="alpha", kind="module", user_id=org.ana.id)
    at = app_for(app_env, org.ana, MAP)
    assert not at.exception
    assert "✓ Quiz: Alpha quiz · due yesterday · done" in texts(at)
    # The module is not done: nothing of it has been read. Overdue is not "due soon".
    assert "Module 1: Alpha module · due yesterday · overdue" in link_labels(at)
    assert not at.warning


# ---------------------------------------------------------------- coaching notes and talking points


def test_manager_writes_a_private_and_a_shared_note(app_env, org):
    at = app_for(app_env, org.manager_a, LEARNER, learner=str(org.ben.id))
    assert "No notes yet." in texts(at)
    at.text_area(key="notes_text").input("Talk about the procurement **deal**.")
    button(at, "Save the note").click().run()
    at.text_area(key="notes_text").input("Well done on the second try.")
    at.checkbox(key="notes_shared").check()
    button(at, "Save the note").click().run()
    assert not at.exception
    shown = [t.value for t in at.text]
    # Plain text, never Markdown: the asterisks stay as typed.
    assert "Talk about the procurement **deal**." in shown
    assert "Well done on the second try." in shown
    assert any(line.endswith("· Mara Manager · shared") for line in shown)
    # Ben sees only the shared one, and no form.
    mine = app_for(app_env, org.ben, LEARNER)
    assert "Well done on the second try." in [t.value for t in mine.text]
    assert "Talk about the procurement **deal**." not in texts(mine)
    assert not mine.text_area


def test_an_empty_note_gets_a_plain_message(app_env, org):
    at = app_for(app_env, org.manager_a, LEARNER, learner=str(org.ben.id))
    at.text_area(key="notes_text").input("   ")
    button(at, "Save the note").click().run()
    assert "Write something in the note first." in texts(at)
    assert note_store.notes_on(app_env, org.admin, org.ben.id) == []


def test_a_learner_without_shared_notes_sees_no_notes_section(app_env, org):
    note_store.write_note(app_env, org.manager_a, org.ben.id, "Private.", False, datetime.now(UTC))
    at = app_for(app_env, org.ben, LEARNER)
    assert not at.exception
    assert "Coaching notes" not in texts(at)


def test_another_teams_manager_sees_neither_notes_nor_the_learner(app_env, org):
    note_store.write_note(app_env, org.manager_a, org.ben.id, "Only A.", True, datetime.now(UTC))
    at = app_for(app_env, org.manager_b, LEARNER, learner=str(org.ben.id))
    assert "Only A." not in texts(at)
    assert "not in a team you manage" in texts(at)


def test_what_to_talk_about_puts_the_weakest_behaviour_first(app_env, org):
    """Ben's latest alpha answers missed both scenarios at the same moment; he is weaker at
    driving urgency (3 of 20) than at critical thinking (5 of 20), so the urgency miss leads."""
    at = app_for(app_env, org.manager_a, LEARNER, learner=str(org.ben.id))
    # Each card opens with its scenario and quiz, the answer's moment on the line below.
    headings = [m.value.split("\n\n")[0] for m in at.markdown if " · Alpha quiz\n\n" in m.value]
    assert headings[:2] == [
        "**The second situation** · Alpha quiz",
        "**The first situation** · Alpha quiz",
    ]


def gamma_course(root, scenarios: int) -> None:
    """Add a third module whose quiz has this many scenarios to the test course."""
    (root / "modules" / "03-gamma.md").write_text(
        '+++\ntitle = "Gamma module"\nminutes = 5\nobjectives = ["Know gamma"]\n'
        'summary = "Gamma."\n+++\n\n## Gamma section\n\nText.\n'
    )
    blocks = ['module = "gamma"\ntitle = "Gamma quiz"\npass_mark = 70\n']
    for n in range(scenarios):
        blocks.append(
            f'[[scenarios]]\nid = "gamma-{n}"\ntitle = "Gamma {n}"\nsituation = "S."\n'
            'question = "Q?"\nbehaviour = "innovation"\n'
            + "".join(
                f'[[scenarios.options]]\nid = "{o}"\ntext = "{o}"\npoints = {p}\n'
                f'style = "{s}"\nfeedback = "F {o}."\n'
                for o, p, s in (
                    ("best", 10, "partnership"),
                    ("ok", 5, "traditional"),
                    ("bad", 0, "transactional"),
                )
            )
        )
    (root / "quizzes" / "03-gamma.toml").write_text("\n".join(blocks))


def test_what_to_talk_about_shows_five_then_all(app_env, course_root):
    gamma_course(course_root, 6)
    org = build_org(app_env, course_root)
    take_quiz(app_env, org.course, org.dan, "gamma", ["bad"] * 6, datetime.now(UTC))
    at = app_for(app_env, org.manager_a, LEARNER, learner=str(org.dan.id))
    assert not at.exception
    headings = [m.value for m in at.markdown if m.value.startswith("**Gamma")]
    assert len(headings) == 5
    at.toggle(key="learner_talk_all").set_value(True).run()
    assert len([m for m in at.markdown if m.value.startswith("**Gamma")]) == 6


# ---------------------------------------------------------------- the audit log page


def test_the_audit_log_says_when_nothing_is_recorded(app_env):
    admin = make_user(app_env, "admin", ("admin",), "Ada Admin")
    at = app_for(app_env, admin, AUDIT)
    assert not at.exception
    assert "Nothing recorded yet." in texts(at)


def test_the_audit_log_lists_filters_and_exports_changes(app_env, org, monkeypatch):
    served = serve_files(monkeypatch)
    spreadsheet = make_user(app_env, "zed", name="=HYPERLINK(1) Zed")
    team_store.set_team(app_env, org.admin, spreadsheet.id, org.team_a, datetime.now(UTC))
    assign(app_env, org, 4, user_id=org.ben.id)
    at = app_for(app_env, org.admin, AUDIT)
    assert not at.exception
    table = frame(at, "Done by")
    # Newest first: Mara's assignment, then the admin's move of Zed, then the set-up.
    assert list(table["Done by"][:2]) == ["Mara Manager", "Ada Admin"]
    assert list(table["Action"][:2]) == [audit.ASSIGNED, audit.TEAM_SET]
    assert table["Detail"][0].startswith("Quiz: Alpha quiz, due ")

    at.selectbox(key="audit_actor").select("cli").run()
    assert set(frame(at, "Done by")["Done by"]) == {"command line"}
    at.selectbox(key="audit_actor").select("anyone")
    at.selectbox(key="audit_subject").select(f"user:{org.ben.id}").run()
    assert list(frame(at, "Done by")["Action"]) == [
        audit.ASSIGNED,
        audit.TEAM_SET,
    ]
    at.selectbox(key="audit_actor").select(f"user:{org.admin.id}").run()
    assert "No changes match these filters." in texts(at)

    at.selectbox(key="audit_actor").select("anyone")
    at.selectbox(key="audit_subject").select("anyone").run()
    rows = list(csv.DictReader(io.StringIO(served.text(at.get("download_button")[0]))))
    assert rows[1]["person"] == "'=HYPERLINK(1) Zed"  # a formula is defused
    assert rows[1]["actor"] == "Ada Admin"
    assert len(rows) == len(audit.audit_entries(app_env, COMMAND_LINE))
