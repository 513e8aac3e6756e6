"""The certificate's rules (eligibility, the date earned, the code) and its PDF, read back with pypdf."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from arrowhead.certificate_pdf import certificate_pdf, earned_on
from arrowhead.certificates import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MALFORMED_CODE,
    MAX_TYPED_CODE,
    CertificateError,
    QuizScore,
    Standing,
    clean_code,
    eligible,
    new_code,
    shown_code,
)

QUIZZES = {"alpha", "beta"}
ROLEPLAYS = {"first-meeting", "white-knight"}


@pytest.mark.parametrize(
    ("passed", "required_roleplays", "finished", "expected"),
    [
        ({"alpha", "beta"}, set(), set(), True),
        ({"alpha"}, set(), set(), False),
        (set(), set(), set(), False),
        # A quiz since removed from the course neither helps nor hurts.
        ({"alpha", "beta", "gone"}, set(), set(), True),
        ({"alpha", "beta"}, ROLEPLAYS, {"first-meeting", "white-knight"}, True),
        ({"alpha", "beta"}, ROLEPLAYS, {"first-meeting"}, False),
        ({"alpha", "beta"}, ROLEPLAYS, set(), False),
        ({"alpha"}, ROLEPLAYS, {"first-meeting", "white-knight"}, False),
        ({"alpha", "beta"}, ROLEPLAYS, {"first-meeting", "white-knight", "old-one"}, True),
    ],
)
def test_eligible_needs_every_quiz_passed_and_every_roleplay_finished(
    passed, required_roleplays, finished, expected
):
    assert eligible(QUIZZES, passed, required_roleplays, finished) is expected


def test_a_course_that_asks_for_nothing_gives_no_certificate():
    assert not eligible(set(), set(), set(), set())
    assert not eligible(set(), {"alpha"}, set(), {"first-meeting"})


def test_a_course_of_roleplays_alone_is_earned_by_finishing_them():
    assert eligible(set(), set(), ROLEPLAYS, ROLEPLAYS)
    assert not eligible(set(), set(), ROLEPLAYS, {"white-knight"})


def standing(passed: dict[str, str], finished: dict[str, str]) -> Standing:
    return Standing(frozenset(QUIZZES), passed, frozenset(ROLEPLAYS), finished)


def test_earned_at_is_the_last_first_pass_or_first_finish():
    both = {"alpha": "2026-11-01T10:00:00+00:00", "beta": "2026-11-03T10:00:00+00:00"}
    runs = {
        "first-meeting": "2026-11-02T10:00:00+00:00",
        "white-knight": "2026-11-05T08:00:00+00:00",
    }
    mine = standing(both, runs)
    assert mine.eligible
    # The last role-play finished made the learner eligible.
    assert mine.earned_at == "2026-11-05T08:00:00+00:00"
    early = standing(both, {**runs, "white-knight": "2026-10-20T08:00:00+00:00"})
    assert early.earned_at == "2026-11-03T10:00:00+00:00"


def test_not_eligible_has_no_date_and_says_what_is_left():
    mine = standing({"alpha": "2026-11-01T10:00:00+00:00"}, {"white-knight": "2026-11-02"})
    assert not mine.eligible
    assert mine.earned_at is None
    assert mine.quizzes_left == {"beta"}
    assert mine.roleplays_left == {"first-meeting"}


def test_new_codes_are_long_random_and_typeable():
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == CODE_LENGTH
        assert set(code) <= set(CODE_ALPHABET)
    # No look-alikes to misread off paper.
    assert not set("0O1IL2Z5S8B") & set(CODE_ALPHABET)


def test_a_shown_code_is_grouped_and_reads_back_as_stored():
    code = "ACDEFGHJKM34"
    assert shown_code(code) == "ACDE-FGHJ-KM34"
    assert clean_code(shown_code(code)) == code
    assert clean_code("  acde fghj-km34 ") == code
    assert clean_code("acdefghjkm34") == code


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "ACDE-FGHJ-KM3",  # one short
        "ACDE-FGHJ-KM344",  # one over
        "ACDE-FGHJ-KM30",  # 0 is not in the alphabet
        "ACDE-FGHJ-KMO4",  # nor O
        "ACDE-FGHJ-KM3٤",  # an Arabic-Indic digit
        "ACDE/FGHJ/KM34",
        "' OR 1=1 --",
        "A" * 5000,
        " " * (MAX_TYPED_CODE - CODE_LENGTH + 1) + "ACDEFGHJKM34",  # valid inside, too long typed
    ],
)
def test_a_malformed_or_over_long_code_gets_one_plain_sentence(typed):
    with pytest.raises(CertificateError) as refused:
        clean_code(typed)
    assert str(refused.value) == MALFORMED_CODE
    assert MALFORMED_CODE.count(".") == 1


EARNED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
SCORES = [QuizScore("three-styles", "Three styles in the field", 75), QuizScore("ceo", "CEO", 100)]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def make(name: str, scores=SCORES, code: str = "ACDEFGHJKM34") -> bytes:
    return certificate_pdf(
        name=name,
        earned_at=EARNED,
        scores=scores,
        code=code,
        verify_url=f"https://arrowhead.example.com/verify?code={shown_code(code)}",
    )


def test_the_pdf_holds_the_name_date_scores_and_code():
    data = make("Ada Lovelace")
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Ada Lovelace" in text
    assert "2 November 2026" in text
    assert "Three styles in the field" in text and "75%" in text and "100%" in text
    assert "ACDE-FGHJ-KM34" in text
    assert "https://arrowhead.example.com/verify?code=ACDE-FGHJ-KM34" in text


@pytest.mark.parametrize(
    "name",
    [
        "مریم میرزاخانی",  # Persian: joined letters, right to left
        "Zoë 👩‍💻 Ng",  # an emoji made of two joined by a zero-width joiner
        "🏳️‍🌈 Alex",
        "Ирина Петрова",
        "Ελένη Παππά",
        "José Núñez-O'Brien",
    ],
)
def test_a_name_in_any_script_prints_and_reads_back_as_typed(name):
    """Bug this pins: fpdf2's built-in fonts are Latin-1 only; a Persian or emoji name failed."""
    assert name in pdf_text(make(name))


def test_the_same_certificate_gives_the_same_file():
    assert make("Ada Lovelace") == make("Ada Lovelace")


def test_a_long_name_and_many_quizzes_stay_on_one_page():
    name = "Maximiliana Wolkenstein-Oberhausen von Rabenhorst-Ellingen"
    many = [QuizScore(f"q{n}", f"Quiz number {n} of the course", 70 + n) for n in range(14)]
    text = pdf_text(make(name, scores=many))
    # The name may wrap onto a second line: compare with the line breaks as spaces.
    assert name in " ".join(text.split())
    assert "Quiz number 13 of the course" in text
    assert "ACDE-FGHJ-KM34" in text


def test_earned_on_writes_the_date_out():
    assert earned_on(EARNED) == "2 November 2026"
    assert earned_on(datetime(2027, 1, 15, tzinfo=UTC)) == "15 January 2027"
