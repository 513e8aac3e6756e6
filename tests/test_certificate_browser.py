"""The certificate in a real browser: the PDF downloads, its text holds the name, and /verify
shows it to someone who is not signed in (issue 10, Certificate)."""

import io

import pytest
from conftest import NOW
from playwright.sync_api import expect
from pypdf import PdfReader
from test_browser import SHIPPED, seed_admin

from arrowhead import journey
from arrowhead.certificates import shown_code
from arrowhead.store import accounts, learning
from arrowhead.store import certificates as certificate_store
from arrowhead.store.database import open_database

pytestmark = pytest.mark.browser
LATIN_NAME = "Zoë 👩‍💻 Ng"


def seed_learner_who_passed_every_quiz(server, name: str) -> int:
    """A learner whose best move in every scenario of every shipped quiz is stored: all passed."""
    seed_admin(server)
    db = open_database(server.db_path)
    user = accounts.create_user(db, "zoe", name, "password123", NOW, ("learner",))
    for quiz in SHIPPED.quizzes:
        attempt = learning.start_attempt(db, user.id, quiz.id, NOW)
        for scenario in quiz.scenarios:
            journey.answer_scenario(db, attempt, quiz, scenario.id, scenario.best.id, NOW)
    db.close()
    return user.id


def test_a_learner_downloads_the_certificate_and_a_stranger_verifies_it(server, browser):
    user_id = seed_learner_who_passed_every_quiz(server, LATIN_NAME)
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server.url)
    page.get_by_label("Username").first.fill("zoe")
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Partnership selling", exact=True)).to_be_visible(
        timeout=15_000
    )

    page.goto(server.url + "/progress")
    download_button = page.get_by_role("button", name="Download your certificate (PDF)")
    expect(download_button).to_be_visible(timeout=15_000)
    with page.expect_download(timeout=30_000) as downloaded:
        download_button.click()
    assert downloaded.value.suggested_filename == "arrowhead-certificate.pdf"
    data = downloaded.value.path().read_bytes()
    assert data.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert LATIN_NAME in text

    db = open_database(server.db_path)
    issued = certificate_store.certificate_of(db, user_id)
    db.close()
    assert issued is not None
    code = shown_code(issued.code)
    assert code in text
    expect(page.get_by_text(f"Verification code {code}", exact=False)).to_be_visible()

    # Someone else, never signed in, checks the code from the PDF.
    stranger = browser.new_context().new_page()
    stranger.goto(f"{server.url}/verify?code={code}")
    expect(stranger.get_by_text("This certificate is valid.")).to_be_visible(timeout=15_000)
    expect(stranger.get_by_text(LATIN_NAME, exact=True)).to_be_visible()
    expect(stranger.get_by_text("Traceback")).to_have_count(0)
    # A wrong code gets a sentence, not a certificate.
    stranger.goto(f"{server.url}/verify?code=ACDE-FGHJ-KM3")
    expect(stranger.get_by_text("That is not a certificate code")).to_be_visible(timeout=15_000)
    expect(stranger.get_by_text(LATIN_NAME, exact=True)).to_have_count(0)
    context.close()
