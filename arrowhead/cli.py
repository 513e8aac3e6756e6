"""The ``arrowhead`` command: checks and administration from the shell."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from arrowhead.course import load_course
from arrowhead.settings import settings_from


class _OneLineErrors(click.Group):
    """Every failure is one 'Error: …' line and a non-zero exit, usage mistakes included.

    Click prints a usage error as three lines (usage, a hint, the error); a script
    or a person reading a log wants the one that says what was wrong.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.UsageError as err:
            click.echo(f"Error: {err.format_message()}", err=True)
            raise SystemExit(err.exit_code) from None
        except click.ClickException as err:
            err.show()
            raise SystemExit(err.exit_code) from None
        except click.Abort:
            click.echo("Error: aborted.", err=True)
            raise SystemExit(1) from None


@click.group(cls=_OneLineErrors)
@click.version_option(package_name="arrowhead")
def cli() -> None:
    """Arrowhead: a self-hosted course on partnership selling."""


@cli.command()
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding modules/ and quizzes/ (default: ARROWHEAD_CONTENT or the app folder).",
)
@click.option("--strict", is_flag=True, help="Exit 1 on authoring-rule warnings too.")
@click.option("--report", is_flag=True, help="Also print the blind-solver table: quiz by strategy.")
def check(root: Path | None, strict: bool, report: bool) -> None:
    """Validate every module, quiz and role-play file and lint its item writing.

    Prints each error and warning as path:line: message. Exits 1 on errors, and with
    --strict on warnings too. Thresholds: arrowhead/authoring_rules.py.
    """
    from arrowhead.blind import quiz_report, report_table
    from arrowhead.itemlint import lint_course

    root = root or settings_from(os.environ).content_root
    course = load_course(root)
    warnings = lint_course(course, root)
    for problem in [*course.problems, *warnings]:
        click.echo(str(problem))
    if report and course.quizzes:
        click.echo()
        click.echo(report_table([quiz_report(q) for q in course.quizzes]))
        click.echo()
    if course.problems:
        click.echo(
            f"{len(course.problems)} problem(s) and {len(warnings)} warning(s) found.", err=True
        )
        raise SystemExit(1)
    if warnings:
        click.echo(f"{len(warnings)} warning(s) in {course.summary()}.", err=True)
        if strict:
            raise SystemExit(1)
        return
    click.echo(f"OK: {course.summary()}.")


# ---------------------------------------------------------------- people and teams

_DB_OPTION = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The SQLite file (default: ARROWHEAD_DB or progress.db beside the app).",
)


def _open(db_path: Path | None, *, create: bool = False):
    """The migrated database; a missing file is made only by commands that create data.

    A mistyped --db must not quietly become a new, empty database.
    """
    from arrowhead.store.database import apply_migrations, open_database

    path = db_path or settings_from(os.environ).db_path
    if not path.parent.is_dir():
        raise click.ClickException(f"There is no folder {path.parent}.")
    if not path.exists():
        if not create:
            raise click.ClickException(
                f"There is no database at {path}. Check --db, or start the app once to make it."
            )
        click.echo(f"Making a new database at {path}.", err=True)
    try:
        db = open_database(path)
        apply_migrations(db)
    except sqlite3.DatabaseError as err:
        raise click.ClickException(f"{path} is not an Arrowhead database ({err}).") from None
    return db


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _team_id(db, name: str | None) -> int | None:
    from arrowhead.store import teams as team_store

    if name is None or name == "":
        return None
    team_id = team_store.team_by_name(db, name)
    if team_id is None:
        raise click.ClickException(f"There is no team named {name!r}.")
    return team_id


@cli.group()
def users() -> None:
    """Add people, give them roles and teams, deactivate them, reset passwords, unlock them."""


@users.command("add")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Display name, as colleagues see it.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Their first password (asked for when left out).",
)
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(["learner", "manager", "facilitator", "admin"]),
    default=["learner"],
    show_default=True,
    help="A role to give; repeat for several.",
)
@click.option("--team", default=None, help="The team they learn in, by name (created if new).")
@_DB_OPTION
def users_add(
    username: str,
    display_name: str,
    password: str,
    roles: tuple[str, ...],
    team: str | None,
    db_path: Path | None,
) -> None:
    """Create an account USERNAME."""
    from arrowhead.accounts import AccountError
    from arrowhead.store import accounts
    from arrowhead.store import teams as team_store
    from arrowhead.teams import COMMAND_LINE, TeamError, clean_team_name

    db = _open(db_path, create=True)
    try:
        if team:
            clean_team_name(team)  # a bad team name is refused before anything is written
        # The account first: a refused username or password must not leave a new empty team.
        user = accounts.create_user(
            db, username, display_name, password, _now(), tuple(roles), created_by=COMMAND_LINE
        )
        if team:
            team_id = team_store.team_by_name(db, team) or (
                team_store.create_team(db, COMMAND_LINE, team, _now()).id
            )
            team_store.set_team(db, COMMAND_LINE, user.id, team_id, _now())
    except (AccountError, TeamError) as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"Created {user.username} ({', '.join(sorted(user.roles))}).")


@users.command("set-role")
@click.argument("username")
@click.argument("roles", nargs=-1, required=True)
@_DB_OPTION
def users_set_role(username: str, roles: tuple[str, ...], db_path: Path | None) -> None:
    """Give USERNAME exactly these ROLES (learner, manager, facilitator, admin)."""
    from arrowhead.store import teams as team_store
    from arrowhead.teams import COMMAND_LINE, TeamError

    db = _open(db_path)
    try:
        team_store.set_roles(db, COMMAND_LINE, team_store.user_id_for(db, username), roles)
    except TeamError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{username}: {', '.join(sorted(roles))}.")


@users.command("set-team")
@click.argument("username")
@click.argument("team", required=False)
@click.option(
    "--manages",
    multiple=True,
    help="Make them manager of this team instead (repeat for several; none: of no team).",
)
@click.option("--manager", "as_manager", is_flag=True, help="Set the teams they manage.")
@_DB_OPTION
def users_set_team(
    username: str,
    team: str | None,
    manages: tuple[str, ...],
    as_manager: bool,
    db_path: Path | None,
) -> None:
    """Move USERNAME into TEAM (left out: out of any team), keeping their history.

    With --manager, set the teams they manage instead: --manages NAME for each.
    """
    from arrowhead.store import teams as team_store
    from arrowhead.teams import COMMAND_LINE, TeamError

    db = _open(db_path)
    try:
        user_id = team_store.user_id_for(db, username)
        if (as_manager or manages) and team:
            raise click.ClickException(
                f"Give either TEAM (the team {username} learns in) or --manager/--manages "
                "(the teams they manage), not both in one command."
            )
        if as_manager or manages:
            team_ids = [_team_id(db, name) for name in manages]
            team_store.set_managed_teams(db, COMMAND_LINE, user_id, [t for t in team_ids if t])
            click.echo(f"{username} manages: {', '.join(manages) or 'no team'}.")
            return
        team_store.set_team(db, COMMAND_LINE, user_id, _team_id(db, team), _now())
    except TeamError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{username} is now in {team!r}." if team else f"{username} is in no team.")


@users.command("deactivate")
@click.argument("username")
@click.option("--undo", is_flag=True, help="Let them sign in again.")
@_DB_OPTION
def users_deactivate(username: str, undo: bool, db_path: Path | None) -> None:
    """Stop USERNAME signing in (their records are kept; their logins end now)."""
    from arrowhead.store import teams as team_store
    from arrowhead.teams import COMMAND_LINE, TeamError

    db = _open(db_path)
    try:
        team_store.set_active(db, COMMAND_LINE, team_store.user_id_for(db, username), undo)
    except TeamError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{username} can sign in again." if undo else f"{username} is deactivated.")


@users.command("reset")
@click.argument("username")
@_DB_OPTION
def users_reset(username: str, db_path: Path | None) -> None:
    """Print a one-time password-reset code for USERNAME, valid for a day."""
    from arrowhead.store import teams as team_store
    from arrowhead.teams import COMMAND_LINE, TeamError

    db = _open(db_path)
    try:
        code = team_store.issue_reset_code(
            db, COMMAND_LINE, team_store.user_id_for(db, username), _now()
        )
    except TeamError as err:
        raise click.ClickException(str(err)) from None
    click.echo(code)
    click.echo(
        "Give it to them in person: they enter it on the sign-in page under 'Reset my password'.",
        err=True,
    )


@users.command("unlock")
@click.argument("username")
@_DB_OPTION
def users_unlock(username: str, db_path: Path | None) -> None:
    """Let USERNAME sign in again at once, forgetting their failed sign-ins."""
    from arrowhead.store import accounts
    from arrowhead.store import teams as team_store
    from arrowhead.teams import TeamError

    db = _open(db_path)
    try:
        team_store.user_id_for(db, username)
    except TeamError as err:
        raise click.ClickException(str(err)) from None
    cleared = accounts.clear_sign_in_failures(db, username)
    click.echo(f"{username.strip()} can sign in now ({cleared} failed sign-ins forgotten).")


@cli.command()
@_DB_OPTION
@click.option("--learners", default=200, show_default=True, help="How many learners.")
@click.option("--teams", default=10, show_default=True, help="How many teams.")
@click.option("--seed", default=1, show_default=True, help="The same seed gives the same data.")
@click.option("--force", is_flag=True, help="Write even if the database holds real users.")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding modules/ and quizzes/ (default: ARROWHEAD_CONTENT or the app folder).",
)
def demo(
    db_path: Path | None, learners: int, teams: int, seed: int, force: bool, root: Path | None
) -> None:
    """Fill the database with a synthetic organisation: teams, managers, learners, histories.

    Every demo account's password is 'arrowhead-demo'; sign in as demo.admin.
    An earlier demo organisation in the same database is replaced.
    """
    from arrowhead.accounts import hash_password
    from arrowhead.demo import DEMO_PASSWORD, demo_learners, demo_staff, team_names
    from arrowhead.store.demo import real_users, real_users_in_demo_teams, write_organisation
    from arrowhead.teams import TeamError

    if learners < 1 or teams < 1:
        raise click.ClickException("--learners and --teams must be at least 1.")
    course = load_course(root or settings_from(os.environ).content_root)
    if not course.quizzes:
        raise click.ClickException("The course has no quizzes: run 'arrowhead check'.")
    db = _open(db_path, create=True)
    real = real_users(db)
    if real and not force:
        raise click.ClickException(
            f"This database holds {real} real user(s). Use --force to add demo data anyway."
        )
    stranded = real_users_in_demo_teams(db)
    now = _now()
    with click.progressbar(length=learners, label="Writing learners") as bar:
        try:
            counts = write_organisation(
                db,
                team_names(teams),
                demo_staff(teams, seed),
                demo_learners(course, learners, teams, seed, now),
                # One hash for every demo account: hashing thousands would take minutes.
                hash_password(DEMO_PASSWORD),
                now,
                on_learner=bar.update,
            )
        except TeamError as err:
            raise click.ClickException(str(err)) from None
    click.echo(
        f"{counts.teams} teams, {counts.learners} learners, {counts.attempts} attempts, "
        f"{counts.answers} answers. Sign in as demo.admin with the password {DEMO_PASSWORD!r}."
    )
    if stranded:
        click.echo(
            f"Note: {len(stranded)} real account(s) were in the replaced demo teams and are now "
            f"in no team: {', '.join(stranded)}. Move them with 'arrowhead users set-team'.",
            err=True,
        )


@cli.group()
def export() -> None:
    """Write records to files, for spreadsheets and reports."""


@export.command("answers")
@click.option("--team", default=None, help="The team, by name.")
@click.option("--all", "every_team", is_flag=True, help="Every team instead.")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The CSV file to write; it must not exist yet.",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding modules/ and quizzes/ (default: ARROWHEAD_CONTENT or the app folder).",
)
@_DB_OPTION
def export_answers(
    team: str | None, every_team: bool, out: Path, root: Path | None, db_path: Path | None
) -> None:
    """Write every answer of a team's active learners (or every team's) to a CSV file.

    The same columns as the 'Every answer' download on My team, streamed to disk a few
    rows at a time, so memory stays flat for a million answers. Never overwrites a file.
    """
    from arrowhead import exports
    from arrowhead.scoring import best_styles
    from arrowhead.store import teams as team_store
    from arrowhead.teams import COMMAND_LINE

    if (team is None) == (not every_team):
        raise click.ClickException("Give either --team NAME or --all.")
    if out.exists():
        raise click.ClickException(f"{out} already exists; choose a new file name.")
    if not out.parent.is_dir():
        raise click.ClickException(f"There is no folder {out.parent}.")
    db = _open(db_path)
    team_id = _team_id(db, team) if team else None
    course = load_course(root or settings_from(os.environ).content_root)
    total = team_store.count_team_answers(db, COMMAND_LINE, team_id)
    click.echo(
        f"About {total:,} answers; roughly {exports.seconds_for(total)} s.",
        err=True,
    )
    try:
        with click.progressbar(length=total, label="Writing answers", file=sys.stderr) as bar:
            seen = 0

            def report(done: int) -> None:
                nonlocal seen
                bar.update(done - seen)
                seen = done

            written = exports.write_answers(
                db, COMMAND_LINE, team_id, best_styles(course.quizzes), out, report
            )
            bar.update(total - seen)
    except FileExistsError:
        raise click.ClickException(f"{out} already exists; choose a new file name.") from None
    except OSError as err:
        out.unlink(missing_ok=True)
        raise click.ClickException(f"Could not write {out}: {err.strerror}.") from None
    click.echo(f"Wrote {written.answers:,} answers to {out}.")


@cli.group("xapi")
def xapi_group() -> None:
    """xAPI statements of every learning event: write them to a file, or send them to an LRS."""


def _since(value: str | None):
    from datetime import UTC, datetime

    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.ClickException(
            f"--since {value!r} is not a date; write it as 2026-11-02 or 2026-11-02T09:30."
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@xapi_group.command("export")
@click.option(
    "--since",
    default=None,
    help="Only events at or after this date or time (ISO 8601, UTC unless it says otherwise).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file to write; it must not exist yet (default: standard output).",
)
@_DB_OPTION
def xapi_export(since: str | None, out: Path | None, db_path: Path | None) -> None:
    """Write every stored xAPI statement as JSON lines, oldest first, sent or not."""
    from arrowhead.store import xapi as outbox

    moment = _since(since)
    if out is not None and out.exists():
        raise click.ClickException(f"{out} already exists; choose a new file name.")
    db = _open(db_path)
    lines = outbox.statements_since(db, moment)
    count = 0
    try:
        if out is None:
            for line in lines:
                click.echo(line)
                count += 1
        else:
            with out.open("x", encoding="utf-8") as file:
                for line in lines:
                    file.write(line + "\n")
                    count += 1
    except OSError as err:
        raise click.ClickException(f"Could not write {out}: {err.strerror}.") from None
    click.echo(f"Wrote {count:,} statements.", err=True)


@xapi_group.command("push")
@click.option(
    "--endpoint", required=True, help="The LRS's xAPI endpoint, e.g. https://lrs.example.com/xAPI."
)
@click.option(
    "--key",
    envvar="ARROWHEAD_LRS_KEY",
    default=None,
    help="The LRS's key (basic-auth user name); default: ARROWHEAD_LRS_KEY.",
)
@click.option(
    "--secret",
    envvar="ARROWHEAD_LRS_SECRET",
    default=None,
    help="The LRS's secret (basic-auth password); default: ARROWHEAD_LRS_SECRET.",
)
@click.option(
    "--batch-size",
    default=50,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Statements per request.",
)
@click.option(
    "--retries",
    default=5,
    show_default=True,
    type=click.IntRange(0, 100),
    help="How often to retry a batch while the LRS is unreachable, waiting 1, 2, 4… s (at most 60).",
)
@_DB_OPTION
def xapi_push(
    endpoint: str,
    key: str | None,
    secret: str | None,
    batch_size: int,
    retries: int,
    db_path: Path | None,
) -> None:
    """Send every statement no LRS has accepted yet, in batches; safe to run again at any time.

    A statement is marked sent only once the LRS has accepted it; after an outage
    or a crash, run it again: what is left is sent, nothing twice.
    """
    from arrowhead.lrs import LrsConfig, LrsError, push
    from arrowhead.store import xapi as outbox

    db = _open(db_path)
    total = outbox.count_pending(db)
    click.echo(f"{total:,} statements to send to {endpoint}.", err=True)
    config = LrsConfig(endpoint, key, secret, batch_size=batch_size)
    try:
        result = push(db, config, retries=retries)
    except LrsError as err:
        left = outbox.count_pending(db)
        raise click.ClickException(
            f"{err} Sent {total - left:,}; {left:,} left in the outbox for the next push."
        ) from None
    click.echo(f"Sent {result.sent:,} statements; {result.left:,} left.")


@cli.command()
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@_DB_OPTION
def backup(destination: Path, db_path: Path | None) -> None:
    """Copy the database to DESTINATION, a new file, safely while the app is running."""
    from arrowhead.store.database import backup_database, open_database

    source = db_path or settings_from(os.environ).db_path
    if not source.exists():
        raise click.ClickException(f"There is no database at {source}.")
    # No migrations here: a backup must not wait for, or change, the running app's schema.
    db = open_database(source)
    try:
        size = backup_database(db, destination)
    except (FileExistsError, OSError) as err:
        raise click.ClickException(str(err)) from None
    finally:
        db.close()
    click.echo(f"Backed up to {destination} ({size:,} bytes).")


@cli.command()
@click.argument("copy", type=click.Path(dir_okay=False, path_type=Path))
@_DB_OPTION
@click.option("--force", is_flag=True, help="Restore even a copy older than the live database.")
def restore(copy: Path, db_path: Path | None, force: bool) -> None:
    """Put COPY (a backup) in place of the database; the replaced file is kept beside it.

    Refuses a damaged copy, one made by a newer Arrowhead, one older than the live
    database (unless --force), and a database the app still has open: stop it first.
    """
    from arrowhead.store.restore import RestoreRefused, restore_database

    live = db_path or settings_from(os.environ).db_path
    try:
        report, kept = restore_database(copy, live, _now(), force=force)
    except RestoreRefused as err:
        raise click.ClickException(str(err)) from None
    except OSError as err:
        raise click.ClickException(f"Could not restore: {err.strerror or err}.") from None
    click.echo(
        f"Restored {live} from {copy}: {report.users:,} people, {report.answers:,} answers, "
        f"newest record {report.latest or 'none'}."
    )
    if kept.exists():
        click.echo(f"The replaced database is kept at {kept}.")


if __name__ == "__main__":
    cli()
