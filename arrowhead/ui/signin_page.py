"""Signing in, or creating a learner account."""

import streamlit as st

from arrowhead.accounts import MIN_PASSWORD, AccountError
from arrowhead.store import accounts
from arrowhead.store import teams as team_store
from arrowhead.teams import TeamError
from arrowhead.ui import components, sso_parts

st.title("Arrowhead")
st.caption("A course on partnership selling: the styles, the organisation, the behaviours.")

# An invite link (?join=CODE) fills in the team code of the sign-up form.
invite = components.query_param("join") or ""
if invite:
    if team_store.team_for_invite(components.database(), invite) is None:
        st.warning(
            "The invite code in this link does not match any team. Check it with your "
            "manager; you can still create an account without one."
        )
    else:
        st.info("You have an invite to a team: create your account under 'Create an account'.")

sign_in_tab, sign_up_tab, reset_tab = st.tabs(["Sign in", "Create an account", "Reset my password"])

with sign_in_tab:
    # "Sign in with …" for each provider in the [auth] section of secrets.toml, if any.
    sso_parts.sign_in_buttons()
    with st.form("signin_form"):
        username = st.text_input("Username", key="signin_username")
        # Streamlit marks password fields "new-password"; password managers fill "current-password".
        password = st.text_input(
            "Password", type="password", autocomplete="current-password", key="signin_password"
        )
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        db = components.database()
        try:
            user = accounts.sign_in(db, username, password, components.now())
        except AccountError as err:
            st.error(str(err))
        else:
            components.begin_login(user)

with sign_up_tab:
    with st.form("signup_form"):
        display_name = st.text_input(
            "Your name, as colleagues should see it", key="signup_display_name"
        )
        new_username = st.text_input("Username", key="signup_username")
        new_password = st.text_input(
            f"Password (at least {MIN_PASSWORD} characters)", type="password", key="signup_password"
        )
        confirm = st.text_input("Password again", type="password", key="signup_confirm")
        team_code = st.text_input(
            "Team invite code (optional)", value=invite, key="signup_team_code"
        )
        created = st.form_submit_button("Create my account", type="primary")
    if created:
        db = components.database()
        if new_password != confirm:
            st.error("The two passwords are not the same.")
        elif team_code.strip() and team_store.team_for_invite(db, team_code) is None:
            st.error(
                "That invite code does not match any team. Check it with your manager, "
                "or leave it empty."
            )
        else:
            try:
                user = accounts.create_user(
                    db, new_username, display_name, new_password, components.now()
                )
                if team_code.strip():
                    team_store.join_by_invite(db, user.id, team_code, components.now())
            except (AccountError, TeamError) as err:
                st.error(str(err))
            else:
                components.begin_login(user)

with reset_tab:
    st.caption(
        "An admin gives you a one-time reset code. It works once, within a day, "
        "even while sign-in asks you to wait after failed tries."
    )
    with st.form("reset_form"):
        reset_username = st.text_input("Username", key="reset_username")
        reset_code = st.text_input("Reset code", key="reset_code")
        reset_password = st.text_input(
            f"New password (at least {MIN_PASSWORD} characters)",
            type="password",
            key="reset_password",
        )
        reset_confirm = st.text_input("New password again", type="password", key="reset_confirm")
        reset = st.form_submit_button("Set my new password", type="primary")
    if reset:
        if reset_password != reset_confirm:
            st.error("The two passwords are not the same.")
        else:
            try:
                user = accounts.reset_password(
                    components.database(),
                    reset_username,
                    reset_code,
                    reset_password,
                    components.now(),
                )
            except AccountError as err:
                st.error(str(err))
            else:
                components.begin_login(user)
