"""The `run` script's install decision, on a copy of it with a stand-in virtual environment.

The stand-in `.venv/bin/*` programs only write down how they were called: what
is under test is whether `run` calls pip, not pip itself, and a real install
would need a package index the test cannot count on.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

STAND_IN = """#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "$(dirname "$0")/../../calls.log"
if [ "$(basename "$0")" = python ] && [ -n "${FAIL_PIP:-}" ]; then
  echo "ERROR: Could not find a version that satisfies the requirement" >&2
  exit 1
fi
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of `run` beside a pyproject.toml, with a complete stand-in `.venv`."""
    shutil.copy(ROOT / "run", tmp_path / "run")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "arrowhead"\n')
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python", "streamlit", "ruff", "mypy", "arrowhead", "pytest"):
        (bin_dir / name).write_text(STAND_IN)
        (bin_dir / name).chmod(0o755)
    # The LRS the xAPI tests push to has a venv of its own (see tests/lrs_support.py).
    (tmp_path / "tests").mkdir()
    shutil.copy(ROOT / "tests" / "ralph-requirements.txt", tmp_path / "tests")
    ralph_bin = tmp_path / ".venv-ralph" / "bin"
    ralph_bin.mkdir(parents=True)
    (ralph_bin / "python").write_text(STAND_IN)
    (ralph_bin / "python").chmod(0o755)
    return tmp_path


def run(project: Path, *args: str, fail_pip: bool = False) -> tuple[int, list[str]]:
    """Run the copy; its exit status and the programs it called, in order."""
    log = project / "calls.log"
    log.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "FAIL_PIP"}
    if fail_pip:
        env["FAIL_PIP"] = "1"
    done = subprocess.run(
        ["bash", str(project / "run"), *args], env=env, capture_output=True, timeout=60
    )
    return done.returncode, log.read_text().splitlines() if log.exists() else []


def installs(calls: list[str]) -> list[str]:
    return [c for c in calls if c.startswith("python -m pip") and " -e " in c]


def test_app_installs_once_then_starts_without_a_package_index(project):
    """Bug (issue 8.9): `./run app` reinstalled on every start and failed with no index."""
    status, calls = run(project, "app", "--server.port", "8080")
    assert status == 0
    assert installs(calls) == ["python -m pip -q --disable-pip-version-check install -e ."]
    assert calls[-1] == "streamlit run course_app.py --server.port 8080"

    status, calls = run(project, "app")
    assert status == 0
    assert calls == ["streamlit run course_app.py"]  # no pip at all: works offline


def test_app_installs_again_when_pyproject_changes(project):
    run(project, "app")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'dependencies = ["segno>=1.6"]\n')
    status, calls = run(project, "app")
    assert status == 0 and len(installs(calls)) == 1


def test_a_failed_install_stops_the_script_and_is_tried_again(project):
    status, calls = run(project, "app", fail_pip=True)
    assert status != 0
    assert not any(c.startswith("streamlit") for c in calls)
    status, calls = run(project, "app")
    assert status == 0 and len(installs(calls)) == 1


def test_the_test_command_keeps_its_own_stamp_for_the_test_extras(project):
    run(project, "app")
    status, calls = run(project, "test", "-k", "quiz")
    assert status == 0
    assert installs(calls) == ["python -m pip -q --disable-pip-version-check install -e .[test]"]
    assert calls[-1] == "pytest -k quiz"
    status, calls = run(project, "test")
    assert status == 0 and installs(calls) == []
    assert [c.split()[0] for c in calls] == ["ruff", "ruff", "mypy", "arrowhead", "pytest"]


def test_the_test_command_installs_the_lrs_venv_once(project):
    ralph = "python -m pip -q --disable-pip-version-check install -r tests/ralph-requirements.txt"
    status, calls = run(project, "test")
    assert status == 0 and ralph in calls
    status, calls = run(project, "test")
    assert status == 0 and ralph not in calls
    (project / "tests" / "ralph-requirements.txt").write_text("ralph-malph[backend-fs,lrs]>=5.2\n")
    status, calls = run(project, "test")
    assert status == 0 and ralph in calls
