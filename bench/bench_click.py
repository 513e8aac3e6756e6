"""Speed of a learner's click: a quiz's "Submit answer" and "Next scenario" against a bare page.

Starts `streamlit run` servers on 127.0.0.1 with the shipped .streamlit/config.toml:
the app on a fresh database with one learner, and a bare page with one button (the
floor). Debian's chromium, driven by Playwright, signs the learner in, takes the first
quiz, and times every click from the moment it is sent to the last websocket frame of
the run it caused (the server sends nothing more for QUIET seconds). The bare page's
button is clicked right after every Submit, in its own tab, and timed the same way, so
the machine's noise hits both alike.

For reference only, a bare page whose one button is a form's submit button is clicked
after every Next. Streamlit sends an st.button's click after the browser's next frame
(a zero-delay timer that waits behind the paint, about 10 ms), a form's submit button
in the click itself; the goal is measured against the bare st.button all the same.

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

BARE_FORM_PAGE = """
import streamlit as st

st.title("Bare page")
with st.form("form", border=False):
    clicked = st.form_submit_button("Click", key="click")
if clicked:
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


def open_bare(browser, url: str):
    """A bare page in its own tab, with its clock, ready to click."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    clock = FrameClock(page)
    page.goto(url)
    button = page.get_by_role("button", name="Click")
    button.wait_for(timeout=TIMEOUT * 1000)
    return page, clock, button


def one_pass(browser, urls: dict[str, str], quiz_id: str, scenarios: int) -> dict[str, list[float]]:
    """One pass through the quiz, a bare click after each of the learner's clicks."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    clock = FrameClock(page)
    page.goto(urls["app"])
    page.get_by_label("Username").first.fill("bench")
    page.get_by_label("Password", exact=True).first.fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for(timeout=TIMEOUT * 1000)
    page.goto(f"{urls['app']}/quiz?quiz={quiz_id}")
    page.get_by_role("button", name="Start the quiz").or_(
        page.get_by_role("button", name="Retake the quiz")
    ).click()
    bare_page, bare_clock, bare_button = open_bare(browser, urls["bare"])
    form_page, form_clock, form_button = open_bare(browser, urls["form"])
    times: dict[str, list[float]] = {"submit": [], "next": [], "bare": [], "form": []}
    for number in range(scenarios):
        page.locator("[data-testid='stRadio'] [role='radiogroup'] label").first.click()
        times["submit"].append(clock.time_click(page.get_by_role("button", name="Submit answer")))
        times["bare"].append(bare_clock.time_click(bare_button))
        last = number == scenarios - 1
        onward = page.get_by_role("button", name="See your result" if last else "Next scenario →")
        times["next"].append(clock.time_click(onward))
        times["form"].append(form_clock.time_click(form_button))
    for opened in (page, bare_page, form_page):
        opened.close()
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
        bare_form = folder_path / "bare_form_page.py"
        bare_form.write_text(BARE_FORM_PAGE)
        servers: dict[str, subprocess.Popen] = {}
        urls: dict[str, str] = {}
        try:
            for name, script, db_file in (
                ("app", ROOT / "course_app.py", db_path),
                ("bare", bare, folder_path / "bare.db"),
                ("form", bare_form, folder_path / "bare.db"),
            ):
                servers[name], urls[name] = start_server(
                    script, db_file, folder_path / f"{name}.log"
                )
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
                )
                times: dict[str, list[float]] = {"submit": [], "next": [], "bare": [], "form": []}
                for _ in range(args.rounds):
                    for name, clicks in one_pass(
                        browser, urls, quiz.id, len(quiz.scenarios)
                    ).items():
                        times[name] += clicks
                browser.close()
        finally:
            for process in servers.values():
                process.terminate()
                process.wait(timeout=10)
    base = statistics.median(times["bare"])
    print(f"quiz '{quiz.id}', {args.rounds} passes of {len(quiz.scenarios)} scenarios")
    print(f"{'click':<28}{'clicks':>7}{'median ms':>11}{'p90 ms':>9}{'× floor':>9}")
    for name, clicks in (
        ("floor: bare button", times["bare"]),
        ("Submit answer", times["submit"]),
        ("Next scenario", times["next"]),
        ("(reference: bare form button)", times["form"]),
    ):
        p90 = statistics.quantiles(clicks, n=10)[-1]
        median = statistics.median(clicks)
        print(f"{name:<28}{len(clicks):>7}{median:>11.0f}{p90:>9.0f}{median / base:>9.2f}")


if __name__ == "__main__":
    main()
