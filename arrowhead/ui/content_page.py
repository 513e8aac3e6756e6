"""For admins: what the course holds and every problem in its files."""

import streamlit as st

from arrowhead.itemlint import lint_course
from arrowhead.ui import components

components.require_role("admin")
course = components.course()

st.title("Course files")
st.write(f"Serving {course.summary()}, from `{components.settings().content_root}`.")
if course.problems:
    st.error(
        f"{len(course.problems)} problem(s) in the course files. Files with problems are left out; "
        "every valid module is still served. Fix them and run `arrowhead check`."
    )
    # Plain text: messages quote author-edited files.
    st.code("\n".join(str(p) for p in course.problems), language=None, wrap_lines=True)
else:
    st.success("Every module and quiz file is valid.")

warnings = lint_course(course, components.settings().content_root)
if warnings:
    st.warning(
        f"{len(warnings)} authoring warning(s). These files are still served, but they break "
        "the item-writing rules (README, Writing the course). Fix them and run "
        "`arrowhead check --strict`."
    )
    st.code("\n".join(str(w) for w in warnings), language=None, wrap_lines=True)

for module in course.modules:
    quiz = course.quiz_for(module.id)
    st.text(
        f"{module.path}: {len(module.sections)} sections"
        + (
            f"; {quiz.path}: {len(quiz.scenarios)} scenarios, pass mark {quiz.pass_mark}%"
            if quiz
            else "; no quiz"
        )
    )
