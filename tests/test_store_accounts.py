"""Sign-in and sign-up on a real SQLite file: the write lock, input limits, failed tries."""

import threading
import time
from datetime import timedelta

import pytest
from conftest import NOW, make_user

from arrowhead.accounts import SIGN_IN_FAILED, AccountError
from arrowhead.store import accounts
from arrowhead.store import teams as team_store
from arrowhead.store.database import immediate, open_database
from arrowhead.teams import COMMAND_LINE

WAIT_30 = "Too many failed sign-ins for this username. Try again in 30 seconds."


def failures(db) -> list[tuple[str, str]]:
    return db.execute("SELECT username, failed_at FROM sign_in_failures ORDER BY id").fetchall()


def fail(db, username: str, at: timedelta, password: str = "nope-nope") -> str:
    """Try a wrong password at NOW + at; the message it gets."""
    with pytest.raises(AccountError) as err:
        accounts.sign_in(db, username, password, NOW + at)
    return str(err.value)


# The write lock -----------------------------------------------------------------


@pytest.mark.parametrize("action", ["sign in", "sign up", "first admin", "reset"])
def test_other_writes_do_not_wait_while_a_password_is_hashed(db_path, db, action):
    """Regression: create_user and sign_in ran argon2 (about 0.3 s) inside BEGIN IMMEDIATE,
    so every other write waited for it, and with a room signing in at once answers failed
    with 'database is locked'. Here a writer takes the lock over and over while one
    password is hashed or checked: no take may wait anything like the hash's time."""
    if action != "first admin":
        user = make_user(db, "sam")
        code = team_store.issue_reset_code(db, COMMAND_LINE, user.id, NOW)

    def act() -> None:
        conn = open_database(db_path)
        try:
            if action == "sign in":
                accounts.sign_in(conn, "sam", "password123", NOW)
            elif action == "sign up":
                accounts.create_user(conn, "kim", "Kim", "password123", NOW)
            elif action == "first admin":
                accounts.create_first_admin(conn, "boss", "Boss", "password123", NOW)
            else:
                accounts.reset_password(conn, "sam", code, "new-password", NOW)
        finally:
            conn.close()

    thread = threading.Thread(target=act)
    waits = []
    began = time.perf_counter()
    thread.start()
    while thread.is_alive():
        started = time.perf_counter()
        with immediate(db):
            waits.append(time.perf_counter() - started)
        time.sleep(0.001)
    thread.join()
    took = time.perf_counter() - began  # mostly the hash, however loaded the machine is
    assert max(waits) < took / 3, (max(waits), took)
    assert len(waits) > 10


# Input limits and old failures -----------------------------------------------------


def test_an_over_long_username_is_refused_before_anything_is_stored(db):
    """Regression: a 1,000,000-character username typed at the sign-in form was stored as
    typed in sign_in_failures on every failed try."""
    make_user(db, "sam")
    assert "at most 32 characters" in fail(db, "x" * 1_000_000, timedelta(0))
    assert "at most 256 characters" in fail(db, "sam", timedelta(0), password="x" * 1_000_000)
    with pytest.raises(AccountError, match="at most 32 characters"):
        accounts.reset_password(db, "x" * 1_000_000, "ABCD", "password123", NOW)
    assert failures(db) == []


def test_a_username_no_account_can_have_is_refused_without_a_row(db):
    assert fail(db, "not a username!", timedelta(0)) == SIGN_IN_FAILED
    assert failures(db) == []


def test_failures_are_deleted_once_they_no_longer_count(db):
    """Regression: failure rows only went when that username later signed in, so failed
    tries at names nobody signs in as stayed for ever."""
    fail(db, "ghost", timedelta(0))
    fail(db, "nobody", timedelta(minutes=1))
    fail(db, "sam", timedelta(minutes=15, seconds=30))
    assert [name for name, _ in failures(db)] == ["nobody", "sam"]


# Waiting after repeated failures ------------------------------------------------------


def test_after_five_failures_each_try_waits_and_waiting_works(db):
    make_user(db, "sam")
    for second in range(5):
        assert fail(db, "sam", timedelta(seconds=second)) == SIGN_IN_FAILED
    # Even the right password is refused while waiting: a guess beyond the limit is never told.
    assert fail(db, "sam", timedelta(seconds=5), password="password123") == (
        "Too many failed sign-ins for this username. Try again in 29 seconds."
    )
    assert len(failures(db)) == 5  # a refused try is not a failure
    assert fail(db, "sam", timedelta(seconds=34)) == SIGN_IN_FAILED
    assert fail(db, "sam", timedelta(seconds=35)).endswith("Try again in 59 seconds.")
    user = accounts.sign_in(db, "sam", "password123", NOW + timedelta(seconds=94))
    assert user.username == "sam"
    assert failures(db) == []


def test_five_wrong_passwords_every_quarter_hour_no_longer_keep_a_username_shut(db):
    """Regression: five wrong passwords every 15 minutes kept a username locked for good;
    now the wait is counted from the last failure and starts at 30 seconds."""
    make_user(db, "sam")
    for burst in range(4):
        start = timedelta(minutes=15 * burst)
        for second in range(5):
            fail(db, "sam", start + timedelta(seconds=second))
        assert accounts.sign_in(db, "sam", "password123", NOW + start + timedelta(minutes=1))


def test_an_admins_reset_code_works_during_a_wait_and_clears_it(db):
    """Regression: the reset form was refused with the same lockout, so a locked-out person,
    even the only admin, could not get back in with the reset code an admin gave them."""
    boss = accounts.create_first_admin(db, "boss", "Boss", "password123", NOW)
    for second in range(8):
        fail(db, "boss", timedelta(seconds=second))
    code = team_store.issue_reset_code(db, COMMAND_LINE, boss.id, NOW)
    later = NOW + timedelta(seconds=10)
    assert accounts.reset_password(db, "boss", code, "new-password", later).id == boss.id
    assert failures(db) == []
    assert accounts.sign_in(db, "boss", "new-password", later).id == boss.id


def test_a_wrong_reset_code_counts_as_a_failure_but_not_while_waiting(db):
    user = make_user(db, "sam")
    team_store.issue_reset_code(db, COMMAND_LINE, user.id, NOW)
    for _ in range(5):
        with pytest.raises(AccountError, match="reset code is not valid"):
            accounts.reset_password(db, "sam", "WRONG-CODE-1", "new-password", NOW)
    with pytest.raises(AccountError, match="reset code is not valid"):
        accounts.reset_password(db, "sam", "WRONG-CODE-1", "new-password", NOW)
    assert len(failures(db)) == 5
    assert fail(db, "sam", timedelta(seconds=1), password="password123") == (
        "Too many failed sign-ins for this username. Try again in 29 seconds."
    )


def test_unlocking_a_username_clears_its_failures(db):
    make_user(db, "sam")
    for _ in range(5):
        fail(db, "sam", timedelta(0))
    fail(db, "kim", timedelta(0))
    assert accounts.clear_sign_in_failures(db, "SAM") == 5
    assert accounts.sign_in(db, "sam", "password123", NOW).username == "sam"
    assert [name for name, _ in failures(db)] == ["kim"]


def test_concurrent_wrong_passwords_cannot_slip_past_the_limit(db_path, db):
    """Ten threads, each with its own connection, guess at once: five failures count, and
    the other five are told to wait."""
    make_user(db, "sam")
    outcomes: list[str] = []
    lock = threading.Lock()

    def guess() -> None:
        conn = open_database(db_path)
        try:
            accounts.sign_in(conn, "sam", "nope-nope", NOW)
        except AccountError as err:
            with lock:
                outcomes.append(str(err))
        finally:
            conn.close()

    threads = [threading.Thread(target=guess) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count(SIGN_IN_FAILED) == 5
    assert outcomes.count(WAIT_30) == 5
    assert len(failures(db)) == 5
