"""Checking a certificate: anyone with its code, signed in or not, sees whose it is and when it
was earned, and nothing else."""

import streamlit as st

from arrowhead.certificates import MAX_TYPED_CODE, NO_SUCH_CODE, CertificateError, clean_code
from arrowhead.store import certificates as store
from arrowhead.ui import certificate_parts, components

db = components.database()

st.title("Check a certificate", anchor=False)
st.caption("Certificates of the Arrowhead course on partnership selling.")

typed = components.query_param("code")
if typed is not None:
    try:
        found = store.verify(db, clean_code(typed))
    except CertificateError as err:
        st.error(str(err))
    else:
        if found is None:
            st.error(NO_SUCH_CODE)
        else:
            st.success("This certificate is valid.")
            st.caption("Awarded to")
            # Entered by the learner: plain text, never Markdown or HTML.
            st.text(found.display_name)
            st.caption("Earned on")
            st.text(certificate_parts.date_earned(found))

with st.form("verify_form"):
    # An over-long code from the address is not put back in the field.
    shown = typed if typed is not None and len(typed) <= MAX_TYPED_CODE else ""
    code = st.text_input("Verification code", value=shown, key="verify_code")
    checked = st.form_submit_button("Check", key="verify_submit")
if checked:
    # The code goes into the address, so the result has a link of its own.
    components.keep_in_address("code", code.strip())
    st.rerun()
