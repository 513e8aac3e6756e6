"""Single sign-on accounts on a real SQLite file: first sign-in, linking, deactivation, races."""

import sqlite3
import threading

import pytest
from conftest import NOW, make_user

from arrowhead.accounts import SIGN_IN_FAILED, AccountError
from arrowhead.sso import Identity
from arrowhead.store import accounts, audit, identities
from arrowhead.store import teams as team_store
from arrowhead.store.database import open_database
from arrowhead.teams import COMMAND_LINE, TeamError

ISSUER = "https://id.example.com"


def identity(subject: str = "s-ana", name: str = "Ana Costa", base: str = "ana") -> Identity:
    return Identity(issuer=ISSUER, subject=subject, display_name=name, username_base=base)


def row(db, user_id: int) -> tuple:
    return db.execute(
        "SELECT username, password_hash, auth_provider, external_id, active FROM users WHERE id = ?",
        [user_id],
    ).fetchone()


def test_first_sign_in_makes_a_learner_with_no_password_and_the_next_finds_it(db):
    first = identities.sign_in_with_identity(db, identity(), NOW)
    assert (first.username, first.display_name, first.roles) == (
        "ana",
        "Ana Costa",
        frozenset({"learner"}),
    )
    assert row(db, first.id) == ("ana", None, ISSUER, "s-ana", 1)
    # The provider may send another name later: the account is keyed on the subject.
    again = identities.sign_in_with_identity(db, identity(name="Ana C."), NOW)
    assert again.id == first.id
    assert accounts.count_users(db) == 1
    # No local password: the derived username cannot sign in with one.
    with pytest.raises(AccountError, match=SIGN_IN_FAILED):
        accounts.sign_in(db, "ana", "password123", NOW)


def test_the_derived_username_is_made_unique(db):
    make_user(db, "ana")
    make_user(db, "Ana-2")  # usernames are unique whatever their case
    made = identities.sign_in_with_identity(db, identity(), NOW)
    assert made.username == "ana-3"
    other = identities.sign_in_with_identity(db, identity("s-other", "Ana Silva"), NOW)
    assert other.username == "ana-4"


def test_same_subject_at_another_issuer_is_another_account(db):
    ours = identities.sign_in_with_identity(db, identity(), NOW)
    theirs = identities.sign_in_with_identity(
        db, Identity("https://elsewhere.example", "s-ana", "Ana", "ana"), NOW
    )
    assert ours.id != theirs.id


def test_a_deactivated_sso_account_is_refused_with_a_sentence(db):
    ana = identities.sign_in_with_identity(db, identity(), NOW)
    team_store.set_active(db, COMMAND_LINE, ana.id, False, NOW)
    with pytest.raises(AccountError) as err:
        identities.sign_in_with_identity(db, identity(), NOW)
    assert str(err.value) == identities.DEACTIVATED_SSO
    assert accounts.count_users(db) == 1  # refused, not made again
    team_store.set_active(db, COMMAND_LINE, ana.id, True, NOW)
    assert identities.sign_in_with_identity(db, identity(), NOW).id == ana.id


def sign_in_together(db_path, subject: str) -> tuple[list[int], list[BaseException]]:
    """Two threads, each with its own connection, completing the same first sign-in at once."""
    barrier = threading.Barrier(2)
    found: list[int] = []
    errors: list[BaseException] = []

    def sign_in() -> None:
        own = open_database(db_path)
        try:
            barrier.wait()
            found.append(identities.sign_in_with_identity(own, identity(subject), NOW).id)
        except BaseException as err:  # reported to the test, not lost in the thread
            errors.append(err)
        finally:
            own.close()

    threads = [threading.Thread(target=sign_in) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return found, errors


def test_two_first_sign_ins_at_once_make_one_account(db_path, db):
    """Two tabs (two sessions, two connections) completing the same first sign-in together."""
    for attempt in range(5):
        found, errors = sign_in_together(db_path, f"s-race-{attempt}")
        assert errors == []
        assert len(found) == 2 and found[0] == found[1]
    assert accounts.count_users(db) == 5


def test_the_database_holds_one_account_per_identity(db):
    identities.sign_in_with_identity(db, identity(), NOW)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            """INSERT INTO users (username, display_name, auth_provider, external_id, created_at)
               VALUES ('copy', 'Copy', ?, 's-ana', '2026-11-02')""",
            [ISSUER],
        )


def test_linking_moves_the_sign_on_to_the_existing_account_audited(db):
    boss = make_user(db, "boss", ("admin", "learner"))
    ana = make_user(db, "ana.costa", name="Ana Costa")
    made = identities.sign_in_with_identity(db, identity(), NOW)
    token = accounts.start_login(db, made.id, NOW)

    identities.link_identity(db, boss, made.id, ana.id, NOW)

    assert identities.sign_in_with_identity(db, identity(), NOW).id == ana.id
    # The linked account keeps its password: both ways in work.
    assert accounts.sign_in(db, "ana.costa", "password123", NOW).id == ana.id
    assert row(db, ana.id)[2:] == (ISSUER, "s-ana", 1)
    # The account the first sign-in made can no longer sign in: deactivated, login ended.
    assert row(db, made.id)[2:] == (identities.LOCAL, None, 0)
    assert accounts.user_for_login(db, token, NOW) is None
    logged = [(e.action, e.subject_user_id) for e in audit.audit_entries(db, boss)]
    assert logged == [(audit.DEACTIVATED, made.id), (identities.IDENTITY_LINKED, ana.id)]
    linked = audit.audit_entries(db, boss, subject_user_id=ana.id)[0]
    assert linked.detail == f"the sign-on of Ana Costa (ana) at {ISSUER}"
    methods = identities.sign_in_methods(db, boss)
    assert methods[ana.id].summary == "password and single sign-on"
    assert methods[made.id].summary == "none"
    assert methods[boss.id].summary == "password"


def test_moving_a_sign_on_off_an_account_with_a_password_leaves_it_active(db):
    boss = make_user(db, "boss", ("admin", "learner"))
    first = make_user(db, "first")
    second = make_user(db, "second")
    made = identities.sign_in_with_identity(db, identity(), NOW)
    identities.link_identity(db, boss, made.id, first.id, NOW)
    identities.link_identity(db, boss, first.id, second.id, NOW)
    assert row(db, first.id)[2:] == (identities.LOCAL, None, 1)
    assert row(db, second.id)[2:] == (ISSUER, "s-ana", 1)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not admin", "Only an admin can do that."),
        ("no sign-on", "This account does not sign in with single sign-on."),
        ("to itself", "Pick another account to link this sign-on to."),
        ("target has one", "That account already signs in with single sign-on."),
        ("target deactivated", "That account is deactivated: reactivate it first."),
        ("missing", "That person does not exist."),
    ],
)
def test_linking_refusals_change_nothing(db, case, message):
    boss = make_user(db, "boss", ("admin", "learner"))
    ana = make_user(db, "ana.costa")
    made = identities.sign_in_with_identity(db, identity(), NOW)
    other = identities.sign_in_with_identity(db, identity("s-bo", "Bo", "bo.ng"), NOW)
    actor, source, target = boss, made.id, ana.id
    if case == "not admin":
        actor = ana
    elif case == "no sign-on":
        source = boss.id
    elif case == "to itself":
        target = made.id
    elif case == "target has one":
        target = other.id
    elif case == "target deactivated":
        team_store.set_active(db, COMMAND_LINE, ana.id, False, NOW)
    elif case == "missing":
        target = 9999
    before = db.execute("SELECT * FROM users ORDER BY id").fetchall()
    logged = len(audit.audit_entries(db, boss))
    with pytest.raises(TeamError, match=message):
        identities.link_identity(db, actor, source, target, NOW)
    assert db.execute("SELECT * FROM users ORDER BY id").fetchall() == before
    assert len(audit.audit_entries(db, boss)) == logged


def test_the_only_admin_cannot_be_retired_by_linking(db):
    made = identities.sign_in_with_identity(db, identity(), NOW)
    team_store.set_roles(db, COMMAND_LINE, made.id, ["admin", "learner"])
    local = make_user(db, "ana.costa")
    with pytest.raises(TeamError, match="only admin"):
        identities.link_identity(db, COMMAND_LINE, made.id, local.id, NOW)
    assert row(db, made.id)[4] == 1


def test_sign_in_methods_are_for_admins_only(db):
    learner = make_user(db, "sam")
    assert identities.sign_in_methods(db, learner) == {}


def test_roles_and_teams_work_for_an_sso_account_as_for_any(db):
    boss = make_user(db, "boss", ("admin", "learner"))
    made = identities.sign_in_with_identity(db, identity(), NOW)
    north = team_store.create_team(db, boss, "North", NOW)
    team_store.save_person(db, boss, made.id, ["learner", "manager"], None, [north.id], NOW)
    team_store.set_team(db, boss, made.id, north.id, NOW)
    again = identities.sign_in_with_identity(db, identity(), NOW)
    assert again.roles == frozenset({"learner", "manager"})
    assert team_store.team_of(db, made.id) == "North"
    assert [t.name for t in team_store.teams_for(db, again)] == ["North"]
