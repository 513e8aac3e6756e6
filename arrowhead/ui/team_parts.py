"""My team's heavier sections, each drawn only when its tab is open (see team_page)."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlite_utils import Database

from arrowhead.accounts import User
from arrowhead.course import Course
from arrowhead.scoring import BEHAVIOUR_NAMES, best_styles, build_profile
from arrowhead.store import teams as team_store
from arrowhead.teams import LearnerOverview
from arrowhead.ui import components


def style_section(
    db: Database, user: User, team_id: int | None, rows: list[LearnerOverview], course: Course
) -> None:
    """The team's fit profile, its style and behaviour charts, and each learner's own profile."""
    bests = best_styles(course.quizzes)
    tallies = team_store.choice_tallies(db, user, team_id, bests)
    team_profile = build_profile(t for mine in tallies.values() for t in mine)
    if team_profile.answers:
        st.caption(
            f"From {team_profile.answers} choices, workshop answers included. Did the team's choices "
            "fit the situation? Each bar is the situations that called for one style, split by the "
            "style chosen."
        )
        components.fit_section(team_profile)
        style_col, behaviour_col = st.columns(2)
        with style_col:
            components.style_chart(team_profile)
        with behaviour_col:
            components.behaviour_chart(team_profile)
        st.caption("Each learner's own profile:")
        own = []
        for r in rows:
            profile = build_profile(tallies.get(r.user_id, []))
            measured = {b: v for b, v in profile.behaviours.items() if v is not None}
            fallback = profile.fallback
            own.append(
                {
                    "Learner": r.display_name,
                    "Choices": profile.answers,
                    "Fit": None if profile.fit is None else 100 * profile.fit,
                    "Fallback": components.STYLE_NAMES[fallback] if fallback else "–",
                    **{
                        components.STYLE_NAMES[s]: 100 * share if profile.answers else None
                        for s, share in profile.styles.items()
                    },
                    "Weakest behaviour": (
                        BEHAVIOUR_NAMES[min(measured, key=lambda b: measured[b])]
                        if measured
                        else "–"
                    ),
                }
            )
        st.dataframe(
            pd.DataFrame(own),
            hide_index=True,
            width="stretch",
            key="team_profiles",
            column_config={
                name: st.column_config.NumberColumn(format="%.0f%%")
                for name in ["Fit", *components.STYLE_NAMES.values()]
            },
        )
        st.caption(
            "Fit: the share of the learner's choices in the style the situation called for. "
            "Fallback: the style they chose most often when it did not fit. The style columns: "
            "the share of all their choices in each style."
        )
    else:
        st.caption("No one in this team has answered a scenario yet.")
