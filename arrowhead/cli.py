"""The ``arrowhead`` command: checks and administration from the shell."""

from __future__ import annotations

import os
from pathlib import Path

import click

from arrowhead.course import load_course
from arrowhead.settings import settings_from


@click.group()
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
def check(root: Path | None) -> None:
    """Validate every module and quiz file; print each problem as path:line: message."""
    root = root or settings_from(os.environ).content_root
    course = load_course(root)
    if course.problems:
        for problem in course.problems:
            click.echo(str(problem))
        click.echo(f"{len(course.problems)} problem(s) found.", err=True)
        raise SystemExit(1)
    click.echo(f"OK: {course.summary()}.")


if __name__ == "__main__":
    cli()
