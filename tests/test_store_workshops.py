"""Storing decks, Workshops, participants and votes, on a real SQLite file."""

import threading
from datetime import timedelta

import pytest
from conftest import NOW, make_user

from arrowhead import journey
from arrowhead.quizzes import Option, Scenario
from arrowhead.scoring import build_profile, grade_answer
from arrowhead.store import (
    learning,
    schema,  # noqa: F401  registers the core migrations
)
from arrowhead.store import workshops as store
from arrowhead.store.database import MIGRATION_SETS, immediate, open_database
from arrowhead.workshops import DeckEntry, NotAllowed, WorkshopError

SCENARIO = Scenario(
    id="alpha-one",
    title="The first situation",
    situation="A client asks for a discount.",
    question="What do you do?",
    behaviour="critical-thinking",
    discussion=(),
    options=(
        Option("discount", "Give it.", 0, "transactional", None, "Price war."),
        Option("explain-value", "Explain.", 5, "traditional", None, "Comfortable."),
        Option("strategic", "Ask.", 10, "partnership", None, "Strategic."),
    ),
)
ENTRIES = [DeckEntry("alpha", "alpha-one"), DeckEntry("alpha", "alpha-two")]


def _vote(db, participant, position, round_, option_id):
    store.cast_vote(db, participant, position, round_, grade_answer(SCENARIO, option_id), NOW)


@pytest.fixture
def facilitator(db):
    return make_user(db, "fran", roles=("facilitator",))


@pytest.fixture
def workshop(db, facilitator):
    deck = store.save_deck(db, facilitator, "Kick-off", ENTRIES, NOW)
    started = store.start_workshop(db, facilitator, deck.id, NOW)
    store.act(db, facilitator, started.id, "next", NOW)
    return store.act(db, facilitator, started.id, "open", NOW)


def test_decks_are_saved_in_order_and_replaced_on_edit(db, facilitator):
    deck = store.save_deck(db, facilitator, " Kick-off ", ENTRIES, NOW)
    assert deck.name == "Kick-off"
    assert deck.entries == tuple(ENTRIES)
    edited = store.save_deck(db, facilitator, "Kick-off 2", ENTRIES[::-1], NOW, deck_id=deck.id)
    assert edited.entries == tuple(ENTRIES[::-1])
    assert [d.name for d in store.decks(db, facilitator)] == ["Kick-off 2"]


def test_deck_names_are_unique_whatever_the_case(db, facilitator):
    store.save_deck(db, facilitator, "Kick-off", ENTRIES, NOW)
    with pytest.raises(WorkshopError, match="name exists"):
        store.save_deck(db, facilitator, "KICK-OFF", ENTRIES, NOW)


def test_a_workshop_keeps_its_scenarios_when_the_deck_changes_or_goes(db, facilitator):
    deck = store.save_deck(db, facilitator, "Kick-off", ENTRIES, NOW)
    started = store.start_workshop(db, facilitator, deck.id, NOW)
    store.save_deck(db, facilitator, "Kick-off", ENTRIES[:1], NOW, deck_id=deck.id)
    store.delete_deck(db, facilitator, deck.id)
    assert store.decks(db, facilitator) == []
    assert store.workshop_for(db, facilitator, started.id, NOW).entries == tuple(ENTRIES)


@pytest.mark.parametrize("roles", [("learner",), ("manager",)])
def test_only_facilitators_reach_decks_and_workshops(db, facilitator, workshop, roles):
    other = make_user(db, "lee", roles=roles)
    for call in (
        lambda: store.decks(db, other),
        lambda: store.save_deck(db, other, "Mine", ENTRIES, NOW),
        lambda: store.workshop_for(db, other, workshop.id, NOW),
        lambda: store.act(db, other, workshop.id, "close", NOW),
        lambda: store.round_count(db, other, workshop.id, 0, 1),
        lambda: store.participants_of(db, other, workshop.id),
        lambda: store.votes_by_round(db, other, workshop.id),
        lambda: store.workshops_of(db, other, NOW),
    ):
        with pytest.raises(NotAllowed):
            call()


def test_a_facilitator_sees_only_their_own_workshops_and_an_admin_all(db, facilitator, workshop):
    other = make_user(db, "gil", roles=("facilitator",))
    admin = make_user(db, "ada", roles=("admin",))
    with pytest.raises(NotAllowed, match="not one of yours"):
        store.workshop_for(db, other, workshop.id, NOW)
    with pytest.raises(NotAllowed):
        store.round_count(db, other, workshop.id, 0, 1)
    assert store.workshops_of(db, other, NOW) == []
    assert [w.id for w in store.workshops_of(db, admin, NOW)] == [workshop.id]
    assert store.workshop_for(db, admin, workshop.id, NOW).id == workshop.id


def test_join_codes_are_unique_even_when_the_draw_repeats(db, facilitator):
    deck = store.save_deck(db, facilitator, "Kick-off", ENTRIES, NOW)
    draws = iter([0] * 6 + [0] * 6 + [1] * 6)
    first = store.start_workshop(db, facilitator, deck.id, NOW, randbelow=lambda n: next(draws))
    second = store.start_workshop(db, facilitator, deck.id, NOW, randbelow=lambda n: next(draws))
    assert first.join_code == "AAAAAA"
    assert second.join_code == "CCCCCC"


@pytest.mark.parametrize(
    ("code", "message"), [("ZZZZZZ", "No workshop has that code"), (None, "No workshop")]
)
def test_unknown_codes_get_a_plain_message(db, code, message):
    with pytest.raises(WorkshopError, match=message):
        store.workshop_by_code(db, code, NOW)


def test_an_ended_workshop_refuses_joins_and_votes(db, facilitator, workshop):
    sam = store.join(db, workshop.id, NOW, nickname="Sam", token="t-sam")
    store.act(db, facilitator, workshop.id, "end", NOW)
    with pytest.raises(WorkshopError, match="has ended"):
        store.workshop_by_code(db, workshop.join_code, NOW)
    with pytest.raises(WorkshopError, match="has ended"):
        store.join(db, workshop.id, NOW, nickname="Kim", token="t-kim")
    with pytest.raises(WorkshopError, match="ended"):
        _vote(db, sam, 0, 1, "strategic")
    with pytest.raises(WorkshopError, match="ended"):
        store.act(db, facilitator, workshop.id, "open", NOW)


def test_rejoining_from_the_same_browser_or_account_makes_no_duplicate(db, workshop):
    learner = make_user(db, "lou", name="Lou Learner")
    first = store.join(db, workshop.id, NOW, nickname="Sam", token="t-sam")
    again = store.join(db, workshop.id, NOW, nickname="Someone else", token="t-sam")
    assert again == first and again.nickname == "Sam"
    assert store.participant_by_token(db, workshop.id, "t-sam") == first
    assert store.participant_by_token(db, workshop.id, "t-other") is None
    me = store.join(db, workshop.id, NOW, user=learner)
    assert store.join(db, workshop.id, NOW, user=learner) == me
    assert me.nickname == "Lou Learner" and me.user_id == learner.id
    assert store.participant_for_user(db, workshop.id, learner.id) == me
    count = db.execute("SELECT count(*) FROM workshop_participants").fetchone()[0]
    assert count == 2


def test_the_rejoin_token_is_stored_only_as_a_digest(db, workshop):
    store.join(db, workshop.id, NOW, nickname="Sam", token="secret-token")
    stored = db.execute("SELECT token_hash FROM workshop_participants").fetchone()[0]
    assert "secret-token" not in stored and len(stored) == 64


def test_a_changed_vote_replaces_the_first_and_counts_once(db, facilitator, workshop):
    sam = store.join(db, workshop.id, NOW, nickname="Sam", token="t-sam")
    kim = store.join(db, workshop.id, NOW, nickname="Kim", token="t-kim")
    _vote(db, sam, 0, 1, "discount")
    _vote(db, sam, 0, 1, "strategic")
    _vote(db, kim, 0, 1, "strategic")
    count = store.round_count(db, facilitator, workshop.id, 0, 1)
    assert count.votes == {"strategic": 2}
    assert (count.joined, count.voted) == (2, 2)
    assert store.votes_of(db, sam.id, 0) == {1: "strategic"}


def test_votes_after_close_or_for_another_round_or_scenario_are_refused(db, facilitator, workshop):
    sam = store.join(db, workshop.id, NOW, nickname="Sam", token="t-sam")
    _vote(db, sam, 0, 1, "discount")
    store.act(db, facilitator, workshop.id, "close", NOW)
    with pytest.raises(WorkshopError, match="closed"):
        _vote(db, sam, 0, 1, "strategic")
    store.act(db, facilitator, workshop.id, "open", NOW)
    for position, round_ in ((1, 1), (0, 2)):
        with pytest.raises(WorkshopError, match="not counted"):
            _vote(db, sam, position, round_, "strategic")
    assert store.votes_of(db, sam.id, 0) == {1: "discount"}


def test_a_revote_keeps_the_first_round_for_comparison(db, facilitator, workshop):
    sam = store.join(db, workshop.id, NOW, nickname="Sam", token="t-sam")
    _vote(db, sam, 0, 1, "discount")
    stage = store.act(db, facilitator, workshop.id, "revote", NOW).stage
    assert (stage.round, stage.voting_open, stage.results_shown) == (2, True, False)
    _vote(db, sam, 0, 2, "strategic")
    assert store.votes_by_round(db, facilitator, workshop.id) == {
        0: {1: ["discount"], 2: ["strategic"]}
    }
    # Moving on and back shows the scenario as it was left: in its revote.
    store.act(db, facilitator, workshop.id, "next", NOW)
    back = store.act(db, facilitator, workshop.id, "previous", NOW).stage
    assert (back.position, back.round, back.voting_open) == (0, 2, False)


def test_a_learners_final_vote_goes_on_their_record_as_a_workshop_answer(db, facilitator, workshop):
    learner = make_user(db, "lou")
    lou = store.join(db, workshop.id, NOW, user=learner)
    _vote(db, lou, 0, 1, "discount")
    store.act(db, facilitator, workshop.id, "revote", NOW)
    _vote(db, lou, 0, 2, "strategic")
    attempts = learning.attempts_of(db, learner.id)
    assert [(a.quiz_id, a.source, a.finished_at) for a in attempts] == [("alpha", "workshop", None)]
    answers = learning.answers_in(db, attempts[0].id)
    assert [(a.scenario_id, a.option_id, a.points) for a in answers] == [
        ("alpha-one", "strategic", 10)
    ]
    # Workshop answers feed the style profile but are not quiz results.
    [choice] = learning.choices_of(db, learner.id, {})
    assert build_profile([choice]).answers == 1
    assert (
        choice.best_style == "partnership"
    )  # the called-for style is copied on workshop answers too
    assert journey.finished_attempts(db, learner.id) == []
    assert learning.open_attempt(db, learner.id, "alpha") is None
    store.act(db, facilitator, workshop.id, "end", NOW + timedelta(minutes=30))
    ended = learning.attempts_of(db, learner.id)[0]
    assert ended.finished_at is not None and ended.score == 100 and ended.passed is None
    mine = store.workshop_answers_of(db, learner.id)
    assert [(a.workshop_title, a.scenario_id, a.option_id) for a in mine] == [
        ("Kick-off", "alpha-one", "strategic")
    ]


def test_an_anonymous_participant_leaves_no_learner_record(db, workshop):
    sam = store.join(db, workshop.id, NOW, nickname="Sam", token="t-sam")
    _vote(db, sam, 0, 1, "strategic")
    assert db.execute("SELECT count(*) FROM attempts").fetchone()[0] == 0


def test_many_participants_voting_at_once_lose_and_double_nothing(
    db_path, db, facilitator, workshop
):
    """Twenty browsers vote together, each clicking three times: twenty votes, one each."""
    people = [store.join(db, workshop.id, NOW, nickname=f"P{i}", token=f"t-{i}") for i in range(20)]
    errors = []
    barrier = threading.Barrier(len(people))

    def vote(participant):
        own = open_database(db_path)
        try:
            barrier.wait()
            for option_id in ("discount", "explain-value", "strategic"):
                _vote(own, participant, 0, 1, option_id)
        except Exception as err:  # noqa: BLE001  collected and asserted below
            errors.append(err)
        finally:
            own.close()

    threads = [threading.Thread(target=vote, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    count = store.round_count(db, facilitator, workshop.id, 0, 1)
    assert count.votes == {"strategic": 20}
    rows = db.execute("SELECT count(*) FROM workshop_votes").fetchone()[0]
    assert rows == 20


def test_a_vote_racing_the_close_either_counts_or_is_refused(db_path, db, facilitator, workshop):
    people = [store.join(db, workshop.id, NOW, nickname=f"P{i}", token=f"t-{i}") for i in range(10)]
    refused = []
    barrier = threading.Barrier(len(people) + 1)

    def vote(participant):
        own = open_database(db_path)
        barrier.wait()
        try:
            _vote(own, participant, 0, 1, "strategic")
        except WorkshopError:
            refused.append(participant.id)
        finally:
            own.close()

    def close():
        own = open_database(db_path)
        barrier.wait()
        store.act(own, facilitator, workshop.id, "close", NOW)
        own.close()

    threads = [threading.Thread(target=vote, args=(p,)) for p in people]
    threads.append(threading.Thread(target=close))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    counted = store.round_count(db, facilitator, workshop.id, 0, 1).voted
    assert counted + len(refused) == len(people)


def test_two_tabs_clicking_next_at_once_move_one_scenario(db, facilitator):
    """Regression (issue 8, item 11): two controls tabs clicking Next together skipped a
    scenario, because each click acted on whatever stage was live when it arrived."""
    deck = store.save_deck(db, facilitator, "Kick-off", ENTRIES, NOW)
    started = store.start_workshop(db, facilitator, deck.id, NOW)
    drawn = started.stage.version
    store.act(db, facilitator, started.id, "next", NOW, drawn_for=drawn)
    with pytest.raises(WorkshopError, match="moved on .* It is now on scenario 1"):
        store.act(db, facilitator, started.id, "next", NOW, drawn_for=drawn)
    assert store.workshop_for(db, facilitator, started.id, NOW).stage.position == 0


def test_reveal_from_a_tab_still_showing_an_earlier_scenario_is_refused(db, facilitator, workshop):
    """Regression (issue 8, item 11): Reveal clicked in a tab still showing scenario 1
    revealed scenario 2 before anyone had voted on it."""
    drawn_on_first = store.workshop_for(db, facilitator, workshop.id, NOW).stage.version
    store.act(db, facilitator, workshop.id, "next", NOW)  # another tab moves on
    with pytest.raises(WorkshopError, match="now on scenario 2"):
        store.act(db, facilitator, workshop.id, "reveal", NOW, drawn_for=drawn_on_first)
    stage = store.workshop_for(db, facilitator, workshop.id, NOW).stage
    assert (stage.position, stage.revealed) == (1, False)


def test_every_action_raises_the_stage_version(db, facilitator, workshop):
    before = store.workshop_for(db, facilitator, workshop.id, NOW).stage.version
    after = store.act(db, facilitator, workshop.id, "show", NOW, drawn_for=before).stage.version
    assert after == before + 1


@pytest.mark.parametrize(
    ("move", "position", "round_", "message"),
    [
        ("close", 0, 1, r"scenario 1 \(first vote\) was not counted: voting on it had closed"),
        (
            "next",
            0,
            1,
            r"scenario 1 \(first vote\) was not counted: the room has moved on to scenario 2",
        ),
        (
            "revote",
            0,
            1,
            r"scenario 1 \(first vote\) was not counted: the room is now on the revote",
        ),
        ("end", 0, 1, r"scenario 1 \(first vote\) was not counted: the workshop has ended"),
    ],
)
def test_a_refused_vote_names_the_scenario_and_round_it_was_cast_for(
    db, facilitator, workshop, move, position, round_, message
):
    """Regression (issue 8, item 11): a phone that had not redrawn was told only that
    'voting is closed', without saying which of its votes was lost."""
    sam = store.join(db, workshop.id, NOW, nickname="Sam", token="t-sam")
    store.act(db, facilitator, workshop.id, move, NOW)
    with pytest.raises(WorkshopError, match=message):
        _vote(db, sam, position, round_, "strategic")
    assert store.votes_of(db, sam.id, 0) == {}


def test_a_countdown_closes_voting_by_itself(db, facilitator, workshop):
    """Issue 8, item 14: voting opened with a countdown closes when it runs out, with no
    background thread: the first read after the deadline sees it closed."""
    sam = store.join(db, workshop.id, NOW, nickname="Sam", token="t-sam")
    store.act(db, facilitator, workshop.id, "close", NOW)
    opened = store.act(db, facilitator, workshop.id, "open", NOW, countdown=30).stage
    assert opened.voting_open and opened.seconds_left(NOW) == 30
    later = NOW + timedelta(seconds=29, milliseconds=500)
    assert store.live_view(db, workshop.id, later).stage.seconds_left(later) == 1
    _vote(db, sam, 0, 1, "discount")
    over = NOW + timedelta(seconds=30)
    stage = store.live_view(db, workshop.id, over).stage
    assert not stage.voting_open and stage.seconds_left(over) is None
    with pytest.raises(WorkshopError, match="voting on it had closed"):
        store.cast_vote(db, sam, 0, 1, grade_answer(SCENARIO, "strategic"), over)
    assert store.votes_of(db, sam.id, 0) == {1: "discount"}
    # Opening again after the countdown ran out starts a new one.
    again = store.act(db, facilitator, workshop.id, "open", over, countdown=60).stage
    assert again.voting_open and again.seconds_left(over) == 60
    # Closing by hand clears it.
    closed = store.act(db, facilitator, workshop.id, "close", over).stage
    assert closed.closes_at is None
    stored = db.execute(
        "SELECT voting_closes_at FROM workshops WHERE id = ?", [workshop.id]
    ).fetchone()
    assert stored == (None,)


def test_a_revote_can_have_a_countdown_too(db, facilitator, workshop):
    stage = store.act(db, facilitator, workshop.id, "revote", NOW, countdown=90).stage
    assert (stage.round, stage.seconds_left(NOW)) == (2, 90)


def test_a_countdown_out_of_range_is_refused(db, facilitator, workshop):
    store.act(db, facilitator, workshop.id, "close", NOW)
    with pytest.raises(WorkshopError, match="between 1 and 600 seconds"):
        store.act(db, facilitator, workshop.id, "open", NOW, countdown=-5)
    assert not store.workshop_for(db, facilitator, workshop.id, NOW).stage.voting_open


def test_a_workshop_shuffles_its_options_once_when_it_starts(db, facilitator):
    """Issue 7: a Workshop draws one option order when it starts and keeps it."""
    deck = store.save_deck(db, facilitator, "Kick-off", ENTRIES, NOW)
    seeded = store.start_workshop(db, facilitator, deck.id, NOW, option_seed=1234)
    assert seeded.option_seed == 1234
    store.act(db, facilitator, seeded.id, "next", NOW)
    assert store.workshop_for(db, facilitator, seeded.id, NOW).option_seed == 1234
    drawn = {store.start_workshop(db, facilitator, deck.id, NOW).option_seed for _ in range(5)}
    assert None not in drawn and len(drawn) > 1


def test_a_learners_workshop_answers_carry_the_workshops_option_order(db, facilitator):
    deck = store.save_deck(db, facilitator, "Kick-off", ENTRIES, NOW)
    started = store.start_workshop(db, facilitator, deck.id, NOW, option_seed=77)
    for action in ("next", "open"):
        store.act(db, facilitator, started.id, action, NOW)
    learner = make_user(db, "lou")
    _vote(db, store.join(db, started.id, NOW, user=learner), 0, 1, "strategic")
    [answer] = store.workshop_answers_of(db, learner.id)
    assert answer.option_seed == 77
    # The learner's own workshop attempt keeps the order too, so its review shows the room's letters.
    [attempt] = [a for a in learning.attempts_of(db, learner.id) if a.source == "workshop"]
    assert attempt.option_seed == 77


def test_an_ended_workshop_is_still_found_by_its_code_with_each_participants_final_votes(
    db, facilitator, workshop
):
    sam = store.join(db, workshop.id, NOW, nickname="Sam", token="t-sam")
    _vote(db, sam, 0, 1, "discount")
    store.act(db, facilitator, workshop.id, "revote", NOW)
    _vote(db, sam, 0, 2, "strategic")
    store.act(db, facilitator, workshop.id, "end", NOW)
    found = store.find_workshop(db, workshop.join_code, NOW)
    assert found.id == workshop.id and found.stage.ended
    assert store.participant_by_token(db, workshop.id, "t-sam") == sam
    assert store.final_votes_of(db, sam.id) == {0: "strategic"}
    with pytest.raises(WorkshopError, match="No workshop has that code"):
        store.find_workshop(db, "ZZZZZZ", NOW)


def test_the_public_address_is_set_and_cleared_by_an_admin_only(db, facilitator):
    admin = make_user(db, "ada", roles=("admin",))
    assert store.public_url(db) is None
    assert store.set_public_url(db, admin, " https://arrowhead.example.com/ ", NOW) == (
        "https://arrowhead.example.com"
    )
    assert store.public_url(db) == "https://arrowhead.example.com"
    with pytest.raises(NotAllowed):
        store.set_public_url(db, facilitator, "http://10.0.0.5:8501", NOW)
    with pytest.raises(WorkshopError, match="as phones open it"):
        store.set_public_url(db, admin, "arrowhead dot example", NOW)
    assert store.public_url(db) == "https://arrowhead.example.com"
    assert store.set_public_url(db, admin, "", NOW) is None
    assert store.public_url(db) is None


def test_next_clicked_in_two_tabs_at_the_same_moment_moves_one_scenario(db_path, db, facilitator):
    """Regression (issue 8, item 11), with real concurrent connections: both clicks carry
    the version they were drawn for; one moves the room, the other is refused."""
    deck = store.save_deck(db, facilitator, "Kick-off", ENTRIES, NOW)
    started = store.start_workshop(db, facilitator, deck.id, NOW)
    drawn = started.stage.version
    barrier = threading.Barrier(2)
    outcomes = []

    def click():
        own = open_database(db_path)
        try:
            barrier.wait()
            store.act(own, facilitator, started.id, "next", NOW, drawn_for=drawn)
            outcomes.append("moved")
        except WorkshopError:
            outcomes.append("refused")
        finally:
            own.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["moved", "refused"]
    assert store.workshop_for(db, facilitator, started.id, NOW).stage.position == 0


def test_workshops_started_before_the_upgrade_keep_file_order_and_go_on(tmp_path):
    """A database with a live Workshop from before option seeds, versions and countdowns
    upgrades in place: the Workshop shows options in file order and its controls work."""
    old = open_database(tmp_path / "old.db")
    with immediate(old):
        for migrations in MIGRATION_SETS:
            migrations.apply(old, stop_before="add_option_order_stage_version_and_countdown")
    facilitator = make_user(old, "fran", roles=("facilitator",))
    old.execute(
        """INSERT INTO workshops (id, join_code, title, facilitator_id, started_at, position)
           VALUES (1, 'ACDEFG', 'Old', ?, '2026-11-01T09:00:00+00:00', 0)""",
        [facilitator.id],
    )
    old.execute(
        "INSERT INTO workshop_scenarios (workshop_id, position, quiz_id, scenario_id) VALUES (1, 0, 'alpha', 'alpha-one')"
    )
    old.conn.commit()
    with immediate(old):
        for migrations in MIGRATION_SETS:
            migrations.apply(old)
    upgraded = store.workshop_for(old, facilitator, 1, NOW)
    assert upgraded.option_seed is None
    assert SCENARIO.shuffled(upgraded.option_seed) == SCENARIO
    opened = store.act(old, facilitator, 1, "open", NOW, drawn_for=upgraded.stage.version)
    assert opened.stage.voting_open and opened.stage.version == upgraded.stage.version + 1
    old.close()
