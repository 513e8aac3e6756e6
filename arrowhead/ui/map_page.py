"""The course map: every module in order, how far along each is, and Continue."""

import streamlit as st

from arrowhead import journey, practice
from arrowhead.store import teams as team_store
from arrowhead.ui import coaching_parts, components

user = components.require_viewer()
db = components.database()
course = components.course()
progress = journey.course_progress(db, course, user.id)

st.title("Partnership selling")
invite = components.query_param("join")
invited_to = team_store.team_for_invite(db, invite) if invite else None
if invite and invited_to is None:
    st.warning(
        "The team invite code in this link does not match any team. Ask your manager for "
        "the current link."
    )
elif invite and invited_to != team_store.team_id_of(db, user.id):
    # Once in that team (signing up through the link puts them there) there is nothing to offer.
    # A team invite link opened by someone who already has an account.
    st.page_link(
        "arrowhead/ui/account_page.py",
        label="You have a team invite: join the team from your account",
        icon=":material/group_add:",
        query_params={"join": invite},
    )
coaching_parts.assigned_to_you(db, user, course, components.now().date())
if not course.modules:
    st.info("The course has no modules yet. An admin can see why under Admin → Course files.")
    st.stop()

overall = journey.overall_fraction(progress)
st.progress(overall, text=f"Course: {overall:.0%} done")

place = journey.continue_place(db, course, user.id, progress)
if place is None:
    st.success(f"You have finished the course: {journey.finished_words(course)}.")
    st.page_link(
        components.FINISH_PAGE, label="See your course summary", icon=":material/celebration:"
    )
else:
    components.place_link(place, label="**Continue** where you left off")
due = practice.reviews_due(db, course, user.id, components.now())
if due:
    st.page_link(
        components.PRACTICE_PAGE,
        label=f"**{len(due)} scenario{'s' if len(due) != 1 else ''} to review today**",
        icon=":material/replay:",
    )

for item in progress:
    module = item.module
    with st.container(border=True):
        st.subheader(f"{module.number}. {module.title}", anchor=False)
        quiz_note = f"quiz of {len(item.quiz.scenarios)} scenarios" if item.quiz else "no quiz"
        if item.roleplays:
            count = len(item.roleplays)
            quiz_note = f"{count} role-play{'' if count == 1 else 's'} · {quiz_note}"
        st.caption(
            f"About {module.minutes} minutes · {len(module.sections)} sections · {quiz_note}"
        )
        status = "Done" if item.done else f"{item.steps_done} of {item.steps} steps"
        if item.best_score is not None:
            status += f" · best score {item.best_score}%" + (" (passed)" if item.passed else "")
        st.progress(item.fraction, text=status)
        read_col, quiz_col = st.columns(2)
        with read_col:
            st.page_link(
                components.MODULE_PAGE,
                label="Read" if not item.read else "Read again",
                icon=":material/menu_book:",
                query_params={"module": module.id},
            )
        if item.quiz:
            with quiz_col:
                st.page_link(
                    components.QUIZ_PAGE,
                    label="Take the quiz" if not item.attempts else "Quiz and results",
                    icon=":material/quiz:",
                    query_params={"quiz": item.quiz.id},
                )
        # The module's role-plays come after its sections, beside its quiz; on a line of
        # their own, so a long title is not cut short.
        for roleplay in item.roleplays:
            played = roleplay.id in item.finished_roleplays
            st.page_link(
                components.ROLEPLAY_PAGE,
                label=("Role-play again: " if played else "Role-play: ") + roleplay.title,
                icon=":material/forum:",
                query_params={"id": roleplay.id},
            )
