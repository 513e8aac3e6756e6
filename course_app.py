"""Arrowhead's entry point: who is signed in, which pages they get, then the page itself.

Every page checks the role again, and storage checks role and team scope where
it reads: the navigation only decides what is offered.
"""

import logging

import streamlit as st

from arrowhead.accounts import User
from arrowhead.store.accounts import count_users
from arrowhead.ui import components
from arrowhead.ui.workshop_parts import FACILITATE_PATH, JOIN_PATH, PROJECTOR_PATH
from arrowhead.workshops import can_facilitate

st.set_page_config(page_title="Arrowhead", page_icon=":material/target:", layout="centered")


def page(
    script: str, title: str, icon: str, path: str | None = None, *, hidden: bool = False
) -> st.Page:
    """A page of arrowhead/ui/, with a Material icon and a readable URL; without one, the default."""
    return st.Page(
        f"arrowhead/ui/{script}",
        title=title,
        icon=f":material/{icon}:",
        url_path=path,
        default=path is None,
        visibility="hidden" if hidden else "visible",
    )


# Participants of a live workshop need no account.
join = page("join_page.py", "Join a workshop", "how_to_vote", JOIN_PATH)

db = components.database()
user = components.viewer()
components.LOGIN.sync()


def sections_for(user: User | None) -> dict[str, list[st.Page]]:
    """The signed-in navigation by role; with no user, every page there is."""

    def has(role: str) -> bool:
        return user is None or user.has_role(role)

    sections = {
        "Learn": [
            page("map_page.py", "Course", "map"),
            page("progress_page.py", "My progress", "insights", "progress"),
            join,
            page("module_page.py", "Module", "menu_book", "module", hidden=True),
            page("quiz_page.py", "Quiz", "quiz", "quiz", hidden=True),
            page("review_page.py", "Review an attempt", "rate_review", "review", hidden=True),
            page("learner_page.py", "Learner", "person_search", "learner", hidden=True),
        ]
    }
    if user is None or can_facilitate(user):
        sections["Workshops"] = [
            page("deck_page.py", "Workshop decks", "style", "workshop-decks"),
            page("facilitate_page.py", "Run a workshop", "tune", FACILITATE_PATH),
            page("workshops_history_page.py", "Past workshops", "summarize", "workshops"),
            page("projector_page.py", "Projector", "present_to_all", PROJECTOR_PATH, hidden=True),
        ]
    if has("manager") or has("admin"):
        sections["Team"] = [
            page("team_page.py", "My team", "groups", "team"),
            page("insight_page.py", "Scenario insight", "query_stats", "insight"),
        ]
    if has("admin"):
        sections["Admin"] = [
            page("content_page.py", "Course files", "folder_open", "course-files"),
            page("admin_people_page.py", "People", "manage_accounts", "people"),
            page("admin_teams_page.py", "Teams", "workspaces", "teams"),
            page("admin_audit_page.py", "Audit log", "history", "audit"),
        ]
    sections["Account"] = [page("account_page.py", "Account", "person", "account")]
    return sections


def addresses(sections: dict[str, list[st.Page]]) -> set[str]:
    """The URL paths of the pages in a navigation, but the default page's."""
    return {p.url_path for pages in sections.values() for p in pages if p.url_path}


def stand_ins(script: str, title: str, icon: str, paths: set[str]) -> list[st.Page]:
    """Hidden pages at the given addresses that run script: a link to a page someone cannot
    open yet gets a sentence (or the sign-in form) instead of Streamlit's "Page not found"."""
    return [page(script, title, icon, path, hidden=True) for path in sorted(paths)]


every_address = addresses(sections_for(None))
if user is None:
    first_run = count_users(db) == 0
    if first_run:
        pages = [page("setup_page.py", "Set up Arrowhead", "build")]
    else:
        # A deep link opened while signed out shows the sign-in form at its own
        # address; signing in reruns the same address, so the link then works.
        sign_in = page("signin_page.py", "Sign in", "login")
        pages = [
            sign_in,
            join,
            *stand_ins("signin_page.py", "Sign in", "login", every_address - {JOIN_PATH}),
        ]
    navigation = st.navigation(pages, position="hidden")
else:
    sections = sections_for(user)
    missing = every_address - addresses(sections)
    if missing:
        sections["Learn"] += stand_ins("unavailable_page.py", "Not available", "block", missing)
    navigation = st.navigation(sections)
    with st.sidebar:
        # Learner-entered text: shown with st.text, never as Markdown or HTML.
        st.caption("Signed in as")
        st.text(user.display_name)
        if user.has_role("admin") and components.course().problems:
            st.warning("Some course files have problems; see Admin → Course files.")

try:
    navigation.run()
except Exception:
    # st.stop, st.rerun and page switches are not Exceptions and pass through.
    # Anything else is a fault of ours: log it in full for the admin, and tell
    # the person in plain words that what they did so far is kept.
    logging.getLogger("arrowhead").exception("page %s failed", navigation.title)
    st.error(
        "Something went wrong on our side, and it has been logged. Everything you saved so far "
        "is kept: reload the page to carry on."
    )
