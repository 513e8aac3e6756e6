"""The `arrowhead` command: backups, and every command documented."""

import csv
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import NOW, make_user

from arrowhead.cli import cli
from arrowhead.store import accounts
from arrowhead.store import teams as team_store
from arrowhead.store.database import open_database

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "arrowhead") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((f"{prefix} {name}", command))
        if isinstance(command, click.Group):
            found.extend(commands(command, f"{prefix} {name}"))
    return found


@pytest.mark.parametrize(("name", "command"), commands(cli), ids=lambda v: getattr(v, "name", v))
def test_every_command_has_help_and_is_in_the_readme(name, command):
    assert command.help and command.help.strip(), f"{name} has no help"
    assert name in README, f"{name} is not in the README"
    result = CliRunner().invoke(cli, [*name.split()[1:], "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_backup_copies_every_record_while_the_app_writes(db, db_path, tmp_path):
    make_user(db, "sam")
    writer = open_database(db_path)  # another connection holds uncommitted work
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE users SET display_name = 'Half written' WHERE username = 'sam'")
    target = tmp_path / "copy.db"
    result = CliRunner().invoke(cli, ["backup", str(target), "--db", str(db_path)])
    writer.execute("ROLLBACK")
    writer.close()
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Backed up to {target} (")
    copy = open_database(target)
    assert accounts.find_user(copy, "sam").display_name == "Sam"
    copy.close()


def test_backup_never_overwrites_a_file(db, db_path, tmp_path):
    accounts.create_user(db, "kim", "Kim", "password123", NOW)
    target = tmp_path / "existing.db"
    target.write_text("keep me")
    result = CliRunner().invoke(cli, ["backup", str(target), "--db", str(db_path)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {target} already exists; choose a new file name."
    assert target.read_text() == "keep me"


def test_backup_of_a_missing_database_says_so(tmp_path):
    missing = tmp_path / "nowhere.db"
    result = CliRunner().invoke(cli, ["backup", str(tmp_path / "copy.db"), "--db", str(missing)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: There is no database at {missing}."
    assert not missing.exists()


def test_a_mistyped_db_is_refused_not_made(tmp_path):
    """Pins: a mistyped --db silently created a new, empty database."""
    typo = tmp_path / "progres.db"
    result = CliRunner().invoke(cli, ["users", "set-role", "sam", "learner", "--db", str(typo)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: There is no database at {typo}. Check --db, or start the app once to make it."
    )
    assert not typo.exists()


def test_users_add_says_when_it_makes_a_new_database(tmp_path):
    fresh = tmp_path / "fresh.db"
    result = CliRunner().invoke(
        cli,
        ["users", "add", "ana", "--name", "Ana", "--password", "password123", "--db", str(fresh)],
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"Making a new database at {fresh}."
    assert fresh.exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: p.write_text("not a database, just text " * 100),
            "is not an Arrowhead database",
        ),
        (lambda p: None, "There is no folder"),
    ],
    ids=["not-sqlite", "missing-folder"],
)
def test_a_bad_database_path_is_one_error_line(tmp_path, make, message):
    """Pins: a non-SQLite file or a missing folder gave a traceback."""
    target = tmp_path / "file.db" if message != "There is no folder" else tmp_path / "no" / "x.db"
    make(target)
    result = CliRunner().invoke(cli, ["users", "reset", "sam", "--db", str(target)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], lines


def test_a_usage_mistake_is_one_error_line(tmp_path):
    """Pins: click's usage errors printed three lines (usage, hint, error)."""
    result = CliRunner().invoke(cli, ["users", "set-role"])
    assert result.exit_code == 2
    assert result.output.strip() == "Error: Missing argument 'USERNAME'."


def test_set_team_refuses_a_team_and_managed_teams_at_once(db, db_path):
    """Pins: set-team USER TEAM --manages X ignored TEAM without a word."""
    make_user(db, "mara")
    result = CliRunner().invoke(
        cli, ["users", "set-team", "mara", "North", "--manages", "South", "--db", str(db_path)]
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: Give either TEAM")


# ---------------------------------------------------------------- check: lint and report

LINT = Path(__file__).resolve().parent / "data" / "lint"


def test_check_says_ok_on_a_course_without_errors_or_warnings():
    result = CliRunner().invoke(cli, ["check", "--strict", "--root", str(LINT / "clean")])
    assert result.exit_code == 0
    assert result.output.strip() == "OK: 2 modules, 6 sections, 2 quizzes, 8 scenarios."


@pytest.fixture
def warned_root(tmp_path: Path) -> Path:
    """The clean lint course with one authoring rule broken: no errors, one warning."""
    import shutil

    root = tmp_path / "course"
    shutil.copytree(LINT / "clean", root)
    shutil.copy(LINT / "broken" / "01-alpha.shortest-wins.toml", root / "quizzes" / "01-alpha.toml")
    return root


WARNING = (
    "quizzes/01-alpha.toml:4: a learner who never read the module and picks the 'shortest' "
    "option scores 100% (chance 53%, pass mark 70%; keep it below the pass mark and at most "
    "15 points above chance)"
)


def test_check_prints_warnings_and_exits_0_without_strict(warned_root):
    result = CliRunner().invoke(cli, ["check", "--root", str(warned_root)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [WARNING]
    assert result.stderr.strip() == "1 warning(s) in 2 modules, 6 sections, 2 quizzes, 8 scenarios."


def test_check_strict_exits_1_on_warnings(warned_root):
    result = CliRunner().invoke(cli, ["check", "--strict", "--root", str(warned_root)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [WARNING]


def test_check_exits_1_on_errors_and_still_lints_the_valid_files(warned_root):
    (warned_root / "quizzes" / "02-beta.toml").write_text('module = "beta"\ntitle = [\n')
    result = CliRunner().invoke(cli, ["check", "--root", str(warned_root)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "quizzes/02-beta.toml:3: TOML syntax error: Invalid value",
        WARNING,
    ]
    assert result.stderr.strip() == "1 problem(s) and 1 warning(s) found."


def test_check_report_prints_the_blind_solver_table(warned_root):
    result = CliRunner().invoke(cli, ["check", "--report", "--root", str(warned_root)])
    assert result.exit_code == 0
    table = result.stdout.split("\n\n")[1].splitlines()
    assert table[0] == "blind strategy            01      02"
    assert table[10] == "shortest               100%!    40%"
    assert table[-1] == "P(pass by guessing)   0.1875  0.1367"


def test_check_follows_arrowhead_content(warned_root):
    result = CliRunner().invoke(
        cli, ["check", "--strict"], env={"ARROWHEAD_CONTENT": str(warned_root)}
    )
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [WARNING]


def test_export_answers_writes_a_team_or_every_team(db, db_path, course_root, tmp_path):
    from team_fixtures import build_org

    org = build_org(db, course_root)
    runner = CliRunner()
    for args, users, answers in (
        (["--team", "Alpha Team"], {"ana", "ben"}, 7),
        (["--all"], {"ana", "ben", "cleo"}, 9),
    ):
        out = tmp_path / f"{args[-1]}.csv"
        result = runner.invoke(
            cli,
            ["export", "answers", *args, "--out", str(out), "--db", str(db_path)]
            + ["--root", str(course_root)],
        )
        assert result.exit_code == 0, result.output
        with out.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert {r["username"] for r in rows} == users
        assert len(rows) == answers
        assert result.stdout.strip() == f"Wrote {answers} answers to {out}."
    assert len(team_store.team_answers(db, org.admin, None)) == 9  # what the admin's page gives


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Error: Give either --team NAME or --all."),
        (["--team", "Alpha Team", "--all"], "Error: Give either --team NAME or --all."),
        (["--team", "Nowhere"], "Error: There is no team named 'Nowhere'."),
    ],
)
def test_export_answers_errors_are_one_line(db, db_path, tmp_path, args, message):
    out = tmp_path / "answers.csv"
    result = CliRunner().invoke(
        cli, ["export", "answers", *args, "--out", str(out), "--db", str(db_path)]
    )
    assert result.exit_code == 1
    assert result.output.strip() == message
    assert not out.exists()


def test_export_answers_never_overwrites_a_file(db, db_path, tmp_path):
    out = tmp_path / "answers.csv"
    out.write_text("keep me")
    result = CliRunner().invoke(
        cli, ["export", "answers", "--all", "--out", str(out), "--db", str(db_path)]
    )
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {out} already exists; choose a new file name."
    assert out.read_text() == "keep me"


def test_export_answers_refuses_a_missing_database(tmp_path):
    missing = tmp_path / "typo.db"
    result = CliRunner().invoke(
        cli, ["export", "answers", "--all", "--out", str(tmp_path / "a.csv"), "--db", str(missing)]
    )
    assert result.exit_code == 1
    assert result.output.strip().startswith(f"Error: There is no database at {missing}.")
    assert not missing.exists()
