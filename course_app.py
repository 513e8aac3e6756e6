"""Arrowhead's entry point: who is signed in, which pages they get, then the page itself."""

import logging

import streamlit as st

from arrowhead.store.accounts import count_users
from arrowhead.ui import components, workshop_parts

st.set_page_config(page_title="Arrowhead", page_icon=":material/target:", layout="centered")

UI = "arrowhead/ui/"

db = components.database()
user = components.viewer()
components.LOGIN.sync()

if user is None:
    if count_users(db) == 0:
        pages = [
            st.Page(
                UI + "setup_page.py",
                title="Set up Arrowhead",
                icon=":material/build:",
                default=True,
            )
        ]
    else:
        pages = [
            st.Page(UI + "signin_page.py", title="Sign in", icon=":material/login:", default=True),
            # Workshop participants need no account.
            workshop_parts.join_page(),
        ]
    page = st.navigation(pages, position="hidden")
else:
    learning = [
        st.Page(UI + "map_page.py", title="Course", icon=":material/map:", default=True),
        st.Page(
            UI + "progress_page.py",
            title="My progress",
            icon=":material/insights:",
            url_path="progress",
        ),
        st.Page(
            UI + "module_page.py",
            title="Module",
            icon=":material/menu_book:",
            url_path="module",
            visibility="hidden",
        ),
        st.Page(
            UI + "quiz_page.py",
            title="Quiz",
            icon=":material/quiz:",
            url_path="quiz",
            visibility="hidden",
        ),
        st.Page(
            UI + "review_page.py",
            title="Review an attempt",
            icon=":material/rate_review:",
            url_path="review",
            visibility="hidden",
        ),
    ]
    sections = {"Learn": learning}
    # Workshops: anyone can join one; facilitators and admins run them.
    learning.append(workshop_parts.join_page())
    if workshop_parts.can_facilitate(user):
        sections["Workshops"] = workshop_parts.facilitator_pages()
    if user.has_role("admin"):
        sections["Admin"] = [
            st.Page(
                UI + "content_page.py",
                title="Course files",
                icon=":material/folder_open:",
                url_path="course-files",
            )
        ]
    # Teams: every page checks the role again and storage checks the team scope.
    learning.append(
        st.Page(
            UI + "learner_page.py",
            title="Learner",
            icon=":material/person_search:",
            url_path="learner",
            visibility="hidden",
        )
    )
    if user.has_role("manager") or user.has_role("admin"):
        sections["Team"] = [
            st.Page(
                UI + "team_page.py", title="My team", icon=":material/groups:", url_path="team"
            ),
            st.Page(
                UI + "insight_page.py",
                title="Scenario insight",
                icon=":material/query_stats:",
                url_path="insight",
            ),
        ]
    if user.has_role("admin"):
        sections.setdefault("Admin", []).extend(
            [
                st.Page(
                    UI + "admin_people_page.py",
                    title="People",
                    icon=":material/manage_accounts:",
                    url_path="people",
                ),
                st.Page(
                    UI + "admin_teams_page.py",
                    title="Teams",
                    icon=":material/workspaces:",
                    url_path="teams",
                ),
            ]
        )
    sections["Account"] = [
        st.Page(
            UI + "account_page.py", title="Account", icon=":material/person:", url_path="account"
        )
    ]
    page = st.navigation(sections)
    with st.sidebar:
        # Learner-entered text: shown with st.text, never as Markdown or HTML.
        st.caption("Signed in as")
        st.text(user.display_name)
        if user.has_role("admin") and components.course().problems:
            st.warning("Some course files have problems; see Admin → Course files.")

try:
    page.run()
except Exception:
    # st.stop, st.rerun and page switches are not Exceptions and pass through.
    # Anything else is a fault of ours: log it in full for the admin, and tell
    # the person in plain words that what they did so far is kept.
    logging.getLogger("arrowhead").exception("page %s failed", page.title)
    st.error(
        "Something went wrong on our side, and it has been logged. Everything you saved so far "
        "is kept: reload the page to carry on."
    )
