"""AppTest of the trends: the "this week" summary on My team and the weekly charts with their text.

Pages read the real clock, so this week's events are placed just after this
week's Monday 00:00 (UTC) and last week's just before it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pyarrow.ipc
import pytest
from conftest import NOW, app_for, make_user, texts
from team_fixtures import take_quiz

from arrowhead import trends
from arrowhead.course import load_course
from arrowhead.store import learning
from arrowhead.store import teams as team_store
from arrowhead.teams import COMMAND_LINE

TEAM = "arrowhead/ui/team_page.py"
LEARNER = "arrowhead/ui/learner_page.py"
SECOND = timedelta(seconds=1)


@pytest.fixture
def week(app_env, course_root):
    """Ana finishes the course this week, Ben gets stuck, Dan goes quiet; Cleo is elsewhere."""
    db = app_env
    course = load_course(course_root)
    monday = trends.week_start(datetime.now(UTC))
    admin = make_user(db, "admin", ("admin",), "Ada Admin")
    mara = make_user(db, "mara", ("manager",), "Mara Manager")
    north = team_store.create_team(db, COMMAND_LINE, "North", NOW).id
    south = team_store.create_team(db, COMMAND_LINE, "South", NOW).id
    team_store.set_managed_teams(db, COMMAND_LINE, mara.id, [north])
    people = {}
    for username, name, team in (
        ("ana", "Ana Able", north),
        ("ben", "Ben Stuck", north),
        ("dan", "Dan Quiet", north),
        ("eve", "Eve Early", north),
        ("cleo", "Cleo Secret", south),
    ):
        people[username] = make_user(db, username, name=name)
        team_store.set_team(db, COMMAND_LINE, people[username].id, team, NOW)
    ana, ben, dan, eve, cleo = (people[n] for n in ("ana", "ben", "dan", "eve", "cleo"))
    for module in course.modules:
        for section in module.sections:
            learning.mark_section_read(db, ana.id, module.id, section.id, monday - 3 * SECOND)
    take_quiz(db, course, ana, "alpha", ["strategic", "escalate"], monday - 2 * SECOND)
    take_quiz(db, course, ana, "beta", ["brief"], monday + SECOND)  # the last step: this week
    take_quiz(db, course, ben, "alpha", ["discount", "wait"], monday - timedelta(days=1))
    take_quiz(db, course, ben, "alpha", ["explain-value", "chase"], monday + SECOND)
    # Dan's 14 quiet days run out this week: last seen 14 days before Monday, plus a second.
    module = course.modules[0]
    learning.mark_section_read(
        db, dan.id, module.id, module.sections[0].id, monday - timedelta(days=14) + SECOND
    )
    # Eve went quiet long ago: not this week's news.
    learning.mark_section_read(
        db, eve.id, module.id, module.sections[0].id, monday - timedelta(days=30)
    )
    take_quiz(db, course, cleo, "alpha", ["discount", "wait"], monday - timedelta(days=1))
    take_quiz(db, course, cleo, "alpha", ["discount", "wait"], monday + SECOND)
    return admin, mara, north, people


def trend_chart(at) -> tuple[dict, list]:
    """The trend chart's spec and its datasets as data frames."""
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        titles = [panel.get("title") for panel in spec.get("hconcat", [])]
        if "Quizzes passed for the first time" in titles:
            frames = [
                pyarrow.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets
            ]
            return spec, frames
    raise AssertionError("no trend chart on the page")


def test_my_team_says_who_finished_got_stuck_and_went_quiet_this_week(app_env, week):
    admin, mara, north, people = week
    at = app_for(app_env, mara, TEAM)
    assert not at.exception
    shown = texts(at)
    assert "passed for the first time by 1 learner." in shown  # Ana's beta
    assert "Finished the course: Ana Able (ana)." in shown
    assert "Ben Stuck (ben) on Alpha quiz." in shown
    assert "Went quiet (nothing for 14 days, reached this week): Dan Quiet (dan)." in shown
    assert "Eve Early" not in shown.split("Went quiet")[1].split("\n")[0]
    assert "Cleo Secret" not in shown
    # The summary comes first, above the team's totals.
    assert at.text[0].value.startswith("Since Monday")


def test_my_team_draws_twelve_weeks_with_zeros_and_gaps_and_says_them_in_words(app_env, week):
    admin, mara, north, people = week
    at = app_for(app_env, mara, TEAM, team_view="Trends")
    spec, frames = trend_chart(at)
    full = next(f for f in frames if len(f) == trends.WEEKS)
    # Every week is on the chart: a zero where nothing was passed, a gap where nothing was
    # first attempted.
    assert list(full["Quizzes passed"]) == [0] * 10 + [1, 1]
    assert full["First-attempt score"].isna().sum() == 10
    # Ana's alpha (100%) and Ben's (0%); then Ana's beta. Ben's 40% was not his first attempt.
    assert list(full["First-attempt score"])[-2:] == [50.0, 100.0]
    # The x axis holds every week even where a panel has no mark.
    for panel in spec["hconcat"]:
        layers = panel.get("layer", [panel])
        x = (panel.get("encoding") or layers[0]["encoding"])["x"]
        assert len(x["scale"]["domain"]) == trends.WEEKS
    assert (
        "In the last 12 weeks: 2 quizzes passed for the first time, most in the week of "
        in texts(at)
    )
    assert "First attempts scored 67% on average (3 first attempts); this week 100% from 1." in (
        texts(at)
    )
    # The week-by-week table is built when its expander is opened.
    assert not [d for d in at.dataframe if "First attempts" in d.value.columns]
    at.session_state["team_trend_weeks"] = True
    at.run()
    table = next(d.value for d in at.dataframe if "First attempts" in d.value.columns)
    assert len(table) == trends.WEEKS and list(table["Quizzes passed"])[-1] == 1


def test_all_teams_trend_adds_the_other_teams_for_an_admin(app_env, week):
    admin, mara, north, people = week
    at = app_for(app_env, admin, TEAM, team="all", team_view="Trends")
    assert not at.exception
    spec, frames = trend_chart(at)
    full = next(f for f in frames if len(f) == trends.WEEKS)
    assert list(full["First attempts"])[-2:] == [3, 1]  # Ana, Ben and Cleo; then Ana
    assert "Cleo Secret (cleo) on Alpha quiz" in texts(at)


def test_the_learner_page_charts_that_learners_weeks(app_env, week):
    admin, mara, north, people = week
    at = app_for(app_env, mara, LEARNER, learner=str(people["ana"].id))
    assert not at.exception
    # The sentence is there at once; the charts are drawn when their expander is opened.
    assert "2 quizzes passed for the first time" in texts(at)
    assert not at.get("vega_lite_chart") or not any(
        "hconcat" in json.loads(c.proto.spec) for c in at.get("vega_lite_chart")
    )
    at.session_state["learner_trend_charts"] = True
    at.run()
    spec, frames = trend_chart(at)
    full = next(f for f in frames if len(f) == trends.WEEKS)
    assert list(full["Quizzes passed"])[-2:] == [1, 1]
    assert "2 quizzes passed for the first time" in texts(at)
    # Another team's learner: no page, no chart.
    other = app_for(app_env, mara, LEARNER, learner=str(people["cleo"].id))
    assert "not in a team you manage" in texts(other)
    assert not other.get("vega_lite_chart")


def test_my_team_draws_only_the_open_tab(app_env, week):
    """The first screen stays light: charts are computed only in the tab that is open."""
    admin, mara, north, people = week
    at = app_for(app_env, mara, TEAM)
    assert not at.exception
    assert not at.get("vega_lite_chart")
    assert "Assignments" in [t.label for t in at.tabs]
    at = app_for(app_env, mara, TEAM, team_view="Best scores")
    assert len(at.get("vega_lite_chart")) == 1
