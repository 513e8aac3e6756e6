"""AppTest of practice and review: the Practice page, the links to it, and managers' review counts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from conftest import NOW, app_for, make_user, texts
from team_fixtures import build_org, serve_files, take_quiz

from arrowhead import journey
from arrowhead.course import load_course
from arrowhead.store import learning
from arrowhead.store import practice as practice_store
from arrowhead.ui import components

PRACTICE = "arrowhead/ui/practice_page.py"
QUIZ = "arrowhead/ui/quiz_page.py"
REVIEW = "arrowhead/ui/review_page.py"
MAP = "arrowhead/ui/map_page.py"
TEAM = "arrowhead/ui/team_page.py"
LEARNER = "arrowhead/ui/learner_page.py"
DAY = timedelta(days=1)


def at_time(monkeypatch, moment: datetime) -> None:
    """Run the app's clock at this moment (the test hook components.now reads under test)."""
    monkeypatch.setenv("ARROWHEAD_TESTING", "1")
    monkeypatch.setenv("ARROWHEAD_TEST_NOW", moment.isoformat())


def links(at) -> dict[str, str]:
    """Each page link's label and its query string."""
    return {link.proto.label: link.proto.query_string for link in at.get("page_link")}


def bars(at) -> list[str]:
    """The text on each progress bar."""
    return [bar.proto.text for bar in at.get("progress")]


def button(at, label):
    return next(b for b in at.button if b.label == label)


@pytest.fixture
def missed(app_env, course_root, monkeypatch):
    """Sam took the alpha quiz at NOW and missed both scenarios; the app's clock reads NOW."""
    at_time(monkeypatch, NOW)
    course = load_course(course_root)
    sam = make_user(app_env)
    attempt_id = take_quiz(app_env, course, sam, "alpha", ["explain-value", "chase"], NOW)
    return course, sam, attempt_id


def test_the_clock_reads_the_test_time_only_under_test(monkeypatch):
    monkeypatch.setenv("ARROWHEAD_TEST_NOW", "2030-01-01T00:00:00+00:00")
    monkeypatch.delenv("ARROWHEAD_TESTING", raising=False)
    assert components.now().year != 2030
    monkeypatch.setenv("ARROWHEAD_TESTING", "1")
    assert components.now() == datetime(2030, 1, 1, tzinfo=UTC)


def test_the_quiz_result_and_the_review_offer_practice_of_what_was_missed(app_env, missed):
    course, sam, attempt_id = missed
    at = app_for(app_env, sam, QUIZ, quiz="alpha")
    assert links(at)["Practise what you missed (2)"] == f"attempt={attempt_id}"
    at = app_for(app_env, sam, REVIEW, attempt=str(attempt_id))
    assert links(at)["Practise what you missed (2)"] == f"attempt={attempt_id}"


def test_practising_what_was_missed_changes_no_score(app_env, missed):
    course, sam, attempt_id = missed
    at = app_for(app_env, sam, PRACTICE, attempt=str(attempt_id))
    assert not at.exception
    shown = texts(at)
    assert "2 scenarios you answered below full marks" in shown
    assert "The first situation · Alpha quiz" in shown and "Practice never changes" in shown
    button(at, "Start practising").click().run()
    practice = practice_store.open_round(app_env, sam.id, "missed", attempt_id)
    assert practice is not None and at.query_params["round"] == str(practice.id)
    assert bars(at) == ["Scenario 1 of 2"]
    # Options in the round's own shuffled order, lettered as the quiz letters them.
    scenario = course.scenario("alpha", "alpha-one").shuffled(practice.option_seed)
    assert at.radio[0].options == [f"{scenario.letter(o.id)}. {o.text}" for o in scenario.options]
    button(at, "Submit answer").click().run()
    assert "Choose one of the options first." in texts(at)
    at.radio[0].set_value("strategic")
    button(at, "Submit answer").click().run()
    shown = texts(at)
    assert "10 of 10 points · the best move" in shown and "strategic imperatives" in shown
    button(at, "Next scenario →").click().run()
    at.radio[0].set_value("wait")
    button(at, "Submit answer").click().run()
    shown = texts(at)
    # The same feedback as the quiz: the choice, its points, and the best move beside it.
    assert "0 of 10 points" in shown and "The best move" in shown
    button(at, "See how you did").click().run()
    assert not at.exception
    shown = texts(at)
    assert "Round finished" in shown and "1 of 2 at full marks" in shown
    assert links(at)["Back to the quiz"] == "quiz=alpha"
    # The quiz's score stands.
    [attempt] = journey.finished_attempts(app_env, sam.id)
    assert attempt.score == learning.own_attempt(app_env, attempt_id, sam.id).score == 40
    at = app_for(app_env, sam, QUIZ, quiz="alpha")
    assert "Your latest score: 40%" in texts(at)


def test_a_reload_mid_round_resumes_at_the_next_scenario(app_env, missed):
    course, sam, attempt_id = missed
    at = app_for(app_env, sam, PRACTICE, attempt=str(attempt_id))
    button(at, "Start practising").click().run()
    round_id = at.query_params["round"]
    at.radio[0].set_value("discount")
    button(at, "Submit answer").click().run()
    # A reload is a new session at the same address.
    again = app_for(app_env, sam, PRACTICE, round=round_id)
    assert not again.exception
    assert bars(again) == ["Scenario 2 of 2"] and "The second situation" in texts(again)
    # Opening the offer again carries on with the same round instead of starting another.
    offer = app_for(app_env, sam, PRACTICE, attempt=str(attempt_id))
    button(offer, "Carry on practising").click().run()
    assert offer.query_params["round"] == round_id


@pytest.mark.parametrize(
    "query",
    [
        {"round": "abc"},
        {"round": "99999"},
        {"round": "1; DROP TABLE answers"},
        {"round": "9" * 30},
        {"attempt": "x"},
        {"attempt": "99999"},
    ],
)
def test_tampered_ids_get_a_plain_sentence(app_env, missed, query):
    course, sam, attempt_id = missed
    at = app_for(app_env, sam, PRACTICE, **query)
    assert not at.exception
    assert at.error and ("does not exist" in at.error[0].value)


def test_another_learners_round_or_attempt_shows_nothing_of_it(app_env, missed):
    course, sam, attempt_id = missed
    at = app_for(app_env, sam, PRACTICE, attempt=str(attempt_id))
    button(at, "Start practising").click().run()
    round_id = at.query_params["round"]
    kim = make_user(app_env, "kim")
    for query in ({"round": round_id}, {"attempt": str(attempt_id)}):
        other = app_for(app_env, kim, PRACTICE, **query)
        assert not other.exception
        assert other.error and "not yours" in other.error[0].value
        assert "The first situation" not in texts(other)


def test_an_unfinished_attempt_has_nothing_to_practise_yet(app_env, course_root, monkeypatch):
    at_time(monkeypatch, NOW)
    sam = make_user(app_env)
    attempt = learning.start_attempt(app_env, sam.id, "alpha", NOW)
    at = app_for(app_env, sam, PRACTICE, attempt=str(attempt.id))
    assert not at.exception and "not finished" in at.error[0].value


def test_the_next_day_the_map_names_the_reviews_due_and_the_review_works_them(
    app_env, missed, monkeypatch
):
    course, sam, attempt_id = missed
    at = app_for(app_env, sam, MAP)
    assert not any("to review today" in label for label in links(at))
    at = app_for(app_env, sam, PRACTICE)
    assert "Nothing to review today." in texts(at)

    at_time(monkeypatch, NOW + DAY)
    at = app_for(app_env, sam, MAP)
    assert "**2 scenarios to review today**" in links(at)
    at = app_for(app_env, sam, PRACTICE)
    assert "2 scenarios to review today." in texts(at)
    button(at, "Start the review").click().run()
    for option in ("strategic", "escalate"):
        at.radio[0].set_value(option)
        button(at, "Submit answer").click().run()
        label = next(
            b.label for b in at.button if b.label in ("Next scenario →", "See how you did")
        )
        button(at, label).click().run()
    assert "2 of 2 at full marks" in texts(at)
    at = app_for(app_env, sam, MAP)
    assert not any("to review today" in label for label in links(at))
    # Full marks once: back three days later.
    at_time(monkeypatch, NOW + 4 * DAY)
    assert "**2 scenarios to review today**" in links(app_for(app_env, sam, MAP))


def test_managers_see_reviews_due_and_overdue_per_learner(app_env, course_root, monkeypatch):
    served = serve_files(monkeypatch)
    at_time(monkeypatch, NOW)
    org = build_org(app_env, course_root, NOW)
    at = app_for(app_env, org.manager_a, TEAM)
    assert not at.exception
    roster = at.dataframe[0].value
    due = dict(zip(roster["Learner"], roster["Reviews due"], strict=True))
    overdue = dict(zip(roster["Learner"], roster["Reviews overdue"], strict=True))
    # Ben missed both alpha scenarios 5 and 4 days ago: waiting since 3 days ago, overdue.
    assert (due["Ben Stuck"], overdue["Ben Stuck"]) == (0, 2)
    assert (due["Ana Able"], overdue["Ana Able"]) == (0, 0)
    rows = list(csv.DictReader(io.StringIO(served.text(at.get("download_button")[0]))))
    assert {r["learner"]: (r["reviews_due"], r["reviews_overdue"]) for r in rows}["Ben Stuck"] == (
        "0",
        "2",
    )
    at = app_for(app_env, org.manager_a, LEARNER, learner=str(org.ben.id))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Reviews due today"] == "0" and metrics["Reviews overdue"] == "2"
    # Another team's learner: nothing, counts included.
    at = app_for(app_env, org.manager_a, LEARNER, learner=str(org.cleo.id))
    assert not at.metric and at.error


def test_a_review_round_left_unfinished_on_an_earlier_day_gives_way_to_todays(
    app_env, missed, monkeypatch
):
    course, sam, attempt_id = missed
    at_time(monkeypatch, NOW + DAY)
    at = app_for(app_env, sam, PRACTICE)
    button(at, "Start the review").click().run()
    first = at.query_params["round"]
    at.radio[0].set_value("discount")
    button(at, "Submit answer").click().run()
    # Later the same day: carry on with it.
    at = app_for(app_env, sam, PRACTICE)
    assert "You have a review round in progress." in texts(at)
    # Days later it is closed, and today's due list is offered afresh.
    at_time(monkeypatch, NOW + 5 * DAY)
    at = app_for(app_env, sam, PRACTICE)
    assert "2 scenarios to review today." in texts(at)
    button(at, "Start the review").click().run()
    assert at.query_params["round"] != first and bars(at) == ["Scenario 1 of 2"]


def test_a_round_whose_last_scenario_an_author_removed_ends_plainly(app_env, missed, course_root):
    course, sam, attempt_id = missed
    at = app_for(app_env, sam, PRACTICE, attempt=str(attempt_id))
    button(at, "Start practising").click().run()
    round_id = at.query_params["round"]
    at.radio[0].set_value("strategic")
    button(at, "Submit answer").click().run()
    quiz = course_root / "quizzes" / "01-alpha.toml"
    text = quiz.read_text()
    quiz.write_text(text[: text.index('[[scenarios]]\nid = "alpha-two"')])
    at = app_for(app_env, sam, PRACTICE, round=round_id)
    assert not at.exception
    assert "Round finished" in texts(at) and "1 of 1 at full marks" in texts(at)
    assert practice_store.own_round(app_env, int(round_id), sam.id).finished_at is not None
