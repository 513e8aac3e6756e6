"""Storing decks, Workshops, participants and votes, on a real SQLite file."""

import threading
from datetime import timedelta

import pytest
from conftest import NOW, make_user

from arrowhead import journey
from arrowhead.quizzes import Option, Scenario
from arrowhead.scoring import build_profile, grade_answer
from arrowhead.store import learning
from arrowhead.store import workshops as store
from arrowhead.store.database import open_database
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
    assert store.workshop_for(db, facilitator, started.id).entries == tuple(ENTRIES)


@pytest.mark.parametrize("roles", [("learner",), ("manager",)])
def test_only_facilitators_reach_decks_and_workshops(db, facilitator, workshop, roles):
    other = make_user(db, "lee", roles=roles)
    for call in (
        lambda: store.decks(db, other),
        lambda: store.save_deck(db, other, "Mine", ENTRIES, NOW),
        lambda: store.workshop_for(db, other, workshop.id),
        lambda: store.act(db, other, workshop.id, "close", NOW),
        lambda: store.round_count(db, other, workshop.id, 0, 1),
        lambda: store.participants_of(db, other, workshop.id),
        lambda: store.votes_by_round(db, other, workshop.id),
        lambda: store.workshops_of(db, other),
    ):
        with pytest.raises(NotAllowed):
            call()


def test_a_facilitator_sees_only_their_own_workshops_and_an_admin_all(db, facilitator, workshop):
    other = make_user(db, "gil", roles=("facilitator",))
    admin = make_user(db, "ada", roles=("admin",))
    with pytest.raises(NotAllowed, match="not one of yours"):
        store.workshop_for(db, other, workshop.id)
    with pytest.raises(NotAllowed):
        store.round_count(db, other, workshop.id, 0, 1)
    assert store.workshops_of(db, other) == []
    assert [w.id for w in store.workshops_of(db, admin)] == [workshop.id]
    assert store.workshop_for(db, admin, workshop.id).id == workshop.id


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
        store.workshop_by_code(db, code)


def test_an_ended_workshop_refuses_joins_and_votes(db, facilitator, workshop):
    sam = store.join(db, workshop.id, NOW, nickname="Sam", token="t-sam")
    store.act(db, facilitator, workshop.id, "end", NOW)
    with pytest.raises(WorkshopError, match="has ended"):
        store.workshop_by_code(db, workshop.join_code)
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
        with pytest.raises(WorkshopError, match="closed"):
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
