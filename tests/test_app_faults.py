"""A fault in a page reaches the person as a plain sentence, and the log keeps the details."""

import logging

import pytest
from conftest import app_for, make_user, texts


def test_a_page_fault_is_a_plain_message_not_a_traceback(app_env, caplog):
    user = make_user(app_env)
    # A real fault: the table the course map reads has gone.
    app_env.execute("ALTER TABLE attempts RENAME TO attempts_gone")
    app_env.conn.commit()
    at = app_for(app_env, user)
    shown = texts(at)
    assert not at.exception
    assert "Something went wrong on our side, and it has been logged." in shown
    assert "no such table" not in shown and "Traceback" not in shown
    records = [r for r in caplog.records if r.name == "arrowhead"]
    assert records and "no such table: attempts" in records[0].exc_text
    caplog.clear()  # this test's fault was on purpose


@pytest.mark.parametrize("level", [logging.INFO])
def test_nothing_is_logged_on_a_healthy_page(app_env, caplog, level):
    at = app_for(app_env, make_user(app_env))
    assert not [r for r in caplog.records if r.name == "arrowhead" and r.levelno > level]
    assert "Alpha module" in texts(at)
