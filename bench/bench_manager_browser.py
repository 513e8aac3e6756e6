"""The manager's pages as a browser feels them, against the Account page in the same run.

Builds the demo organisation with `arrowhead demo` (5,000 learners in 50 teams:
100 a team) unless --db names one already built, starts `streamlit run` on
127.0.0.1 with the shipped .streamlit/config.toml, signs a team's manager and
the demo admin in with Debian's chromium (Playwright), and times each page from
the start of its navigation (page.goto: a fresh load, as opening a link or
reloading is) to the last websocket message of its run (the server sends
nothing more for QUIET seconds). The Account page, light and the same for
everyone, is timed in every round beside the others: it is the floor the
manager's pages are read against, so the machine's noise hits both.

    python bench/bench_manager_browser.py [--rounds 5] [--db demo.db]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_click import CHROMIUM, CLOCK_SCRIPT, start_server  # noqa: E402

from arrowhead.demo import DEMO_PASSWORD  # noqa: E402
from arrowhead.store.database import open_database  # noqa: E402

QUIET = 0.4  # seconds without a websocket message, the script not running, that end a run
STATE = "document.querySelector('[data-testid=stApp]')?.dataset.testScriptState"
TIMEOUT = 60
GOALS = {
    "My team": 1.5,
    "My team, after a change": 1.5,
    "Learner": 1.5,
    "Scenario insight": 1.5,
    "All teams": 2.0,
    "All teams, after a change": 2.0,
}
"""The goal for each page, as a multiple of the Account page's time in the same run."""


def build_demo(path: Path, learners: int, teams: int) -> float:
    """Build the demo organisation into path with the arrowhead command; the seconds it took."""
    start = time.perf_counter()
    subprocess.run(
        # The arrowhead command of the same environment as this Python.
        [str(Path(sys.executable).parent / "arrowhead"), "demo", "--db", str(path)]
        + ["--learners", str(learners), "--teams", str(teams), "--seed", "1"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "ARROWHEAD_CONTENT": str(ROOT)},
    )
    return time.perf_counter() - start


def demo_people(path: Path) -> tuple[str, int, int, str]:
    """The first team's manager, its size, and its learner with the most answers (and name)."""
    db = open_database(path)
    team_id, manager, size = db.execute(
        """SELECT t.id, u.username,
             (SELECT count(*) FROM team_members m WHERE m.team_id = t.id)
           FROM teams t JOIN team_managers tm ON tm.team_id = t.id JOIN users u ON u.id = tm.user_id
           ORDER BY t.name LIMIT 1"""
    ).fetchone()
    learner, name = db.execute(
        """SELECT m.user_id, u.display_name FROM team_members m JOIN users u ON u.id = m.user_id
           WHERE m.team_id = ?
           ORDER BY (SELECT count(*) FROM answers a WHERE a.user_id = m.user_id) DESC LIMIT 1""",
        [team_id],
    ).fetchone()
    db.close()
    return manager, size, learner, name


def touch(path: Path) -> None:
    """Commit a write that changes nothing anyone sees, as any answer or sign-in commits one."""
    db = open_database(path)
    with db.conn:
        db.execute("UPDATE teams SET name = name WHERE id = (SELECT min(id) FROM teams)")
    db.close()


def signed_in_page(browser, url: str, username: str):
    """A page in its own browser context, signed in as username (the login cookie kept)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(CLOCK_SCRIPT)
    page.goto(url)
    page.get_by_label("Username").first.fill(username)
    page.get_by_label("Password", exact=True).first.fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for(timeout=TIMEOUT * 1000)
    return page


def time_load(page, address: str, expect: str) -> float:
    """Milliseconds from the start of navigating to address to the last message of its run."""
    page.goto(address)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        count, last, now, state = page.evaluate(
            "[window.__frames.length, window.__frames.at(-1) || 0, performance.now(), "
            + STATE
            + "]"
        )
        # Quiet alone is not the end: a slow query keeps the server silent mid-run.
        # Done when the run ended where it should have, showing the end of the page (not an
        # error or the sign-in form); a page that runs twice is timed to its second run.
        if (
            count
            and state == "notRunning"
            and now - last > QUIET * 1000
            and page.get_by_text(expect).first.is_visible()
        ):
            # performance.now() counts from the start of this navigation.
            return last
    raise RuntimeError(f"{address} never showed {expect!r} and went quiet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="loads of every page")
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument(
        "--db", type=Path, default=None, help="Reuse (or build and keep) this file."
    )
    parser.add_argument(
        "--only",
        default=None,
        help="Comma-separated pages to time besides Account (for profiling); a comma followed "
        'by a space stays in a name: "All teams,All teams, after a change"',
    )
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        db_path = args.db or folder_path / "demo.db"
        if not db_path.exists():
            seconds = build_demo(db_path, args.learners, args.teams)
            print(
                f"arrowhead demo: {args.learners} learners, {args.teams} teams in {seconds:.1f} s"
            )
        manager, size, learner, learner_name = demo_people(db_path)
        app, url = start_server(ROOT / "course_app.py", db_path, folder_path / "app.log")
        times: dict[str, list[float]] = {}
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
                )
                mine = signed_in_page(browser, url, manager)
                admin = signed_in_page(browser, url, "demo.admin")
                # Each "after a change" load follows a commit, so what is kept is read afresh;
                # the load after it finds it kept (a load commits nothing). The rotation
                # below keeps each pair together.
                loads = [
                    ("Account", mine, "/account", "Sign out"),
                    ("My team, after a change", mine, "/team", "Downloads"),
                    ("My team", mine, "/team", "Downloads"),
                    ("Learner", mine, f"/learner?learner={learner}", "What to talk about"),
                    ("Scenario insight", mine, "/insight", "Facility"),
                    ("Account (admin)", admin, "/account", "Sign out"),
                    ("All teams, after a change", admin, "/team?team=all", "Downloads"),
                    ("All teams", admin, "/team?team=all", "Downloads"),
                ]
                if args.only:
                    # A name may hold ", ": only a comma with no space after it splits.
                    wanted = {"Account", *re.split(r",(?! )", args.only)}
                    loads = [load for load in loads if load[0] in wanted]
                # One warm-up load each: the first run of a page imports its modules.
                for _, page, path, expect in loads:
                    time_load(page, url + path, expect)
                for round_number in range(args.rounds):
                    # Rotated each round so no page always follows the same one.
                    shift = round_number % len(loads)
                    for name, page, path, expect in loads[shift:] + loads[:shift]:
                        if "after a change" in name:
                            touch(db_path)
                        times.setdefault(name, []).append(time_load(page, url + path, expect))
                browser.close()
        finally:
            app.terminate()
            app.wait(timeout=10)
    print(
        f"{args.rounds} rounds; My team and its learner page: a team of {size} learners "
        f"(learner: {learner_name}); load average {os.getloadavg()[0]:.1f}"
    )
    floor = statistics.median(times["Account"])
    print(f"{'page':<27}{'median ms':>10}{'min':>7}{'max':>7}{'× Account':>11}{'goal':>7}")
    for name, measured in times.items():
        median = statistics.median(measured)
        goal = GOALS.get(name)
        print(
            f"{name:<27}{median:>10.0f}{min(measured):>7.0f}{max(measured):>7.0f}"
            f"{median / floor:>11.2f}{'' if goal is None else f'{goal:.1f}':>7}"
        )


if __name__ == "__main__":
    main()
