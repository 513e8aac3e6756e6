"""xAPI statements: one per kind of learning event, built from events stored on a real SQLite file,
checked against ralph's strict model; and the outbox they are stored in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from conftest import NOW, make_user
from lrs_support import StrictModel

from arrowhead import journey, xapi
from arrowhead.course import load_course
from arrowhead.scoring import grade_answer
from arrowhead.statements import Recorder
from arrowhead.store import learning
from arrowhead.store import roleplays as roleplay_store
from arrowhead.store import workshops as workshop_store
from arrowhead.store import xapi as outbox
from arrowhead.store.database import apply_migrations, open_database
from arrowhead.workshops import DeckEntry, RoleplayEntry

HOME = "https://arrowhead.example.com"


@pytest.fixture(scope="module")
def strict() -> Iterator[StrictModel]:
    model = StrictModel()
    yield model
    model.close()


@pytest.fixture
def course(course_root):
    return load_course(course_root)


@pytest.fixture
def recorder(course) -> Recorder:
    return Recorder(course, HOME)


def stored(db, verb: str | None = None) -> list[dict]:
    """The statements in the outbox, in the order stored (of one verb, if given)."""
    found = [json.loads(text) for text in outbox.statements_since(db)]
    return [s for s in found if verb is None or s["verb"]["display"]["en-US"] == verb]


def check(strict: StrictModel, statement: dict, user_id: int) -> None:
    """Valid for ralph's strict model, and the actor is an account on this server, no e-mail."""
    assert strict.errors(statement) is None, strict.errors(statement)
    assert statement["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": HOME, "name": str(user_id)},
    }
    assert "mbox" not in json.dumps(statement)
    assert statement["version"] == "1.0.3"


def answer_all(db, recorder, course, user, choices: dict[str, str], when=NOW):
    quiz = course.quiz("alpha")
    attempt = learning.start_attempt(db, user.id, "alpha", when)
    for scenario_id, option_id in choices.items():
        journey.answer_scenario(db, attempt, quiz, scenario_id, option_id, when, recorder)
    return attempt


def test_a_section_read_is_experienced_with_the_module_as_parent(db, recorder, strict):
    sam = make_user(db)
    learning.mark_section_read(
        db,
        sam.id,
        "alpha",
        "first-steps",
        NOW,
        recorder.section_read(sam.id, "alpha", "first-steps"),
    )
    [read] = stored(db, "experienced")
    check(strict, read, sam.id)
    assert read["verb"]["id"] == "http://adlnet.gov/expapi/verbs/experienced"
    assert read["object"]["id"] == f"{HOME}/xapi/section/alpha/first-steps"
    assert read["object"]["definition"]["name"] == {"en-US": "First steps"}
    assert read["context"]["contextActivities"]["parent"][0]["id"] == f"{HOME}/xapi/module/alpha"
    assert read["timestamp"] == "2026-11-02T09:30:00+00:00"


def test_a_scenario_answered_is_a_choice_interaction_with_its_result(db, recorder, course, strict):
    sam = make_user(db)
    attempt = answer_all(db, recorder, course, sam, {"alpha-one": "explain-value"})
    [answer] = stored(db, "answered")
    check(strict, answer, sam.id)
    definition = answer["object"]["definition"]
    assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert definition["interactionType"] == "choice"
    assert definition["correctResponsesPattern"] == ["strategic"]
    assert [c["id"] for c in definition["choices"]] == ["discount", "explain-value", "strategic"]
    assert all(c["description"]["en-US"] for c in definition["choices"])
    assert answer["result"]["response"] == "explain-value"
    assert answer["result"]["score"] == {"raw": 5, "min": 0, "max": 10, "scaled": 0.5}
    assert answer["result"]["success"] is False
    assert answer["context"]["registration"] == xapi.registration(HOME, attempt.id)
    assert answer["context"]["contextActivities"]["parent"][0]["id"] == f"{HOME}/xapi/quiz/alpha"


def test_an_attempt_is_attempted_with_its_first_answer(db, recorder, course, strict):
    sam = make_user(db)
    attempt = answer_all(db, recorder, course, sam, {"alpha-one": "strategic"})
    [attempted] = stored(db, "attempted")
    check(strict, attempted, sam.id)
    assert attempted["object"]["id"] == f"{HOME}/xapi/quiz/alpha"
    assert attempted["timestamp"] == attempt.started_at
    assert not stored(db, "completed")  # one scenario still to answer


@pytest.mark.parametrize(
    ("choices", "outcome", "score"),
    [
        ({"alpha-one": "explain-value", "alpha-two": "escalate"}, "passed", 75),
        ({"alpha-one": "discount", "alpha-two": "wait"}, "failed", 0),
    ],
)
def test_a_finished_attempt_is_completed_and_passed_or_failed(
    db, recorder, course, strict, choices, outcome, score
):
    sam = make_user(db)
    attempt = answer_all(db, recorder, course, sam, choices)
    [completed] = [s for s in stored(db, "completed") if s["object"]["id"].endswith("/quiz/alpha")]
    [result] = stored(db, outcome)
    for statement in (completed, result):
        check(strict, statement, sam.id)
        assert statement["result"]["score"]["raw"] == score
        assert statement["result"]["success"] is (outcome == "passed")
        assert statement["context"]["registration"] == xapi.registration(HOME, attempt.id)
    assert not stored(db, "failed" if outcome == "passed" else "passed")


def test_a_module_progresses_then_completes(db, recorder, course, strict):
    sam = make_user(db)
    for section in ("first-steps", "second-steps"):
        learning.mark_section_read(
            db, sam.id, "alpha", section, NOW, recorder.section_read(sam.id, "alpha", section)
        )
    progressed = stored(db, "progressed")
    assert [s["result"]["extensions"][xapi.PROGRESS] for s in progressed] == [33, 67]
    answer_all(db, recorder, course, sam, {"alpha-one": "strategic", "alpha-two": "escalate"})
    [module_done] = [s for s in stored(db, "completed") if "/module/" in s["object"]["id"]]
    for statement in [*progressed, module_done]:
        check(strict, statement, sam.id)
        assert statement["object"]["id"] == f"{HOME}/xapi/module/alpha"
    assert module_done["result"] == {"completion": True, "extensions": {xapi.PROGRESS: 100}}


def test_a_workshop_vote_is_responded_in_the_workshop_session(db, recorder, course, strict):
    fran = make_user(db, "fran", roles=("facilitator",))
    sam = make_user(db, "sam")
    deck = workshop_store.save_deck(db, fran, "Kick-off", [DeckEntry("alpha", "alpha-one")], NOW)
    workshop = workshop_store.start_workshop(db, fran, deck.id, NOW)
    for action in ("next", "open"):
        workshop_store.act(db, fran, workshop.id, action, NOW)
    learner = workshop_store.join(db, workshop.id, NOW, user=sam)
    nickname = workshop_store.join(db, workshop.id, NOW, nickname="Guest", token="t" * 20)
    grade = grade_answer(course.scenario("alpha", "alpha-one"), "strategic")
    for person in (learner, nickname):
        statements = recorder.workshop_vote(person.user_id, workshop.id, 0, 1, grade, NOW)
        workshop_store.cast_vote(db, person, 0, 1, grade, NOW, statements)
    [vote] = stored(db)  # the anonymous participant's vote sends nothing
    check(strict, vote, sam.id)
    assert vote["verb"]["id"] == "http://adlnet.gov/expapi/verbs/responded"
    assert vote["object"]["definition"]["interactionType"] == "choice"
    assert vote["result"]["response"] == "strategic" and vote["result"]["success"] is True
    session = vote["context"]["contextActivities"]["parent"][0]
    assert session["id"] == f"{HOME}/xapi/workshop/{workshop.id}"
    assert session["definition"]["type"] == "http://adlnet.gov/expapi/activities/meeting"
    assert session["definition"]["name"] == {"en-US": "Kick-off"}


@pytest.fixture
def roleplay_course(roleplay_root):
    """The tiny course with the test role-play, 'first-call'."""
    return load_course(roleplay_root)


def play(db, course, user, option_ids: list[str], home: str = HOME):
    """A run of the test role-play, each choice stored with its statements as the page stores it."""
    roleplay = course.roleplay("first-call")
    recorder = Recorder(course, home)
    run = roleplay_store.start_run(db, user.id, roleplay.id, NOW)
    for position, option_id in enumerate(option_ids):
        when = NOW + timedelta(minutes=position)
        statements = recorder.roleplay_choice(run, roleplay, position)
        roleplay_store.record_choice(db, run, roleplay, position, option_id, when, statements)
    return roleplay_store.own_run(db, run.id, user.id)


def test_a_roleplay_step_chosen_is_answered_with_the_roleplay_as_parent(
    db, roleplay_course, strict
):
    sam = make_user(db)
    run = play(db, roleplay_course, sam, ["ask-goals", "quote-price"])
    first, second = stored(db, "answered")
    for statement in (first, second):
        check(strict, statement, sam.id)
    assert [c.option_id for c in roleplay_store.choices_in(db, run.id)] == [
        first["result"]["response"],
        second["result"]["response"],
    ]
    assert first["object"]["id"] == f"{HOME}/xapi/step/first-call/opening"
    definition = second["object"]["definition"]
    assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert definition["interactionType"] == "choice"
    assert definition["name"] == {"en-US": "What do you do next?"}
    assert definition["correctResponsesPattern"] == ["propose-pilot"]
    assert [c["id"] for c in definition["choices"]] == [
        "propose-pilot",
        "quote-price",
        "start-over",
    ]
    assert all(c["description"]["en-US"] for c in definition["choices"])
    assert second["result"]["response"] == "quote-price"
    assert second["result"]["score"] == {"raw": 6, "min": 0, "max": 10, "scaled": 0.6}
    assert second["result"]["success"] is False
    assert first["result"]["success"] is True  # ask-goals is the best move at the opening
    assert second["timestamp"] == "2026-11-02T09:31:00+00:00"
    [parent] = second["context"]["contextActivities"]["parent"]
    assert parent["id"] == f"{HOME}/xapi/roleplay/first-call"
    assert parent["definition"]["type"] == "http://adlnet.gov/expapi/activities/simulation"
    assert parent["definition"]["name"] == {"en-US": "A first call with a buyer"}
    assert first["context"]["registration"] == second["context"]["registration"]
    assert first["context"]["registration"] == xapi.run_registration(HOME, run.id)
    assert not stored(db, "completed")  # the run has not reached an ending


@pytest.mark.parametrize(
    ("choices", "ending", "points", "good"),
    [
        (["ask-goals", "propose-pilot", "meet-director"], "signed", 10, True),
        (["send-brochure", "hold-price"], "small-order", 6, False),
        (["offer-discount"], "lost", 0, False),
    ],
)
def test_a_roleplay_ending_reached_is_completed_with_success_for_a_good_ending(
    db, roleplay_course, strict, choices, ending, points, good
):
    sam = make_user(db)
    run = play(db, roleplay_course, sam, choices)
    assert run.ending_id == ending
    assert len(stored(db, "answered")) == len(choices)
    [completed] = [s for s in stored(db, "completed") if "/xapi/roleplay/" in s["object"]["id"]]
    check(strict, completed, sam.id)
    assert completed["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert completed["object"]["id"] == f"{HOME}/xapi/roleplay/first-call"
    assert completed["result"] == {
        "score": {"raw": points, "min": 0, "max": 10, "scaled": points / 10},
        "success": good,
        "completion": True,
        "extensions": {f"{HOME}/xapi/extensions/ending": ending},
    }
    assert completed["timestamp"] == run.finished_at
    assert completed["context"]["registration"] == xapi.run_registration(HOME, run.id)
    [parent] = completed["context"]["contextActivities"]["parent"]
    assert parent["id"] == f"{HOME}/xapi/module/alpha"
    # Playing the role-play to an ending is one of alpha's steps: the module moves on.
    [progressed] = stored(db, "progressed")
    assert progressed["object"]["id"] == f"{HOME}/xapi/module/alpha"
    assert stored(db)[-1] == progressed


def test_a_signed_in_learners_roleplay_step_vote_is_responded_in_the_workshop_session(
    db, roleplay_course, strict
):
    """Consistent with a scenario vote: a step vote goes on no record, but is sent to the LRS."""
    fran = make_user(db, "fran", roles=("facilitator",))
    sam = make_user(db, "sam")
    roleplay = roleplay_course.roleplay("first-call")
    recorder = Recorder(roleplay_course, HOME)
    deck = workshop_store.save_deck(db, fran, "Calls", [RoleplayEntry("first-call")], NOW)
    workshop = workshop_store.start_workshop(db, fran, deck.id, NOW)
    for action in ("next", "open"):
        workshop_store.act(db, fran, workshop.id, action, NOW)
    learner = workshop_store.join(db, workshop.id, NOW, user=sam)
    nickname = workshop_store.join(db, workshop.id, NOW, nickname="Guest", token="t" * 20)
    for person in (learner, nickname):
        statements = recorder.workshop_step_vote(
            person.user_id,
            workshop.id,
            roleplay,
            "opening",
            position=0,
            move=0,
            round_=1,
            option_id="send-brochure",
            now=NOW,
        )
        workshop_store.cast_roleplay_vote(db, person, 0, 0, 1, "send-brochure", NOW, statements)
    [vote] = stored(db)  # the anonymous participant's vote sends nothing
    check(strict, vote, sam.id)
    assert vote["verb"]["id"] == "http://adlnet.gov/expapi/verbs/responded"
    assert vote["object"]["id"] == f"{HOME}/xapi/step/first-call/opening"
    # The step in file order, as a run's statements describe it, not the room's shuffled order.
    choices = [c["id"] for c in vote["object"]["definition"]["choices"]]
    assert choices == ["ask-goals", "send-brochure", "offer-discount"]
    assert vote["result"]["response"] == "send-brochure"
    assert vote["result"]["score"]["raw"] == 3 and vote["result"]["success"] is False
    session, parent = vote["context"]["contextActivities"]["parent"]
    assert session["id"] == f"{HOME}/xapi/workshop/{workshop.id}"
    assert session["definition"]["name"] == {"en-US": "Calls"}
    assert parent["id"] == f"{HOME}/xapi/roleplay/first-call"
    assert vote["context"]["registration"] == xapi.stable_id(HOME, "workshop", workshop.id)


def test_the_same_event_always_gets_the_same_id(db_path, tmp_path, course):
    """Stable ids: the same event in another copy of the database, a moment later, same id."""
    ids = []
    for path in (db_path, tmp_path / "other.db"):
        db = open_database(path)
        apply_migrations(db)
        sam = make_user(db)
        answer_all(db, Recorder(course, HOME), course, sam, {"alpha-one": "strategic"})
        ids.append([s["id"] for s in stored(db)])
        db.close()
    assert ids[0] == ids[1] and len(set(ids[0])) == len(ids[0])
    assert xapi.stable_id("https://other.example.com", "answered", 1, "alpha-one") not in ids[0]


# The outbox ------------------------------------------------------------------


def test_a_double_recorded_answer_leaves_one_statement(db, recorder, course):
    sam = make_user(db)
    quiz = course.quiz("alpha")
    attempt = learning.start_attempt(db, sam.id, "alpha", NOW)
    journey.answer_scenario(db, attempt, quiz, "alpha-one", "strategic", NOW, recorder)
    journey.answer_scenario(db, attempt, quiz, "alpha-one", "discount", NOW, recorder)
    [answer] = stored(db, "answered")
    assert answer["result"]["response"] == "strategic"  # the first answer stands, in the LRS too
    assert len(stored(db, "attempted")) == 1


def test_a_double_clicked_roleplay_choice_leaves_one_statement(db, roleplay_course):
    """A double click or a stale tab sends the choice at a position again: the first stands,
    in the LRS too, and the ending is completed once."""
    sam = make_user(db)
    roleplay = roleplay_course.roleplay("first-call")
    recorder = Recorder(roleplay_course, HOME)
    run = roleplay_store.start_run(db, sam.id, roleplay.id, NOW)
    for option_id in ("offer-discount", "offer-discount", "ask-goals"):
        statements = recorder.roleplay_choice(run, roleplay, 0)
        roleplay_store.record_choice(db, run, roleplay, 0, option_id, NOW, statements)
    [answered] = stored(db, "answered")
    assert answered["result"]["response"] == "offer-discount"
    assert len([s for s in stored(db, "completed") if "/roleplay/" in s["object"]["id"]]) == 1


def test_another_run_of_a_roleplay_gets_statements_of_its_own(db, roleplay_course):
    """Play again: the same moves in a new run are new events, with ids of their own."""
    sam = make_user(db)
    first = play(db, roleplay_course, sam, ["offer-discount"])
    again = play(db, roleplay_course, sam, ["offer-discount"])
    assert first.id != again.id
    answered = stored(db, "answered")
    assert len(answered) == 2 and answered[0]["id"] != answered[1]["id"]
    assert {s["context"]["registration"] for s in answered} == {
        xapi.run_registration(HOME, first.id),
        xapi.run_registration(HOME, again.id),
    }


def test_a_section_read_twice_leaves_one_statement_each(db, recorder):
    sam = make_user(db)
    for when in (NOW, NOW + timedelta(hours=1)):
        learning.mark_section_read(
            db,
            sam.id,
            "alpha",
            "first-steps",
            when,
            recorder.section_read(sam.id, "alpha", "first-steps"),
        )
    assert len(stored(db, "experienced")) == 1
    assert len(stored(db, "progressed")) == 1


def test_a_rolled_back_event_leaves_no_statement(db, recorder):
    """The statement is written in the event's transaction: when the event fails after the
    statement was added, neither the event nor the statement is stored."""
    sam = make_user(db)
    builder = recorder.section_read(sam.id, "alpha", "first-steps")

    def then_fail(conn):
        statements = builder(conn)
        return [*statements, {"broken": True}]  # fails once the real ones are in the outbox

    with pytest.raises(KeyError):
        learning.mark_section_read(db, sam.id, "alpha", "first-steps", NOW, then_fail)
    assert stored(db) == []
    assert learning.sections_read(db, sam.id) == {}


def test_a_statement_is_marked_sent_only_when_told(db, recorder):
    sam = make_user(db)
    learning.mark_section_read(
        db,
        sam.id,
        "alpha",
        "first-steps",
        NOW,
        recorder.section_read(sam.id, "alpha", "first-steps"),
    )
    waiting = outbox.pending(db, 10)
    assert len(waiting) == outbox.count_pending(db) == 2
    outbox.mark_sent(db, [waiting[0].id], NOW)
    assert [p.id for p in outbox.pending(db, 10)] == [waiting[1].id]


def test_the_strict_model_does_refuse_a_bad_statement(strict):
    """Guards the checks above: a statement with an e-mail-less, id-less actor is refused."""
    assert strict.errors({"actor": {"name": "Sam"}, "verb": {"id": "x"}, "object": {}})
