"""Page scripts as Streamlit runs them: rules the framework cannot enforce for us."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted((ROOT / "arrowhead" / "ui").glob("*_page.py")) + [ROOT / "course_app.py"]


def bare_strings(tree: ast.Module) -> list[int]:
    """Lines of string statements other than the module docstring."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue  # docstrings of functions are not displayed
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            for index, child in enumerate(block):
                if node is tree and index == 0:
                    continue  # the module docstring
                if (
                    isinstance(child, ast.Expr)
                    and isinstance(child.value, ast.Constant)
                    and isinstance(child.value.value, str)
                ):
                    found.append(child.lineno)
    return found


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_stray_string_is_shown_by_streamlit_magic(script):
    """Regression: an attribute docstring in team_page.py was printed at the top of the page."""
    assert bare_strings(ast.parse(script.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_pages_neither_write_sql_nor_parse_files(script):
    source = script.read_text(encoding="utf-8")
    for forbidden in ("execute(", "SELECT ", "INSERT ", "tomllib", "open(", "read_text("):
        assert forbidden not in source, f"{script.name} uses {forbidden!r}"
