"""The workshop pages through AppTest: decks, controls, projector, joining and voting, the summary."""

import pytest
from conftest import NOW, app_for, make_user, texts

from arrowhead.course import load_course
from arrowhead.scoring import grade_answer
from arrowhead.store import accounts, learning
from arrowhead.store import teams as team_store
from arrowhead.store import workshops as store
from arrowhead.store.database import immediate
from arrowhead.teams import COMMAND_LINE
from arrowhead.workshops import DeckEntry

UI = "arrowhead/ui/"
DECK = UI + "deck_page.py"
FACILITATE = UI + "facilitate_page.py"
PROJECTOR = UI + "projector_page.py"
JOIN = UI + "join_page.py"
HISTORY = UI + "workshops_history_page.py"
ENTRIES = [DeckEntry("alpha", "alpha-one"), DeckEntry("beta", "beta-one")]
NICKNAME = "<img src=x onerror=alert(1)>"


@pytest.fixture
def facilitator(app_env):
    return make_user(app_env, "fran", roles=("facilitator",))


@pytest.fixture
def workshop(app_env, facilitator):
    deck = store.save_deck(app_env, facilitator, "Kick-off", ENTRIES, NOW)
    return store.start_workshop(app_env, facilitator, deck.id, NOW)


def _scenario(course_root, entry):
    return load_course(course_root).scenario(entry.quiz_id, entry.scenario_id)


def _join(app_env, code, nickname="Sam"):
    at = app_for(app_env, None, page=JOIN, code=code)
    at.text_input(key="join_nickname").input(nickname)
    at.button(key="join_submit").click().run()
    return at


def test_a_facilitator_builds_a_deck_and_starts_a_workshop(app_env, facilitator):
    at = app_for(app_env, facilitator, page=DECK)
    assert "No decks yet" in texts(at)
    at.button(key="deck_new").click().run()
    at.text_input(key="deck_name").input("Kick-off")
    at.selectbox(key="deck_add_quiz").select("beta").run()
    at.button(key="deck_add_quiz_button").click().run()
    at.multiselect(key="deck_add").select("alpha/alpha-one").run()
    at.button(key="deck_add_button").click().run()
    # Move the alpha scenario, added last, to the front.
    at.button(key="deck_up_1").click().run()
    at.button(key="deck_save").click().run()
    assert not at.exception
    [deck] = store.decks(app_env, facilitator)
    assert deck.name == "Kick-off"
    assert deck.entries[0] == DeckEntry("alpha", "alpha-one")
    assert DeckEntry("beta", "beta-one") in deck.entries
    at.button(key=f"deck_start_{deck.id}").click().run()
    assert not at.exception
    assert "Workshop controls" in texts(at)
    [live] = store.workshops_of(app_env, facilitator)
    assert live.join_code in texts(at)


def test_a_deck_without_a_name_gets_a_plain_message(app_env, facilitator):
    at = app_for(app_env, facilitator, page=DECK)
    at.button(key="deck_new").click().run()
    at.button(key="deck_save").click().run()
    assert "Please give the deck a name." in texts(at)
    assert store.decks(app_env, facilitator) == []


def test_a_deck_entry_removed_from_the_course_is_shown_as_missing(app_env, facilitator):
    store.save_deck(app_env, facilitator, "Old", [DeckEntry("alpha", "gone-scenario")], NOW)
    at = app_for(app_env, facilitator, page=DECK)
    assert not at.exception
    assert "1 no longer in the course" in texts(at)


def test_the_controls_step_the_room_through_a_scenario(app_env, facilitator, workshop, course_root):
    sam = store.join(app_env, workshop.id, NOW, nickname="Sam", token="t-sam")
    at = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    assert "Join screen" in texts(at)
    at.button(key="control_next").click().run()
    assert "Scenario 1 of 2: The first situation" in texts(at)
    at.button(key="control_open").click().run()
    scenario = _scenario(course_root, ENTRIES[0])
    store.cast_vote(app_env, sam, 0, 1, grade_answer(scenario, "strategic"), NOW)
    at.button(key="control_show").click().run()
    assert "A: 0 · B: 0 · C: 1" in texts(at)
    assert at.metric[1].value == "1"
    at.button(key="control_revote").click().run()
    stage = store.workshop_for(app_env, facilitator, workshop.id).stage
    assert (stage.round, stage.voting_open, stage.results_shown) == (2, True, False)
    assert "revote" in texts(at)
    at.button(key="control_reveal").click().run()
    assert store.workshop_for(app_env, facilitator, workshop.id).stage.revealed
    assert "Why?" in texts(at)  # the scenario's discussion prompt
    at.button(key="control_end").click().run()
    assert not at.exception
    assert "This workshop has ended." in texts(at)


def test_a_refused_control_gets_a_plain_message(app_env, facilitator, workshop):
    at = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    at.button(key="control_next").click().run()
    # A second tab of the controls runs the revote; this one still offers it.
    store.act(app_env, facilitator, workshop.id, "revote", NOW)
    at.button(key="control_revote").click().run()
    assert not at.exception
    assert "This scenario has had its revote." in texts(at)


def test_the_projector_shows_the_join_screen_then_the_scenario_and_votes(
    app_env, facilitator, workshop, course_root
):
    at = app_for(app_env, facilitator, page=PROJECTOR, workshop=str(workshop.id))
    assert not at.exception
    assert workshop.join_code in texts(at)
    assert f"/join?code={workshop.join_code}" in texts(at)
    assert len(at.get("image")) == 1  # the QR code
    sam = store.join(app_env, workshop.id, NOW, nickname="Sam", token="t-sam")
    for action in ("next", "open", "show"):
        store.act(app_env, facilitator, workshop.id, action, NOW)
    scenario = _scenario(course_root, ENTRIES[0])
    store.cast_vote(app_env, sam, 0, 1, grade_answer(scenario, "discount"), NOW)
    at.run()
    shown = texts(at)
    assert "The first situation" in shown
    assert "**A.** Give the discount." in shown
    assert "A: 1 · B: 0 · C: 0" in shown
    assert len(at.get("vega_lite_chart")) == 1
    store.act(app_env, facilitator, workshop.id, "reveal", NOW)
    at.run()
    shown = texts(at)
    assert "the partnership move" in shown
    assert "You connect to the client's strategic imperatives." in shown
    assert "Style: Transactional" in shown


@pytest.mark.parametrize("page", [FACILITATE, PROJECTOR, HISTORY])
@pytest.mark.parametrize("raw", ["abc", "999", "1 OR 1=1"])
def test_a_tampered_workshop_id_gets_a_plain_message(app_env, facilitator, workshop, page, raw):
    at = app_for(app_env, facilitator, page=page, workshop=raw)
    assert not at.exception
    assert "That workshop does not exist, or it is not one of yours." in texts(at)


def test_another_facilitators_workshop_is_not_shown(app_env, workshop):
    other = make_user(app_env, "gil", roles=("facilitator",))
    at = app_for(app_env, other, page=PROJECTOR, workshop=str(workshop.id))
    assert "not one of yours" in texts(at)
    assert workshop.join_code not in texts(at)


@pytest.mark.parametrize("page", [DECK, FACILITATE, PROJECTOR, HISTORY])
def test_a_learner_is_not_given_the_facilitator_pages(app_env, workshop, page):
    learner = make_user(app_env, "lou")
    at = app_for(app_env, learner)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)


def test_joining_without_an_account_and_voting(app_env, facilitator, workshop):
    at = _join(app_env, workshop.join_code, NICKNAME)
    assert not at.exception
    assert "You're in" in texts(at)
    # The nickname is shown as plain text, never as Markdown or HTML.
    assert NICKNAME in [t.value for t in at.text]
    assert not any(NICKNAME in str(m.value) for m in at.markdown)
    store.act(app_env, facilitator, workshop.id, "next", NOW)
    at.run()
    assert at.button(key="vote_0_1_strategic").disabled
    store.act(app_env, facilitator, workshop.id, "open", NOW)
    at.run()
    at.button(key="vote_0_1_discount").click().run()
    assert "Your vote is in: A" in texts(at)
    at.button(key="vote_0_1_strategic").click().run()
    assert "Your vote is in: C" in texts(at)
    count = store.round_count(app_env, facilitator, workshop.id, 0, 1)
    assert count.votes == {"strategic": 1}
    store.act(app_env, facilitator, workshop.id, "reveal", NOW)
    at.run()
    assert "You connect to the client's strategic imperatives." in texts(at)


def test_a_vote_after_voting_closed_is_refused_plainly(app_env, facilitator, workshop):
    at = _join(app_env, workshop.join_code)
    store.act(app_env, facilitator, workshop.id, "next", NOW)
    store.act(app_env, facilitator, workshop.id, "open", NOW)
    at.run()
    store.act(app_env, facilitator, workshop.id, "close", NOW)
    # The phone still shows the open buttons from its last draw.
    at.button(key="vote_0_1_discount").click().run()
    assert not at.exception
    assert "Voting on this scenario is closed; your vote was not counted." in texts(at)
    assert store.round_count(app_env, facilitator, workshop.id, 0, 1).voted == 0


def test_joining_again_in_the_same_browser_makes_no_duplicate(app_env, facilitator, workshop):
    at = _join(app_env, workshop.join_code)
    at.run()
    at.switch_page(JOIN)
    at.query_params["code"] = workshop.join_code
    at.run()
    assert "You're in" in texts(at)
    assert len(store.participants_of(app_env, facilitator, workshop.id)) == 1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ZZZZZZ", "No workshop has that code"),
        ("<script>alert(1)</script>", "No workshop has that code"),
        ("", "No workshop has that code"),
    ],
)
def test_a_wrong_code_gets_a_plain_message(app_env, workshop, code, message):
    at = app_for(app_env, None, page=JOIN)
    at.text_input(key="join_code").input(code)
    at.text_input(key="join_nickname").input("Sam")
    at.button(key="join_submit").click().run()
    assert not at.exception
    assert message in texts(at)


def test_a_tampered_code_in_the_link_gets_a_plain_message(app_env, workshop):
    at = app_for(app_env, None, page=JOIN, code="'; DROP TABLE workshops; --")
    assert not at.exception
    assert "No workshop has that code" in texts(at)


def test_an_ended_workshop_says_so(app_env, facilitator, workshop):
    store.act(app_env, facilitator, workshop.id, "end", NOW)
    at = app_for(app_env, None, page=JOIN, code=workshop.join_code)
    assert "That workshop has ended." in texts(at)


def test_a_blank_nickname_is_refused_plainly(app_env, facilitator, workshop):
    at = app_for(app_env, None, page=JOIN, code=workshop.join_code)
    at.text_input(key="join_nickname").input("   ")
    at.button(key="join_submit").click().run()
    assert "Please pick a nickname" in texts(at)
    assert store.participants_of(app_env, facilitator, workshop.id) == []


def test_a_signed_in_learner_joins_as_themselves_and_the_answer_goes_on_their_record(
    app_env, facilitator, workshop
):
    learner = make_user(app_env, "lou", name="Lou Learner")
    at = app_for(app_env, learner, page=JOIN, code=workshop.join_code)
    assert "Lou Learner" in [t.value for t in at.text]
    at.button(key="join_submit").click().run()
    assert "You're in" in texts(at)
    store.act(app_env, facilitator, workshop.id, "next", NOW)
    store.act(app_env, facilitator, workshop.id, "open", NOW)
    at.run()
    at.button(key="vote_0_1_explain-value").click().run()
    [attempt] = learning.attempts_of(app_env, learner.id)
    assert attempt.source == "workshop"
    [answer] = learning.answers_in(app_env, attempt.id)
    assert (answer.option_id, answer.points) == ("explain-value", 5)
    progress = app_for(app_env, learner, page=UI + "progress_page.py")
    assert "Workshop answers" in texts(progress)

    # ...and their manager sees it on the learner's page, marked as a workshop answer.
    manager = make_user(app_env, "mara", ("manager",))
    team = team_store.create_team(app_env, COMMAND_LINE, "North", NOW)
    team_store.set_team(app_env, COMMAND_LINE, learner.id, team.id, NOW)
    team_store.set_managed_teams(app_env, COMMAND_LINE, manager.id, [team.id])
    page = app_for(app_env, manager, page=UI + "learner_page.py", learner=str(learner.id))
    assert not page.exception
    answers = next(df.value for df in page.dataframe if "Points" in df.value.columns)
    [row] = answers.to_dict("records")
    assert (row["Source"], row["Option"], row["Points"]) == ("workshop", "B", 5)


def test_the_summary_compares_first_vote_and_revote_and_downloads(
    app_env, facilitator, workshop, course_root
):
    people = [
        store.join(app_env, workshop.id, NOW, nickname=f"P{i}", token=f"t-{i}") for i in range(4)
    ]
    scenario = _scenario(course_root, ENTRIES[0])
    for action in ("next", "open"):
        store.act(app_env, facilitator, workshop.id, action, NOW)
    for person, option_id in zip(
        people, ["discount", "discount", "strategic", "explain-value"], strict=True
    ):
        store.cast_vote(app_env, person, 0, 1, grade_answer(scenario, option_id), NOW)
    store.act(app_env, facilitator, workshop.id, "revote", NOW)
    for person in people[:3]:
        store.cast_vote(app_env, person, 0, 2, grade_answer(scenario, "strategic"), NOW)
    store.act(app_env, facilitator, workshop.id, "end", NOW)
    at = app_for(app_env, facilitator, page=HISTORY, workshop=str(workshop.id))
    assert not at.exception
    table = at.dataframe[0].value
    first = table.iloc[0]
    assert first["First vote: chose best (%)"] == "25"
    assert first["Revote: chose best (%)"] == "100"
    assert first["Revote: voters"] == "3"
    assert "Chose the best option: 25% on the first vote, 100% on the revote" in texts(at)
    assert at.get("download_button")


@pytest.mark.parametrize("page", [FACILITATE, PROJECTOR, HISTORY])
def test_a_workshop_id_too_large_for_sqlite_gets_a_plain_message(
    app_env, facilitator, workshop, page
):
    """Regression: ?workshop=99999999999999999999 parsed as an int too large for SQLite,
    and the OverflowError it raised was logged as a page fault instead of a plain message."""
    at = app_for(app_env, facilitator, page=page, workshop="99999999999999999999")
    assert not at.exception
    assert "That workshop does not exist, or it is not one of yours." in texts(at)


def test_a_control_clicked_after_the_login_ended_does_nothing(app_env, facilitator, workshop):
    """Regression: a control's callback acted as the user signed in on the page's previous
    run, so a facilitator deactivated (or signed out in another tab) could still end the
    workshop from a controls tab left open."""
    at = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    at.button(key="control_next").click().run()
    with immediate(app_env):
        accounts.set_user_active(app_env, facilitator.id, False)
    at.button(key="control_end").click().run()
    assert not at.exception
    assert not store.workshop_for(app_env, facilitator, workshop.id).stage.ended


def test_a_nickname_pasted_over_the_limit_is_said_to_be_too_long(app_env, facilitator, workshop):
    """Regression: a nickname pasted over the limit vanished (Streamlit's max_chars drops the
    whole change, as AppTest's input() does) and the form then said "pick a nickname"."""
    at = _join(app_env, workshop.join_code, nickname="x" * 40)
    assert "A nickname is at most 30 characters." in texts(at)
    assert "pick a nickname" not in texts(at)
    assert store.participants_of(app_env, facilitator, workshop.id) == []
