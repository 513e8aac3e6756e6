"""The workshop pages through AppTest: decks, controls, projector, joining and voting, the summary."""

from datetime import UTC, datetime, timedelta

import pytest
import streamlit as st
from conftest import NOW, app_for, make_user, texts

from arrowhead.course import load_course
from arrowhead.scoring import grade_answer
from arrowhead.store import accounts, learning
from arrowhead.store import teams as team_store
from arrowhead.store import workshops as store
from arrowhead.store.database import immediate
from arrowhead.teams import COMMAND_LINE
from arrowhead.ui.workshop_parts import votes_chart
from arrowhead.workshops import DeckEntry

UI = "arrowhead/ui/"
DECK = UI + "deck_page.py"
FACILITATE = UI + "facilitate_page.py"
PROJECTOR = UI + "projector_page.py"
JOIN = UI + "join_page.py"
HISTORY = UI + "workshops_history_page.py"
ADDRESS = UI + "admin_address_page.py"
ENTRIES = [DeckEntry("alpha", "alpha-one"), DeckEntry("beta", "beta-one")]
NICKNAME = "<img src=x onerror=alert(1)>"


@pytest.fixture
def facilitator(app_env):
    return make_user(app_env, "fran", roles=("facilitator",))


def components_now() -> datetime:
    """The clock the pages read: a countdown is judged against it, not against NOW."""
    return datetime.now(UTC)


def _scenario(course_root, entry):
    return load_course(course_root).scenario(entry.quiz_id, entry.scenario_id)


def seed_where(scenario, keeps_file_order: bool) -> int:
    """A Workshop option seed under which the scenario's options keep (or leave) file order."""
    file_order = [o.id for o in scenario.options]
    return next(
        seed
        for seed in range(1000)
        if ([o.id for o in scenario.shuffled(seed).options] == file_order) is keeps_file_order
    )


@pytest.fixture
def workshop(app_env, facilitator, course_root):
    """A Workshop whose first scenario shows its options in file order (A: discount, C:
    strategic), so the letters in these tests read as in the test course; the test of
    shuffling itself starts one that reorders them."""
    deck = store.save_deck(app_env, facilitator, "Kick-off", ENTRIES, NOW)
    seed = seed_where(_scenario(course_root, ENTRIES[0]), keeps_file_order=True)
    return store.start_workshop(app_env, facilitator, deck.id, NOW, option_seed=seed)


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
    [live] = store.workshops_of(app_env, facilitator, NOW)
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
    stage = store.workshop_for(app_env, facilitator, workshop.id, NOW).stage
    assert (stage.round, stage.voting_open, stage.results_shown) == (2, True, False)
    assert "revote" in texts(at)
    at.button(key="control_reveal").click().run()
    assert store.workshop_for(app_env, facilitator, workshop.id, NOW).stage.revealed
    assert "Why?" in texts(at)  # the scenario's discussion prompt
    at.button(key="control_end").click().run()
    at.button(key="control_end_confirm").click().run()
    assert not at.exception
    assert "This workshop has ended." in texts(at)


def test_a_control_drawn_before_another_tab_acted_is_refused_plainly(
    app_env, facilitator, workshop
):
    at = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    at.button(key="control_next").click().run()
    # A second tab of the controls runs the revote; this one still offers it.
    store.act(app_env, facilitator, workshop.id, "revote", NOW)
    at.button(key="control_revote").click().run()
    assert not at.exception
    assert "the workshop had moved on since these controls were drawn" in texts(at)
    assert "It is now on scenario 1 (revote)" in texts(at)


def test_two_tabs_clicking_next_at_once_move_the_room_one_scenario(app_env, facilitator, workshop):
    """Regression (issue 8, item 11): Next clicked in two controls tabs at once skipped a
    scenario: each click moved on from whatever was live when it arrived."""
    first = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    second = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    first.button(key="control_next").click().run()
    second.button(key="control_next").click().run()
    assert not second.exception
    assert "It is now on scenario 1" in texts(second)
    assert store.workshop_for(app_env, facilitator, workshop.id, NOW).stage.position == 0


def test_reveal_from_a_tab_still_showing_scenario_1_does_not_reveal_scenario_2(
    app_env, facilitator, workshop
):
    """Regression (issue 8, item 11): Reveal clicked in a tab still showing scenario 1
    revealed scenario 2 before anyone had voted on it."""
    at = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    at.button(key="control_next").click().run()
    store.act(app_env, facilitator, workshop.id, "next", NOW)  # another tab moves on
    at.button(key="control_reveal").click().run()
    stage = store.workshop_for(app_env, facilitator, workshop.id, NOW).stage
    assert (stage.position, stage.revealed) == (1, False)
    assert "It is now on scenario 2" in texts(at)


def test_end_workshop_asks_for_confirmation(app_env, facilitator, workshop):
    """Regression (issue 8, item 13): one click on End workshop ended it for the whole room."""
    at = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    at.button(key="control_end").click().run()
    assert not store.workshop_for(app_env, facilitator, workshop.id, NOW).stage.ended
    assert "End the workshop for everyone?" in texts(at)
    at.button(key="control_end_cancel").click().run()
    assert "End the workshop for everyone?" not in texts(at)
    assert not store.workshop_for(app_env, facilitator, workshop.id, NOW).stage.ended
    at.button(key="control_end").click().run()
    at.button(key="control_end_confirm").click().run()
    assert store.workshop_for(app_env, facilitator, workshop.id, NOW).stage.ended
    assert "This workshop has ended." in texts(at)


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
    assert "the best move" in shown
    assert "partnership move" not in shown and "Best option" not in shown
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
    assert (
        "Your vote on scenario 1 (first vote) was not counted: voting on it had closed."
        in texts(at)
    )
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


def test_an_ended_workshops_link_shows_a_plain_ended_page(app_env, facilitator, workshop):
    """Regression (issue 8, item 13): an ended workshop's link showed a red error over a
    live join form."""
    store.act(app_env, facilitator, workshop.id, "end", NOW)
    at = app_for(app_env, None, page=JOIN, code=workshop.join_code)
    assert not at.exception
    assert "This workshop has ended" in [t.value for t in at.title]
    assert not at.error
    assert not at.get("text_input") and not at.get("form")


def test_a_blank_nickname_is_refused_plainly(app_env, facilitator, workshop):
    at = app_for(app_env, None, page=JOIN, code=workshop.join_code)
    at.text_input(key="join_nickname").input("   ")
    at.button(key="join_submit").click().run()
    assert "Please pick a nickname" in texts(at)
    assert store.participants_of(app_env, facilitator, workshop.id) == []


def test_a_signed_in_learner_joins_as_themselves_and_the_answer_goes_on_their_record(
    app_env, facilitator, workshop, course_root
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
    page.session_state["learner_every"] = True  # open "Every answer": built when open
    page.run()
    answers = next(df.value for df in page.dataframe if "Points" in df.value.columns)
    [row] = answers.to_dict("records")
    # Lettered as that attempt (the workshop's order) showed the options.
    shown = load_course(course_root).scenario("alpha", "alpha-one").shuffled(attempt.option_seed)
    assert (row["Source"], row["Choice"], row["Points"]) == (
        "workshop",
        f"{shown.letter('explain-value')}. Explain the value of the service.",
        5,
    )


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
    assert "Chose the best move: 25% on the first vote, 100% on the revote" in texts(at)
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
    at.button(key="control_end").click().run()
    with immediate(app_env):
        accounts.set_user_active(app_env, facilitator.id, False)
    at.button(key="control_end_confirm").click().run()
    assert not at.exception
    assert not store.workshop_for(app_env, facilitator, workshop.id, NOW).stage.ended


def progress_texts(at) -> list[str]:
    """The text on every progress bar ('N of M voted')."""
    return [bar.proto.text for bar in at.get("progress")]


def test_a_workshops_phones_and_projector_agree_on_letters(app_env, facilitator, course_root):
    """Issue 7: a Workshop shuffles its options once when it starts, and every phone, the
    projector, the controls and the summary show the same letter for the same option."""
    scenario = _scenario(course_root, ENTRIES[0])
    seed = seed_where(scenario, keeps_file_order=False)
    shown = scenario.shuffled(seed)
    deck = store.save_deck(app_env, facilitator, "Kick-off", ENTRIES, NOW)
    workshop = store.start_workshop(app_env, facilitator, deck.id, NOW, option_seed=seed)
    phones = [_join(app_env, workshop.join_code, name) for name in ("Ann", "Bo")]
    for action in ("next", "open", "show"):
        store.act(app_env, facilitator, workshop.id, action, NOW)
    projector = app_for(app_env, facilitator, page=PROJECTOR, workshop=str(workshop.id))
    for index, option in enumerate(shown.options):
        letter = "ABC"[index]
        assert f"**{letter}.** {option.text}" in texts(projector)
        for phone in phones:
            phone.run()
            assert phone.button(key=f"vote_0_1_{option.id}").label == f"{letter}. {option.text}"
    # The first option shown is not the first in the file: the letters really moved.
    assert shown.options[0].id != scenario.options[0].id
    phones[0].button(key=f"vote_0_1_{shown.best.id}").click().run()
    best_letter = shown.letter(shown.best.id)
    assert f"Your vote is in: {best_letter}." in texts(phones[0])
    projector.run()
    tally = " · ".join(
        f"{'ABC'[i]}: {int(o.id == shown.best.id)}" for i, o in enumerate(shown.options)
    )
    assert f"Votes — {tally}" in texts(projector)
    store.act(app_env, facilitator, workshop.id, "end", NOW)
    history = app_for(app_env, facilitator, page=HISTORY, workshop=str(workshop.id))
    assert history.dataframe[0].value.iloc[0]["Best move"] == best_letter


def test_a_refused_vote_stays_on_the_phone_until_its_next_vote(app_env, facilitator, workshop):
    """Regression (issue 8, item 11): a refused vote's message vanished on the phone's next
    redraw, two seconds later, so its owner might never read it."""
    at = _join(app_env, workshop.join_code)
    for action in ("next", "open"):
        store.act(app_env, facilitator, workshop.id, action, NOW)
    at.run()
    for action in ("close", "next"):
        store.act(app_env, facilitator, workshop.id, action, NOW)
    at.button(key="vote_0_1_discount").click().run()
    refusal = (
        "Your vote on scenario 1 (first vote) was not counted: the room has moved on to scenario 2."
    )
    assert refusal in texts(at)
    at.run()  # the phone redraws
    at.run()
    assert refusal in texts(at)
    store.act(app_env, facilitator, workshop.id, "open", NOW)
    at.run()
    at.button(key="vote_1_1_brief").click().run()
    assert refusal not in texts(at)
    assert "Your vote is in" in texts(at)


def test_an_ended_workshop_shows_a_participant_their_own_answers(app_env, facilitator, workshop):
    """Issue 8, item 13: a participant opening an ended workshop's link sees their answers."""
    at = _join(app_env, workshop.join_code)
    for action in ("next", "open"):
        store.act(app_env, facilitator, workshop.id, action, NOW)
    at.run()
    at.button(key="vote_0_1_explain-value").click().run()
    store.act(app_env, facilitator, workshop.id, "end", NOW)
    at.run()
    shown = texts(at)
    assert not at.exception
    assert "This workshop has ended" in shown
    assert "Your answers" in shown
    assert "**B. Explain the value of the service.** — 5 of 10 points · partial credit" in shown
    assert "**The best move — C. Ask what the client is trying to achieve this year.**" in shown
    assert not at.error and not at.get("text_input")


def test_a_signed_in_learner_is_told_their_votes_go_on_their_record_and_may_join_anonymously(
    app_env, facilitator, workshop
):
    """Issue 8, item 13: a signed-in learner joined as themselves without being told that
    their votes go on their record, where their manager sees them."""
    learner = make_user(app_env, "lou", name="Lou Learner")
    at = app_for(app_env, learner, page=JOIN, code=workshop.join_code)
    assert "your final vote on each scenario goes on your record" in texts(at)
    assert "your manager sees it" in texts(at)
    at.radio(key="join_as").set_value("anonymous").run()
    at.text_input(key="join_nickname").input("Quiet one")
    at.button(key="join_submit").click().run()
    assert "You're in" in texts(at)
    for action in ("next", "open"):
        store.act(app_env, facilitator, workshop.id, action, NOW)
    at.run()
    at.button(key="vote_0_1_strategic").click().run()
    assert "Your vote is in: C" in texts(at)
    [person] = store.participants_of(app_env, facilitator, workshop.id)
    assert (person.nickname, person.user_id) == ("Quiet one", None)
    assert learning.attempts_of(app_env, learner.id) == []


def test_a_countdown_picked_on_the_controls_shows_on_projector_and_phone(
    app_env, facilitator, workshop
):
    """Issue 8, item 14: the facilitator picks a countdown when opening voting; the
    projector and the phones show the seconds left."""
    phone = _join(app_env, workshop.join_code)
    at = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    at.button(key="control_next").click().run()
    at.radio(key="control_countdown").set_value(60).run()
    at.button(key="control_open").click().run()
    stage = store.workshop_for(app_env, facilitator, workshop.id, NOW).stage
    assert stage.voting_open and stage.closes_at is not None
    projector = app_for(app_env, facilitator, page=PROJECTOR, workshop=str(workshop.id))
    assert any(f"Voting is open · {s} s left" in texts(projector) for s in (60, 59, 58, 57))
    phone.run()
    assert any(f"**{s} s left to vote** (first vote)" in texts(phone) for s in (60, 59, 58, 57))


def test_voting_whose_countdown_ran_out_shows_closed(app_env, facilitator, workshop):
    phone = _join(app_env, workshop.join_code)
    long_ago = components_now() - timedelta(minutes=5)
    store.act(app_env, facilitator, workshop.id, "next", long_ago)
    store.act(app_env, facilitator, workshop.id, "open", long_ago, countdown=30)
    projector = app_for(app_env, facilitator, page=PROJECTOR, workshop=str(workshop.id))
    assert "Voting is closed" in texts(projector)
    phone.run()
    assert "Voting is closed for now." in texts(phone)
    assert phone.button(key="vote_0_1_strategic").disabled


def test_the_projector_and_controls_show_who_has_voted_and_when_everyone_has(
    app_env, facilitator, workshop, course_root
):
    """Issue 8, items 12 and 14: 'N of M voted' on a bar, and 'Everyone has voted' at a glance."""
    ann = store.join(app_env, workshop.id, NOW, nickname="Ann", token="t-ann")
    bo = store.join(app_env, workshop.id, NOW, nickname="Bo", token="t-bo")
    for action in ("next", "open"):
        store.act(app_env, facilitator, workshop.id, action, NOW)
    scenario = _scenario(course_root, ENTRIES[0])
    store.cast_vote(app_env, ann, 0, 1, grade_answer(scenario, "discount"), NOW)
    projector = app_for(app_env, facilitator, page=PROJECTOR, workshop=str(workshop.id))
    controls = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    assert progress_texts(projector) == ["1 of 2 voted"]
    assert progress_texts(controls) == ["1 of 2 voted"]
    store.cast_vote(app_env, bo, 0, 1, grade_answer(scenario, "strategic"), NOW)
    projector.run()
    controls.run()
    assert progress_texts(projector) == ["Everyone has voted (2 of 2)"]
    assert progress_texts(controls) == ["Everyone has voted (2 of 2)"]
    # The chart's bars carry their share of the round as well as the count.
    chart = votes_chart(scenario, {"First vote": {"discount": 1, "strategic": 1}}, False)
    labels = [row["Label"] for row in chart.to_dict()["datasets"].popitem()[1]]
    assert labels == ["1 · 50%", "0 · 0%", "1 · 50%"]


def test_the_join_link_warns_when_it_points_at_this_computer(
    app_env, facilitator, workshop, monkeypatch
):
    """Regression (issue 8, item 10): opened as the README says, the join link and QR code
    pointed at localhost, so no phone could use them, and nothing said so."""
    monkeypatch.setenv("ARROWHEAD_PUBLIC_URL", "http://localhost:8501")
    st.cache_resource.clear()
    at = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    assert "Phones cannot open this link" in texts(at)
    monkeypatch.setenv("ARROWHEAD_PUBLIC_URL", "http://10.0.0.5:8501/")
    st.cache_resource.clear()
    at = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    assert "Phones cannot open this link" not in texts(at)
    assert f"http://10.0.0.5:8501/join?code={workshop.join_code}" in texts(at)


def test_the_public_address_comes_from_the_environment_before_the_admin_setting(
    app_env, facilitator, workshop, monkeypatch
):
    admin = make_user(app_env, "ada", roles=("admin",))
    page = app_for(app_env, admin, page=ADDRESS)
    page.text_input(key="address_url").input("https://room.example.com/")
    page.button(key="address_save").click().run()
    assert not page.exception
    assert store.public_url(app_env) == "https://room.example.com"
    at = app_for(app_env, facilitator, page=PROJECTOR, workshop=str(workshop.id))
    assert f"https://room.example.com/join?code={workshop.join_code}" in texts(at)
    monkeypatch.setenv("ARROWHEAD_PUBLIC_URL", "https://env.example.com")
    st.cache_resource.clear()
    at = app_for(app_env, facilitator, page=PROJECTOR, workshop=str(workshop.id))
    assert f"https://env.example.com/join?code={workshop.join_code}" in texts(at)
    page = app_for(app_env, admin, page=ADDRESS)
    assert "ARROWHEAD_PUBLIC_URL is set" in texts(page)


def test_the_server_address_page_refuses_a_bad_address_and_non_admins(app_env, facilitator):
    admin = make_user(app_env, "ada", roles=("admin",))
    page = app_for(app_env, admin, page=ADDRESS)
    page.text_input(key="address_url").input("arrowhead on the wifi")
    page.button(key="address_save").click().run()
    assert "Enter the address as phones open it" in texts(page)
    assert store.public_url(app_env) is None
    page.text_input(key="address_url").input("http://127.0.0.1:8501")
    page.button(key="address_save").click().run()
    assert "phones cannot open it" in texts(page)
    at = app_for(app_env, facilitator)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(ADDRESS)


def test_a_nickname_pasted_over_the_limit_is_said_to_be_too_long(app_env, facilitator, workshop):
    """Regression: a nickname pasted over the limit vanished (Streamlit's max_chars drops the
    whole change, as AppTest's input() does) and the form then said "pick a nickname"."""
    at = _join(app_env, workshop.join_code, nickname="x" * 40)
    assert "A nickname is at most 30 characters." in texts(at)
    assert "pick a nickname" not in texts(at)
    assert store.participants_of(app_env, facilitator, workshop.id) == []
