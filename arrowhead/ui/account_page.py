"""The signed-in person's account: who they are, and signing out."""

import streamlit as st

from arrowhead.ui import components

user = components.require_viewer()

st.title("Account")
st.caption("Name")
st.text(user.display_name)
st.caption("Username")
st.text(user.username)
st.caption("Roles")
st.text(", ".join(sorted(user.roles)))

if st.button("Sign out", key="account_sign_out", type="primary"):
    components.forget_login()
    st.rerun()
st.caption("Signing out ends this login in every tab where it is open.")
