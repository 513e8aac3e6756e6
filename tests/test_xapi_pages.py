"""The pages store each learning event's xAPI statements with it (AppTest, a real SQLite file)."""

from __future__ import annotations

import json

from conftest import NOW, app_for, make_user

from arrowhead.store import workshops as workshop_store
from arrowhead.store import xapi as outbox
from arrowhead.workshops import DeckEntry, RoleplayEntry

UI = "arrowhead/ui/"


def verbs(db) -> list[str]:
    return [json.loads(text)["verb"]["display"]["en-US"] for text in outbox.statements_since(db)]


def button(at, label):
    return next(b for b in at.button if b.label == label)


def test_marking_a_section_read_stores_its_statements(app_env, monkeypatch):
    monkeypatch.setenv("ARROWHEAD_PUBLIC_URL", "https://arrowhead.example.com")
    sam = make_user(app_env)
    at = app_for(app_env, sam, UI + "module_page.py", module="alpha")
    button(at, "Mark as read and continue →").click().run()
    assert not at.exception
    assert verbs(app_env) == ["experienced", "progressed"]
    [first, _] = [json.loads(t) for t in outbox.statements_since(app_env)]
    assert first["actor"]["account"] == {
        "homePage": "https://arrowhead.example.com",
        "name": str(sam.id),
    }


def test_taking_a_quiz_stores_every_statement_of_the_attempt(app_env):
    sam = make_user(app_env)
    at = app_for(app_env, sam, UI + "quiz_page.py", quiz="alpha")
    button(at, "Start the quiz").click().run()
    for option in ("strategic", "escalate"):
        at.radio[0].set_value(option)
        button(at, "Submit answer").click().run()
        assert not at.exception
        labels = [b.label for b in at.button]
        button(
            at, "Next scenario →" if "Next scenario →" in labels else "See your result"
        ).click().run()
    assert verbs(app_env) == [
        "attempted",
        "answered",
        "answered",
        "completed",
        "passed",
        "progressed",  # the quiz is one of alpha's three steps
    ]
    statement = json.loads(next(outbox.statements_since(app_env)))
    assert statement["actor"]["account"]["homePage"] == "http://localhost:8501"  # no address set


def test_a_signed_in_learners_vote_stores_its_statement(app_env):
    fran = make_user(app_env, "fran", roles=("facilitator",))
    lou = make_user(app_env, "lou")
    deck = workshop_store.save_deck(
        app_env, fran, "Kick-off", [DeckEntry("alpha", "alpha-one")], NOW
    )
    workshop = workshop_store.start_workshop(app_env, fran, deck.id, NOW)
    at = app_for(app_env, lou, page=UI + "join_page.py", code=workshop.join_code)
    at.button(key="join_submit").click().run()
    for action in ("next", "open"):
        workshop_store.act(app_env, fran, workshop.id, action, NOW)
    at.run()
    at.button(key="vote_0_1_strategic").click().run()
    assert not at.exception
    assert verbs(app_env) == ["responded"]


def test_playing_a_roleplay_to_its_ending_stores_its_statements(roleplay_root, app_env):
    sam = make_user(app_env)
    at = app_for(app_env, sam, UI + "roleplay_page.py", id="first-call")
    button(at, "Start the role-play").click().run()
    for option in ("ask-goals", "propose-pilot", "meet-director"):
        at.radio[0].set_value(option)
        button(at, "Make this move").click().run()
        assert not at.exception
    assert verbs(app_env) == [
        "answered",
        "answered",
        "answered",
        "completed",
        "progressed",  # the role-play is one of alpha's steps
    ]
    statements = [json.loads(text) for text in outbox.statements_since(app_env)]
    assert [s["result"]["response"] for s in statements[:3]] == [
        "ask-goals",
        "propose-pilot",
        "meet-director",
    ]
    ending = statements[3]
    assert ending["object"]["id"] == "http://localhost:8501/xapi/roleplay/first-call"
    assert ending["result"]["success"] is True and ending["result"]["completion"] is True
    # A reload of the ending page stores nothing more.
    at.run()
    assert len(verbs(app_env)) == 5


def test_a_signed_in_learners_roleplay_step_vote_stores_its_statement(roleplay_root, app_env):
    fran = make_user(app_env, "fran", roles=("facilitator",))
    lou = make_user(app_env, "lou")
    deck = workshop_store.save_deck(app_env, fran, "Calls", [RoleplayEntry("first-call")], NOW)
    workshop = workshop_store.start_workshop(app_env, fran, deck.id, NOW)
    at = app_for(app_env, lou, page=UI + "join_page.py", code=workshop.join_code)
    at.button(key="join_submit").click().run()
    for action in ("next", "open"):
        workshop_store.act(app_env, fran, workshop.id, action, NOW)
    at.run()
    at.button(key="vote_0_0_1_ask-goals").click().run()
    assert not at.exception
    assert verbs(app_env) == ["responded"]
