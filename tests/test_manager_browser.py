"""A manager in a real browser sees a learner's fresh result and downloads the roster."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

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
# A learner's name that a spreadsheet would run as a formula.
FORMULA_NAME = "=HYPERLINK(1) Zed"


def test_manager_sees_a_fresh_result_and_downloads_the_roster(server, browser):
    now = datetime.now(UTC)
    db = open_database(server.db_path)
    apply_migrations(db)
    accounts.create_first_admin(db, "boss", "The Boss", "password123", now)
    mara = accounts.create_user(db, "mara", "Mara Manager", "password123", now, ("manager",))
    zed = accounts.create_user(db, "zed", FORMULA_NAME, "password123", now)
    north = team_store.create_team(db, COMMAND_LINE, "North", now).id
    team_store.set_managed_teams(db, COMMAND_LINE, mara.id, [north])
    team_store.set_team(db, COMMAND_LINE, zed.id, north, now)

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(server.url)
    page.get_by_label("Username").first.fill("mara")
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="My team").click()
    average = page.get_by_test_id("stMetric").filter(has_text="Average best score")
    expect(average).to_contain_text("–", timeout=15_000)

    # The learner finishes a quiz now, with the best move every time.
    course = load_course(ROOT)
    quiz = course.quizzes[0]
    take_quiz(db, course, zed, quiz.id, [s.best.id for s in quiz.scenarios], datetime.now(UTC))

    page.reload()
    expect(average).to_contain_text("100%", timeout=15_000)
    expect(page.get_by_test_id("stMetric").filter(has_text="Modules passed")).to_contain_text("1")

    with page.expect_download() as download:
        page.get_by_role("button", name="Roster with progress (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert len(rows) == 1
    assert rows[0]["learner"] == "'" + FORMULA_NAME
    assert rows[0]["status"] == "on track"
    assert rows[0][quiz.id] == "100"
    context.close()
    db.close()


def test_every_answer_downloads_and_is_refused_once_the_learner_left(server, browser):
    """Issue 9, defect 1: a button drawn before an admin moved a learner out still served them.

    The download runs on the real server's click (Streamlit's deferred download),
    which only a real `streamlit run` does: AppTest has no such request.
    """
    now = datetime.now(UTC)
    db = open_database(server.db_path)
    apply_migrations(db)
    accounts.create_first_admin(db, "boss", "The Boss", "password123", now)
    mara = accounts.create_user(db, "mara", "Mara Manager", "password123", now, ("manager",))
    zed = accounts.create_user(db, "zed", "Zed Zimmer", "password123", now)
    north = team_store.create_team(db, COMMAND_LINE, "North", now).id
    team_store.set_managed_teams(db, COMMAND_LINE, mara.id, [north])
    team_store.set_team(db, COMMAND_LINE, zed.id, north, now)
    course = load_course(ROOT)
    quiz = course.quizzes[0]
    take_quiz(db, course, zed, quiz.id, [s.best.id for s in quiz.scenarios], now)

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(server.url)
    page.get_by_label("Username").first.fill("mara")
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="My team").click()
    page.get_by_role("button", name="Prepare every answer as CSV").click()
    every = page.get_by_role("button", name="Every answer (CSV")
    expect(every).to_be_visible(timeout=15_000)
    with page.expect_download() as download:
        every.click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert len(rows) == len(quiz.scenarios) and {r["username"] for r in rows} == {"zed"}

    team_store.set_team(db, COMMAND_LINE, zed.id, None, datetime.now(UTC))
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    every.click()  # the same button, drawn before the move: no rerun in between
    expect(page.get_by_text("Failed to generate file for download")).to_be_visible(timeout=15_000)
    assert downloads == []
    context.close()
    db.close()
