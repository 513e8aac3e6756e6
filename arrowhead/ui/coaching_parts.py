"""Blocks the team, learner and map pages share for assignments and coaching notes.

Kept out of the page scripts so those read as the screen they draw, and so
each page gains one call where the block goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd
import streamlit as st
from sqlite_utils import Database

from arrowhead import assignments
from arrowhead.accounts import User
from arrowhead.assignments import Duty
from arrowhead.coaching import MAX_NOTE
from arrowhead.course import Course
from arrowhead.store import assignments as assignment_store
from arrowhead.store import notes as note_store
from arrowhead.store.teams import Team
from arrowhead.teams import LearnerOverview, TeamError
from arrowhead.ui import components

DEFAULT_DUE_DAYS = 7


# ---------------------------------------------------------------- the team page


def roster_summaries(found: Sequence[Duty]) -> dict[int, str]:
    """Each learner's assignments in a few words, for the roster's Assignments column."""
    by_learner: dict[int, list[Duty]] = {}
    for duty in found:
        by_learner.setdefault(duty.user_id, []).append(duty)
    return {user_id: assignments.summary(mine) for user_id, mine in by_learner.items()}


def roster_counts(found: Sequence[Duty]) -> dict[int, dict[str, int]]:
    """Each learner's assignments counted by status, for the roster CSV."""
    by_learner: dict[int, list[Duty]] = {}
    for duty in found:
        by_learner.setdefault(duty.user_id, []).append(duty)
    return {user_id: assignments.counts(mine) for user_id, mine in by_learner.items()}


def assignments_section(
    db: Database,
    user: User,
    course: Course,
    team: Team | None,
    work: assignment_store.Work,
    found: Sequence[Duty],
    rows: Sequence[LearnerOverview],
    today: date,
) -> None:
    """Assign a module or quiz with a due date; what is assigned, and who has done it."""
    st.subheader("Assignments", anchor=False)
    if team is None:
        st.caption(
            "Pick one team above to assign a module or quiz to it or to one of its learners."
        )
    else:
        _assign_form(db, user, course, team, rows, today)
    if not work.assignments:
        st.caption("Nothing assigned yet.")
        return
    names = {r.user_id: r.display_name for r in rows}
    # Team and learner names are entered by people: st.dataframe shows them as plain text.
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "What": assignments.label(course, a),
                    "Assigned to": a.target if a.team_id is None else f"Team {a.target}",
                    "Due on": a.due.isoformat(),
                    **{
                        status.capitalize(): count
                        for status, count in assignments.counts(
                            d for d in found if d.assignment.id == a.id
                        ).items()
                        if status != assignments.GONE
                    },
                    "Set by": a.assigned_by,
                }
                for a in work.assignments
            ]
        ),
        hide_index=True,
        width="stretch",
        key="assign_table",
    )
    st.caption(
        "Done: every section read and the quiz passed (a module), or the quiz passed — "
        "before or after it was assigned. Overdue: not done and the due date has passed."
    )
    with st.expander("Who has done what"):
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Learner": names.get(d.user_id, "?"),
                        "What": assignments.label(course, d.assignment),
                        "Due on": d.assignment.due.isoformat(),
                        "Status": d.status,
                    }
                    for d in found
                    if d.user_id in names
                ],
                columns=["Learner", "What", "Due on", "Status"],
            ),
            hide_index=True,
            width="stretch",
            key="assign_statuses",
        )
    by_label = {
        f"{assignments.label(course, a)} · due {a.due.isoformat()} · "
        f"{'team' if a.team_id is not None else 'one learner'} #{a.id}": a.id
        for a in work.assignments
    }
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    picked = left.selectbox("Remove an assignment", list(by_label), key="assign_remove_pick")
    if right.button("Remove", key="assign_remove"):
        try:
            assignment_store.remove_assignment(db, user, by_label[picked], components.now())
        except TeamError as err:
            st.error(str(err))
        else:
            st.rerun()


def _assign_form(
    db: Database,
    user: User,
    course: Course,
    team: Team,
    rows: Sequence[LearnerOverview],
    today: date,
) -> None:
    items = assignments.choices(course)
    if not items:
        st.caption("The course has nothing to assign yet.")
        return
    if st.session_state.pop("assign_saved", False):
        st.success("Assigned. It shows at the top of their course map.")
    everyone = f"Everyone in {team.name}"
    targets: dict[str, int | None] = {everyone: None}
    targets.update({f"{r.display_name} ({r.username})": r.user_id for r in rows})
    with st.form("assign_form", clear_on_submit=False):
        target = st.selectbox("Assign to", list(targets), key="assign_target")
        item = st.selectbox("Module or quiz", list(items), key="assign_item")
        due = st.date_input(
            "Due on",
            value=today + timedelta(days=DEFAULT_DUE_DAYS),
            min_value=today,
            key="assign_due",
        )
        submitted = st.form_submit_button("Assign", type="primary")
    if not submitted:
        return
    kind, item_id = items[item]
    learner_id = targets[target]
    try:
        if not isinstance(due, date):
            raise TeamError("Pick a due date.")
        assignment_store.assign(
            db,
            user,
            course,
            kind=kind,
            item_id=item_id,
            due=due,
            now=components.now(),
            team_id=team.id if learner_id is None else None,
            user_id=learner_id,
        )
    except TeamError as err:
        st.error(str(err))
    else:
        # Rerun so the roster above, drawn before this form, shows the new work too.
        st.session_state["assign_saved"] = True
        st.rerun()


# ---------------------------------------------------------------- the course map


def assigned_to_you(db: Database, user: User, course: Course, today: date) -> None:
    """What the learner's manager assigned, each with its due date; work due soon called out."""
    found = assignment_store.learner_work(db, user, user.id, course).duties(course, today)
    shown = [d for d in found if d.status != assignments.GONE]
    if not shown:
        return
    soon = [d for d in shown if assignments.due_soon(d, today)]
    if soon:
        st.warning(
            "Due within 3 days: "
            + "; ".join(
                f"{assignments.label(course, d.assignment)} (due {_day(d.assignment.due, today)})"
                for d in soon
            )
        )
    with st.container(border=True, key="assigned_to_you"):
        st.subheader("Assigned to you", anchor=False)
        for duty in shown:
            a = duty.assignment
            text = f"{assignments.label(course, a)} · due {_day(a.due, today)} · {duty.status}"
            if duty.open:
                _link(course, a, text)
            else:
                st.text("✓ " + text)


def _day(due: date, today: date) -> str:
    if due == today:
        return "today"
    if due == today + timedelta(days=1):
        return "tomorrow"
    if due == today - timedelta(days=1):
        return "yesterday"
    return due.strftime("%a %-d %b %Y")


def _link(course: Course, a: assignments.Assignment, text: str) -> None:
    if a.kind == assignments.QUIZ:
        st.page_link(
            components.QUIZ_PAGE,
            label=text,
            icon=":material/quiz:",
            query_params={"quiz": a.item_id},
        )
    elif a.kind == assignments.ROLEPLAY:
        st.page_link(
            components.ROLEPLAY_PAGE,
            label=text,
            icon=":material/forum:",
            query_params={"id": a.item_id},
        )
    else:
        st.page_link(
            components.MODULE_PAGE,
            label=text,
            icon=":material/menu_book:",
            query_params={"module": a.item_id},
        )


# ---------------------------------------------------------------- the learner page


def coaching_notes(db: Database, viewer: User, learner_id: int) -> None:
    """Notes on the learner: write one (their managers, admins); read those the viewer may see."""
    writer = note_store.may_coach(db, viewer, learner_id)
    notes = note_store.notes_on(db, viewer, learner_id)
    if not writer and not notes:
        return  # a learner with no shared notes: nothing to show
    st.subheader("Coaching notes", anchor=False)
    if writer:
        st.caption(
            "Seen by the learner's managers and the admins; by the learner too if you share it."
        )
        with st.form("notes_form", clear_on_submit=True):
            text = st.text_area("New note", max_chars=MAX_NOTE, key="notes_text")
            shared = st.checkbox("Share with the learner", key="notes_shared")
            written = st.form_submit_button("Save the note")
        if written:
            try:
                note_store.write_note(db, viewer, learner_id, text, shared, components.now())
            except TeamError as err:
                st.error(str(err))
            else:
                st.rerun()
    else:
        st.caption("Notes your manager shared with you.")
    if not notes:
        st.caption("No notes yet.")
    for note in notes:
        with st.container(border=True):
            # Written by people: plain text only, never Markdown.
            who = f"{components.moment(note.written_at)} · {note.author}"
            if note.edited_at is not None:
                who += f" · edited {components.moment(note.edited_at)}"
            if writer:
                who += " · shared" if note.shared else " · not shared"
            st.text(who)
            st.text(note.text)
            if writer and note.author_id == viewer.id:
                _edit_note(db, viewer, note)


def _edit_note(db: Database, viewer: User, note: note_store.Note) -> None:
    """The author's own note, open for a correction; the change is stamped and audited."""
    with st.expander("Edit this note"), st.form(f"note_edit_{note.id}"):
        text = st.text_area(
            "Note", value=note.text, max_chars=MAX_NOTE, key=f"note_edit_text_{note.id}"
        )
        shared = st.checkbox(
            "Share with the learner", value=note.shared, key=f"note_edit_shared_{note.id}"
        )
        saved = st.form_submit_button("Save the changes", key=f"note_edit_save_{note.id}")
    if saved:
        try:
            note_store.edit_note(db, viewer, note.id, text, shared, components.now())
        except TeamError as err:
            st.error(str(err))
        else:
            # The widgets keep what was typed; drop them so the stored note is shown afresh.
            for key in (f"note_edit_text_{note.id}", f"note_edit_shared_{note.id}"):
                st.session_state.pop(key, None)
            st.rerun()
