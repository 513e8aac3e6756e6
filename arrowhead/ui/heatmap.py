"""My team's heatmap of best scores and the admin's comparison of teams (Altair and Streamlit)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from arrowhead.teams import NOT_ATTEMPTED, HeatCell, TeamComparison

ROW_HEIGHT = 28
"""Pixels per learner: room for a 12 px name and the score in the cell at any team size."""
# Far from the pass mark the colours are dark: the score in the cell is written in white there.
DARK_BELOW, DARK_ABOVE = -35, 15


def heatmap_chart(cells: list[HeatCell]) -> alt.LayerChart:
    """Best score per learner and module: coloured by distance from the quiz's pass mark.

    Untried cells are pale and dashed with a dash in them, so a 0% (deep red, "0")
    never looks like one. Each cell names its score, with a tick when passed.
    """
    data = pd.DataFrame(
        [
            {
                "Learner": c.learner,
                "Number": str(c.number),
                "Module": c.module,
                "Margin": None if c.best is None else c.best - c.pass_mark,
                "Untried": NOT_ATTEMPTED if c.best is None else None,
                "Label": c.label,
                "Result": c.result,
            }
            for c in cells
        ],
        columns=["Learner", "Number", "Module", "Margin", "Untried", "Label", "Result"],
    )
    learners = list(dict.fromkeys(c.learner for c in cells))
    numbers = list(dict.fromkeys(str(c.number) for c in cells))
    marks = [c.pass_mark for c in cells] or [70]
    low, high = -max(marks), 100 - min(marks)
    base = alt.Chart(data).encode(
        # Module numbers, upright: whole titles slanted over narrow columns ran off the chart.
        # The titles are in the caption and the tooltip.
        x=alt.X(
            "Number:N",
            sort=numbers,
            title="Module",
            axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=12),
        ),
        # Every name, however many: no overlap culling, no truncation.
        y=alt.Y(
            "Learner:N",
            sort=learners,
            title=None,
            # labelFlush off: the theme's default pushed the first name off its row.
            axis=alt.Axis(labelLimit=0, labelOverlap=False, labelFlush=False, labelFontSize=12),
        ),
        tooltip=[
            alt.Tooltip("Learner:N"),
            alt.Tooltip("Module:N"),
            alt.Tooltip("Result:N"),
        ],
    )
    untried = (
        base.transform_filter("datum.Margin === null")
        .mark_rect(stroke="#9e9e9e", strokeDash=[3, 3], strokeWidth=1)
        .encode(
            color=alt.Color(
                "Untried:N",
                scale=alt.Scale(domain=[NOT_ATTEMPTED], range=["#f4f4f4"]),
                legend=alt.Legend(title=None, orient="bottom", symbolStrokeColor="#9e9e9e"),
            )
        )
    )
    tried = (
        base.transform_filter("datum.Margin !== null")
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            color=alt.Color(
                "Margin:Q",
                title="Points from pass mark",
                scale=alt.Scale(scheme="redyellowblue", domain=[low, high], domainMid=0),
                # Below the chart: a one-learner heatmap is too short for an upright legend.
                legend=alt.Legend(
                    orient="bottom",
                    direction="horizontal",
                    gradientLength=160,
                    values=[low, 0, high],
                    labelOverlap=False,
                    labelExpr="datum.value == 0 ? 'pass' : (datum.value > 0 ? '+' : '') + datum.value",
                ),
            )
        )
    )
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("Label:N"),
        color=alt.condition(
            f"datum.Margin !== null && (datum.Margin < {DARK_BELOW} || datum.Margin > {DARK_ABOVE})",
            alt.value("white"),
            alt.value("black"),
        ),
    )
    return (
        alt.layer(untried, tried, text)
        .resolve_scale(color="independent")
        # SVG, not canvas: every label is a text element that tests and screen readers can find.
        .properties(height=alt.Step(ROW_HEIGHT), usermeta={"embedOptions": {"renderer": "svg"}})
    )


def heatmap(cells: list[HeatCell]) -> None:
    """The heatmap, as wide as the page and ROW_HEIGHT px per learner, and what it shows."""
    st.altair_chart(heatmap_chart(cells), width="stretch", key="team_heatmap")
    modules = dict.fromkeys(c.module for c in cells)
    st.caption(
        "Each cell: the learner's best score (%) on the module's quiz, ✓ when passed. Red is "
        "below the quiz's pass mark, yellow at it, blue above. Dashed grey cells with a dash: "
        "not attempted. Modules: " + " · ".join(modules)
    )
    # The chart's text equivalent: the same cells as a table, a row per learner.
    with st.expander("The heatmap as a table"):
        table: dict[str, dict[str, str]] = {}
        for c in cells:
            table.setdefault(c.learner, {"Learner": c.learner})[c.module] = c.result
        st.dataframe(
            pd.DataFrame(list(table.values()), columns=["Learner", *modules]),
            hide_index=True,
            width="stretch",
            key="team_heatmap_table",
        )


def comparison_table(lines: list[TeamComparison]) -> None:
    """Teams compared, one line per team, sortable by any column."""
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Team": c.team,
                    "Learners": c.learners,
                    "Completed": c.done,
                    "Stuck": c.stuck,
                    "Inactive": c.inactive,
                    "Average best": c.average_best,
                    "Certificates": c.certificates,
                }
                for c in lines
            ],
            columns=[
                "Team",
                "Learners",
                "Completed",
                "Stuck",
                "Inactive",
                "Average best",
                "Certificates",
            ],
        ),
        hide_index=True,
        width="stretch",
        key="team_comparison",
        column_config={"Average best": st.column_config.NumberColumn(format="%.0f%%")},
    )
    st.caption(
        "Click a column heading to sort. Completed: finished the course (every section read, "
        "role-play played and quiz passed). Average best: the mean of the learners' average best scores. "
        "Certificates: learners who have earned the certificate."
    )
