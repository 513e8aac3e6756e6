"""The certificate on the finish page and My progress, /verify signed in and out, and managers'
view of who has earned one (AppTest)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from conftest import app_for, make_user, texts
from pypdf import PdfReader
from team_fixtures import build_org, serve_files
from test_journey_pages import finish_course, take

from arrowhead.certificate_pdf import earned_on
from arrowhead.certificates import MALFORMED_CODE, NO_SUCH_CODE, shown_code
from arrowhead.store import certificates as store
from arrowhead.store import learning

FINISH = "arrowhead/ui/finish_page.py"
PROGRESS = "arrowhead/ui/progress_page.py"
VERIFY = "arrowhead/ui/verify_page.py"
TEAM = "arrowhead/ui/team_page.py"
DOWNLOAD = "Download your certificate (PDF)"
PERSIAN = "مریم میرزاخانی"


def download_of(at):
    return next(b for b in at.get("download_button") if b.proto.label == DOWNLOAD)


def pdf_text(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


def count(db) -> int:
    return db.execute("SELECT count(*) FROM certificates").fetchone()[0]


def test_the_finish_page_offers_the_certificate_pdf_with_the_name_and_code(app_env, monkeypatch):
    served = serve_files(monkeypatch)
    user = make_user(app_env, "maryam", name=PERSIAN)
    finish_course(app_env, user)
    at = app_for(app_env, user, FINISH)
    assert not at.exception
    issued = store.certificate_of(app_env, user.id)
    assert issued is not None
    shown = texts(at)
    date = earned_on(datetime.fromisoformat(issued.earned_at))
    assert f"You earned your certificate on {date}." in shown
    assert shown_code(issued.code) in shown
    assert f"/verify?code={shown_code(issued.code)}" in [c.value for c in at.code][0]
    text = pdf_text(served.data(download_of(at)))
    assert PERSIAN in text and date in text and shown_code(issued.code) in text
    assert "Alpha quiz" in text and "75%" in text


def test_opening_the_pages_again_issues_no_second_certificate(app_env):
    user = make_user(app_env)
    finish_course(app_env, user)
    first = store.certificate_of(app_env, user.id)
    for page in (FINISH, PROGRESS, FINISH):
        at = app_for(app_env, user, page)
        assert not at.exception
        assert shown_code(first.code) in texts(at)
    assert count(app_env) == 1


def test_passing_the_last_quiz_issues_the_certificate_there(app_env):
    """The moment of eligibility: a manager sees it even if the learner never opens the summary."""
    user = make_user(app_env)
    take(app_env, user, "alpha", ["strategic", "escalate"])
    assert store.certificate_of(app_env, user.id) is None
    at = take(app_env, user, "beta", ["brief"])
    issued = store.certificate_of(app_env, user.id)
    assert issued is not None
    labels = [link.proto.label for link in at.get("page_link")]
    assert "You have earned your certificate: download it on My progress" in labels
    # Earned when the last quiz was passed: the attempt's own finish time.
    [beta] = [a for a in learning.attempts_of(app_env, user.id) if a.quiz_id == "beta"]
    assert issued.earned_at == beta.finished_at


def test_every_quiz_passed_with_sections_unread_still_earns_it(app_env):
    """Decided: the certificate asks for every quiz passed (and, later, every role-play
    finished); reading is the course's own progress, not the certificate's."""
    user = make_user(app_env)
    take(app_env, user, "alpha", ["strategic", "escalate"])
    take(app_env, user, "beta", ["brief"])
    at = app_for(app_env, user, FINISH)
    shown = texts(at)
    assert "You have not finished the course yet" in shown
    assert download_of(at).proto.label == DOWNLOAD


def test_my_progress_says_what_is_left_before_the_certificate(app_env):
    user = make_user(app_env)
    take(app_env, user, "alpha", ["strategic", "escalate"])
    at = app_for(app_env, user, PROGRESS)
    assert not at.exception
    assert "Still to pass: Beta quiz." in texts(at)
    assert [b for b in at.get("download_button") if b.proto.label == DOWNLOAD] == []
    assert count(app_env) == 0


def test_a_course_without_quizzes_offers_no_certificate(app_env, course_root):
    for quiz in (course_root / "quizzes").iterdir():
        quiz.unlink()
    user = make_user(app_env)
    at = app_for(app_env, user, PROGRESS)
    assert not at.exception
    assert "The course has no quiz yet, so there is no certificate to earn." in texts(at)
    assert count(app_env) == 0


def test_my_progress_offers_the_same_certificate_as_the_finish_page(app_env, monkeypatch):
    served = serve_files(monkeypatch)
    user = make_user(app_env, "ana", name="Ana Able")
    finish_course(app_env, user)
    at = app_for(app_env, user, PROGRESS)
    issued = store.certificate_of(app_env, user.id)
    assert shown_code(issued.code) in texts(at)
    assert "Ana Able" in pdf_text(served.data(download_of(at)))


@pytest.fixture
def issued(app_env):
    make_user(app_env, "boss", ("admin",))
    learner = make_user(app_env, "maryam", name=PERSIAN)
    finish_course(app_env, learner)
    app_for(app_env, learner, FINISH)
    return store.certificate_of(app_env, learner.id)


def test_verify_signed_out_shows_the_name_and_date_and_nothing_else(app_env, issued):
    at = app_for(app_env, None, VERIFY, code=shown_code(issued.code))
    assert not at.exception
    shown = texts(at)
    assert "This certificate is valid." in shown
    assert [t.value for t in at.text] == [
        PERSIAN,
        earned_on(datetime.fromisoformat(issued.earned_at)),
    ]
    # Nothing else about the learner: no username, no scores, no sign-in form in the way.
    assert "maryam" not in shown and "75%" not in shown and "Alpha quiz" not in shown
    assert "Sign in" not in [b.label for b in at.button]


def test_verify_reads_a_code_typed_in_lower_case_with_spaces(app_env, issued):
    typed = " ".join(shown_code(issued.code).lower().split("-"))
    at = app_for(app_env, None, VERIFY, code=typed)
    assert "This certificate is valid." in texts(at)


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        ("ACDE-FGHJ-KM34", NO_SUCH_CODE),
        ("hello", MALFORMED_CODE),
        ("<script>alert(1)</script>", MALFORMED_CODE),
        ("A" * 5000, MALFORMED_CODE),
    ],
)
def test_verify_answers_a_wrong_code_with_one_plain_sentence(app_env, issued, code, sentence):
    if code == "ACDE-FGHJ-KM34" and issued.code == "ACDEFGHJKM34":
        code = "ACDE-FGHJ-KM36"
    at = app_for(app_env, None, VERIFY, code=code)
    assert not at.exception
    assert [e.value for e in at.error] == [sentence]
    assert "valid" not in texts(at).replace(sentence, "")
    assert at.text_input(key="verify_code").value == ("" if len(code) > 40 else code)


def test_verify_by_typing_the_code_into_the_form(app_env, issued):
    at = app_for(app_env, None, VERIFY)
    assert at.error == [] and "valid" not in texts(at)
    at.text_input(key="verify_code").input(shown_code(issued.code))
    at.button(key="verify_submit").click().run()
    assert "This certificate is valid." in texts(at)
    assert at.query_params["code"] == shown_code(issued.code)


def test_verify_works_signed_in_too(app_env, issued):
    someone = make_user(app_env, "kim")
    at = app_for(app_env, someone, VERIFY, code=shown_code(issued.code))
    assert not at.exception
    assert PERSIAN in [t.value for t in at.text]


def test_the_roster_and_its_csv_say_who_has_earned_it(app_env, course_root, monkeypatch):
    served = serve_files(monkeypatch)
    org = build_org(app_env, course_root)
    # Ana passed both quizzes in the fixture: opening her progress issues the certificate.
    app_for(app_env, org.ana, PROGRESS)
    earned = store.certificate_of(app_env, org.ana.id).earned_at[:10]
    at = app_for(app_env, org.manager_a, TEAM)
    roster = next(d.value for d in at.dataframe if "Certificate" in d.value.columns)
    assert dict(zip(roster["Learner"], roster["Certificate"], strict=True)) == {
        "Ana Able": earned,
        "Ben Stuck": "–",
        "Dan Idle": "–",
    }
    rows = list(csv.DictReader(io.StringIO(served.text(at.get("download_button")[0]))))
    assert {r["learner"]: r["certificate_earned"] for r in rows} == {
        "Ana Able": earned,
        "Ben Stuck": "",
        "Dan Idle": "",
    }


def test_all_teams_compares_certificates_per_team(app_env, course_root):
    org = build_org(app_env, course_root)
    app_for(app_env, org.ana, PROGRESS)
    at = app_for(app_env, org.admin, TEAM)
    at.selectbox(key="team_pick").select("All teams").run()
    compared = at.dataframe[0].value.set_index("Team")
    assert compared["Certificates"].to_dict() == {"Alpha Team": 1, "Beta Team": 0}


def test_with_role_plays_the_certificate_waits_for_them_and_lists_their_best_endings(
    roleplay_root, app_env, monkeypatch
):
    """Every quiz passed is not enough once the course has role-plays: the certificate is
    issued when the last role-play reaches an ending, and its PDF lists that role-play too."""
    from arrowhead.course import load_course
    from arrowhead.roleplays import best_route

    served = serve_files(monkeypatch)
    user = make_user(app_env)
    finish_course(app_env, user)
    assert store.certificate_of(app_env, user.id) is None
    shown = texts(app_for(app_env, user, PROGRESS))
    assert "Pass every quiz and finish every role-play to earn your certificate" in shown
    assert "Role-plays still to finish: 1." in shown

    roleplay = load_course(roleplay_root).roleplay("first-call")
    route = best_route(roleplay)
    assert route is not None and route.ending is not None
    at = app_for(app_env, user, "arrowhead/ui/roleplay_page.py", id="first-call")
    next(b for b in at.button if b.label == "Start the role-play").click().run()
    for _step, option in route.route:
        at.radio[0].set_value(option.id)
        next(b for b in at.button if b.label == "Make this move").click().run()
        assert not at.exception
    issued = store.certificate_of(app_env, user.id)
    assert issued is not None
    assert [(s.roleplay_id, s.best) for s in issued.roleplay_scores] == [
        ("first-call", route.ending.score)
    ]
    labels = [link.proto.label for link in at.get("page_link")]
    assert "You have earned your certificate: download it on My progress" in labels

    at = app_for(app_env, user, PROGRESS)
    text = pdf_text(served.data(download_of(at)))
    assert "finishing every role-play" in text
    assert "A first call with a buyer" in text and f"{route.ending.score}%" in text
