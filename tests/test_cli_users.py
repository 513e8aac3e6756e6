"""`arrowhead users ...`: scripted set-up of people and teams, with plain errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import NOW

from arrowhead.accounts import AccountError
from arrowhead.cli import cli
from arrowhead.store import accounts
from arrowhead.store import teams as team_store
from arrowhead.store.database import open_database


def run(db_path, *args, input=None):
    return CliRunner().invoke(cli, [*args, "--db", str(db_path)], input=input)


def test_users_commands_set_up_an_organisation(tmp_path):
    db_path = tmp_path / "cli.db"
    done = run(
        db_path,
        "users",
        "add",
        "mara",
        "--name",
        "Mara M",
        "--password",
        "password123",
        "--role",
        "manager",
        "--role",
        "learner",
    )
    assert done.exit_code == 0, done.output
    assert (
        run(
            db_path,
            "users",
            "add",
            "ana",
            "--name",
            "Ana A",
            "--team",
            "North",
            input="password123\npassword123\n",
        ).exit_code
        == 0
    )
    assert run(db_path, "users", "set-team", "mara", "--manages", "North").exit_code == 0
    assert run(db_path, "users", "set-role", "ana", "learner", "facilitator").exit_code == 0
    reset = run(db_path, "users", "reset", "ana")
    assert reset.exit_code == 0
    code = reset.stdout.strip()
    db = open_database(db_path)
    mara = accounts.find_user(db, "mara")
    assert [t.name for t in team_store.teams_for(db, mara)] == ["North"]
    assert accounts.find_user(db, "ana").roles == {"learner", "facilitator"}
    assert team_store.team_of(db, accounts.find_user(db, "ana").id) == "North"
    accounts.reset_password(db, "ana", code, "fresh-password", NOW)
    assert run(db_path, "users", "deactivate", "ana").exit_code == 0
    with pytest.raises(AccountError):
        accounts.sign_in(db, "ana", "fresh-password", NOW)
    assert run(db_path, "users", "set-team", "ana").exit_code == 0
    assert team_store.team_of(db, accounts.find_user(db, "ana").id) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["users", "set-role", "nobody", "learner"],
            "There is no account with the username 'nobody'.",
        ),
        (["users", "set-role", "mara", "boss"], "Unknown role: boss."),
        (["users", "set-team", "mara", "Nowhere"], "There is no team named 'Nowhere'."),
        (
            ["users", "add", "x", "--name", "X", "--password", "password123"],
            "A username is 3 to 32",
        ),
        (
            ["users", "add", "mara", "--name", "X", "--password", "short"],
            "A password needs at least 8 characters.",
        ),
    ],
)
def test_users_errors_are_one_plain_line(tmp_path, args, message):
    db_path = tmp_path / "cli.db"
    run(db_path, "users", "add", "mara", "--name", "Mara", "--password", "password123")
    result = run(db_path, *args)
    assert result.exit_code == 1
    assert f"Error: {message}" in result.output
    assert "Traceback" not in result.output


def test_every_users_command_has_help():
    users = cli.commands["users"]
    for name, command in users.commands.items():
        assert command.help, name
        assert CliRunner().invoke(cli, ["users", name, "--help"]).exit_code == 0
    assert set(users.commands) >= {"add", "set-role", "set-team", "deactivate", "reset", "unlock"}


def test_a_failed_users_add_leaves_no_new_team_behind(tmp_path):
    """Regression: `users add --team NEW` created the team before the account, so an add
    refused for its username or password still left an empty team named NEW."""
    db_path = tmp_path / "cli.db"
    done = run(
        db_path, "users", "add", "ana", "--name", "Ana A", "--password", "short", "--team", "Gamma"
    )
    assert done.exit_code == 1
    assert "Error:" in done.output
    assert team_store.team_by_name(open_database(db_path), "Gamma") is None


def test_users_unlock_lets_a_locked_out_admin_sign_in_at_once(tmp_path):
    """Issue 8: anyone could lock anyone out, the only admin included, with nothing to undo it."""
    db_path = tmp_path / "cli.db"
    run(
        db_path,
        "users",
        "add",
        "boss",
        "--name",
        "Boss",
        "--password",
        "password123",
        "--role",
        "admin",
    )
    db = open_database(db_path)
    for _ in range(6):
        with pytest.raises(AccountError):
            accounts.sign_in(db, "boss", "not-the-password", NOW)
    with pytest.raises(AccountError, match="Too many failed sign-ins"):
        accounts.sign_in(db, "boss", "password123", NOW)
    done = run(db_path, "users", "unlock", "boss")
    assert done.exit_code == 0, done.output
    assert "boss can sign in now (5 failed sign-ins forgotten)." in done.output
    assert accounts.sign_in(db, "boss", "password123", NOW).username == "boss"
    unknown = run(db_path, "users", "unlock", "nobody")
    assert unknown.exit_code == 1
    assert "Error: There is no account with the username 'nobody'." in unknown.output
