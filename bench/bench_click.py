"""Speed of a learner's click: a quiz's "Submit answer" and "Next scenario" against a bare page.

Starts two `streamlit run` servers on 127.0.0.1 with the shipped .streamlit/config.toml:
the app on a fresh database with one learner, and a bare page with one button (the
floor). Debian's chromium, driven by Playwright, signs the learner in, takes the first
quiz, and times every click from the moment it is sent to the last websocket frame of
the run it caused (the server sends nothing more for QUIET seconds). The bare page's
button is timed the same way in the same run, so the machine's noise hits both.

    python bench/bench_click.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arrowhead.course import load_course  # noqa: E402
from arrowhead.store import accounts  # noqa: E402
from arrowhead.store.database import apply_migrations, open_database  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "bench-password-123"
QUIET = 0.4  # seconds without a frame that end a run
TIMEOUT = 20

BARE_PAGE = """
import streamlit as st

st.title("Bare page")
if st.button("Click", key="click"):
    st.write("Clicked")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(script: Path, db_path: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "ARROWHEAD_DB": str(db_path), "ARROWHEAD_CONTENT": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script)]
        + ["--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("streamlit did not start: " + log.read_text())


# Recorded in the page itself, so Playwright's own event delivery adds nothing:
# the time of the last click, and of every websocket message the server sent.
CLOCK_SCRIPT = """
window.__frames = [];
window.__click = 0;
const Native = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new Native(...args);
  socket.addEventListener("message", () => window.__frames.push(performance.now()));
  return socket;
};
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, Native);
document.addEventListener("click", () => { window.__click = performance.now(); }, true);
"""


class FrameClock:
    """Times a click by the websocket messages the server sends back for it."""

    def __init__(self, page):
        self.page = page
        page.add_init_script(CLOCK_SCRIPT)

    def time_click(self, locator) -> float:
        """Milliseconds from the click to the last message of the run it caused."""
        locator.wait_for(timeout=TIMEOUT * 1000)
        seen = self.page.evaluate("window.__frames.length")
        locator.click()
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
            state = self.page.evaluate(
                "[window.__frames.length, window.__frames.at(-1) || 0, window.__click,"
                " performance.now()]"
            )
            count, last, clicked, now = state
            if count > seen and now - last > QUIET * 1000:
                return last - clicked
        raise RuntimeError("no answer to a click")


def quiz_clicks(browser, url: str, quiz_id: str, scenarios: int) -> tuple[list[float], list[float]]:
    """Submit and Next times for one pass through a quiz."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    clock = FrameClock(page)
    page.goto(url)
    page.get_by_label("Username").first.fill("bench")
    page.get_by_label("Password", exact=True).first.fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for(timeout=TIMEOUT * 1000)
    page.goto(f"{url}/quiz?quiz={quiz_id}")
    page.get_by_role("button", name="Start the quiz").or_(
        page.get_by_role("button", name="Retake the quiz")
    ).click()
    submits, nexts = [], []
    for number in range(scenarios):
        page.locator("[data-testid='stRadio'] [role='radiogroup'] label").first.click()
        submits.append(clock.time_click(page.get_by_role("button", name="Submit answer")))
        last = number == scenarios - 1
        nexts.append(
            clock.time_click(
                page.get_by_role("button", name="See your result" if last else "Next scenario →")
            )
        )
    page.close()
    return submits, nexts


def bare_clicks(browser, url: str, count: int) -> list[float]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    clock = FrameClock(page)
    page.goto(url)
    button = page.get_by_role("button", name="Click")
    button.wait_for(timeout=TIMEOUT * 1000)
    times = [clock.time_click(button) for _ in range(count)]
    page.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes through the first quiz")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    course = load_course(ROOT)
    quiz = course.quizzes[0]
    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        db_path = folder_path / "progress.db"
        db = open_database(db_path)
        apply_migrations(db)
        accounts.create_first_admin(db, "boss", "Boss", PASSWORD, datetime.now(UTC))
        accounts.create_user(db, "bench", "Bench Learner", PASSWORD, datetime.now(UTC))
        db.close()
        bare = folder_path / "bare_page.py"
        bare.write_text(BARE_PAGE)
        app, app_url = start_server(ROOT / "course_app.py", db_path, folder_path / "app.log")
        floor, floor_url = start_server(bare, folder_path / "bare.db", folder_path / "bare.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
                )
                submits: list[float] = []
                nexts: list[float] = []
                bare_times: list[float] = []
                # Interleave the app and the floor so both see the same machine.
                for _ in range(args.rounds):
                    s, n = quiz_clicks(browser, app_url, quiz.id, len(quiz.scenarios))
                    submits += s
                    nexts += n
                    bare_times += bare_clicks(browser, floor_url, len(quiz.scenarios))
                browser.close()
        finally:
            for process in (app, floor):
                process.terminate()
                process.wait(timeout=10)
    base = statistics.median(bare_times)
    print(f"quiz '{quiz.id}', {args.rounds} passes of {len(quiz.scenarios)} scenarios")
    print(f"{'click':<22}{'clicks':>7}{'median ms':>11}{'p90 ms':>9}{'× floor':>9}")
    for name, times in (
        ("floor: bare button", bare_times),
        ("Submit answer", submits),
        ("Next scenario", nexts),
    ):
        p90 = statistics.quantiles(times, n=10)[-1]
        median = statistics.median(times)
        print(f"{name:<22}{len(times):>7}{median:>11.0f}{p90:>9.0f}{median / base:>9.2f}")


if __name__ == "__main__":
    main()
