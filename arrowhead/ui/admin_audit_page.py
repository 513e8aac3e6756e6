"""Admin: the audit log — who changed whose roles, team, account or work, and when."""

import pandas as pd
import streamlit as st

from arrowhead.store import audit
from arrowhead.teams import csv_text
from arrowhead.ui import components

# The newest rows on screen; the CSV holds every row that matches the filters.
SHOWN = 500

user = components.require_role("admin")
db = components.database()

st.title("Audit log")
st.caption(
    "Every change an admin, a manager or the command line made to someone else's data: "
    "roles, teams, deactivation, reset codes, invites, assignments and coaching notes. "
    "Times are UTC."
)

if not audit.audit_count(db, user):
    st.info("Nothing recorded yet.")
    st.stop()

ANYONE = "Anyone"
# The pickers hold keys made of ids ("user:3", "team:2"): a rename changes a label, never
# the choice. "cli" is the command line, which has no id.
actors = {"anyone": None} | {
    ("cli" if a.id is None else f"user:{a.id}"): a for a in audit.audit_actors(db, user)
}
actor_labels = {
    k: ANYONE if a is None else f"{a.name} ({a.username})" if a.username else a.name
    for k, a in actors.items()
}
people, teams = audit.audit_subjects(db, user)
subjects: dict[str, tuple[str, int | None] | None] = {"anyone": None}
subject_labels = {"anyone": ANYONE}
for p in people:
    subjects[f"user:{p.id}"] = ("user", p.id)
    subject_labels[f"user:{p.id}"] = f"{p.name} ({p.username})" if p.username else p.name
for t in teams:
    subjects[f"team:{t.id}"] = ("team", t.id)
    subject_labels[f"team:{t.id}"] = f"Team {t.name}"

left, right = st.columns(2)
actor = actors[
    left.selectbox("Done by", list(actors), format_func=actor_labels.__getitem__, key="audit_actor")
]
subject = subjects[
    right.selectbox(
        "Done to", list(subjects), format_func=subject_labels.__getitem__, key="audit_subject"
    )
]
entries = audit.audit_entries(
    db,
    user,
    actor_id=actor.id if actor is not None else None,
    by_command_line=actor is not None and actor.id is None,
    subject_user_id=subject[1] if subject and subject[0] == "user" else None,
    subject_team_id=subject[1] if subject and subject[0] == "team" else None,
)

if not entries:
    st.info("No changes match these filters.")
    st.stop()

# Names and details hold what people typed: st.dataframe shows them as plain text.
st.dataframe(
    pd.DataFrame(
        [
            {
                "When": components.moment(e.at),
                "Done by": e.actor,
                "Action": e.action,
                "Person": e.subject_user or "–",
                "Team": e.subject_team or "–",
                "Detail": e.detail,
            }
            for e in entries[:SHOWN]
        ]
    ),
    hide_index=True,
    width="stretch",
    key="audit_table",
)
st.caption(
    f"{min(len(entries), SHOWN)} of {len(entries)} changes shown, newest first."
    + (" The CSV holds them all." if len(entries) > SHOWN else "")
)
components.csv_download(
    "Audit log (CSV)",
    csv_text(
        ["at", "actor", "actor_id", "action", "person", "person_id", "team", "team_id", "detail"],
        [
            [
                e.at,
                e.actor,
                e.actor_id,
                e.action,
                e.subject_user,
                e.subject_user_id,
                e.subject_team,
                e.subject_team_id,
                e.detail,
            ]
            for e in entries
        ],
    ),
    "audit-log.csv",
    key="audit_csv",
)
