"""The certificate as a PDF (fpdf2): the name, the date earned, the scores and the verification code.

Display names are whatever a learner typed: Persian, Cyrillic, emoji joined by
zero-width joiners. fpdf2's built-in fonts are Latin-1 only, so the PDF embeds
DejaVu Sans (Latin, Greek, Cyrillic, Arabic script, Hebrew and much more) with
Symbola behind it for emoji, both shipped in arrowhead/fonts with their
licences; HarfBuzz shapes the text, so a Persian name is joined, runs right to
left and reads back from the PDF as it was typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from arrowhead.certificates import QuizScore, RoleplayScore, shown_code

FONTS = Path(__file__).resolve().parent / "fonts"
COURSE_TITLE = "Partnership selling"
_FAMILY, _FALLBACK = "DejaVuSans", "Symbola"
_INK, _MUTED, _ACCENT = (30, 30, 40), (100, 100, 110), (180, 60, 40)


def earned_on(earned_at: datetime) -> str:
    """The date earned as the certificate and the verify page write it: 2 November 2026."""
    return f"{earned_at.day} {earned_at:%B %Y}"


def certificate_pdf(
    *,
    name: str,
    earned_at: datetime,
    scores: Sequence[QuizScore],
    code: str,
    verify_url: str,
    roleplay_scores: Sequence[RoleplayScore] = (),
) -> bytes:
    """The certificate as PDF bytes; the same values give the same file."""
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(f"Certificate: {name}")
    pdf.set_author("Arrowhead")
    # The date earned, not the clock: downloading it again gives the same file.
    pdf.set_creation_date(earned_at)
    pdf.add_font(_FAMILY, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(_FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.add_font(_FALLBACK, "", FONTS / "Symbola.ttf")
    pdf.set_fallback_fonts([_FALLBACK], exact_match=False)
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width = pdf.epw

    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)

    def line(text: str, size: float, style: str = "", colour=_INK, gap: float = 2) -> None:
        pdf.set_font(_FAMILY, style, size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(width, size * 0.5, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    pdf.set_y(24)
    line("ARROWHEAD", 11, "B", _ACCENT, gap=4)
    line("Certificate of completion", 30, "B", gap=6)
    line("This certifies that", 13, colour=_MUTED)
    line(name, 26, "B", gap=4)
    done = "passing every quiz" + (" and finishing every role-play" if roleplay_scores else "")
    line(f"has completed the course {COURSE_TITLE}, {done},", 13, colour=_MUTED)
    line(f"on {earned_on(earned_at)}.", 13, colour=_MUTED, gap=8)

    footer = pdf.h - 36
    rows = [(s.title, s.best) for s in scores] + [(r.title, r.best) for r in roleplay_scores]
    if rows:
        heading = "Best score in each quiz" + (" and role-play" if roleplay_scores else "")
        line(heading, 12, "B", gap=1)
        # Six rows fit at full size; a longer course gets closer rows, never a second page.
        row = min(6.5, (footer - 4 - pdf.get_y()) / len(rows))
        pdf.set_font(_FAMILY, "", min(11, row * 1.7))
        pdf.set_text_color(*_INK)
        left = pdf.l_margin + width * 0.2
        for title, best in rows:
            pdf.set_x(left)
            pdf.cell(width * 0.45, row, title)
            pdf.cell(width * 0.15, row, f"{best}%", align="R", new_x=XPos.LMARGIN)
            pdf.ln(row)

    pdf.set_y(footer)
    line(f"Verification code: {shown_code(code)}", 12, "B", gap=1)
    pdf.set_font(_FAMILY, "", 10)
    pdf.set_text_color(*_MUTED)
    pdf.multi_cell(
        width, 5, f"Check it at {verify_url}", align="C", link=verify_url, new_x=XPos.LMARGIN
    )
    return bytes(pdf.output())
