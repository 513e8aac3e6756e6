"""Assignments, coaching notes and the audit log on a real file, with their scope checks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import NOW, make_user
from team_fixtures import build_org

from arrowhead import assignments
from arrowhead.store import assignments as assignment_store
from arrowhead.store import audit, learning
from arrowhead.store import notes as note_store
from arrowhead.store import teams as team_store
from arrowhead.store.database import apply_migrations
from arrowhead.teams import COMMAND_LINE, TeamError

TODAY = NOW.date()
NEXT_WEEK = TODAY + timedelta(days=7)


@pytest.fixture
def org(db, course_root):
    return build_org(db, course_root, NOW)


def assign(db, org, viewer, due=NEXT_WEEK, kind="quiz", item="alpha", **target):
    return assignment_store.assign(
        db, viewer, org.course, kind=kind, item_id=item, due=due, now=NOW, **target
    )


def statuses(db, org, viewer, team_id, today=TODAY):
    """{(learner username, assignment id): status} as the team page works them out."""
    names = {u.id: u.username for u in (org.ana, org.ben, org.cleo, org.dan)}
    work = assignment_store.team_work(db, viewer, team_id, org.course)
    return {(names[d.user_id], d.assignment.id): d.status for d in work.duties(org.course, today)}


# ---------------------------------------------------------------- assignments


def test_a_team_assignment_applies_to_everyone_in_the_team_and_counts_earlier_passes(db, org):
    quiz = assign(db, org, org.manager_a, team_id=org.team_a)
    # Ana passed alpha before it was assigned: done. Ben failed twice, Dan did nothing.
    assert statuses(db, org, org.manager_a, org.team_a) == {
        ("ana", quiz): assignments.DONE,
        ("ben", quiz): assignments.DUE,
        ("dan", quiz): assignments.DUE,
    }
    # After the due date, what is not done is overdue; done stays done.
    late = statuses(db, org, org.manager_a, org.team_a, today=NEXT_WEEK + timedelta(days=1))
    assert late[("ben", quiz)] == assignments.OVERDUE
    assert late[("ana", quiz)] == assignments.DONE
    # On the due date itself it is still due.
    assert statuses(db, org, org.manager_a, org.team_a, today=NEXT_WEEK)[("ben", quiz)] == "due"


def test_a_module_is_done_when_every_section_is_read_and_its_quiz_passed(db, org):
    module = assign(db, org, org.manager_a, kind="module", item="alpha", user_id=org.ana.id)

    def ana():
        return statuses(db, org, org.manager_a, org.team_a)[("ana", module)]

    assert ana() == assignments.DUE  # quiz passed, nothing read
    learning.mark_section_read(db, org.ana.id, "alpha", "first-steps", NOW)
    assert ana() == assignments.DUE
    learning.mark_section_read(db, org.ana.id, "alpha", "second-steps", NOW)
    assert ana() == assignments.DONE
    # Ben reads everything but has not passed the quiz.
    ben = assign(db, org, org.manager_a, kind="module", item="alpha", user_id=org.ben.id)
    for section in ("first-steps", "second-steps"):
        learning.mark_section_read(db, org.ben.id, "alpha", section, NOW)
    assert statuses(db, org, org.manager_a, org.team_a)[("ben", ben)] == assignments.DUE


def test_team_assignments_follow_the_learner_out_of_the_team(db, org):
    quiz = assign(db, org, org.manager_a, team_id=org.team_a)
    mine = assign(db, org, org.manager_a, item="beta", user_id=org.dan.id)
    team_store.set_team(db, COMMAND_LINE, org.dan.id, org.team_b, NOW)
    assert ("dan", quiz) not in statuses(db, org, org.manager_a, org.team_a)
    # Dan's own assignment goes with him: his new manager sees it, the old one no longer does.
    assert ("dan", mine) not in statuses(db, org, org.manager_a, org.team_a)
    assert ("dan", mine) in statuses(db, org, org.manager_b, org.team_b)
    seen_by_dan = assignment_store.learner_work(db, org.dan, org.dan.id, org.course).assignments
    assert [a.id for a in seen_by_dan] == [mine]


def test_a_manager_never_assigns_to_or_reads_another_teams_work(db, org):
    theirs = assign(db, org, org.manager_b, team_id=org.team_b)
    with pytest.raises(TeamError, match="teams you manage"):
        assign(db, org, org.manager_a, team_id=org.team_b)
    with pytest.raises(TeamError, match="teams you manage"):
        assign(db, org, org.manager_a, user_id=org.cleo.id)
    with pytest.raises(TeamError, match="teams you manage"):
        assign(db, org, org.ana, user_id=org.ana.id)  # a learner assigns nothing
    assert assignment_store.team_work(db, org.manager_a, org.team_b, org.course).assignments == []
    assert assignment_store.team_work(db, org.manager_a, None, org.course).assignments == []
    assert (
        assignment_store.learner_work(db, org.manager_a, org.cleo.id, org.course).assignments == []
    )
    with pytest.raises(TeamError, match="does not exist"):
        assignment_store.remove_assignment(db, org.manager_a, theirs, NOW)
    assert [
        a.id for a in assignment_store.team_work(db, org.admin, None, org.course).assignments
    ] == [theirs]


def test_a_removed_assignment_disappears_and_the_removal_is_logged(db, org):
    quiz = assign(db, org, org.manager_a, team_id=org.team_a)
    assignment_store.remove_assignment(db, org.manager_a, quiz, NOW)
    assert assignment_store.team_work(db, org.manager_a, org.team_a, org.course).assignments == []
    assert assignment_store.learner_work(db, org.ben, org.ben.id, org.course).assignments == []
    actions = [e.action for e in audit.audit_entries(db, org.admin, actor_id=org.manager_a.id)]
    assert actions == [audit.ASSIGNMENT_REMOVED, audit.ASSIGNED]


@pytest.mark.parametrize(
    ("kind", "item", "due", "message"),
    [
        ("quiz", "gamma", NEXT_WEEK, "not in the course"),
        ("lesson", "alpha", NEXT_WEEK, "not in the course"),
        ("quiz", "alpha", TODAY - timedelta(days=1), "due date has passed"),
    ],
)
def test_an_assignment_needs_a_course_item_and_a_due_date_to_come(
    db, org, kind, item, due, message
):
    with pytest.raises(TeamError, match=message):
        assign(db, org, org.manager_a, due=due, kind=kind, item=item, team_id=org.team_a)
    assert assignment_store.team_work(db, org.admin, None, org.course).assignments == []


def test_a_due_date_of_today_is_accepted(db, org):
    assign(db, org, org.manager_a, due=TODAY, user_id=org.ben.id)
    work = assignment_store.learner_work(db, org.ben, org.ben.id, org.course)
    (duty,) = work.duties(org.course, TODAY)
    assert duty.assignment.due == TODAY and assignments.due_soon(duty, TODAY)


# ---------------------------------------------------------------- coaching notes


def test_notes_are_read_by_managers_and_admins_and_shared_ones_by_the_learner(db, org):
    note_store.write_note(
        db, org.manager_a, org.ana.id, "  Push for the CFO meeting.  ", False, NOW
    )
    note_store.write_note(
        db, org.manager_a, org.ana.id, "Great work on urgency.", True, NOW + timedelta(hours=1)
    )
    texts = [n.text for n in note_store.notes_on(db, org.manager_a, org.ana.id)]
    assert texts == ["Great work on urgency.", "Push for the CFO meeting."]  # newest first
    assert [n.text for n in note_store.notes_on(db, org.admin, org.ana.id)] == texts
    assert [n.text for n in note_store.notes_on(db, org.ana, org.ana.id)] == [
        "Great work on urgency."
    ]
    assert note_store.notes_on(db, org.ben, org.ana.id) == []


def test_a_manager_never_reads_or_writes_notes_on_another_teams_learner(db, org):
    note_store.write_note(db, org.manager_b, org.cleo.id, "Private to team B.", True, NOW)
    assert note_store.notes_on(db, org.manager_a, org.cleo.id) == []
    with pytest.raises(TeamError, match="team you manage"):
        note_store.write_note(db, org.manager_a, org.cleo.id, "Sneaky.", False, NOW)
    with pytest.raises(TeamError, match="team you manage"):
        note_store.write_note(db, org.ana, org.ana.id, "About myself.", True, NOW)
    assert [n.text for n in note_store.notes_on(db, org.admin, org.cleo.id)] == [
        "Private to team B."
    ]
    # Cleo moves to team A: her notes are now her new manager's to read, not her old one's.
    team_store.set_team(db, COMMAND_LINE, org.cleo.id, org.team_a, NOW)
    assert [n.text for n in note_store.notes_on(db, org.manager_a, org.cleo.id)] == [
        "Private to team B."
    ]
    assert note_store.notes_on(db, org.manager_b, org.cleo.id) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Write something"), ("x" * 1001, "at most 1000"), ("a\x00b", "control characters")],
)
def test_a_bad_note_is_refused_in_plain_words_and_nothing_is_stored(db, org, text, message):
    with pytest.raises(TeamError, match=message):
        note_store.write_note(db, org.manager_a, org.ana.id, text, False, NOW)
    assert note_store.notes_on(db, org.admin, org.ana.id) == []
    assert audit.audit_entries(db, org.admin, actor_id=org.manager_a.id) == []


def test_a_note_of_1000_characters_with_line_breaks_is_kept_whole(db, org):
    text = ("line\n" * 200)[:-1] + "."
    assert len(text) == 1000
    note_store.write_note(db, org.manager_a, org.ana.id, text, False, NOW)
    assert note_store.notes_on(db, org.manager_a, org.ana.id)[0].text == text


# ---------------------------------------------------------------- the audit log


def test_admin_writes_are_logged_with_who_what_and_when(db, org):
    later = NOW + timedelta(minutes=5)
    team_store.set_roles(db, org.admin, org.ben.id, ["learner", "facilitator"], later)
    team_store.set_team(db, org.admin, org.ben.id, org.team_b, later)
    team_store.set_active(db, org.admin, org.ben.id, False, later)
    team_store.issue_reset_code(db, org.admin, org.dan.id, later)
    team_store.rename_team(db, org.admin, org.team_b, "Bravo Team", later)
    team_store.renew_invite(db, org.manager_a, org.team_a, later)
    entries = audit.audit_entries(db, org.admin, subject_user_id=org.ben.id)
    assert [(e.actor, e.action, e.detail, e.at) for e in entries] == [
        ("Ada Admin", audit.DEACTIVATED, "", "2026-11-02T09:35:00+00:00"),
        ("Ada Admin", audit.TEAM_SET, "Alpha Team → Beta Team", "2026-11-02T09:35:00+00:00"),
        (
            "Ada Admin",
            audit.ROLES_SET,
            "learner, facilitator (was learner)",
            "2026-11-02T09:35:00+00:00",
        ),
        # From build_org: the command line put Ben in team A.
        ("command line", audit.TEAM_SET, "no team → Alpha Team", "2026-11-02T09:30:00+00:00"),
    ]
    assert entries[1].subject_team == "Bravo Team"  # names as they are now; detail as it was
    reset = audit.audit_entries(db, org.admin, subject_user_id=org.dan.id)[0]
    assert (reset.action, reset.detail) == (audit.RESET_CODE_ISSUED, "")
    team_log = audit.audit_entries(db, org.admin, subject_team_id=org.team_b)
    assert [e.detail for e in team_log if e.action == audit.TEAM_RENAMED] == [
        "Beta Team → Bravo Team"
    ]
    by_manager = audit.audit_entries(db, org.admin, actor_id=org.manager_a.id)
    assert [(e.action, e.subject_team) for e in by_manager] == [
        (audit.INVITE_RENEWED, "Alpha Team")
    ]


def test_a_save_that_changes_nothing_logs_nothing(db, org):
    before = len(audit.audit_entries(db, org.admin))
    team_store.set_roles(db, org.admin, org.ana.id, ["learner"], NOW)
    team_store.set_team(db, org.admin, org.ana.id, org.team_a, NOW)
    team_store.set_managed_teams(db, org.admin, org.manager_a.id, [org.team_a], NOW)
    team_store.set_active(db, org.admin, org.ana.id, True, NOW)
    assert len(audit.audit_entries(db, org.admin)) == before


def test_a_refused_change_leaves_no_audit_row(db, org):
    """The audit row is written in the change's transaction: a refusal rolls both back."""
    before = len(audit.audit_entries(db, org.admin))
    with pytest.raises(TeamError, match="only admin"):
        team_store.set_roles(db, org.admin, org.admin.id, ["learner"], NOW)
    with pytest.raises(TeamError, match="already a team"):
        team_store.rename_team(db, org.admin, org.team_a, "beta team", NOW)
    with pytest.raises(TeamError, match="Only an admin"):
        team_store.set_team(db, org.manager_a, org.cleo.id, org.team_a, NOW)
    assert len(audit.audit_entries(db, org.admin)) == before


def test_only_admins_read_the_audit_log(db, org):
    note_store.write_note(db, org.manager_a, org.ana.id, "Secret plan.", False, NOW)
    for viewer in (org.manager_a, org.ana):
        assert audit.audit_entries(db, viewer) == []
        assert audit.audit_count(db, viewer) == 0
        assert audit.audit_actors(db, viewer) == []
        assert audit.audit_subjects(db, viewer) == ([], [])
    (entry,) = audit.audit_entries(db, org.admin, actor_id=org.manager_a.id)
    # That a note was written is logged; what it says is not.
    assert entry.action == audit.NOTE_WRITTEN and "Secret" not in entry.detail
    # The command line is one actor among the others in the filters.
    assert [a.name for a in audit.audit_actors(db, org.admin)] == ["Mara Manager", "command line"]
    by_shell = audit.audit_entries(db, org.admin, by_command_line=True)
    assert by_shell and all(e.actor_id is None for e in by_shell)


def test_a_deactivated_admin_reads_nothing(db, org):
    second = make_user(db, "ada2", ("admin",), "Second Admin")
    team_store.set_active(db, org.admin, second.id, False, NOW)
    assert audit.audit_entries(db, second) == []


def test_the_new_migrations_apply_once(db):
    apply_migrations(db)
    assert {"assignments", "coaching_notes", "audit_log"} <= set(db.table_names())


def test_dates_are_stored_as_dates(db, org):
    assign(db, org, org.manager_a, due=date(2030, 1, 31), user_id=org.ana.id)
    (stored,) = assignment_store.learner_work(db, org.ana, org.ana.id, org.course).assignments
    assert stored.due == date(2030, 1, 31)
    assert stored.target == "Ana Able" and stored.assigned_by == "Mara Manager"
