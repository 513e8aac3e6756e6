"""Storing live role-plays in Workshops, on a real SQLite file: decks, step votes, the room's route."""

import threading

import pytest
from conftest import DATA, NOW, make_user

from arrowhead.roleplays import load_roleplay
from arrowhead.scoring import Grade
from arrowhead.store import workshops as store
from arrowhead.store.database import MIGRATION_SETS, immediate, open_database
from arrowhead.workshop_roleplays import FACILITATOR, ROOM
from arrowhead.workshops import DeckEntry, RoleplayEntry, WorkshopError

ROLEPLAY = load_roleplay(DATA / "roleplays" / "01-first-call.toml", DATA)
ITEMS = [DeckEntry("alpha", "alpha-one"), RoleplayEntry(ROLEPLAY.id)]


@pytest.fixture
def facilitator(db):
    return make_user(db, "fran", roles=("facilitator",))


@pytest.fixture
def room(db, facilitator):
    """A Workshop on its role-play (position 1), three participants in, voting open on step 1."""
    deck = store.save_deck(db, facilitator, "Mixed", ITEMS, NOW)
    started = store.start_workshop(db, facilitator, deck.id, NOW)
    people = [
        store.join(db, started.id, NOW, nickname=name, token=f"t-{name}")
        for name in ("Ann", "Bo", "Cy")
    ]
    for action in ("next", "next", "open"):
        store.act(db, facilitator, started.id, action, NOW)
    return started, people


def vote_all(db, people, position, move, options, round_=1):
    for person, option_id in zip(people, options, strict=True):
        store.cast_roleplay_vote(db, person, position, move, round_, option_id, NOW)


def test_a_deck_keeps_role_plays_beside_scenarios_and_a_workshop_copies_them(db, facilitator):
    deck = store.save_deck(db, facilitator, "Mixed", ITEMS, NOW)
    assert store.deck(db, facilitator, deck.id).entries == tuple(ITEMS)
    started = store.start_workshop(db, facilitator, deck.id, NOW)
    store.save_deck(db, facilitator, "Mixed", ITEMS[:1], NOW, deck_id=deck.id)
    assert store.workshop_for(db, facilitator, started.id, NOW).entries == tuple(ITEMS)


def test_the_room_votes_on_each_step_and_the_route_is_kept_step_by_step(db, facilitator, room):
    started, people = room
    on = store.workshop_for(db, facilitator, started.id, NOW).stage
    assert (on.position, on.roleplay, on.move, on.finished) == (1, True, 0, False)
    vote_all(db, people, 1, 0, ["ask-goals", "ask-goals", "send-brochure"])
    count = store.round_count(db, facilitator, started.id, 1, 1, move=0)
    assert count.votes == {"ask-goals": 2, "send-brochure": 1}
    # Step votes are not scenario votes.
    assert store.round_count(db, facilitator, started.id, 1, 1).votes == {}
    store.act(db, facilitator, started.id, "reveal", NOW)

    followed = store.follow(db, facilitator, started.id, ROLEPLAY, None, NOW)
    assert (followed.option_id, followed.chosen_by) == ("ask-goals", ROOM)
    # Stored the moment it is made, and the room is on the next step with fresh votes.
    assert store.moves_of(db, started.id, 1) == [followed]
    on = store.workshop_for(db, facilitator, started.id, NOW).stage
    assert (on.move, on.round, on.revealed, on.voting_open, on.results_shown) == (
        1,
        1,
        False,
        False,
        False,
    )
    assert store.round_count(db, facilitator, started.id, 1, 1, move=1).votes == {}

    store.act(db, facilitator, started.id, "open", NOW)
    vote_all(db, people, 1, 1, ["quote-price", "quote-price", "propose-pilot"])
    store.act(db, facilitator, started.id, "reveal", NOW)
    overridden = store.follow(db, facilitator, started.id, ROLEPLAY, "propose-pilot", NOW)
    assert (overridden.chosen_by, overridden.room_option_id, overridden.overridden) == (
        FACILITATOR,
        "quote-price",
        True,
    )

    store.act(db, facilitator, started.id, "open", NOW)
    vote_all(db, people, 1, 2, ["meet-director", "meet-director", "push-close"])
    store.act(db, facilitator, started.id, "reveal", NOW)
    last = store.follow(db, facilitator, started.id, ROLEPLAY, None, NOW)
    assert (last.leads_to, last.ending_points) == ("signed", 10)
    on = store.workshop_for(db, facilitator, started.id, NOW).stage
    assert on.finished and on.where == "the ending of role-play 2"
    with pytest.raises(WorkshopError, match="reached its ending"):
        store.act(db, facilitator, started.id, "open", NOW)
    with pytest.raises(WorkshopError, match="reached its ending"):
        store.follow(db, facilitator, started.id, ROLEPLAY, None, NOW)

    route = store.moves_of(db, started.id, 1)
    assert [(m.step_id, m.option_id, m.chosen_by) for m in route] == [
        ("opening", "ask-goals", ROOM),
        ("goals", "propose-pilot", FACILITATOR),
        ("sponsor", "meet-director", ROOM),
    ]
    votes = store.roleplay_votes(db, facilitator, started.id)
    assert votes[(1, 1)] == {1: {"quote-price": 2, "propose-pilot": 1}}
    assert sorted(votes) == [(1, 0), (1, 1), (1, 2)]


def test_a_reload_resumes_at_the_step_the_room_is_on(db_path, db, facilitator, room):
    """A facilitator's reload (a fresh connection) finds the room where it was."""
    started, people = room
    vote_all(db, people, 1, 0, ["ask-goals"] * 3)
    store.act(db, facilitator, started.id, "reveal", NOW)
    store.follow(db, facilitator, started.id, ROLEPLAY, None, NOW)
    fresh = open_database(db_path)
    try:
        stage = store.workshop_for(fresh, facilitator, started.id, NOW).stage
        assert (stage.position, stage.move, stage.roleplay) == (1, 1, True)
        assert [m.step_id for m in store.moves_of(fresh, started.id, 1)] == ["opening"]
    finally:
        fresh.close()
    # Going back to the scenario and forward again shows the role-play as it was left.
    store.act(db, facilitator, started.id, "previous", NOW)
    assert store.act(db, facilitator, started.id, "next", NOW).stage.move == 1


def test_a_vote_on_a_step_the_room_has_decided_is_refused_and_names_the_step(db, facilitator, room):
    started, people = room
    vote_all(db, people, 1, 0, ["ask-goals"] * 3)
    store.act(db, facilitator, started.id, "reveal", NOW)
    store.follow(db, facilitator, started.id, ROLEPLAY, None, NOW)
    store.act(db, facilitator, started.id, "open", NOW)
    with pytest.raises(
        WorkshopError, match="vote on role-play 2, step 1 .* moved on to role-play 2, step 2"
    ):
        store.cast_roleplay_vote(db, people[0], 1, 0, 1, "send-brochure", NOW)
    # Nor does a scenario vote land on the role-play.
    with pytest.raises(WorkshopError, match="moved on"):
        store.cast_vote(
            db, people[0], 1, 1, Grade("x", 0, 10, "traditional", None, False, "partnership"), NOW
        )
    assert store.roleplay_votes(db, facilitator, started.id)[(1, 0)] == {1: {"ask-goals": 3}}


def test_choosing_before_the_reveal_or_off_the_role_play_is_refused(db, facilitator, room):
    started, people = room
    with pytest.raises(WorkshopError, match="Reveal the vote first"):
        store.follow(db, facilitator, started.id, ROLEPLAY, None, NOW)
    store.act(db, facilitator, started.id, "previous", NOW)
    with pytest.raises(WorkshopError, match="the room is on scenario 1"):
        store.follow(db, facilitator, started.id, ROLEPLAY, None, NOW)
    assert store.moves_of(db, started.id, 1) == []


def test_a_tie_is_not_followed_until_the_facilitator_picks(db, facilitator, room):
    started, people = room
    vote_all(db, people[:2], 1, 0, ["ask-goals", "send-brochure"])
    store.act(db, facilitator, started.id, "reveal", NOW)
    with pytest.raises(WorkshopError, match="tied"):
        store.follow(db, facilitator, started.id, ROLEPLAY, None, NOW)
    picked = store.follow(db, facilitator, started.id, ROLEPLAY, "send-brochure", NOW)
    assert (picked.chosen_by, picked.room_option_id) == (FACILITATOR, None)


def test_the_revote_is_the_round_followed(db, facilitator, room):
    started, people = room
    vote_all(db, people, 1, 0, ["offer-discount"] * 3)
    store.act(db, facilitator, started.id, "revote", NOW)
    vote_all(db, people, 1, 0, ["ask-goals", "ask-goals", "offer-discount"], round_=2)
    store.act(db, facilitator, started.id, "reveal", NOW)
    followed = store.follow(db, facilitator, started.id, ROLEPLAY, None, NOW)
    assert (followed.option_id, followed.round) == ("ask-goals", 2)
    assert store.workshop_for(db, facilitator, started.id, NOW).stage.round == 1


def test_a_double_click_on_a_choice_decides_the_step_once(db, facilitator, room):
    """Both clicks carry the stage version they were drawn for: the second is refused."""
    started, people = room
    vote_all(db, people, 1, 0, ["ask-goals"] * 3)
    drawn = store.act(db, facilitator, started.id, "reveal", NOW).stage.version
    store.follow(db, facilitator, started.id, ROLEPLAY, None, NOW, drawn_for=drawn)
    with pytest.raises(WorkshopError, match="moved on since these controls were drawn"):
        store.follow(db, facilitator, started.id, ROLEPLAY, "offer-discount", NOW, drawn_for=drawn)
    assert len(store.moves_of(db, started.id, 1)) == 1


def test_two_tabs_choosing_at_the_same_moment_decide_the_step_once(db_path, db, facilitator, room):
    started, people = room
    vote_all(db, people, 1, 0, ["ask-goals"] * 3)
    drawn = store.act(db, facilitator, started.id, "reveal", NOW).stage.version
    barrier = threading.Barrier(2)
    outcomes = []

    def click(option_id):
        own = open_database(db_path)
        try:
            barrier.wait()
            store.follow(own, facilitator, started.id, ROLEPLAY, option_id, NOW, drawn_for=drawn)
            outcomes.append("chosen")
        except WorkshopError:
            outcomes.append("refused")
        finally:
            own.close()

    threads = [threading.Thread(target=click, args=(o,)) for o in (None, "offer-discount")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["chosen", "refused"]
    assert len(store.moves_of(db, started.id, 1)) == 1


def test_only_the_facilitator_who_runs_it_chooses(db, facilitator, room):
    started, people = room
    store.act(db, facilitator, started.id, "reveal", NOW)
    other = make_user(db, "gil", roles=("facilitator",))
    with pytest.raises(WorkshopError, match="not one of yours"):
        store.follow(db, other, started.id, ROLEPLAY, "ask-goals", NOW)
    with pytest.raises(WorkshopError):
        store.roleplay_votes(db, other, started.id)


def test_decks_and_workshops_from_before_role_plays_upgrade_in_place(tmp_path):
    """A database from before decks held role-plays keeps its decks and live Workshops."""
    old = open_database(tmp_path / "old.db")
    with immediate(old):
        for migrations in MIGRATION_SETS:
            migrations.apply(old, stop_before="add_roleplays")
    facilitator = make_user(old, "fran", roles=("facilitator",))
    with immediate(old):
        old.execute(
            """INSERT INTO workshop_decks (id, name, created_by, created_at, updated_at)
               VALUES (1, 'Old', ?, '2026-11-01', '2026-11-01')""",
            [facilitator.id],
        )
        old.execute(
            "INSERT INTO workshop_deck_scenarios VALUES (1, 0, 'alpha', 'alpha-one')",
        )
    with immediate(old):
        for migrations in MIGRATION_SETS:
            migrations.apply(old)
    assert store.deck(old, facilitator, 1).entries == (DeckEntry("alpha", "alpha-one"),)
    started = store.start_workshop(old, facilitator, 1, NOW)
    assert not store.act(old, facilitator, started.id, "next", NOW).stage.roleplay
    old.close()


def test_a_learners_votes_on_role_play_steps_go_on_no_record(db, facilitator, room):
    """The route is the room's: a signed-in learner's step votes leave their record as it was."""
    started, people = room
    learner = make_user(db, "lee")
    lee = store.join(db, started.id, NOW, user=learner)
    store.cast_roleplay_vote(db, lee, 1, 0, 1, "ask-goals", NOW)
    assert store.round_count(db, facilitator, started.id, 1, 1, move=0).votes == {"ask-goals": 1}
    assert store.workshop_answers_of(db, learner.id) == []
    assert db.execute("SELECT count(*) FROM attempts").fetchone()[0] == 0
