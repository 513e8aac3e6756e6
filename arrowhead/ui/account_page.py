"""The signed-in person's account: who they are, their team, and signing out."""

import streamlit as st

from arrowhead.store import teams as team_store
from arrowhead.teams import TeamError
from arrowhead.ui import components, sso_parts

user = components.require_viewer()
db = components.database()

st.title("Account")
st.caption("Name")
st.text(user.display_name)
st.caption("Username")
st.text(user.username)
st.caption("Roles")
st.text(", ".join(sorted(user.roles)))
st.caption("Team")
# Filled in below the join form, so a team joined on this run is the one shown.
team_line = st.empty()

# Filled in below the join form too, so it names the team the user is in after this run.
move_warning = st.container()

# An invite link opened while signed in (/?join=CODE) arrives here with its code.
with st.form("account_join_form"):
    code = st.text_input(
        "Team invite code, from your manager",
        value=components.query_param("join") or "",
        key="account_join_code",
    )
    joined = st.form_submit_button("Join that team")
if joined:
    try:
        team_store.join_by_invite(db, user.id, code, components.now())
    except TeamError as err:
        st.error(str(err))
    else:
        # Team names are typed by people: shown as plain text, not inside Markdown.
        st.success("You have joined the team. Your history comes with you.")
current = team_store.team_of(db, user.id)
team_line.text(current or "Not in a team yet")
if current is not None:
    with move_warning:
        st.warning(
            "Joining another team moves you out of your current team: its managers will no "
            "longer see your progress, and the new team's managers will."
        )
        # Team and manager names are typed by people: plain text, not inside Markdown.
        managers = team_store.who_can_see(db, user.id)
        st.text(f"Now in {current}, managed by {', '.join(managers) or 'no one yet'}.")

if st.button("Sign out", key="account_sign_out", type="primary"):
    sso_parts.sign_out()
st.caption("Signing out ends this login in every tab where it is open.")
