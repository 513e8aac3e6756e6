"""A real Learning Record Store for the tests: ralph, in a virtual environment of its own.

ralph pins a Starlette older than Streamlit runs on, so it cannot live in .venv:
`./run test` makes .venv-ralph from tests/ralph-requirements.txt, and if it is
missing the first test that needs it makes it here. If that fails the test
fails: it is never skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
RALPH_VENV = Path(os.environ.get("ARROWHEAD_RALPH_VENV") or ROOT / ".venv-ralph")
REQUIREMENTS = TESTS / "ralph-requirements.txt"
USERNAME, PASSWORD = "arrowhead", "lrs-test-secret"


def ralph_python() -> Path:
    """The ralph venv's Python, made (as ./run test makes it) when missing or out of date."""
    python = RALPH_VENV / "bin" / "python"
    stamp = RALPH_VENV / ".arrowhead-requirements"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(RALPH_VENV)], check=True)
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"Could not install ralph into {RALPH_VENV}:\n{done.stderr[-3000:]}")
    stamp.write_text(wanted)
    return python


class StrictModel:
    """ralph's strict statement model, BaseXapiStatement, in a process of ralph's venv."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [str(ralph_python()), str(TESTS / "ralph_validate.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def errors(self, statement: dict[str, Any]) -> str | None:
        """None if the statement is valid, else the model's errors."""
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(statement) + "\n")
        self.process.stdin.flush()
        verdict = self.process.stdout.readline().strip()
        return None if verdict == "ok" else verdict

    def close(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe:
                pipe.close()
        self.process.wait(timeout=10)


class Ralph:
    """ralph's LRS on 127.0.0.1 with its filesystem backend, basic auth, writes appended."""

    def __init__(self, data_dir: Path, port: int):
        self.data_dir = data_dir
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}/xAPI"
        self.process: subprocess.Popen | None = None
        self.log = data_dir.parent / f"ralph-{port}.log"

    def start(self) -> Ralph:
        """Start the server and wait until it answers."""
        command = [
            str(ralph_python()),
            str(TESTS / "ralph_server.py"),
            str(self.port),
            str(self.data_dir),
            USERNAME,
            PASSWORD,
        ]
        with self.log.open("a") as log:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("ralph stopped at start: " + self.log.read_text()[-3000:])
            try:
                url = f"http://127.0.0.1:{self.port}/__heartbeat__"
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("ralph did not start: " + self.log.read_text()[-3000:])

    def stop(self) -> None:
        """Stop the server, as an outage would."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def stored(self) -> list[dict[str, Any]]:
        """Every statement ralph has written to its file, in order."""
        path = self.data_dir / "statements.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
