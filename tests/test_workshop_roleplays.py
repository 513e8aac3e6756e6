"""Live role-plays in a Workshop, pure: the room's choice, deciding a step, the route, the stage."""

from dataclasses import replace

import pytest
from conftest import DATA

from arrowhead.roleplays import load_roleplay
from arrowhead.workshop_roleplays import (
    CHANGED,
    ENDED,
    FACILITATOR,
    ROOM,
    chosen_note,
    decide,
    leaders,
    letter,
    place,
    room_choice,
    shown_step,
)
from arrowhead.workshops import (
    START,
    DeckEntry,
    RoleplayEntry,
    WorkshopError,
    advance,
    clean_deck,
    vote_refused,
)

ROLEPLAY = load_roleplay(DATA / "roleplays" / "01-first-call.toml", DATA)


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        ({"a": 2, "b": 1, "c": 0}, "a"),
        ({"a": 0, "b": 0, "c": 3}, "c"),
        ({"a": 2, "b": 2, "c": 1}, None),  # a tie: the facilitator picks
        ({"a": 0, "b": 0}, None),  # nobody voted
        ({}, None),
    ],
)
def test_the_rooms_choice_is_the_single_most_voted_option(votes, expected):
    assert room_choice(votes) == expected


def test_leaders_are_the_options_sharing_the_most_votes():
    assert leaders({"a": 2, "b": 1, "c": 2}) == ("a", "c")
    assert leaders({"a": 0, "b": 0}) == ()


def test_following_the_room_records_its_choice_and_leads_to_the_next_step():
    move = decide(ROLEPLAY, [], {"ask-goals": 2, "send-brochure": 1}, 1, None)
    assert (move.number, move.step_id, move.option_id) == (0, "opening", "ask-goals")
    assert (move.chosen_by, move.room_option_id, move.overridden) == (ROOM, "ask-goals", False)
    assert (move.leads_to, move.ended, move.points) == ("goals", False, 10)
    step, ending = place(ROLEPLAY, [move])
    assert step is not None and step.id == "goals"
    assert ending is None


def test_going_with_another_option_is_an_override_and_can_lead_to_an_ending():
    move = decide(ROLEPLAY, [], {"ask-goals": 2, "offer-discount": 1}, 2, "offer-discount")
    assert (move.chosen_by, move.room_option_id, move.overridden) == (
        FACILITATOR,
        "ask-goals",
        True,
    )
    assert (move.round, move.leads_to, move.ending_points) == (2, "lost", 0)
    step, ending = place(ROLEPLAY, [move])
    assert step is None
    assert ending is not None and ending.title == "No order"
    with pytest.raises(WorkshopError, match="reached its ending"):
        decide(ROLEPLAY, [move], {}, 1, None)
    assert ENDED.startswith("This role-play has reached its ending")


def test_picking_the_rooms_own_choice_counts_as_the_rooms():
    move = decide(ROLEPLAY, [], {"ask-goals": 2}, 1, "ask-goals")
    assert move.chosen_by == ROOM


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        ({"ask-goals": 1, "send-brochure": 1}, "The room's vote is tied: pick the option"),
        ({}, "Nobody voted on this step: pick the option"),
    ],
)
def test_a_tie_or_no_vote_cannot_be_followed_the_facilitator_picks(votes, message):
    with pytest.raises(WorkshopError, match=message):
        decide(ROLEPLAY, [], votes, 1, None)
    move = decide(ROLEPLAY, [], votes, 1, "send-brochure")
    assert (move.chosen_by, move.room_option_id, move.overridden) == (FACILITATOR, None, False)


def test_an_option_of_another_step_is_refused():
    with pytest.raises(WorkshopError, match="not one of this step's"):
        decide(ROLEPLAY, [], {}, 1, "propose-pilot")


def test_the_route_can_go_round_the_loop_and_come_back():
    first = decide(ROLEPLAY, [], {}, 1, "ask-goals")
    back = decide(ROLEPLAY, [first], {}, 1, "start-over")
    step, _ = place(ROLEPLAY, [first, back])
    assert step is not None and step.id == "opening"
    again = decide(ROLEPLAY, [first, back], {}, 1, "ask-goals")
    assert again.number == 2


def test_a_route_the_author_has_since_broken_says_so_instead_of_failing():
    first = decide(ROLEPLAY, [], {}, 1, "ask-goals")
    lost = replace(first, leads_to="a-step-removed-since")
    assert place(ROLEPLAY, [lost]) == (None, None)
    with pytest.raises(WorkshopError, match="changed since the workshop started"):
        decide(ROLEPLAY, [lost], {}, 1, None)
    assert "no longer in it" in CHANGED


@pytest.mark.parametrize(
    ("chosen", "votes", "voters", "expected"),
    [
        ("ask-goals", {"ask-goals": 2}, 2, "the room's choice"),
        (
            "offer-discount",
            {"ask-goals": 2},
            2,
            "overridden by the facilitator (the room chose {room})",
        ),
        (
            "offer-discount",
            {"ask-goals": 1, "offer-discount": 1},
            2,
            "chosen by the facilitator: the room's vote was tied",
        ),
        ("offer-discount", {}, 0, "chosen by the facilitator: nobody voted"),
        (
            "offer-discount",
            {},
            None,
            "chosen by the facilitator: the room had no single choice",
        ),
    ],
)
def test_who_chose_is_said_in_words(chosen, votes, voters, expected):
    move = decide(ROLEPLAY, [], votes, 1, chosen)
    step = shown_step(ROLEPLAY.first, 7, ROLEPLAY.id)
    assert chosen_note(move, step, voters) == expected.format(room=letter(step, "ask-goals"))


def test_a_workshop_shows_a_steps_options_in_one_order_of_its_own():
    step = ROLEPLAY.first
    assert shown_step(step, None, ROLEPLAY.id) == step
    orders = {
        tuple(o.id for o in shown_step(step, seed, ROLEPLAY.id).options) for seed in range(40)
    }
    assert len(orders) > 1  # the best move is not always the same letter
    again = shown_step(step, 5, ROLEPLAY.id)
    assert again == shown_step(step, 5, ROLEPLAY.id)
    assert [letter(again, o.id) for o in again.options] == ["A", "B", "C"]
    assert letter(again, "no-such-option") == "?"


def test_a_deck_holds_role_plays_beside_scenarios_once_each():
    name, items = clean_deck(
        " Mixed ", [DeckEntry("alpha", "alpha-one"), RoleplayEntry("first-call")]
    )
    assert name == "Mixed" and items[1] == RoleplayEntry("first-call")
    with pytest.raises(WorkshopError, match="can be in a deck only once"):
        clean_deck("Twice", [RoleplayEntry("first-call"), RoleplayEntry("first-call")])


ON_STEP = replace(START, position=0, roleplay=True, move=1, voting_open=True)


def test_a_vote_on_a_role_play_step_counts_only_on_that_step():
    assert vote_refused(0, 1, ON_STEP, move=1) is None
    assert vote_refused(0, 1, ON_STEP, move=0) == (
        "Your vote on role-play 1, step 1 (first vote) was not counted: "
        "the room has moved on to role-play 1, step 2."
    )
    # A scenario vote does not land on a role-play, nor a step vote on a scenario.
    assert vote_refused(0, 1, ON_STEP) is not None
    assert vote_refused(0, 1, replace(ON_STEP, roleplay=False), move=1) is not None
    finished = replace(ON_STEP, finished=True, voting_open=False)
    assert vote_refused(0, 1, finished, move=1) == (
        "Your vote on role-play 1, step 2 (first vote) was not counted: "
        "the room has moved on to the ending of role-play 1."
    )


@pytest.mark.parametrize("action", ["open", "revote", "reveal"])
def test_a_role_play_at_its_ending_has_nothing_to_vote_on(action):
    finished = replace(ON_STEP, finished=True, voting_open=False)
    with pytest.raises(WorkshopError, match="reached its ending: go on with Next"):
        advance(finished, action, 2, {})
    assert advance(finished, "next", 2, {}).position == 1


def test_a_revealed_role_play_step_waits_for_the_facilitators_choice():
    revealed = advance(replace(ON_STEP, voting_open=False), "reveal", 2, {})
    assert revealed.revealed and not revealed.voting_open and revealed.results_shown
    with pytest.raises(WorkshopError, match="choose the option the room follows"):
        advance(revealed, "open", 2, {})
