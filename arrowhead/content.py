"""Modules: ``modules/NN-slug.md`` files parsed into Module and Section values (pure)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from arrowhead.problems import (
    SLUG,
    ContentError,
    Problem,
    find_key_line,
    parse_toml,
    relative_name,
)

FILE_NAME = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.(md|toml)$")
FRONT_MATTER_FENCE = "+++"
MODULE_FIELDS = {"title", "minutes", "objectives", "summary"}
MAX_MINUTES = 120

# html=False: an author's raw HTML is never passed through as markup.
_markdown = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class Section:
    """One heading-to-heading part of a module, read and marked done on its own."""

    id: str
    """Slug of the heading, unique within the module."""
    title: str
    body: str
    """Markdown source of the section, without its heading."""
    line: int
    """1-based line of the heading in the module file."""


@dataclass(frozen=True)
class Module:
    """A unit of the course: objectives, sections to read, a summary."""

    id: str
    """The slug from the file name (``01-three-styles.md`` -> ``three-styles``)."""
    number: int
    """The ``NN`` from the file name; orders the course."""
    title: str
    minutes: int
    """Estimated minutes to read the module."""
    objectives: tuple[str, ...]
    summary: str
    sections: tuple[Section, ...]
    path: str
    """File name relative to the content root, for messages."""

    def section(self, section_id: str) -> Section | None:
        """The section with that id, or None."""
        return next((s for s in self.sections if s.id == section_id), None)


def slugify(text: str) -> str:
    """A heading as an id: lower-case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def parse_file_name(path: Path, name: str, extension: str) -> tuple[int, str]:
    """The number and slug of a ``NN-slug.ext`` content file, or a ContentError."""
    found = FILE_NAME.match(path.name)
    if not found or found.group(3) != extension:
        raise ContentError(
            [
                Problem(
                    name,
                    1,
                    f"file name must look like NN-slug.{extension} "
                    "(two digits, a hyphen, lower-case words joined by hyphens)",
                )
            ]
        )
    return int(found.group(1)), found.group(2)


def read_text(path: Path, name: str) -> str:
    """The file's text as UTF-8, or a ContentError saying why not."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentError([Problem(name, 1, "file is not valid UTF-8 text")]) from None
    except OSError as err:
        raise ContentError([Problem(name, 1, f"cannot read file: {err.strerror}")]) from None


def load_module(path: Path, root: Path) -> Module:
    """Parse one module file; raise ContentError listing every problem in it."""
    name = relative_name(path, root)
    number, module_id = parse_file_name(path, name, "md")
    text = read_text(path, name)
    lines = text.splitlines()
    front, body_start = _split_front_matter(lines, name)
    meta = parse_toml("\n".join(front), name, first_line=2)
    problems = _check_front_matter(meta, lines, name, body_start)
    sections, section_problems = _split_sections(lines[body_start:], body_start, name)
    problems += section_problems
    if problems:
        raise ContentError(problems)
    return Module(
        id=module_id,
        number=number,
        title=meta["title"].strip(),
        minutes=meta["minutes"],
        objectives=tuple(o.strip() for o in meta["objectives"]),
        summary=meta["summary"].strip(),
        sections=tuple(sections),
        path=name,
    )


def _split_front_matter(lines: list[str], name: str) -> tuple[list[str], int]:
    """The front matter lines and the 0-based index of the first body line."""
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise ContentError(
            [Problem(name, 1, "module must start with TOML front matter between '+++' lines")]
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == FRONT_MATTER_FENCE:
            return lines[1:index], index + 1
    raise ContentError([Problem(name, 1, "front matter is not closed by a '+++' line")])


def _check_front_matter(
    meta: dict[str, Any], lines: list[str], name: str, body_start: int
) -> list[Problem]:
    def line_of(key: str) -> int:
        return find_key_line(lines, key, 1, body_start) or 1

    problems = []
    for key in sorted(MODULE_FIELDS - meta.keys()):
        problems.append(Problem(name, 1, f"front matter is missing '{key}'"))
    for key in sorted(meta.keys() - MODULE_FIELDS):
        problems.append(Problem(name, line_of(key), f"unknown front matter field '{key}'"))
    for key in ("title", "summary"):
        if key in meta and not (isinstance(meta[key], str) and meta[key].strip()):
            problems.append(Problem(name, line_of(key), f"'{key}' must be non-empty text"))
    minutes = meta.get("minutes")
    if "minutes" in meta and not (
        isinstance(minutes, int) and not isinstance(minutes, bool) and 1 <= minutes <= MAX_MINUTES
    ):
        problems.append(
            Problem(
                name,
                line_of("minutes"),
                f"'minutes' must be a whole number from 1 to {MAX_MINUTES}",
            )
        )
    objectives = meta.get("objectives")
    if "objectives" in meta and not (
        isinstance(objectives, list)
        and objectives
        and all(isinstance(o, str) and o.strip() for o in objectives)
    ):
        problems.append(
            Problem(
                name,
                line_of("objectives"),
                "'objectives' must be a list of at least one non-empty text",
            )
        )
    return problems


def _split_sections(body: list[str], offset: int, name: str) -> tuple[list[Section], list[Problem]]:
    """Cut the body at every level-2 heading; offset is the body's 0-based first line."""
    tokens = _markdown.parse("\n".join(body))
    headings: list[tuple[int, str]] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and token.map:
            headings.append((token.map[0], tokens[index + 1].content.strip()))
    problems: list[Problem] = []
    if not headings:
        return [], [
            Problem(name, offset + 1, "module has no sections: start each with a '## ' heading")
        ]
    stray = next((i for i in range(headings[0][0]) if body[i].strip()), None)
    if stray is not None:
        problems.append(
            Problem(
                name,
                offset + stray + 1,
                "text before the first '## ' heading belongs to no section",
            )
        )
    sections: list[Section] = []
    seen: set[str] = set()
    for position, (start, title) in enumerate(headings):
        end = headings[position + 1][0] if position + 1 < len(headings) else len(body)
        line = offset + start + 1
        section_id = slugify(title)
        if not SLUG.match(section_id):
            problems.append(Problem(name, line, f"heading '{title}' needs letters or digits"))
            continue
        if section_id in seen:
            problems.append(Problem(name, line, f"duplicate section heading '{title}'"))
            continue
        seen.add(section_id)
        text = "\n".join(body[start + 1 : end]).strip()
        if not text:
            problems.append(Problem(name, line, f"section '{title}' has no text"))
        sections.append(Section(id=section_id, title=title, body=text, line=line))
    return sections, problems
