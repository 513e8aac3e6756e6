"""My team's heatmap in a real browser: every learner's name, on a readable row, at any team size."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import ROOT
from playwright.sync_api import expect
from team_fixtures import take_quiz

from arrowhead.course import load_course
from arrowhead.store import accounts
from arrowhead.store import teams as team_store
from arrowhead.store.database import apply_migrations, open_database
from arrowhead.teams import COMMAND_LINE

pytestmark = pytest.mark.browser
SIZES = (1, 5, 10, 40)
READABLE_ROW = 24
"""Pixels between one learner's row and the next, at least: a 12 px name with room around it."""
MODULES = load_course(ROOT).modules
# Longer than Vega's default 180 px label limit, which cut names off with an ellipsis.
LONG_NAME = "Maximiliane Wolkenstein-Habsburg-Lothringen"


MEASURE = """svg => {
    const box = e => { const r = e.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                width: r.width, height: r.height}; };
    return [box(svg), [...svg.querySelectorAll("text")].map(
        t => ({text: t.textContent, ...box(t)}))];
}"""


def build_teams(db_path: Path) -> dict[int, list[str]]:
    """A manager of four teams of SIZES learners; each team's heatmap labels, by team size.

    Learners take turns: nothing attempted, the weakest option every time (a low
    score), the best option on the first quiz, the best option on two quizzes.
    """
    now = datetime.now(UTC)
    course = load_course(ROOT)
    first, second = course.quizzes[0], course.quizzes[1]
    db = open_database(db_path)
    apply_migrations(db)
    accounts.create_first_admin(db, "boss", "The Boss", "password123", now)
    mara = accounts.create_user(db, "mara", "Mara Manager", "password123", now, ("manager",))
    labels: dict[int, list[str]] = {}
    team_ids = []
    for size in SIZES:
        team = team_store.create_team(db, COMMAND_LINE, f"Team of {size}", now).id
        team_ids.append(team)
        for i in range(size):
            name = LONG_NAME if i == 0 else f"Learner {i:02d} of {size}"
            username = f"t{size}u{i:02d}"
            learner = accounts.create_user(db, username, name, "password123", now)
            team_store.set_team(db, COMMAND_LINE, learner.id, team, now)
            when = now - timedelta(days=1)
            if i % 4 == 1:
                weakest = [min(s.options, key=lambda o: o.points).id for s in first.scenarios]
                take_quiz(db, course, learner, first.id, weakest, when)
            if i % 4 >= 2:
                take_quiz(db, course, learner, first.id, [s.best.id for s in first.scenarios], when)
            if i % 4 == 3:
                best = [s.best.id for s in second.scenarios]
                take_quiz(db, course, learner, second.id, best, when)
            labels.setdefault(size, []).append(f"{name} ({username})")
        labels[size].sort(key=str.casefold)
    team_store.set_managed_teams(db, COMMAND_LINE, mara.id, team_ids)
    db.close()
    return labels


def test_heatmap_draws_every_name_on_its_own_readable_row(server, browser, tmp_path):
    """Regression: with 1 or 5 learners no cells were drawn and names overprinted; with 10 the
    rows were 9 px and 3 of 10 names showed. Each label must be drawn, whole, a row apart."""
    labels = build_teams(server.db_path)
    shots = Path(os.environ.get("ARROWHEAD_SHOTS", tmp_path))
    page = browser.new_page(viewport={"width": 1280, "height": 2000})
    page.goto(server.url)
    page.get_by_label("Username").first.fill("mara")
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="My team").click()
    # The heatmap has its own tab under the roster, drawn only while it is open.
    page.get_by_role("tab", name="Best scores").click()
    for size in SIZES:
        # Typed into the picker's search box: a click on a focused picker does not reopen it.
        page.get_by_test_id("stSelectbox").filter(has_text="Team").first.locator("input").click()
        page.keyboard.type(f"Team of {size}")
        page.get_by_role("option", name=f"Team of {size}", exact=True).click()
        # The heatmap is the chart that names this team's learners (the style charts follow it).
        chart = page.get_by_test_id("stVegaLiteChart").filter(has_text=labels[size][-1])
        expect(chart).to_have_count(1, timeout=20_000)
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        chart.screenshot(path=str(shots / f"heatmap-{size}.png"))
        # Every text element's box, measured in one go so no scrolling happens in between.
        svg, texts = chart.locator("svg").first.evaluate(MEASURE)
        drawn = {t["text"]: t for t in texts}
        centres = []
        for label in labels[size]:
            # The whole label, not "Maximiliane Wolkenst…", and inside the drawing.
            assert label in drawn, (label, sorted(drawn))
            box = drawn[label]
            assert box["height"] > 0 and box["width"] > 0, label
            assert svg["left"] - 1 <= box["left"] and box["right"] <= svg["right"] + 1, label
            centres.append((box["top"] + box["bottom"]) / 2)
        gaps = [b - a for a, b in zip(centres, centres[1:], strict=False)]
        assert all(gap >= READABLE_ROW for gap in gaps), gaps
        # A cell per learner and module: the scores and dashes are drawn, not only the axes.
        cells = [t["text"] for t in texts]
        assert sum("✓" in c for c in cells) == (size + 1) // 4 + 2 * (size // 4)
        scores = sum(bool(re.fullmatch(r"\d+( ✓)?", c)) for c in cells) - len(MODULES)
        assert cells.count("–") + scores == len(MODULES) * size
    page.close()
