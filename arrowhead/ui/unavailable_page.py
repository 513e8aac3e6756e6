"""Shown at the address of a page this account does not have: a plain sentence, not a dead end."""

from arrowhead.ui import components

components.require_viewer()
components.back_to_course(
    "This page is not available to your account. If you think it should be, ask an admin."
)
