"""Every chart has a text equivalent right after it: a sentence or a table (AppTest).

A screen reader cannot read an Altair chart, so each one is followed by its data in words
("In words: …", the votes' tally) or as a table in an expander.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import NOW, ROOT, app_for, make_user
from team_fixtures import Org, build_org

from arrowhead.course import load_course
from arrowhead.scoring import grade_answer
from arrowhead.store import roleplays as roleplay_store
from arrowhead.store import workshops as store
from arrowhead.ui.components import IN_WORDS
from arrowhead.workshops import DeckEntry

UI = "arrowhead/ui/"
# Where the charts are drawn; each file's pages are checked below.
CHART_FILES = {
    "components.py": "the profile charts: progress, learner and team pages",
    "heatmap.py": "the team page",
    "progress_page.py": "the progress page",
    "facilitate_page.py": "the workshop controls",
    "projector_page.py": "the projector",
    "workshops_history_page.py": "past workshops",
    "roleplay_parts.py": "the insight page's role-plays",
    "trend_parts.py": "the trends on My team and the learner page",
}
CHART_CALL = re.compile(r"\bst\.(altair_chart|vega_lite_chart|line_chart|bar_chart|area_chart)\(")


def walk(node) -> Iterator:
    """The page's elements and blocks in the order they are drawn."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def equivalents(at) -> list[str]:
    """For each chart on the page, the text equivalent drawn right after it.

    A caption in words or with the votes' tally, or a table, within the next three elements
    (an explaining caption and an expander may stand between); a chart without one gets "".
    """
    nodes = list(walk(at.main))
    found = []
    for index, node in enumerate(nodes):
        if getattr(node, "type", None) != "vega_lite_chart":
            continue
        text = ""
        for after in nodes[index + 1 : index + 4]:
            kind = getattr(after, "type", None)
            if kind == "vega_lite_chart":
                break
            value = str(getattr(after, "value", ""))
            if kind == "caption" and value.startswith((IN_WORDS, "Votes — ")):
                text = value
                break
            if kind in ("dataframe", "table"):
                text = value
                break
        found.append(text)
    return found


def test_every_file_that_draws_a_chart_is_checked_here():
    """A chart added in another file needs its text equivalent and a check in this file."""
    drawing = {
        path.name
        for path in sorted((ROOT / "arrowhead" / "ui").glob("*.py"))
        if CHART_CALL.search(path.read_text(encoding="utf-8"))
    }
    assert drawing == set(CHART_FILES)


@pytest.fixture
def org(app_env, course_root: Path) -> Org:
    return build_org(app_env, course_root)


def test_my_progress_says_each_chart_in_words(app_env, org):
    at = app_for(app_env, org.ana, page=UI + "progress_page.py")
    said = equivalents(at)
    assert len(said) == 4 and all(said), said
    scores, fit, styles, behaviours = said
    assert (
        scores
        == "In words: Alpha quiz, attempt by attempt: 100%; Beta quiz, attempt by attempt: 100%."
    )
    assert fit.startswith("In words: When the situation called for ")
    assert "(fits)" in fit
    assert styles == "In words: Transactional 0%, Traditional 33%, Partnership 67% of the choices."
    assert behaviours.startswith("In words: Critical thinking 100%")


def test_the_learner_page_says_each_chart_in_words(app_env, org):
    at = app_for(app_env, org.manager_a, page=UI + "learner_page.py", learner=str(org.ben.id))
    # Folded, the selling-style charts are not drawn; opened, each comes with its words.
    assert not equivalents(at)
    at.session_state["learner_style_charts"] = True
    at.run()
    said = equivalents(at)
    assert len(said) == 3 and all(said), said
    assert said[1].startswith("In words: Transactional ")


def test_my_team_gives_the_heatmap_as_a_table_and_the_profile_in_words(app_env, org):
    """My team draws one tab under the roster at a time: each tab's charts are said in words."""
    at = app_for(app_env, org.manager_a, page=UI + "team_page.py", team_view="Selling style")
    said = equivalents(at)
    assert len(said) == 3 and all(said), said
    at = app_for(app_env, org.manager_a, page=UI + "team_page.py", team_view="Trends")
    said = equivalents(at)
    assert len(said) == 1 and said[0].startswith("In words: "), said
    at = app_for(app_env, org.manager_a, page=UI + "team_page.py", team_view="Best scores")
    said = equivalents(at)
    assert len(said) == 1 and all(said), said
    (expander,) = [e for e in at.expander if e.label == "The heatmap as a table"]
    table = expander.dataframe[0].value
    assert list(table.columns) == ["Learner", "1. Alpha module", "2. Beta module"]
    ana = table[table["Learner"] == "Ana Able (ana)"].iloc[0]
    assert ana["1. Alpha module"].startswith("100% (passed")
    dan = table[table["Learner"] == "Dan Idle (dan)"].iloc[0]
    assert dan["2. Beta module"] == "not attempted"
    assert "Cleo Secret (cleo)" not in set(table["Learner"])


@pytest.fixture
def revoted(app_env, course_root):
    """A Workshop on its first scenario after a revote, with results shown, and an ended one."""
    fran = make_user(app_env, "fran", roles=("facilitator",))
    deck = store.save_deck(app_env, fran, "Kick-off", [DeckEntry("alpha", "alpha-one")], NOW)
    live = store.start_workshop(app_env, fran, deck.id, NOW)
    scenario = load_course(course_root).scenario("alpha", "alpha-one")
    assert scenario is not None
    live_scenario = scenario.shuffled(live.option_seed)
    sam = store.join(app_env, live.id, NOW, nickname="Sam", token="t-sam")
    for action in ("next", "open", "show"):
        store.act(app_env, fran, live.id, action, NOW)
    store.cast_vote(app_env, sam, 0, 1, grade_answer(scenario, "discount"), NOW)
    for action in ("revote", "open", "show"):
        store.act(app_env, fran, live.id, action, NOW)
    store.cast_vote(app_env, sam, 0, 2, grade_answer(scenario, "strategic"), NOW)
    letters = {o.id: live_scenario.letter(o.id) for o in scenario.options}
    return fran, live, letters


def tally(letters: dict[str, str], chosen: str) -> str:
    return " · ".join(
        f"{letter}: {1 if option == chosen else 0}" for option, letter in sorted_items(letters)
    )


def sorted_items(letters: dict[str, str]) -> list[tuple[str, str]]:
    return sorted(letters.items(), key=lambda item: item[1])


@pytest.mark.parametrize("page", ["facilitate_page.py", "projector_page.py"])
def test_the_live_votes_chart_is_said_in_words_with_both_rounds(app_env, revoted, page):
    fran, live, letters = revoted
    at = app_for(app_env, fran, page=UI + page, workshop=str(live.id))
    said = equivalents(at)
    expected = (
        f"Votes — {tally(letters, 'strategic')} (revote); first vote — {tally(letters, 'discount')}"
    )
    assert said == [expected]


def test_past_workshops_say_each_scenarios_votes_in_words(app_env, revoted):
    fran, live, letters = revoted
    store.act(app_env, fran, live.id, "end", NOW)
    at = app_for(app_env, fran, page=UI + "workshops_history_page.py", workshop=str(live.id))
    said = equivalents(at)
    assert said == [
        f"Votes — {tally(letters, 'strategic')} (revote); first vote — {tally(letters, 'discount')}"
    ]


def test_the_role_play_endings_chart_is_given_as_a_table(app_env, roleplay_root):
    org = build_org(app_env, roleplay_root)
    roleplay = org.course.roleplay("first-call")
    assert roleplay is not None
    run = roleplay_store.start_run(app_env, org.ana.id, roleplay.id, NOW)
    for position, option in enumerate(["ask-goals", "propose-pilot", "meet-director"]):
        run = roleplay_store.record_choice(app_env, run, roleplay, position, option, NOW).run
    at = app_for(app_env, org.manager_a, page=UI + "insight_page.py", insight_view="Role-plays")
    # Folded, the chart is not drawn; opened, the table follows it.
    assert not equivalents(at)
    at.session_state["roleplay_spread_first-call_chart"] = True
    at.run()
    said = equivalents(at)
    assert said and all(said), said
    (table,) = [t.value for t in at.table if "Ending" in t.value.columns]
    assert list(table["Runs"]) == [1, 0, 0]
