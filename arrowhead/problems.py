"""Content problems: what is wrong, in which file, on which line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")
_TOML_END = re.compile(r"\(at end of document\)")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a content file, reported as ``path:line: message``."""

    path: str
    """The file, relative to the content root (``quizzes/03-ceo-led.toml``)."""
    line: int
    """1-based line the problem is on or nearest to."""
    message: str
    severity: str = "error"
    """"error": the file is left out; "warning": an authoring rule is broken, the file is served."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """A content file that cannot be served; carries every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Checker:
    """Validates one parsed content file, collecting problems with the line each is on."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []

    def report(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.name, line, message))

    def text(self, data: dict[str, Any], key: str, line: int, where: str = "") -> str | None:
        """The field's text, stripped; None (reported) when present but not non-empty text."""
        value = data.get(key)
        if key in data and not (isinstance(value, str) and value.strip()):
            self.report(line, f"{where}'{key}' must be non-empty text")
            return None
        return value.strip() if isinstance(value, str) else None


def relative_name(path: Path, root: Path) -> str:
    """The path as an author sees it: relative to the content root, with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def parse_toml(text: str, name: str, first_line: int = 1) -> dict[str, Any]:
    """Parse TOML text, turning a syntax error into a ContentError naming the line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        found = _TOML_POSITION.search(message)
        if found:
            line = int(found.group(1))
        elif _TOML_END.search(message):
            line = text.count("\n") + 1
        else:
            line = 1
        reason = _TOML_POSITION.sub("", _TOML_END.sub("", message)).strip()
        raise ContentError(
            [Problem(name, first_line + line - 1, f"TOML syntax error: {reason}")]
        ) from None


def find_key_line(lines: list[str], key: str, start: int, end: int) -> int | None:
    """The 1-based line where ``key =`` is assigned between lines start and end (0-based, end excluded)."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for index in range(start, min(end, len(lines))):
        if pattern.match(lines[index]):
            return index + 1
    return None


def table_headers(lines: list[str], header: str) -> list[int]:
    """0-based indexes of every ``[[header]]`` line, in file order."""
    pattern = re.compile(rf"^\s*\[\[\s*{re.escape(header)}\s*\]\]\s*(#.*)?$")
    return [index for index, line in enumerate(lines) if pattern.match(line)]
