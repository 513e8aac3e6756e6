"""First run: the database has no accounts, so the first person creates the admin account."""

import streamlit as st

from arrowhead.accounts import AccountError
from arrowhead.store import accounts
from arrowhead.ui import components

st.title("Welcome to Arrowhead")
st.write(
    "This is a new installation. Create the first account: it can manage the course and the people "
    "who use it, and it can take the course too."
)

with st.form("setup_form"):
    display_name = st.text_input("Your name, as colleagues should see it", key="setup_display_name")
    username = st.text_input("Username", key="setup_username")
    password = st.text_input(
        "Password (at least 8 characters)", type="password", key="setup_password"
    )
    confirm = st.text_input("Password again", type="password", key="setup_confirm")
    submitted = st.form_submit_button("Create the admin account", type="primary")

if submitted:
    if password != confirm:
        st.error("The two passwords are not the same.")
    else:
        db = components.database()
        try:
            user = accounts.create_first_admin(
                db, username, display_name, password, components.now()
            )
        except AccountError as err:
            st.error(str(err))
        else:
            components.begin_login(user)
