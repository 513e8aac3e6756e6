"""Arrowhead's entry point: who is signed in, which pages they get, then the page itself.

Every page checks the role again, and storage checks role and team scope where
it reads: the navigation only decides what is offered.
"""

import logging
from dataclasses import dataclass

import streamlit as st

from arrowhead.store.accounts import count_users
from arrowhead.ui import components, sso_parts
from arrowhead.ui.certificate_parts import VERIFY_PATH
from arrowhead.ui.workshop_parts import FACILITATE_PATH, JOIN_PATH, PROJECTOR_PATH
from arrowhead.workshops import FACILITATOR_ROLES

st.set_page_config(page_title="Arrowhead", page_icon=":material/target:", layout="centered")


@dataclass(frozen=True)
class Entry:
    """One page of arrowhead/ui/: where it goes in the navigation and who is offered it."""

    section: str
    script: str
    title: str
    icon: str
    path: str | None = None
    """Its readable URL; None for the default page."""
    offered_to: tuple[str, ...] = ()
    """Roles any of which gets the page offered; empty for everyone signed in."""
    hidden: bool = False
    """Reached by links only, not listed in the sidebar."""

    def page(self, path: str | None = None) -> st.Page:
        """The Streamlit page; made only for the pages this run offers, as each costs time."""
        path = path or self.path
        return st.Page(
            f"arrowhead/ui/{self.script}",
            title=self.title,
            icon=f":material/{self.icon}:",
            url_path=path,
            default=path is None,
            visibility="hidden" if self.hidden else "visible",
        )


ENTRIES = (
    Entry("Learn", "map_page.py", "Course", "map"),
    Entry("Learn", "progress_page.py", "My progress", "insights", "progress"),
    # Participants of a live workshop need no account.
    Entry("Learn", "join_page.py", "Join a workshop", "how_to_vote", JOIN_PATH),
    Entry("Learn", "module_page.py", "Module", "menu_book", "module", hidden=True),
    Entry("Learn", "quiz_page.py", "Quiz", "quiz", "quiz", hidden=True),
    Entry("Learn", "roleplay_page.py", "Role-play", "forum", "roleplay", hidden=True),
    Entry("Learn", "review_page.py", "Review an attempt", "rate_review", "review", hidden=True),
    Entry("Learn", "practice_page.py", "Practice", "replay", "practice", hidden=True),
    Entry("Learn", "learner_page.py", "Learner", "person_search", "learner", hidden=True),
    Entry("Learn", "finish_page.py", "Course finished", "celebration", "finished", hidden=True),
    # Anyone holding a certificate's code may check it, signed in or not.
    Entry("Learn", "verify_page.py", "Check a certificate", "verified", VERIFY_PATH, hidden=True),
    Entry(
        "Workshops", "deck_page.py", "Workshop decks", "style", "workshop-decks", FACILITATOR_ROLES
    ),
    Entry(
        "Workshops",
        "facilitate_page.py",
        "Run a workshop",
        "tune",
        FACILITATE_PATH,
        FACILITATOR_ROLES,
    ),
    Entry(
        "Workshops",
        "workshops_history_page.py",
        "Past workshops",
        "summarize",
        "workshops",
        FACILITATOR_ROLES,
    ),
    Entry(
        "Workshops",
        "projector_page.py",
        "Projector",
        "present_to_all",
        PROJECTOR_PATH,
        FACILITATOR_ROLES,
        hidden=True,
    ),
    Entry("Team", "team_page.py", "My team", "groups", "team", ("manager", "admin")),
    Entry(
        "Team",
        "insight_page.py",
        "Scenario insight",
        "query_stats",
        "insight",
        ("manager", "admin"),
    ),
    Entry("Admin", "content_page.py", "Course files", "folder_open", "course-files", ("admin",)),
    Entry("Admin", "admin_people_page.py", "People", "manage_accounts", "people", ("admin",)),
    Entry("Admin", "admin_teams_page.py", "Teams", "workspaces", "teams", ("admin",)),
    Entry("Admin", "admin_address_page.py", "Server address", "lan", "server-address", ("admin",)),
    Entry("Admin", "admin_audit_page.py", "Audit log", "history", "audit", ("admin",)),
    Entry("Account", "account_page.py", "Account", "person", "account"),
)
EVERY_ADDRESS = {e.path for e in ENTRIES if e.path}
# Pages offered signed out too: workshop participants and certificate checks need no account.
PUBLIC_ADDRESSES = {JOIN_PATH, VERIFY_PATH}
SIGN_IN = Entry("", "signin_page.py", "Sign in", "login")
UNAVAILABLE = Entry("Learn", "unavailable_page.py", "Not available", "block", hidden=True)


def stand_ins(entry: Entry, paths: set[str]) -> list[st.Page]:
    """Hidden pages at the given addresses that run entry's script: a link to a page someone
    cannot open yet gets a sentence (or the sign-in form) instead of "Page not found"."""
    hidden = Entry(entry.section, entry.script, entry.title, entry.icon, hidden=True)
    return [hidden.page(path) for path in sorted(paths)]


db = components.database()
components.forward_statements()
user = components.viewer()
if user is not None:
    sso_parts.note_login()
else:
    # After st.login completes, the provider's claims sign in as an Arrowhead account.
    user = sso_parts.viewer_from_provider()
components.LOGIN.sync()

if user is None:
    if count_users(db) == 0:
        pages = [Entry("", "setup_page.py", "Set up Arrowhead", "build").page()]
    else:
        # A deep link opened while signed out shows the sign-in form at its own
        # address; signing in reruns the same address, so the link then works.
        public = [e.page() for e in ENTRIES if e.path in PUBLIC_ADDRESSES]
        pages = [SIGN_IN.page(), *public, *stand_ins(SIGN_IN, EVERY_ADDRESS - PUBLIC_ADDRESSES)]
    navigation = st.navigation(pages, position="hidden")
else:
    offered = [e for e in ENTRIES if not e.offered_to or any(map(user.has_role, e.offered_to))]
    sections: dict[str, list[st.Page]] = {}
    for entry in offered:
        sections.setdefault(entry.section, []).append(entry.page())
    missing = EVERY_ADDRESS - {e.path for e in offered if e.path}
    if missing:
        sections["Learn"] += stand_ins(UNAVAILABLE, missing)
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
