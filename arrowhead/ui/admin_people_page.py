"""Admin: everyone with an account — roles, team, teams managed, deactivation, reset codes."""

import pandas as pd
import streamlit as st

from arrowhead.accounts import ROLES
from arrowhead.store import identities
from arrowhead.store import teams as team_store
from arrowhead.store.accounts import RESET_HOURS
from arrowhead.teams import TeamError
from arrowhead.ui import components

user = components.require_role("admin")
db = components.database()

st.title("People")
everyone = team_store.people(db, user)
all_teams = team_store.teams_for(db, user)
team_names = {t.id: t.name for t in all_teams}
methods = identities.sign_in_methods(db, user)

# Names are entered by people: st.dataframe shows them as plain text.
st.dataframe(
    pd.DataFrame(
        [
            {
                "Name": p.display_name,
                "Username": p.username,
                "Roles": ", ".join(p.roles),
                "Team": p.team or "–",
                "Manages": ", ".join(team_names.get(t, "?") for t in p.manages) or "–",
                "Active": "yes" if p.active else "no",
                "Signs in with": methods[p.id].summary if p.id in methods else "–",
            }
            for p in everyone
        ]
    ),
    hide_index=True,
    width="stretch",
    key="people_table",
)

st.subheader("Change one person", anchor=False)
# Pickers hold ids: a rename between runs changes a label, never the person or team chosen.
people_by_id = {p.id: p for p in everyone}
person = people_by_id[
    st.selectbox(
        "Person",
        list(people_by_id),
        format_func=lambda pid: f"{people_by_id[pid].display_name} ({people_by_id[pid].username})",
        key="people_pick",
    )
]
team_choices: list[int | None] = [None, *team_names]

# Keys carry the person's id, so picking someone else shows their own settings.
with st.form(f"people_form_{person.id}"):
    roles = st.multiselect(
        "Roles", ROLES, default=list(person.roles), key=f"people_roles_{person.id}"
    )
    team_id = st.selectbox(
        "Learns in team",
        team_choices,
        index=team_choices.index(person.team_id) if person.team_id in team_choices else 0,
        format_func=lambda tid: "No team" if tid is None else team_names[tid],
        key=f"people_team_{person.id}",
    )
    managed = st.multiselect(
        "Manages teams (with the manager role)",
        list(team_names),
        default=[t for t in person.manages if t in team_names],
        format_func=team_names.__getitem__,
        key=f"people_manages_{person.id}",
    )
    saved = st.form_submit_button("Save", type="primary")
if saved:
    try:
        # One transaction: roles, team and managed teams all change, or none does.
        team_store.save_person(db, user, person.id, roles, team_id, managed, components.now())
    except TeamError as err:
        st.error(str(err))
    else:
        st.success("Saved. A move keeps the learner's history.")
        st.rerun()

col1, col2 = st.columns(2)
with col1:
    if person.active:
        if st.button("Deactivate", key=f"people_deactivate_{person.id}"):
            try:
                team_store.set_active(db, user, person.id, False, components.now())
            except TeamError as err:
                st.error(str(err))
            else:
                st.rerun()
        st.caption("Their records are kept; they can no longer sign in.")
    else:
        if st.button("Reactivate", key=f"people_reactivate_{person.id}"):
            team_store.set_active(db, user, person.id, True, components.now())
            st.rerun()
with col2:
    if st.button("Issue a password-reset code", key=f"people_reset_{person.id}"):
        try:
            code = team_store.issue_reset_code(db, user, person.id, components.now())
        except TeamError as err:
            st.error(str(err))
        else:
            # Server-made code (no user text): safe to show as code.
            st.code(code, language=None)
            st.caption(
                f"Give it to them in person. It works once, within {RESET_HOURS} hours, "
                "on the sign-in page under 'Reset my password'."
            )

# An account made by a first single sign-on can be linked to the account the person already had.
method = methods.get(person.id)
if method is not None and method.subject is not None:
    st.subheader("Single sign-on", anchor=False)
    # The provider's values, not typed by the person, but still shown as plain text.
    st.text(f"Signs in with single sign-on: {method.issuer}, as {method.subject}.")
    targets = {
        p.id: p
        for p in everyone
        if p.id != person.id and p.active and p.id in methods and methods[p.id].subject is None
    }
    if targets:
        with st.form(f"people_link_form_{person.id}"):
            target = st.selectbox(
                "Link this sign-on to an existing account",
                list(targets),
                format_func=lambda pid: f"{targets[pid].display_name} ({targets[pid].username})",
                key=f"people_link_target_{person.id}",
            )
            linked = st.form_submit_button("Link")
        st.caption(
            "From then on this sign-on signs in as that account. An account made by the "
            "first sign-on has no password, so it is deactivated; its records are kept."
        )
        if linked and target is not None:
            try:
                identities.link_identity(db, user, person.id, target, components.now())
            except TeamError as err:
                st.error(str(err))
            else:
                st.success("Linked. This sign-on now signs in as that account.")
                st.rerun()
