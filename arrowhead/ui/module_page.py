"""Reading a module: its objectives, one section at a time, then the summary, its role-plays and
the quiz."""

import streamlit as st

from arrowhead import journey
from arrowhead.content import Module
from arrowhead.store import learning
from arrowhead.store import roleplays as roleplay_store
from arrowhead.store.learning import Place
from arrowhead.ui import components

user = components.require_viewer()
db = components.database()
course = components.course()

module_id = components.query_param("module")
found = course.module(module_id) if module_id else None
if found is None:
    components.back_to_course("That module does not exist. It may have been renamed or removed.")
module: Module = found

read = learning.sections_read(db, user.id).get(module.id, set())
sections = module.sections
section_id = components.query_param("section")
at_summary = components.query_param("view") == "summary"
if section_id and module.section(section_id) is None:
    st.warning("That section is not in this module any more; here is the module from the start.")
    section_id = None
if not at_summary and section_id is None:
    # Open at the first section not yet read (or the first, when all are read).
    section_id = next((s.id for s in sections if s.id not in read), sections[0].id)
index = len(sections) if at_summary else [s.id for s in sections].index(section_id or "")

st.caption(f"Module {module.number} · about {module.minutes} minutes")
st.title(module.title, anchor=False)
st.progress(
    len(read & {s.id for s in sections}) / len(sections),
    text=f"{len(read & {s.id for s in sections})} of {len(sections)} sections read",
)

if index == 0:
    with st.container(border=True):
        st.markdown("**By the end of this module you will be able to:**")
        for objective in module.objectives:
            st.markdown(f"- {objective}")


def go(**params: str) -> None:
    st.query_params.from_dict({"module": module.id} | params)
    st.rerun()


if at_summary:
    st.header("Summary", anchor=False)
    st.markdown(module.summary)
    quiz = course.quiz_for(module.id)
    roleplays = course.roleplays_for(module.id)
    played = roleplay_store.finished_roleplays(db, user.id) if roleplays else set()
    unplayed = [r for r in roleplays if r.id not in played]
    # Continue leads from here to the module's first unplayed role-play, else its quiz.
    if unplayed:
        components.note_place(user, Place(journey.ROLEPLAY, module.id, unplayed[0].id))
    elif quiz:
        components.note_place(user, Place("quiz", module.id, quiz.id))
    back, forward = st.columns(2)
    if back.button("← Previous section", key="module_prev"):
        go(section=sections[-1].id)
    with forward:
        for roleplay in roleplays:
            st.page_link(
                components.ROLEPLAY_PAGE,
                label=f"Role-play: {roleplay.title}",
                icon=":material/forum:",
                query_params={"id": roleplay.id},
            )
    if quiz:
        with forward:
            st.page_link(
                components.QUIZ_PAGE,
                label="Take the quiz",
                icon=":material/quiz:",
                query_params={"quiz": quiz.id},
            )
else:
    section = sections[index]
    components.note_place(user, Place("section", module.id, section.id))
    st.header(section.title, anchor=False)
    st.caption(
        f"Section {index + 1} of {len(sections)}" + (" · read" if section.id in read else "")
    )
    st.markdown(section.body)
    back, forward = st.columns(2)
    if index > 0 and back.button("← Previous", key="module_prev"):
        go(section=sections[index - 1].id)
    label = "Mark as read and continue →" if section.id not in read else "Continue →"
    if forward.button(label, key="module_next", type="primary"):
        statements = components.xapi().section_read(user.id, module.id, section.id)
        learning.mark_section_read(db, user.id, module.id, section.id, components.now(), statements)
        if index + 1 < len(sections):
            go(section=sections[index + 1].id)
        else:
            go(view="summary")

with st.expander("All sections of this module"):
    for number, item in enumerate(sections, start=1):
        mark = "✓" if item.id in read else "○"
        st.page_link(
            components.MODULE_PAGE,
            label=f"{mark} {number}. {item.title}",
            query_params={"module": module.id, "section": item.id},
        )
