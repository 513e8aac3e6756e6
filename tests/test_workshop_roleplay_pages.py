"""Live role-plays on the workshop pages through AppTest: deck, controls, projector, phone, summary."""

import pytest
from conftest import NOW, app_for, make_user, texts

from arrowhead.course import load_course
from arrowhead.store import workshops as store
from arrowhead.workshop_roleplays import letter, shown_step
from arrowhead.workshops import DeckEntry, RoleplayEntry

UI = "arrowhead/ui/"
DECK = UI + "deck_page.py"
FACILITATE = UI + "facilitate_page.py"
PROJECTOR = UI + "projector_page.py"
JOIN = UI + "join_page.py"
HISTORY = UI + "workshops_history_page.py"
ROLEPLAY_ID = "first-call"
ITEMS = [RoleplayEntry(ROLEPLAY_ID), DeckEntry("alpha", "alpha-one")]


@pytest.fixture
def facilitator(app_env):
    return make_user(app_env, "fran", roles=("facilitator",))


@pytest.fixture
def roleplay(roleplay_root):
    found = load_course(roleplay_root).roleplay(ROLEPLAY_ID)
    assert found is not None
    return found


@pytest.fixture
def room(app_env, facilitator, roleplay):
    """A Workshop on its role-play's first step, three in the room, voting open."""
    deck = store.save_deck(app_env, facilitator, "Role-play", ITEMS, NOW)
    workshop = store.start_workshop(app_env, facilitator, deck.id, NOW)
    people = [
        store.join(app_env, workshop.id, NOW, nickname=name, token=f"t-{name}")
        for name in ("Ann", "Bo", "Cy")
    ]
    for action in ("next", "open"):
        store.act(app_env, facilitator, workshop.id, action, NOW)
    return workshop, people


def mark(workshop, roleplay, step_id, option_id):
    """The letter the room sees the option under in this Workshop."""
    return letter(shown_step(roleplay.step(step_id), workshop.option_seed, roleplay.id), option_id)


def vote(app_env, people, move, options, round_=1):
    for person, option_id in zip(people, options, strict=True):
        store.cast_roleplay_vote(app_env, person, 0, move, round_, option_id, NOW)


def test_a_facilitator_adds_a_role_play_to_a_deck(app_env, facilitator, roleplay):
    at = app_for(app_env, facilitator, page=DECK)
    at.button(key="deck_new").click().run()
    at.text_input(key="deck_name").input("With a role-play")
    at.selectbox(key="deck_add_roleplay").select(ROLEPLAY_ID).run()
    at.button(key="deck_add_roleplay_button").click().run()
    assert "1. Role-play — A first call with a buyer" in texts(at)
    at.multiselect(key="deck_add").select("alpha/alpha-one").run()
    at.button(key="deck_add_button").click().run()
    at.button(key="deck_save").click().run()
    assert not at.exception
    [deck] = store.decks(app_env, facilitator)
    assert deck.entries == (RoleplayEntry(ROLEPLAY_ID), DeckEntry("alpha", "alpha-one"))
    assert "1 scenarios · 1 role-play" in texts(at)


def test_a_role_play_removed_from_the_course_is_shown_as_missing(app_env, facilitator):
    store.save_deck(app_env, facilitator, "Old", [RoleplayEntry("gone-play")], NOW)
    at = app_for(app_env, facilitator, page=DECK)
    assert not at.exception
    assert "1 no longer in the course" in texts(at)


def test_the_facilitator_follows_the_room_then_overrides_it(app_env, facilitator, room, roleplay):
    workshop, people = room
    at = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    assert "Role-play 1 of 2: A first call with a buyer, step 1" in texts(at)
    vote(app_env, people, 0, ["ask-goals", "ask-goals", "send-brochure"])
    at.run()
    assert at.get("vega_lite_chart")
    assert "Which option does the room follow?" not in texts(at)
    at.button(key="control_reveal").click().run()
    ask = mark(workshop, roleplay, "opening", "ask-goals")
    assert f"The room chose **{ask}** (2 of 3 votes)." in texts(at)
    follow = at.button(key="control_follow")
    assert follow.label == f"Follow the room: {ask}. Ask what she most needs to change this year."
    brochure = mark(workshop, roleplay, "opening", "send-brochure")
    assert at.button(key="control_choose_send-brochure").label == (
        f"Go with {brochure} instead — Walk her through the catalogue page by page."
    )
    follow.click().run()
    assert not at.exception
    assert "A first call with a buyer, step 2" in texts(at)
    assert "the room's choice" in texts(at)

    # Step 2: fresh votes; the facilitator goes against the room.
    at.button(key="control_open").click().run()
    vote(app_env, people, 1, ["quote-price", "quote-price", "propose-pilot"])
    at.button(key="control_reveal").click().run()
    at.button(key="control_choose_propose-pilot").click().run()
    [first, second] = store.moves_of(app_env, workshop.id, 0)
    assert (first.chosen_by, second.chosen_by, second.overridden) == ("room", "facilitator", True)
    quote = mark(workshop, roleplay, "goals", "quote-price")
    assert f"overridden by the facilitator (the room chose {quote})" in texts(at)
    assert "A first call with a buyer, step 3" in texts(at)


def test_a_tie_asks_the_facilitator_to_pick(app_env, facilitator, room, roleplay):
    workshop, people = room
    vote(app_env, people[:2], 0, ["ask-goals", "offer-discount"])
    store.act(app_env, facilitator, workshop.id, "reveal", NOW)
    at = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    tied = sorted(mark(workshop, roleplay, "opening", o) for o in ("ask-goals", "offer-discount"))
    assert f"The room is split between {tied[0]} and {tied[1]}" in texts(at)
    assert not [b for b in at.button if b.key == "control_follow"]
    discount = mark(workshop, roleplay, "opening", "offer-discount")
    at.button(key="control_choose_offer-discount").click().run()
    [move] = store.moves_of(app_env, workshop.id, 0)
    assert (move.option_id, move.chosen_by, move.room_option_id) == (
        "offer-discount",
        "facilitator",
        None,
    )
    # It led to an ending: nothing left to vote on.
    assert "Ending: No order (0 of 10)" in texts(at)
    assert at.button(key="control_open").disabled
    assert f"went with {discount}." in texts(at)


def test_a_choice_drawn_before_another_tab_chose_is_refused_plainly(app_env, facilitator, room):
    """A stale tab's Follow button does not decide the next step as well."""
    workshop, people = room
    vote(app_env, people, 0, ["ask-goals"] * 3)
    store.act(app_env, facilitator, workshop.id, "reveal", NOW)
    at = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    other = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    other.button(key="control_follow").click().run()
    at.button(key="control_follow").click().run()
    assert "the workshop had moved on since these controls were drawn" in texts(at)
    assert len(store.moves_of(app_env, workshop.id, 0)) == 1


def test_the_projector_shows_the_step_the_reply_and_the_ending(
    app_env, facilitator, room, roleplay
):
    workshop, people = room
    at = app_for(app_env, facilitator, page=PROJECTOR, workshop=str(workshop.id))
    assert not at.exception
    shown = texts(at)
    assert "Role-play 1 of 2 · step 1" in shown
    assert "Nadia Brisk runs purchasing" in shown  # the setting, before the first step
    assert "Nadia opens the call and asks what you have to offer." in shown
    ask = mark(workshop, roleplay, "opening", "ask-goals")
    assert f"**{ask}.** Ask what she most needs to change this year." in shown
    vote(app_env, people, 0, ["ask-goals", "ask-goals", "send-brochure"])
    store.act(app_env, facilitator, workshop.id, "reveal", NOW)
    at.run()
    assert "The facilitator now chooses the option the room follows." in texts(at)
    assert [p.proto.text for p in at.get("progress")] == ["Everyone has voted (3 of 3)"]
    assert len(at.get("vega_lite_chart")) == 1
    store.follow(app_env, facilitator, workshop.id, roleplay, None, NOW)
    at.run()
    shown = texts(at)
    assert "She talks about buses that break down on the morning routes." in shown
    assert "Nadia says late buses cost her the city's bonus payment." in shown
    assert "Role-play 1 of 2 · step 2" in shown
    assert not at.get("vega_lite_chart")  # fresh votes, results hidden again
    for option_id in ("propose-pilot", "meet-director"):
        store.act(app_env, facilitator, workshop.id, "reveal", NOW)
        store.follow(app_env, facilitator, workshop.id, roleplay, option_id, NOW)
    at.run()
    shown = texts(at)
    assert "Ending: A trial at the depot" in shown
    assert "The director agrees a three-month trial at the main depot." in shown
    assert "You tied the offer to the bonus she is paid on" in shown
    assert "The route the room took" in shown
    assert "chosen by the facilitator: the room had no single choice" in shown


def test_a_phone_votes_on_each_step_and_follows_the_room_to_the_ending(
    app_env, facilitator, room, roleplay
):
    workshop, people = room
    at = app_for(app_env, None, page=JOIN, code=workshop.join_code)
    at.text_input(key="join_nickname").input("Dee")
    at.button(key="join_submit").click().run()
    assert not at.exception
    shown = texts(at)
    assert "Role-play 1 of 2 · step 1" in shown
    assert "Nadia opens the call and asks what you have to offer." in shown
    at.button(key="vote_0_0_1_ask-goals").click().run()
    ask = mark(workshop, roleplay, "opening", "ask-goals")
    assert f"Your vote is in: {ask}." in texts(at)
    assert store.round_count(app_env, facilitator, workshop.id, 0, 1, move=0).votes == {
        "ask-goals": 1
    }
    store.act(app_env, facilitator, workshop.id, "reveal", NOW)
    at.run()
    assert f"The room has voted. Your vote: {ask}." in texts(at)
    store.follow(app_env, facilitator, workshop.id, roleplay, None, NOW)
    at.run()
    shown = texts(at)
    assert "She talks about buses that break down on the morning routes." in shown
    assert "Nadia says late buses cost her the city's bonus payment." in shown
    assert at.button(key="vote_0_1_1_propose-pilot").disabled  # voting not yet open
    store.act(app_env, facilitator, workshop.id, "reveal", NOW)
    store.follow(app_env, facilitator, workshop.id, roleplay, "start-over", NOW)
    at.run()
    # Round the loop: back at the first step, with a vote of its own.
    assert "Role-play 1 of 2 · step 3" in texts(at)
    assert "She sighs and asks again what you have to offer." in texts(at)
    store.act(app_env, facilitator, workshop.id, "reveal", NOW)
    store.follow(app_env, facilitator, workshop.id, roleplay, "offer-discount", NOW)
    at.run()
    shown = texts(at)
    assert "**Ending: No order**" in shown
    assert "Nadia buys from the rival." in shown


def test_a_phone_vote_on_a_step_the_room_has_left_is_refused_plainly(
    app_env, facilitator, room, roleplay
):
    workshop, people = room
    at = app_for(app_env, None, page=JOIN, code=workshop.join_code)
    at.text_input(key="join_nickname").input("Dee")
    at.button(key="join_submit").click().run()
    store.act(app_env, facilitator, workshop.id, "reveal", NOW)
    store.follow(app_env, facilitator, workshop.id, roleplay, "ask-goals", NOW)
    store.act(app_env, facilitator, workshop.id, "open", NOW)
    # The phone still shows step 1: its button names that step.
    at.button(key="vote_0_0_1_send-brochure").click().run()
    assert (
        "Your vote on role-play 1, step 1 (first vote) was not counted: the room has moved on "
        "to role-play 1, step 2." in texts(at)
    )
    assert store.roleplay_votes(app_env, facilitator, workshop.id) == {}


def test_past_workshops_show_the_route_the_room_took(app_env, facilitator, room, roleplay):
    workshop, people = room
    vote(app_env, people, 0, ["ask-goals", "ask-goals", "send-brochure"])
    store.act(app_env, facilitator, workshop.id, "reveal", NOW)
    store.follow(app_env, facilitator, workshop.id, roleplay, None, NOW)
    store.act(app_env, facilitator, workshop.id, "open", NOW)
    vote(app_env, people, 1, ["quote-price", "quote-price", "propose-pilot"])
    store.act(app_env, facilitator, workshop.id, "reveal", NOW)
    store.follow(app_env, facilitator, workshop.id, roleplay, "propose-pilot", NOW)
    store.act(app_env, facilitator, workshop.id, "reveal", NOW)
    store.follow(app_env, facilitator, workshop.id, roleplay, "meet-director", NOW)
    store.act(app_env, facilitator, workshop.id, "end", NOW)
    at = app_for(app_env, facilitator, page=HISTORY, workshop=str(workshop.id))
    assert not at.exception
    shown = texts(at)
    assert "3 joined · 1 scenarios · 1 role-play" in shown
    opening = shown_step(roleplay.step("opening"), workshop.option_seed, roleplay.id)
    votes = {"ask-goals": 2, "send-brochure": 1}
    line = " · ".join(f"{letter(opening, o.id)}: {votes.get(o.id, 0)}" for o in opening.options)
    assert f"Votes — {line}" in shown
    ask = letter(opening, "ask-goals")
    assert (
        f"Followed **{ask}.** Ask what she most needs to change this year. — the room's choice "
        "(10 of 10 points)" in shown
    )
    quote = mark(workshop, roleplay, "goals", "quote-price")
    assert f"overridden by the facilitator (the room chose {quote})" in shown
    assert "chosen by the facilitator: nobody voted" in shown
    assert "Ending: A trial at the depot (10 of 10)" in shown
    # The scenario in the same deck still has its summary table.
    assert at.dataframe[0].value.iloc[0]["Title"] == "The first situation"


def test_a_reload_of_the_controls_resumes_at_the_step_the_room_is_on(
    app_env, facilitator, room, roleplay
):
    workshop, people = room
    vote(app_env, people, 0, ["ask-goals"] * 3)
    at = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    at.button(key="control_reveal").click().run()
    at.button(key="control_follow").click().run()
    reloaded = app_for(app_env, facilitator, page=FACILITATE, workshop=str(workshop.id))
    assert not reloaded.exception
    shown = texts(reloaded)
    assert "Role-play 1 of 2: A first call with a buyer, step 2" in shown
    assert "What do you do next?" in shown
    assert "the room's choice" in shown  # the route so far
    assert not reloaded.button(key="control_open").disabled
