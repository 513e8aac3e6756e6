"""Parsing module files into sections, and every kind of problem a module file can have."""

from pathlib import Path

import pytest

from arrowhead.content import load_module, slugify
from arrowhead.problems import ContentError

GOOD = """+++
title = "Alpha"
minutes = 5
objectives = ["One", "Two"]
summary = "Done."
+++

## First part

Text one.

## Second: the *rest*

Text two.
"""


def write(root: Path, text: str, name: str = "01-alpha.md") -> Path:
    path = root / "modules" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str, name: str = "01-alpha.md") -> list[str]:
    with pytest.raises(ContentError) as err:
        load_module(write(tmp_path, text, name), tmp_path)
    return [str(p) for p in err.value.problems]


def test_module_splits_into_sections_at_level_two_headings(tmp_path):
    module = load_module(write(tmp_path, GOOD), tmp_path)
    assert (module.id, module.number, module.title, module.minutes) == ("alpha", 1, "Alpha", 5)
    assert module.objectives == ("One", "Two")
    assert [s.id for s in module.sections] == ["first-part", "second-the-rest"]
    assert [s.line for s in module.sections] == [8, 12]
    assert module.sections[1].body == "Text two."
    assert module.sections[1].title == "Second: the *rest*"


def test_subheadings_stay_inside_their_section(tmp_path):
    text = GOOD.replace("Text one.", "Text one.\n\n### A detail\n\nMore.")
    module = load_module(write(tmp_path, text), tmp_path)
    assert len(module.sections) == 2
    assert "### A detail" in module.sections[0].body


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (GOOD, "alpha.md", "modules/alpha.md:1: file name must look like NN-slug.md"),
        (
            GOOD.replace("+++\ntitle", "title", 1),
            "01-alpha.md",
            "modules/01-alpha.md:1: module must start with TOML front matter",
        ),
        (
            GOOD.replace("+++\n\n##", "\n##", 1),
            "01-alpha.md",
            "modules/01-alpha.md:1: front matter is not closed",
        ),
        (
            GOOD.replace("minutes = 5", 'minutes = "five'),
            "01-alpha.md",
            "modules/01-alpha.md:3: TOML syntax error",
        ),
        (
            GOOD.replace('title = "Alpha"\n', ""),
            "01-alpha.md",
            "modules/01-alpha.md:1: front matter is missing 'title'",
        ),
        (
            GOOD.replace("minutes = 5", "minutes = 0"),
            "01-alpha.md",
            "modules/01-alpha.md:3: 'minutes' must be a whole number from 1 to 120",
        ),
        (
            GOOD.replace("minutes = 5", "minutes = 500"),
            "01-alpha.md",
            "modules/01-alpha.md:3: 'minutes' must be a whole number",
        ),
        (
            GOOD.replace('objectives = ["One", "Two"]', "objectives = []"),
            "01-alpha.md",
            "modules/01-alpha.md:4: 'objectives' must be a list",
        ),
        (
            GOOD.replace('summary = "Done."', 'summary = "Done."\nauthor = "me"'),
            "01-alpha.md",
            "modules/01-alpha.md:6: unknown front matter field 'author'",
        ),
        (
            GOOD.replace("\n## First part", "Stray text.\n\n## First part"),
            "01-alpha.md",
            "modules/01-alpha.md:7: text before the first '## ' heading",
        ),
        (
            GOOD.replace("## Second: the *rest*", "## First part"),
            "01-alpha.md",
            "modules/01-alpha.md:12: duplicate section heading 'First part'",
        ),
        (
            GOOD.replace("Text two.", ""),
            "01-alpha.md",
            "modules/01-alpha.md:12: section 'Second: the *rest*' has no text",
        ),
        (GOOD.split("## First")[0], "01-alpha.md", "modules/01-alpha.md:7: module has no sections"),
    ],
)
def test_each_module_problem_names_file_and_line(tmp_path, text, name, expected):
    problems = problems_of(tmp_path, text, name)
    assert any(p.startswith(expected) for p in problems), problems


def test_a_file_that_is_not_utf8_is_reported_not_raised(tmp_path):
    path = tmp_path / "modules" / "01-alpha.md"
    path.parent.mkdir()
    path.write_bytes(b'+++\ntitle = "\xff"\n+++\n')
    with pytest.raises(ContentError) as err:
        load_module(path, tmp_path)
    assert str(err.value.problems[0]) == "modules/01-alpha.md:1: file is not valid UTF-8 text"


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Bits and pieces: transactional selling", "bits-and-pieces-transactional-selling"),
        ("Café  crème!", "cafe-creme"),
        ("  The 25% ", "the-25"),
    ],
)
def test_slugify(heading, slug):
    assert slugify(heading) == slug
