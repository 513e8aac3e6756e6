"""Practice rounds and the stored review schedule on a real SQLite file."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from conftest import NOW, make_user
from team_fixtures import build_org, take_quiz

from arrowhead import journey, practice, review, teams
from arrowhead.course import load_course
from arrowhead.review import ReviewCounts
from arrowhead.scoring import best_styles, grade_answer
from arrowhead.store import assignments as assignment_store
from arrowhead.store import learning, reviews
from arrowhead.store import practice as practice_store
from arrowhead.store import teams as team_store
from arrowhead.store.database import immediate
from arrowhead.teams import thirds

DAY = timedelta(days=1)


@pytest.fixture
def org(db, course_root):
    return build_org(db, course_root, NOW)


def missed_round(db, course, user, attempt_id, seed=7):
    attempt = learning.own_attempt(db, attempt_id, user.id)
    items = practice.missed_items(course.quiz(attempt.quiz_id), attempt, db)
    return practice_store.start_round(
        db, user.id, practice_store.MISSED, items, NOW, attempt_id=attempt_id, option_seed=seed
    )


def test_a_round_keeps_the_first_answer_and_closes_after_the_last(db, course_root):
    course = load_course(course_root)
    sam = make_user(db)
    attempt_id = take_quiz(db, course, sam, "alpha", ["discount", "chase"], NOW)
    first = missed_round(db, course, sam, attempt_id)
    # A double click on Start carries on with the same round.
    assert missed_round(db, course, sam, attempt_id).id == first.id
    assert first.items == (("alpha", "alpha-one"), ("alpha", "alpha-two"))
    stored = practice.answer(db, course, first, ("alpha", "alpha-one"), "strategic", NOW)
    again = practice.answer(db, course, first, ("alpha", "alpha-one"), "discount", NOW)
    assert stored == again and stored.points == 10
    assert practice_store.own_round(db, first.id, sam.id).finished_at is None
    practice.answer(db, course, first, ("alpha", "alpha-two"), "escalate", NOW)
    assert practice_store.own_round(db, first.id, sam.id).finished_at is not None


def test_a_round_closed_early_takes_no_more_answers(db, course_root):
    """A round closed because an author removed its last scenarios refuses the rest plainly."""
    course = load_course(course_root)
    sam = make_user(db)
    attempt_id = take_quiz(db, course, sam, "alpha", ["discount", "chase"], NOW)
    round_ = missed_round(db, course, sam, attempt_id)
    practice_store.finish_round(db, round_, NOW)
    with pytest.raises(LookupError, match="already finished"):
        practice.answer(db, course, round_, ("alpha", "alpha-one"), "strategic", NOW)
    assert practice_store.answers_in(db, round_.id) == []


def test_a_round_refuses_scenarios_and_options_it_cannot_take(db, course_root):
    course = load_course(course_root)
    sam = make_user(db)
    attempt_id = take_quiz(db, course, sam, "alpha", ["discount", "escalate"], NOW)
    round_ = missed_round(db, course, sam, attempt_id)
    assert round_.items == (("alpha", "alpha-one"),)
    with pytest.raises(LookupError, match="not in this practice round"):
        practice.answer(db, course, round_, ("alpha", "alpha-two"), "escalate", NOW)
    with pytest.raises(LookupError, match="not one of this scenario's"):
        practice.answer(db, course, round_, ("alpha", "alpha-one"), "no-such-option", NOW)
    with pytest.raises(LookupError, match="no longer in the course"):
        practice.answer(db, course, round_, ("alpha", "gone"), "x", NOW)
    # Another learner's id finds no round.
    assert practice_store.own_round(db, round_.id, make_user(db, "kim").id) is None


def test_a_practice_round_changes_no_score_profile_team_figure_or_insight(db, org):
    """Practice answers are kept apart: every read of attempts and answers gives the same after."""
    course, admin = org.course, org.admin

    def everything():
        records = team_store.learner_records(db, admin, None, course)
        overall = team_store.overall_scores(db, admin, None)
        upper, lower = thirds(overall)
        return (
            journey.course_progress(db, course, org.ben.id),
            journey.finished_attempts(db, org.ben.id),
            journey.profile_of(db, course, org.ben.id),
            records,
            teams.overview(records, course, NOW),
            team_store.choice_tallies(db, admin, None, best_styles(course.quizzes)),
            overall,
            team_store.option_tallies(db, admin, None, upper, lower),
            team_store.attempts_of(db, admin, org.ben.id),
            team_store.answers_of(db, admin, org.ben.id),
            team_store.team_answers(db, admin, None),
            team_store.count_team_answers(db, admin, None),
            team_store.answers_scope(db, admin, None),
            assignment_store.team_work(db, admin, None, course).facts,
        )

    before = everything()
    latest = journey.finished_attempts(db, org.ben.id)[-1]
    round_ = missed_round(db, course, org.ben, latest.id)
    for item in round_.items:
        best = course.scenario(*item).best.id
        practice.answer(db, course, round_, item, best, NOW + DAY)
    assert practice_store.own_round(db, round_.id, org.ben.id).finished_at is not None
    assert everything() == before


def test_the_stored_schedule_keeps_in_step_with_every_kind_of_answer(db, course_root):
    """Quiz, workshop and practice answers in a random order: the table always equals the fold."""
    course = load_course(course_root)
    sam = make_user(db)
    rng = random.Random(5)
    scenarios = [(q.id, s) for q in course.quizzes for s in q.scenarios]
    for step in range(40):
        when = NOW + rng.randrange(30) * DAY + timedelta(minutes=step)
        quiz_id, scenario = rng.choice(scenarios)
        option = rng.choice(scenario.options).id
        kind = rng.choice(["self", "workshop", "practice"])
        grade = grade_answer(scenario, option)
        if kind == "practice":
            round_ = practice_store.start_round(
                db, sam.id, practice_store.REVIEW, [(quiz_id, scenario.id)], when
            )
            practice.answer(db, course, round_, (quiz_id, scenario.id), option, when)
        else:
            with immediate(db):
                attempt_id = learning.new_attempt(
                    db, sam.id, quiz_id, when, source=kind, option_seed=None
                )
                learning.write_answer(
                    db, attempt_id, sam.id, quiz_id, scenario.id, grade, when, replace=True
                )
        assert reviews.stored_reviews(db, sam.id) == review.schedule(reviews.marks_of(db, sam.id))
    assert reviews.stored_reviews(db, sam.id)  # the random history left something in review
    kept = reviews.stored_reviews(db, sam.id)
    with immediate(db):
        reviews.rebuild(db)
    assert reviews.stored_reviews(db, sam.id) == kept


def test_a_missed_scenario_is_due_the_next_day_and_practice_moves_it_on(db, course_root):
    course = load_course(course_root)
    sam = make_user(db)
    take_quiz(db, course, sam, "alpha", ["discount", "escalate"], NOW)
    assert practice.reviews_due(db, course, sam.id, NOW) == []
    [due] = practice.reviews_due(db, course, sam.id, NOW + DAY)
    assert (due.quiz_id, due.scenario_id) == ("alpha", "alpha-one")
    round_ = practice_store.start_round(
        db, sam.id, practice_store.REVIEW, practice.review_items([due]), NOW + DAY
    )
    practice.answer(db, course, round_, ("alpha", "alpha-one"), "strategic", NOW + DAY)
    # Full marks once: back in 3 days; full marks again then: cleared.
    assert practice.reviews_due(db, course, sam.id, NOW + 3 * DAY) == []
    [again] = practice.reviews_due(db, course, sam.id, NOW + 4 * DAY)
    second = practice_store.start_round(
        db, sam.id, practice_store.REVIEW, practice.review_items([again]), NOW + 4 * DAY
    )
    practice.answer(db, course, second, ("alpha", "alpha-one"), "strategic", NOW + 4 * DAY)
    assert reviews.stored_reviews(db, sam.id) == []
    assert practice.reviews_due(db, course, sam.id, NOW + 40 * DAY) == []


def test_managers_count_due_and_overdue_reviews_within_their_scope(db, org):
    course = org.course
    # Ben missed both alpha scenarios 5 and 4 days before NOW; Cleo (team B) both, a day before.
    today = NOW.date()
    mine = practice_store.review_counts(db, org.manager_a, org.team_a, course, today)
    assert set(mine) == {org.ben.id}
    assert mine[org.ben.id] == review.counts(
        review.schedule(reviews.marks_of(db, org.ben.id)), today
    )
    assert mine[org.ben.id].overdue == 2
    # Another team's learners, asked for by team or one by one, give nothing.
    assert practice_store.review_counts(db, org.manager_a, org.team_b, course, today) == {}
    assert practice_store.review_counts_of(db, org.manager_a, org.cleo.id, course, today) is None
    every = practice_store.review_counts(db, org.admin, None, course, today)
    assert every[org.cleo.id] == ReviewCounts(due=2, overdue=0)
    assert practice_store.review_counts_of(db, org.cleo, org.cleo.id, course, today) == (
        ReviewCounts(due=2, overdue=0)
    )
    assert practice_store.review_counts_of(db, org.manager_a, org.dan.id, course, today) == (
        ReviewCounts()
    )
    # Nothing has come back yet on the day of the miss.
    yesterday = today - DAY
    assert practice_store.review_counts(db, org.admin, org.team_b, course, yesterday) == {}


def test_reviews_of_scenarios_removed_from_the_course_are_not_counted(db, org, course_root):
    quiz = course_root / "quizzes" / "01-alpha.toml"
    text = quiz.read_text()
    second = text.index('[[scenarios]]\nid = "alpha-two"')
    quiz.write_text(text[:second])
    smaller = load_course(course_root)
    assert smaller.scenario("alpha", "alpha-two") is None
    counts = practice_store.review_counts(db, org.admin, None, smaller, NOW.date())
    assert counts[org.cleo.id] == ReviewCounts(due=1, overdue=0)
    assert [r.scenario_id for r in practice.reviews_due(db, smaller, org.cleo.id, NOW)] == [
        "alpha-one"
    ]


def test_the_demo_organisation_has_its_schedule_worked_out(db, course_root):
    from arrowhead.accounts import hash_password
    from arrowhead.demo import demo_learners, demo_staff, team_names
    from arrowhead.store.demo import write_organisation

    course = load_course(course_root)
    write_organisation(
        db,
        team_names(2),
        demo_staff(2, 1),
        demo_learners(course, 30, 2, 1, NOW),
        hash_password("arrowhead-demo"),
        NOW,
    )
    learners = [r[0] for r in db.execute("SELECT user_id FROM team_members")]
    assert any(reviews.stored_reviews(db, u) for u in learners)
    for user_id in learners:
        assert reviews.stored_reviews(db, user_id) == review.schedule(reviews.marks_of(db, user_id))


def test_refreshing_one_scenario_reads_the_learners_answers_not_everyones(db):
    """Bug: refresh chose answers_by_scenario, reading every learner's answers to the scenario
    (111 ms on the 5,000-learner demo, inside each answer's write transaction); now 0.1 ms."""
    plan = db.execute(
        "EXPLAIN QUERY PLAN " + reviews._MARKS.format(where=reviews._ONE_SCENARIO),
        {"user": 1, "quiz": "alpha", "scenario": "alpha-one"},
    ).fetchall()
    searches = [row[3] for row in plan if "SEARCH" in row[3]]
    assert any("answers_by_user" in s for s in searches), searches
    assert not any("answers_by_scenario" in s for s in searches), searches
