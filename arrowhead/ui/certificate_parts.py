"""What the certificate's pages share: the learner's standing, issuing, the download and the
verify link."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

import streamlit as st
from sqlite_utils import Database

from arrowhead.accounts import User
from arrowhead.certificate_pdf import certificate_pdf, earned_on
from arrowhead.certificates import QuizScore, RoleplayScore, Standing, shown_code
from arrowhead.course import Course
from arrowhead.journey import ModuleProgress
from arrowhead.store import certificates as store
from arrowhead.store import roleplays as roleplay_store
from arrowhead.store.certificates import Certificate
from arrowhead.ui import components, workshop_parts

VERIFY_PAGE = "arrowhead/ui/verify_page.py"
VERIFY_PATH = "verify"
"""The verify page's url_path: course_app.py offers it signed in and signed out."""


def standing(
    db: Database, course: Course, user_id: int, progress: list[ModuleProgress]
) -> Standing:
    """What the certificate asks of this learner and what they have done towards it.

    The one place where the certificate's requirements are gathered: every quiz
    passed, and every role-play of the course played to an ending on one's own
    (a workshop room's route is the room's, not the learner's).
    """
    passed_at = {
        item.quiz.id: min(firsts)
        for item in progress
        if item.quiz
        if (firsts := [a.finished_at for a in item.attempts if a.passed and a.finished_at])
    }
    return Standing(
        required_quiz_ids=frozenset(q.id for q in course.quizzes),
        passed_at=passed_at,
        required_roleplay_ids=frozenset(r.id for r in course.roleplays),
        finished_at=roleplay_store.first_finished(db, user_id),
    )


def issue_if_earned(
    db: Database, course: Course, user: User, progress: list[ModuleProgress]
) -> Certificate | None:
    """The learner's certificate: the one already issued, or issued now if they have earned it."""
    held = store.certificate_of(db, user.id)
    if held is not None:
        return held
    earned_at = standing(db, course, user.id, progress).earned_at
    if earned_at is None:
        return None
    scores = [
        QuizScore(quiz_id=item.quiz.id, title=item.quiz.title, best=item.best_score)
        for item in progress
        if item.quiz and item.best_score is not None
    ]
    best_endings = roleplay_store.best_endings(db, user.id)
    roleplay_scores = [
        RoleplayScore(roleplay_id=r.id, title=r.title, best=best_endings[r.id])
        for r in course.roleplays
        if r.id in best_endings
    ]
    return store.issue_certificate(
        db, user.id, earned_at, scores, components.now(), roleplay_scores
    )


def announce_if_earned(
    db: Database, course: Course, user: User, progress: list[ModuleProgress]
) -> None:
    """Issue the certificate if the step just finished earned it, and point to it.

    Called where a quiz is passed or a role-play ends: the certificate is issued at that
    moment, so the learner's manager sees it whether or not the learner opens My progress.
    """
    if issue_if_earned(db, course, user, progress):
        st.page_link(
            components.PROGRESS_PAGE,
            label="You have earned your certificate: download it on My progress",
            icon=":material/workspace_premium:",
        )


def verify_url(code: str, page_path: str) -> str:
    """The link that checks this certificate, at the address the app is reached at from outside."""
    base = workshop_parts.public_base(page_path)
    return f"{base}/{VERIFY_PATH}?{urlencode({'code': shown_code(code)})}"


def date_earned(certificate: Certificate | store.Verified) -> str:
    """The date a certificate was earned, written out: 2 November 2026."""
    return earned_on(datetime.fromisoformat(certificate.earned_at))


def certificate_section(
    db: Database, course: Course, user: User, progress: list[ModuleProgress], page_path: str
) -> None:
    """The learner's certificate: issued if just earned, with its download, code and link;
    or what is left to earn it."""
    certificate = issue_if_earned(db, course, user, progress)
    if certificate is None:
        left = standing(db, course, user.id, progress)
        if not left.required_quiz_ids and not left.required_roleplay_ids:
            st.caption("The course has no quiz yet, so there is no certificate to earn.")
            return
        titles = [q.title for q in course.quizzes if q.id in left.quizzes_left]
        still = f" Still to pass: {', '.join(titles)}." if titles else ""
        if left.roleplays_left:
            still += f" Role-plays still to finish: {len(left.roleplays_left)}."
        asked = "Pass every quiz" + (" and finish every role-play" if course.roleplays else "")
        st.info(f"{asked} to earn your certificate, a PDF with a code anyone can check." + still)
        return
    url = verify_url(certificate.code, page_path)
    st.success(f"You earned your certificate on {date_earned(certificate)}.")
    st.download_button(
        "Download your certificate (PDF)",
        # Made on the click, not on every run of the page: it takes a few tenths of a second.
        data=lambda: certificate_pdf(
            name=certificate.display_name,
            earned_at=datetime.fromisoformat(certificate.earned_at),
            scores=certificate.scores,
            roleplay_scores=certificate.roleplay_scores,
            code=certificate.code,
            verify_url=url,
        ),
        file_name="arrowhead-certificate.pdf",
        mime="application/pdf",
        icon=":material/workspace_premium:",
        type="primary",
        key=f"certificate_download_{page_path}",
        on_click="ignore",
    )
    st.caption(
        f"Verification code {shown_code(certificate.code)}. Anyone with it can check, without "
        "signing in, that the certificate is yours and when you earned it, and nothing else:"
    )
    st.code(url, language=None)
