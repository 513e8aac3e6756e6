"""Certificates in SQLite: issued once, even at once from two connections; looked up by code;
read by managers only within their scope."""

from __future__ import annotations

import threading
from dataclasses import fields

import pytest
from conftest import NOW, make_user
from team_fixtures import build_org

from arrowhead.certificates import CODE_LENGTH, QuizScore, clean_code, shown_code
from arrowhead.store import certificates as store
from arrowhead.store import teams as team_store
from arrowhead.store.database import open_database
from arrowhead.teams import COMMAND_LINE

EARNED = "2026-11-01T15:04:05+00:00"
SCORES = [QuizScore("alpha", "Alpha quiz", 75), QuizScore("beta", "Beta quiz", 100)]


def test_issuing_twice_keeps_the_first_certificate(db):
    ana = make_user(db, "ana", name="Ana Able")
    first = store.issue_certificate(db, ana.id, EARNED, SCORES, NOW)
    again = store.issue_certificate(db, ana.id, "2026-12-01T00:00:00+00:00", [], NOW)
    assert again == first
    assert db.execute("SELECT count(*) FROM certificates").fetchone()[0] == 1
    assert first.display_name == "Ana Able"
    assert first.earned_at == EARNED
    assert first.scores == tuple(SCORES)
    assert len(first.code) == CODE_LENGTH
    assert store.certificate_of(db, ana.id) == first


def test_two_connections_issuing_at_once_make_one_certificate(db, db_path):
    """Two tabs (two sessions, each with its own connection) finishing at the same moment."""
    ana = make_user(db, "ana")
    start = threading.Barrier(4)
    results: list[store.Certificate] = []
    errors: list[BaseException] = []

    def issue() -> None:
        own = open_database(db_path)
        try:
            start.wait()
            results.append(store.issue_certificate(own, ana.id, EARNED, SCORES, NOW))
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)
        finally:
            own.close()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({r.code for r in results}) == 1
    assert db.execute("SELECT count(*) FROM certificates").fetchone()[0] == 1


def test_every_learner_gets_a_code_of_their_own(db):
    codes = {
        store.issue_certificate(db, make_user(db, f"learner{n}").id, EARNED, SCORES, NOW).code
        for n in range(20)
    }
    assert len(codes) == 20


def test_verify_tells_only_the_name_and_the_date_earned(db):
    ana = make_user(db, "ana", name="Ana Able")
    issued = store.issue_certificate(db, ana.id, EARNED, SCORES, NOW)
    found = store.verify(db, clean_code(shown_code(issued.code).lower()))
    assert found == store.Verified(display_name="Ana Able", earned_at=EARNED)
    assert [f.name for f in fields(store.Verified)] == ["display_name", "earned_at"]


def test_an_unknown_code_verifies_nothing(db):
    ana = make_user(db, "ana")
    issued = store.issue_certificate(db, ana.id, EARNED, SCORES, NOW)
    other = "ACDEFGHJKM34" if issued.code != "ACDEFGHJKM34" else "ACDEFGHJKM36"
    assert store.verify(db, other) is None
    assert store.certificate_of(db, make_user(db, "ben").id) is None


def test_the_certificate_keeps_the_name_it_was_issued_with(db):
    ana = make_user(db, "ana", name="Ana Able")
    issued = store.issue_certificate(db, ana.id, EARNED, SCORES, NOW)
    db.execute("UPDATE users SET display_name = 'Someone Else' WHERE id = ?", [ana.id])
    assert store.verify(db, issued.code) == store.Verified("Ana Able", EARNED)


def test_a_deactivated_learners_certificate_still_verifies(db):
    make_user(db, "boss", ("admin",))
    ana = make_user(db, "ana", name="Ana Able")
    issued = store.issue_certificate(db, ana.id, EARNED, SCORES, NOW)
    team_store.set_active(db, COMMAND_LINE, ana.id, False, NOW)
    assert store.verify(db, issued.code) == store.Verified("Ana Able", EARNED)


def test_issuing_for_nobody_is_refused(db):
    with pytest.raises(LookupError):
        store.issue_certificate(db, 999, EARNED, SCORES, NOW)
    assert db.execute("SELECT count(*) FROM certificates").fetchone()[0] == 0


def test_managers_see_certificates_only_in_their_teams(db, course_root):
    org = build_org(db, course_root)
    for learner in (org.ana, org.cleo):
        store.issue_certificate(db, learner.id, EARNED, SCORES, NOW)
    assert team_store.certificates_earned(db, org.manager_a, org.team_a) == {org.ana.id: EARNED}
    assert team_store.certificates_earned(db, org.manager_a, None) == {org.ana.id: EARNED}
    # Another team's learner, asked for by id, gives nothing back.
    assert team_store.certificates_earned(db, org.manager_a, org.team_b) == {}
    assert team_store.certificates_earned(db, org.manager_b, None) == {org.cleo.id: EARNED}
    assert team_store.certificates_earned(db, org.admin, None) == {
        org.ana.id: EARNED,
        org.cleo.id: EARNED,
    }
    # A learner is no manager: they see no one's, not even through a team id.
    assert team_store.certificates_earned(db, org.ana, org.team_a) == {}
    assert team_store.certificates_earned(db, org.ana, None) == {}


def test_a_deactivated_learner_leaves_the_roster_count_but_keeps_the_certificate(db, course_root):
    org = build_org(db, course_root)
    issued = store.issue_certificate(db, org.ana.id, EARNED, SCORES, NOW)
    team_store.set_active(db, COMMAND_LINE, org.ana.id, False, NOW)
    assert team_store.certificates_earned(db, org.manager_a, org.team_a) == {}
    assert store.verify(db, issued.code) is not None
