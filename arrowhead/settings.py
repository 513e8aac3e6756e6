"""Where the database and the course files are: read once from the environment at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent.parent
"""The folder holding course_app.py, modules/ and quizzes/."""


@dataclass(frozen=True)
class Settings:
    """Paths the app runs on."""

    db_path: Path
    """The SQLite file: ARROWHEAD_DB, else progress.db beside course_app.py."""
    content_root: Path
    """The folder holding modules/ and quizzes/: ARROWHEAD_CONTENT, else the app folder."""
    public_url: str | None = None
    """ARROWHEAD_PUBLIC_URL: the address phones open for workshop join links; it wins
    over the one an admin sets on the Server address page."""


def settings_from(environ: dict[str, str] | os._Environ[str]) -> Settings:
    """Settings from an environment mapping."""
    return Settings(
        db_path=Path(environ.get("ARROWHEAD_DB") or APP_DIR / "progress.db"),
        content_root=Path(environ.get("ARROWHEAD_CONTENT") or APP_DIR),
        public_url=environ.get("ARROWHEAD_PUBLIC_URL") or None,
    )
