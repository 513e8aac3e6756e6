"""Issue 9, plain words: stuck on which quiz, completed, what an average rests on, how many got a
scenario right, 'strong sellers miss this' only beyond noise, and flagged scenarios to a deck."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import NOW, app_for, make_user, texts
from team_fixtures import build_org, serve_files, take_quiz

from arrowhead import teams
from arrowhead.accounts import User
from arrowhead.course import load_course
from arrowhead.store import learning
from arrowhead.store import teams as team_store
from arrowhead.store import workshops as workshop_store
from arrowhead.teams import (
    COMMAND_LINE,
    COMPLETED,
    LOWER,
    MIDDLE,
    STUCK,
    UPPER,
    LearnerRecord,
    OptionTally,
    QuizRecord,
)
from arrowhead.workshops import DeckEntry, WorkshopError

TEAM = "arrowhead/ui/team_page.py"
LEARNER = "arrowhead/ui/learner_page.py"
INSIGHT = "arrowhead/ui/insight_page.py"
DECKS = "arrowhead/ui/deck_page.py"
COURSE = load_course(Path(__file__).parent / "data" / "course")
ALPHA = COURSE.quiz("alpha")
TITLES = {q.id: q.title for q in COURSE.quizzes}


def record(*quizzes: QuizRecord, read: int = 0, days: float = 1) -> LearnerRecord:
    return LearnerRecord(1, "Sam", "sam", read, quizzes, NOW - timedelta(days=days))


def row_of(rec: LearnerRecord) -> teams.LearnerOverview:
    return teams.overview([rec], COURSE, NOW)[0]


# ---------------------------------------------------------------- the roster's words (pure)


def test_stuck_says_on_which_quiz():
    row = row_of(
        record(
            QuizRecord("beta", 30, False, 2),
            QuizRecord("alpha", 40, False, 3),
        )
    )
    assert row.status == STUCK
    assert row.stuck_on == ("alpha", "beta")  # in course order
    assert teams.status_words(row, TITLES) == "stuck on Alpha quiz and Beta quiz"
    one = row_of(record(QuizRecord("alpha", 40, False, 2), QuizRecord("beta", 90, True, 0)))
    assert teams.status_words(one, TITLES) == "stuck on Alpha quiz"
    assert teams.status_words(row_of(record(days=1)), TITLES) == "on track"


def test_a_learner_who_finished_is_completed_and_counted():
    # The tiny course: 3 sections and 2 quizzes.
    done = row_of(
        record(QuizRecord("alpha", 80, True, 2), QuizRecord("beta", 100, True, 0), read=3, days=40)
    )
    assert done.status == COMPLETED
    almost = row_of(record(QuizRecord("alpha", 80, True, 0), read=3))
    totals = teams.team_totals([done, almost])
    assert totals.statuses[COMPLETED] == 1
    assert COMPLETED in teams.STATUSES


def test_an_average_best_says_how_many_quizzes_it_rests_on():
    one = row_of(record(QuizRecord("alpha", 100, True, 0)))
    assert (one.average_best, one.quizzes_finished, one.quizzes_in_course) == (100, 1, 2)
    assert teams.quizzes_words(one) == "over 1 of 2 quizzes"
    assert teams.quizzes_words(row_of(record())) == ""


# ---------------------------------------------------------------- insight (pure)


def tally(option: str, third: str, chosen: int, points: int) -> OptionTally:
    return OptionTally("alpha", "alpha-one", option, third, chosen, points * chosen, 10 * chosen)


def test_insight_says_how_many_got_it_right():
    one = teams.quiz_insight(
        ALPHA,
        [
            tally("strategic", UPPER, 3, 10),
            tally("strategic", MIDDLE, 1, 10),
            tally("explain-value", MIDDLE, 2, 5),
            tally("discount", LOWER, 3, 0),
        ],
    )[0]
    assert (one.right, one.learners) == (4, 9)
    assert (one.upper, one.lower) == ((3, 3), (0, 3))


@pytest.mark.parametrize(
    ("upper", "lower", "flagged"),
    [
        # A team of 9: thirds of 3. Every top-third learner missing it, every bottom-third
        # one getting it, is still within chance: no flag (it was flagged before).
        ({"discount": 3}, {"strategic": 3}, False),
        # One answer apart, the old rule (discrimination below 0) flagged it.
        ({"strategic": 1, "discount": 1}, {"strategic": 2}, False),
        # A team of 12: thirds of 4, all against none, is more than chance.
        ({"discount": 4}, {"strategic": 4}, True),
        # A larger team: 3 of 30 against 24 of 30.
        ({"strategic": 3, "discount": 27}, {"strategic": 24, "discount": 6}, True),
        # ...and 12 of 30 against 18 of 30 is not.
        ({"strategic": 12, "discount": 18}, {"strategic": 18, "discount": 12}, False),
    ],
)
def test_strong_sellers_miss_this_only_beyond_noise(upper, lower, flagged):
    """Regression: 'strong sellers miss this' fired on any negative discrimination, one answer
    in a third of two being enough."""
    found = [tally(o, UPPER, n, 10 if o == "strategic" else 0) for o, n in upper.items()]
    found += [tally(o, LOWER, n, 10 if o == "strategic" else 0) for o, n in lower.items()]
    one = teams.quiz_insight(ALPHA, found)[0]
    assert (teams.FLAG_STRONG_MISS in one.flags) is flagged
    words = teams.thirds_words(one)
    assert ("larger than chance" in words) is flagged
    assert ("within chance" in words) is (not flagged)


def test_the_thirds_sentence_without_thirds():
    one = teams.quiz_insight(ALPHA, [tally("strategic", MIDDLE, 2, 10)])[0]
    assert teams.thirds_words(one).startswith("Too few learners")


# ---------------------------------------------------------------- the pages


@pytest.fixture
def org(app_env, course_root):
    return build_org(app_env, course_root)


def finish_the_course(db, org, learner) -> None:
    """Every section read and both quizzes passed."""
    when = datetime.now(UTC) - timedelta(days=30)
    for module in org.course.modules:
        for section in module.sections:
            learning.mark_section_read(db, learner.id, module.id, section.id, when)
    take_quiz(db, org.course, learner, "alpha", ["strategic", "escalate"], when)
    take_quiz(db, org.course, learner, "beta", ["brief"], when)


def test_my_team_names_the_quiz_counts_completed_and_says_what_an_average_rests_on(
    app_env, org, monkeypatch
):
    served = serve_files(monkeypatch)
    finish_the_course(app_env, org, org.dan)
    at = app_for(app_env, org.manager_a, TEAM)
    assert not at.exception
    roster = next(d.value for d in at.dataframe if "Modules passed" in d.value.columns)
    assert dict(zip(roster["Learner"], roster["Status"], strict=True)) == {
        "Ana Able": "on track",
        "Ben Stuck": "stuck on Alpha quiz",
        "Dan Idle": "completed",
    }
    assert dict(zip(roster["Learner"], roster["Quizzes"], strict=True)) == {
        "Ana Able": 2,
        "Ben Stuck": 1,
        "Dan Idle": 2,
    }
    learners = next(m for m in at.metric if m.label == "Learners")
    assert (learners.value, learners.proto.delta) == ("3", "1 completed")
    assert "completed: 1" in texts(at)
    rows = {
        r["learner"]: r for r in csv.DictReader(io.StringIO(served.text(at.download_button[0])))
    }
    assert (rows["Ben Stuck"]["status"], rows["Ben Stuck"]["stuck_on"]) == ("stuck", "alpha")
    assert rows["Dan Idle"]["status"] == "completed"
    assert rows["Ana Able"]["quizzes_finished"] == "2"
    at.multiselect(key="team_status").select("completed").run()
    shown = next(d.value for d in at.dataframe if "Modules passed" in d.value.columns)
    assert list(shown["Learner"]) == ["Dan Idle"]


def test_the_learner_page_names_the_quiz_and_what_the_average_rests_on(app_env, org):
    at = app_for(app_env, org.manager_a, LEARNER, learner=str(org.ben.id))
    status, _, _, average = at.metric[:4]
    assert (status.value, status.proto.delta) == ("stuck", "on Alpha quiz")
    assert (average.value, average.proto.delta) == ("40%", "over 1 of 2 quizzes")
    ana = app_for(app_env, org.manager_a, LEARNER, learner=str(org.ana.id))
    assert ana.metric[0].value == "on track" and not ana.metric[0].proto.delta


def test_the_comparison_of_teams_counts_completed(app_env, org):
    finish_the_course(app_env, org, org.dan)
    at = app_for(app_env, org.admin, TEAM, team="all")
    compared = at.dataframe[0].value.set_index("Team")
    assert compared.loc["Alpha Team", "Completed"] == 1


def test_insight_says_how_many_got_it_right_and_does_not_cry_wolf(app_env, org):
    at = app_for(app_env, org.manager_a, INSIGHT)
    assert not at.exception
    # alpha-one: Ana chose the best move on her first attempt, Ben did not.
    assert at.metric[0].label == "Got it right" and at.metric[0].value == "1 of 2"
    assert "Strong sellers miss this" not in [w.value for w in at.warning]
    assert "Too few learners yet to compare" in texts(at)


# ---------------------------------------------------------------- add to a workshop deck


def test_a_manager_adds_to_their_own_decks_and_a_facilitator_to_any(db, course_root):
    org = build_org(db, course_root)
    facilitator = make_user(db, "fay", ("facilitator",), "Fay Facilitator")
    one, two = DeckEntry("alpha", "alpha-one"), DeckEntry("alpha", "alpha-two")
    mine = workshop_store.add_to_deck(db, org.manager_a, one, NOW, new_name="Team A: pricing")
    assert (mine.name, mine.entries) == ("Team A: pricing", (one,))
    mine = workshop_store.add_to_deck(db, org.manager_a, two, NOW, deck_id=mine.id)
    assert mine.entries == (one, two)
    with pytest.raises(WorkshopError, match="already in the deck"):
        workshop_store.add_to_deck(db, org.manager_a, two, NOW, deck_id=mine.id)
    theirs = workshop_store.add_to_deck(db, facilitator, one, NOW, new_name="Fay's")
    # A manager sees and adds to their own decks only; the facilitator to every deck.
    assert [d.name for d in workshop_store.decks_to_add_to(db, org.manager_a)] == [
        "Team A: pricing"
    ]
    assert [d.name for d in workshop_store.decks_to_add_to(db, org.manager_b)] == []
    with pytest.raises(WorkshopError, match="not one of yours"):
        workshop_store.add_to_deck(db, org.manager_b, two, NOW, deck_id=mine.id)
    with pytest.raises(WorkshopError, match="not one of yours"):
        workshop_store.add_to_deck(db, org.manager_a, two, NOW, deck_id=theirs.id)
    workshop_store.add_to_deck(db, facilitator, DeckEntry("beta", "beta-one"), NOW, deck_id=mine.id)
    assert {d.name for d in workshop_store.decks_to_add_to(db, facilitator)} == {
        "Team A: pricing",
        "Fay's",
    }
    # A learner builds no decks.
    assert workshop_store.decks_to_add_to(db, org.ana) == []
    with pytest.raises(WorkshopError, match="build workshop decks"):
        workshop_store.add_to_deck(db, org.ana, one, NOW, new_name="Mine")


def test_a_new_deck_needs_a_free_name(db, course_root):
    org = build_org(db, course_root)
    entry = DeckEntry("alpha", "alpha-one")
    with pytest.raises(WorkshopError, match="give the deck a name"):
        workshop_store.add_to_deck(db, org.manager_a, entry, NOW, new_name="  ")
    workshop_store.add_to_deck(db, org.manager_a, entry, NOW, new_name="Pricing")
    with pytest.raises(WorkshopError, match="exists"):
        workshop_store.add_to_deck(db, org.manager_b, entry, NOW, new_name="pricing")
    assert len(workshop_store.decks_to_add_to(db, org.admin)) == 1


def flagged_team(db) -> User:
    """A team of 12 whose top third all miss alpha-one while the bottom third get it right:
    'strong sellers miss this' is more than chance there. Its manager."""
    when = datetime.now(UTC) - timedelta(days=2)
    manager = make_user(db, "gina", ("manager",), "Gina Gamma")
    team_id = team_store.create_team(db, COMMAND_LINE, "Gamma Team", NOW).id
    team_store.set_managed_teams(db, COMMAND_LINE, manager.id, [team_id])
    plans = (
        # The top third (20 of 30 points): miss alpha-one, but get alpha-two and beta right.
        [(["discount", "escalate"], ["brief"])] * 4
        # The middle (13 of 20) and the bottom (10 of 20): alpha-one right, alpha-two not.
        + [(["strategic", "chase"], None)] * 4
        + [(["strategic", "wait"], None)] * 4
    )
    course = load_course(Path(__file__).parent / "data" / "course")
    for index, (alpha, beta) in enumerate(plans):
        learner = make_user(db, f"learner{index:02d}", name=f"Learner {index:02d}")
        team_store.set_team(db, COMMAND_LINE, learner.id, team_id, NOW)
        take_quiz(db, course, learner, "alpha", alpha, when)
        if beta:
            take_quiz(db, course, learner, "beta", beta, when)
    return manager


def test_a_flagged_scenario_goes_to_a_new_deck_then_to_an_existing_one(app_env):
    manager = flagged_team(app_env)
    at = app_for(app_env, manager, INSIGHT)
    assert not at.exception
    assert "Strong sellers miss this" in [w.value for w in at.warning]
    assert "That gap is larger than chance" in texts(at)
    key = "alpha__alpha-one"
    assert at.selectbox(key=f"insight_deck_{key}").value == 0  # a new deck
    at.text_input(key=f"insight_deck_name_{key}").input("Team A: first calls")
    at.button(key=f"insight_deck_add_{key}").click().run()
    assert not at.exception
    (deck,) = workshop_store.decks_to_add_to(app_env, manager)
    assert deck.entries == (DeckEntry("alpha", "alpha-one"),)
    assert at.selectbox(key=f"insight_deck_{key}").value == deck.id
    assert "Facilitators see the deck under Workshop decks" in texts(at)
    # Adding it again says so in plain words.
    at.button(key=f"insight_deck_add_{key}").click().run()
    assert "That scenario is already in the deck." in [e.value for e in at.error]
    # A facilitator finds the manager's deck among the shared ones.
    facilitator = make_user(app_env, "fay", ("facilitator",), "Fay Facilitator")
    decks = app_for(app_env, facilitator, DECKS)
    assert "Team A: first calls" in [t.value for t in decks.text]


def test_only_flagged_scenarios_offer_a_deck(app_env):
    manager = flagged_team(app_env)
    at = app_for(app_env, manager, INSIGHT)
    # alpha-two: every option picked by a third, the top third right: nothing to flag.
    assert at.metric[3].value == "4 of 12"
    offered = {
        b.key.removeprefix("insight_deck_add_")
        for b in at.button
        if b.key and b.key.startswith("insight_deck_add_")
    }
    assert offered == {"alpha__alpha-one"}
