"""Admin: create and rename teams, and see each team's managers, size and invite code."""

import pandas as pd
import streamlit as st

from arrowhead.store import teams as team_store
from arrowhead.teams import TeamError
from arrowhead.ui import components

user = components.require_role("admin")
db = components.database()

st.title("Teams")

with st.form("teams_create_form", clear_on_submit=True):
    name = st.text_input("New team's name", key="teams_new_name")
    created = st.form_submit_button("Create the team", type="primary")
if created:
    try:
        team = team_store.create_team(db, user, name, components.now())
    except TeamError as err:
        st.error(str(err))
    else:
        st.success("Team created.")

all_teams = team_store.teams_for(db, user)
if not all_teams:
    st.info("No teams yet. Create the first one above, then make someone its manager under People.")
    st.stop()

# Team and manager names are entered by people: st.dataframe shows them as plain text.
st.dataframe(
    pd.DataFrame(
        [
            {
                "Team": t.name,
                "Managers": ", ".join(t.managers) or "–",
                "Learners": t.learners,
                "Invite code": t.invite_code,
            }
            for t in all_teams
        ]
    ),
    hide_index=True,
    width="stretch",
    key="teams_table",
)
st.caption("Make someone a team's manager, or move a learner, under People.")

st.subheader("Rename a team", anchor=False)
# The picker holds ids: a rename elsewhere changes a label, never the team chosen.
team_names = {t.id: t.name for t in all_teams}
with st.form("teams_rename_form"):
    old_id = st.selectbox(
        "Team", list(team_names), format_func=team_names.__getitem__, key="teams_rename_pick"
    )
    new = st.text_input("New name", key="teams_rename_name")
    renamed = st.form_submit_button("Rename")
if renamed:
    try:
        team_store.rename_team(db, user, old_id, new, components.now())
    except TeamError as err:
        st.error(str(err))
    else:
        st.success("Team renamed.")
        st.rerun()
