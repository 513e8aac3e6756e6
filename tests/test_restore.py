"""`arrowhead restore`: a backup goes back only when it is whole, ours, not older, and the app is stopped."""

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import NOW, Server, make_user

from arrowhead.cli import cli
from arrowhead.store import accounts
from arrowhead.store.database import apply_migrations, open_database
from arrowhead.store.restore import (
    RestoreRefused,
    check_copy,
    database_in_use,
    latest_activity,
    restore_database,
)

ROOT = Path(__file__).resolve().parent.parent


def backed_up(db_path: Path, target: Path) -> Path:
    result = CliRunner().invoke(cli, ["backup", str(target), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture
def live(tmp_path: Path) -> Path:
    """A live database with one learner, and no connection left open."""
    path = tmp_path / "progress.db"
    db = open_database(path)
    apply_migrations(db)
    make_user(db, "sam")
    db.close()
    return path


def restore(copy: Path, live: Path, *flags: str):
    return CliRunner().invoke(cli, ["restore", str(copy), "--db", str(live), *flags])


def test_a_copy_as_new_as_the_live_file_goes_back_and_the_replaced_file_is_kept(live, tmp_path):
    copy = backed_up(live, tmp_path / "copy.db")
    db = open_database(live)
    db.execute("UPDATE users SET display_name = 'Changed after the backup'")
    db.close()
    result = restore(copy, live)
    assert result.exit_code == 0, result.output
    assert f"Restored {live} from {copy}: 1 people, 0 answers" in result.output
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("progress.db.replaced-")]
    assert len(kept) == 1 and f"kept at {kept[0]}" in result.output
    restored = open_database(live)
    assert accounts.find_user(restored, "sam").display_name == "Sam"
    restored.close()
    replaced = open_database(kept[0])
    assert accounts.find_user(replaced, "sam").display_name == "Changed after the backup"
    replaced.close()
    assert copy.exists(), "the copy itself is left untouched"


def test_an_older_copy_is_refused_unless_forced(live, tmp_path):
    copy = backed_up(live, tmp_path / "copy.db")
    db = open_database(live)
    accounts.create_user(db, "kim", "Kim", "password123", NOW + timedelta(days=3))
    db.close()
    result = restore(copy, live)
    assert result.exit_code == 1
    assert result.output.startswith("Error: The copy's newest record (")
    assert "restoring loses everything recorded since. Add --force" in result.output
    db = open_database(live)
    assert accounts.find_user(db, "kim") is not None, "a refused restore changes nothing"
    db.close()
    result = restore(copy, live, "--force")
    assert result.exit_code == 0, result.output
    db = open_database(live)
    assert accounts.find_user(db, "kim") is None
    db.close()


def test_a_damaged_copy_is_refused_and_the_live_file_is_untouched(live, tmp_path):
    copy = backed_up(live, tmp_path / "copy.db")
    data = bytearray(copy.read_bytes())
    page = 4096
    data[page + 8 : page + 200] = b"\xff" * 192  # scribble over the second page's cells
    copy.write_bytes(bytes(data))
    before = live.read_bytes()
    result = restore(copy, live)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "integrity check" in result.output or "not a whole SQLite database" in result.output
    assert live.read_bytes() == before


def test_a_file_that_is_not_a_database_is_refused(live, tmp_path):
    copy = tmp_path / "notes.txt"
    copy.write_text("not a database at all " * 100)
    result = restore(copy, live)
    assert result.exit_code == 1
    assert (
        result.output == f"Error: {copy} is not a whole SQLite database (file is not a database).\n"
    )


def test_a_database_of_something_else_is_refused(live, tmp_path):
    copy = tmp_path / "other.db"
    other = sqlite3.connect(copy)
    other.execute("CREATE TABLE recipes (name TEXT)")
    other.commit()
    other.close()
    result = restore(copy, live)
    assert result.output == f"Error: {copy} is not an Arrowhead database.\n"


def test_a_copy_from_a_newer_arrowhead_is_refused(live, tmp_path):
    copy = backed_up(live, tmp_path / "copy.db")
    newer = sqlite3.connect(copy)
    newer.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('arrowhead', 'a_step_from_the_future', '2027-01-01')"
    )
    newer.commit()
    newer.close()
    result = restore(copy, live, "--force")
    assert result.exit_code == 1
    assert "was made by a newer Arrowhead" in result.output
    assert "arrowhead/a_step_from_the_future" in result.output


def test_a_copy_missing_schema_steps_is_brought_up_to_date(live, tmp_path):
    """A copy from an older Arrowhead gets the steps it lacks as it goes back."""
    copy = backed_up(live, tmp_path / "copy.db")
    older = sqlite3.connect(copy)
    older.execute("DELETE FROM _sqlite_migrations WHERE migration_set = 'arrowhead-audit'")
    older.execute("DROP TABLE audit_log")
    older.commit()
    older.close()
    assert check_copy(copy).pending >= 1
    assert restore(copy, live).exit_code == 0
    db = open_database(live)
    assert db["audit_log"].exists()
    db.close()


def test_a_missing_copy_says_so(live, tmp_path):
    result = restore(tmp_path / "nowhere.db", live)
    assert result.output == f"Error: There is no file at {tmp_path / 'nowhere.db'}.\n"


def test_an_open_connection_counts_as_in_use(live):
    assert not database_in_use(live)
    db = open_database(live)
    db.execute("SELECT count(*) FROM users").fetchone()
    assert database_in_use(live)
    db.close()
    assert not database_in_use(live)


def test_latest_activity_ignores_deadlines(live):
    db = open_database(live)
    first = latest_activity(db)
    assert first is not None and first.startswith(NOW.date().isoformat())
    # A login lasts weeks: its expiry is in the future but records nothing that happened.
    accounts.start_login(db, accounts.find_user(db, "sam").id, NOW)
    assert latest_activity(db) == first
    db.close()


def test_restore_refuses_while_a_connection_holds_the_file(live, tmp_path):
    copy = backed_up(live, tmp_path / "copy.db")
    db = open_database(live)
    db.execute("SELECT 1 FROM users").fetchone()
    with pytest.raises(RestoreRefused, match="has .* open. Stop the app, then restore."):
        restore_database(copy, live, NOW)
    db.close()


@pytest.mark.browser
def test_restore_refuses_while_the_app_runs(live, tmp_path, browser):
    """The running app keeps the file open from its first visit until it stops."""
    copy = backed_up(live, tmp_path / "copy.db")
    server = Server(live, ROOT)
    try:
        page = browser.new_page()
        page.goto(server.url)
        page.get_by_label("Username").first.wait_for(timeout=30_000)
        page.close()  # no browser connected now: the app still holds the file
        result = restore(copy, live)
        assert result.exit_code == 1
        assert result.output == (
            f"Error: The app (or another command) has {live} open. Stop the app, then restore.\n"
        )
    finally:
        server.stop()
    result = restore(copy, live)
    assert result.exit_code == 0, result.output
