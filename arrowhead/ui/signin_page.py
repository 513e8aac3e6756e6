"""Signing in, or creating a learner account."""

import streamlit as st

from arrowhead.accounts import MIN_PASSWORD, AccountError
from arrowhead.store import accounts
from arrowhead.ui import components

st.title("Arrowhead")
st.caption("A course on partnership selling: the styles, the organisation, the behaviours.")

sign_in_tab, sign_up_tab = st.tabs(["Sign in", "Create an account"])

with sign_in_tab:
    with st.form("signin_form"):
        username = st.text_input("Username", key="signin_username")
        password = st.text_input("Password", type="password", key="signin_password")
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
        created = st.form_submit_button("Create my account", type="primary")
    if created:
        if new_password != confirm:
            st.error("The two passwords are not the same.")
        else:
            db = components.database()
            try:
                user = accounts.create_user(
                    db, new_username, display_name, new_password, components.now()
                )
            except AccountError as err:
                st.error(str(err))
            else:
                components.begin_login(user)
