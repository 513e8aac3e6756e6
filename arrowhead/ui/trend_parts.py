"""The weekly trend charts and the "this week" summary, shared by My team and the learner page."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from arrowhead.trends import TrendWeek, WeekSummary, summary_lines, trend_sentence
from arrowhead.ui.components import IN_WORDS


def trend_frame(trend: list[TrendWeek]) -> pd.DataFrame:
    """The trend as a table, a row per week: what the charts draw, in numbers."""
    return pd.DataFrame(
        [
            {
                "Week of": w.start.isoformat(),
                "Quizzes passed": w.passed,
                "First attempts": w.first_attempts,
                "First-attempt score": w.first_score,
            }
            for w in trend
        ],
        columns=["Week of", "Quizzes passed", "First attempts", "First-attempt score"],
    )


def trend_chart(trend: list[TrendWeek]) -> alt.HConcatChart:
    """Two panels over the same weeks: first passes as bars, the mean first-attempt score as a line.

    Every week has its place on the axis; a week without a first attempt breaks
    the line (a gap), where drawing it on to the next week would invent a score.
    """
    data = trend_frame(trend)
    # Consecutive weeks with a score share a segment; a gap starts a new one.
    data["Segment"] = data["First-attempt score"].isna().cumsum()
    weeks = list(data["Week of"])
    # Every week on the axis, in order, even one with no bar and no point.
    x = alt.X("Week of:O", scale=alt.Scale(domain=weeks), title=None, axis=alt.Axis(labelAngle=-45))
    passed = (
        alt.Chart(data, title="Quizzes passed for the first time")
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("Quizzes passed:Q", title=None, axis=alt.Axis(tickMinStep=1)),
            tooltip=["Week of", "Quizzes passed"],
        )
        .properties(width=260, height=160)
    )
    scored = alt.Chart(data[data["First-attempt score"].notna()])
    score = (
        alt.layer(
            scored.mark_line().encode(detail="Segment:N"),
            scored.mark_point(filled=True),
        )
        .encode(
            x=x,
            y=alt.Y("First-attempt score:Q", title=None, scale=alt.Scale(domain=[0, 100])),
            tooltip=[
                "Week of",
                alt.Tooltip("First-attempt score:Q", format=".0f"),
                "First attempts",
            ],
        )
        .properties(width=260, height=160, title="First-attempt score (%)")
    )
    return alt.hconcat(passed, score)


def trend_section(trend: list[TrendWeek], key: str, folded: bool = False) -> None:
    """The trend charts with their text equivalent: a sentence, and the numbers as a table.

    Folded, the sentence stands alone and the charts wait in an expander: a page that is
    already long and has charts of its own (the learner page) stays light until asked.
    """
    if folded:
        st.caption(IN_WORDS + trend_sentence(trend))
        charts = st.expander("The weeks as charts", key=f"{key}_charts", on_change="rerun")
        with charts:
            if charts.open:
                st.altair_chart(trend_chart(trend), key=key)
        return
    st.altair_chart(trend_chart(trend), key=key)
    st.caption(IN_WORDS + trend_sentence(trend))
    # Lazy: the table is built only while the expander is open.
    weeks = st.expander("The same, week by week", key=f"{key}_weeks", on_change="rerun")
    with weeks:
        if weeks.open:
            st.dataframe(
                trend_frame(trend),
                hide_index=True,
                width="stretch",
                key=f"{key}_table",
                column_config={
                    "First-attempt score": st.column_config.NumberColumn(format="%.0f%%"),
                },
            )


def week_summary(summary: WeekSummary) -> None:
    """The "this week" lines; names are learner-entered, so shown with st.text."""
    with st.container(border=True):
        st.caption("This week")
        st.text("\n".join(summary_lines(summary)))
