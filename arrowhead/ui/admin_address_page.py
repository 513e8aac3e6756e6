"""The server's public address: where phones reach Arrowhead, for workshop join links and QR codes."""

import streamlit as st

from arrowhead.store import workshops as store
from arrowhead.ui import components
from arrowhead.ui import workshop_parts as parts
from arrowhead.workshops import WorkshopError, is_loopback

user = components.require_role("admin")
db = components.database()

st.title("Server address", anchor=False)
st.markdown(
    "Phones in a live workshop open the join link and the QR code on the projector. They "
    "point at this address: the one phones on the room's network reach Arrowhead at, such "
    "as `http://192.168.1.20:8501` or `https://arrowhead.example.com`. Left blank, a link "
    "uses the address the facilitator's browser opened, which is `localhost` on the "
    "computer running Arrowhead: no phone can open that."
)

from_environment = components.settings().public_url
if from_environment:
    usable = parts.environment_public_url()
    if usable:
        st.info("ARROWHEAD_PUBLIC_URL is set when the server starts, and wins over this page:")
        st.code(usable, language=None)
    else:
        st.warning(
            "ARROWHEAD_PUBLIC_URL is set, but not to an http:// or https:// address, so it "
            "is ignored and the address below is used."
        )

with st.form("address_form"):
    typed = st.text_input(
        "Public address",
        value=store.public_url(db) or "",
        placeholder="https://arrowhead.example.com",
        key="address_url",
    )
    saved = st.form_submit_button("Save", type="primary", key="address_save")
if saved:
    try:
        url = store.set_public_url(db, user, typed, components.now())
    except WorkshopError as err:
        st.error(str(err))
    else:
        if url is None:
            st.success("Cleared: join links use the address the facilitator's browser opened.")
        else:
            st.success("Saved: new join links and QR codes use this address.")
            if is_loopback(url):
                st.warning("This address points at the computer itself: phones cannot open it.")
