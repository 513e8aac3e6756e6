"""Storage on a real SQLite file: accounts, logins, reading progress, attempts and answers."""

import threading
from datetime import timedelta

import pytest
from conftest import NOW, make_user

from arrowhead import journey
from arrowhead.accounts import SIGN_IN_FAILED, AccountError
from arrowhead.course import load_course
from arrowhead.store import accounts, learning
from arrowhead.store.database import apply_migrations, immediate, open_database


def test_database_is_in_wal_mode_with_a_busy_timeout(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: a commit is on disk


def test_migrations_apply_once(db_path):
    first = open_database(db_path)
    apply_migrations(first)
    apply_migrations(first)
    names = [
        r[0]
        for r in first.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'arrowhead'"
        )
    ]
    assert names == sorted(set(names), key=names.index)
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("username", "name", "password", "message"),
    [
        ("a", "Ann", "password123", "A username is 3 to 32"),
        ("ann lee", "Ann", "password123", "A username is"),
        ("ann", "   ", "password123", "Please enter your name"),
        ("ann", "A" * 61, "password123", "at most 60"),
        ("ann", "Ann", "short", "at least 8 characters"),
    ],
)
def test_create_user_rejects_bad_input_in_plain_words(db, username, name, password, message):
    with pytest.raises(AccountError, match=message):
        accounts.create_user(db, username, name, password, NOW)
    assert accounts.count_users(db) == 0


def test_usernames_are_unique_whatever_the_case(db):
    make_user(db, "Sam")
    with pytest.raises(AccountError, match="That username is taken"):
        make_user(db, "sam")


def test_password_is_stored_as_argon2id(db):
    make_user(db, "sam")
    stored = db.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "password123" not in stored


def test_first_admin_only_once(db):
    admin = accounts.create_first_admin(db, "boss", "Boss", "password123", NOW)
    assert admin.roles == {"admin", "learner"}
    with pytest.raises(AccountError, match="already been created"):
        accounts.create_first_admin(db, "other", "Other", "password123", NOW)


def test_sign_in_with_any_case_username(db):
    user = make_user(db, "sam")
    assert accounts.sign_in(db, "SAM", "password123", NOW).id == user.id


@pytest.mark.parametrize(
    ("username", "password"), [("sam", "wrong-password"), ("nobody", "password123")]
)
def test_wrong_username_or_password_get_the_same_message(db, username, password):
    make_user(db, "sam")
    with pytest.raises(AccountError) as err:
        accounts.sign_in(db, username, password, NOW)
    assert str(err.value) == SIGN_IN_FAILED


def test_login_tokens_last_fourteen_days_and_end_everywhere(db):
    user = make_user(db, "sam")
    token = accounts.start_login(db, user.id, NOW)
    assert accounts.user_for_login(db, token, NOW + timedelta(days=13)).id == user.id
    assert accounts.user_for_login(db, token, NOW + timedelta(days=14, seconds=1)) is None
    assert accounts.user_for_login(db, "not-a-token", NOW) is None
    accounts.end_login(db, token)
    assert accounts.user_for_login(db, token, NOW) is None


def test_only_a_digest_of_the_token_is_stored(db):
    user = make_user(db, "sam")
    token = accounts.start_login(db, user.id, NOW)
    assert token not in str(db.execute("SELECT * FROM logins").fetchall())


def test_deactivated_user_cannot_sign_in_or_keep_a_login(db):
    user = make_user(db, "sam")
    token = accounts.start_login(db, user.id, NOW)
    db.execute("UPDATE users SET active = 0 WHERE id = ?", [user.id])
    db.conn.commit()
    assert accounts.user_for_login(db, token, NOW) is None
    with pytest.raises(AccountError, match=SIGN_IN_FAILED):
        accounts.sign_in(db, "sam", "password123", NOW)


# Learning records -----------------------------------------------------------------


@pytest.fixture
def quiz(course_root):
    return load_course(course_root).quiz("alpha")


def test_marking_a_section_twice_keeps_one_record(db):
    user = make_user(db)
    learning.mark_section_read(db, user.id, "alpha", "first-steps", NOW)
    learning.mark_section_read(db, user.id, "alpha", "first-steps", NOW)
    assert learning.sections_read(db, user.id) == {"alpha": {"first-steps"}}


def test_place_is_remembered_and_replaced(db):
    user = make_user(db)
    learning.save_place(db, user.id, "section", "alpha", "first-steps", NOW)
    learning.save_place(db, user.id, "quiz", "alpha", "alpha", NOW)
    assert learning.last_place(db, user.id) == learning.Place("quiz", "alpha", "alpha")


def test_starting_twice_gives_the_same_open_attempt(db):
    user = make_user(db)
    first = learning.start_attempt(db, user.id, "alpha", NOW)
    again = learning.start_attempt(db, user.id, "alpha", NOW)
    assert first.id == again.id
    assert db.execute("SELECT count(*) FROM attempts").fetchone()[0] == 1


def test_an_answer_is_stored_once_and_the_first_choice_stands(db, quiz):
    user = make_user(db)
    attempt = learning.start_attempt(db, user.id, "alpha", NOW)
    first = journey.answer_scenario(db, attempt, quiz, "alpha-one", "strategic", NOW)
    second = journey.answer_scenario(db, attempt, quiz, "alpha-one", "discount", NOW)
    assert first == second and second.option_id == "strategic"
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == 1


def test_last_answer_closes_the_attempt_with_its_score(db, quiz):
    user = make_user(db)
    attempt = learning.start_attempt(db, user.id, "alpha", NOW)
    journey.answer_scenario(db, attempt, quiz, "alpha-one", "explain-value", NOW)
    assert learning.own_attempt(db, attempt.id, user.id).finished_at is None
    journey.answer_scenario(db, attempt, quiz, "alpha-two", "escalate", NOW)
    done = learning.own_attempt(db, attempt.id, user.id)
    assert (done.score, done.passed) == (75, True)
    assert learning.open_attempt(db, user.id, "alpha") is None
    # A late double click on the last scenario gets the stored answer back.
    assert (
        journey.answer_scenario(db, attempt, quiz, "alpha-two", "wait", NOW).option_id == "escalate"
    )
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == 2


def test_resume_finds_the_next_unanswered_scenario_after_a_new_connection(db_path, db, quiz):
    user = make_user(db)
    attempt = learning.start_attempt(db, user.id, "alpha", NOW)
    journey.answer_scenario(db, attempt, quiz, "alpha-one", "discount", NOW)
    db.close()  # the browser closes mid-quiz
    reopened = open_database(db_path)
    resumed = learning.open_attempt(reopened, user.id, quiz.id)  # what the quiz page does
    assert resumed.id == attempt.id
    answered = [a.scenario_id for a in learning.answers_in(reopened, resumed.id)]
    assert answered == ["alpha-one"]
    reopened.close()


def test_two_threads_answering_at_once_store_each_answer_once(db_path, db, quiz):
    """Two tabs of one learner submit the same scenario at once, and another learner answers too."""
    sam, kim = make_user(db, "sam"), make_user(db, "kim")
    sam_attempt = learning.start_attempt(db, sam.id, "alpha", NOW)
    kim_attempt = learning.start_attempt(db, kim.id, "alpha", NOW)
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def answer(attempt, scenario_id, option_id) -> None:
        conn = open_database(db_path)
        try:
            barrier.wait()
            journey.answer_scenario(conn, attempt, quiz, scenario_id, option_id, NOW)
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)
        finally:
            conn.close()

    jobs = [
        (sam_attempt, "alpha-one", "strategic"),
        (sam_attempt, "alpha-one", "strategic"),
        (sam_attempt, "alpha-two", "escalate"),
        (sam_attempt, "alpha-two", "escalate"),
        (kim_attempt, "alpha-one", "discount"),
        (kim_attempt, "alpha-two", "wait"),
    ]
    threads = [threading.Thread(target=answer, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = db.execute(
        "SELECT user_id, scenario_id FROM answers ORDER BY user_id, scenario_id"
    ).fetchall()
    assert rows == [
        (sam.id, "alpha-one"),
        (sam.id, "alpha-two"),
        (kim.id, "alpha-one"),
        (kim.id, "alpha-two"),
    ]
    assert learning.own_attempt(db, sam_attempt.id, sam.id).score == 100
    assert learning.own_attempt(db, kim_attempt.id, kim.id).score == 0


def test_attempts_of_another_learner_are_not_yours(db):
    sam, kim = make_user(db, "sam"), make_user(db, "kim")
    attempt = learning.start_attempt(db, sam.id, "alpha", NOW)
    assert learning.own_attempt(db, attempt.id, kim.id) is None
    assert learning.own_attempt(db, attempt.id, sam.id) is not None


def test_course_progress_and_continue(db, course_root):
    course = load_course(course_root)
    user = make_user(db)
    assert journey.continue_place(db, course, user.id) == learning.Place(
        "section", "alpha", "first-steps"
    )
    learning.mark_section_read(db, user.id, "alpha", "first-steps", NOW)
    learning.mark_section_read(db, user.id, "alpha", "second-steps", NOW)
    progress = journey.course_progress(db, course, user.id)
    assert [(p.steps_done, p.steps) for p in progress] == [(2, 3), (0, 2)]
    assert journey.continue_place(db, course, user.id) == learning.Place("quiz", "alpha", "alpha")
    learning.save_place(db, user.id, "section", "beta", "only-section", NOW)
    assert journey.continue_place(db, course, user.id) == learning.Place(
        "section", "beta", "only-section"
    )
    learning.save_place(db, user.id, "section", "beta", "removed-since", NOW)
    assert journey.continue_place(db, course, user.id).kind == "quiz"
    assert journey.overall_fraction(progress) == pytest.approx(2 / 5)


def test_a_new_attempt_gets_a_random_option_seed_kept_with_it(db):
    user = make_user(db)
    seeds = set()
    for _ in range(3):
        attempt = learning.start_attempt(db, user.id, "alpha", NOW)
        assert attempt.option_seed is not None and 0 <= attempt.option_seed < 2**31
        # A reload reads the same seed back: the order does not change mid-attempt.
        assert learning.open_attempt(db, user.id, "alpha").option_seed == attempt.option_seed
        assert learning.start_attempt(db, user.id, "alpha", NOW).option_seed == attempt.option_seed
        seeds.add(attempt.option_seed)
        db.execute(
            "UPDATE attempts SET finished_at = ? WHERE id = ?", [NOW.isoformat(), attempt.id]
        )
    assert len(seeds) == 3  # 2**31 values: three draws that clash would mean no randomness


def test_a_test_or_a_workshop_can_fix_the_option_seed(db):
    user = make_user(db)
    attempt = learning.start_attempt(db, user.id, "alpha", NOW, option_seed=42)
    assert learning.own_attempt(db, attempt.id, user.id).option_seed == 42
    with immediate(db):
        workshop_attempt = learning.new_attempt(
            db, user.id, "beta", NOW, source="workshop", option_seed=7
        )
    stored = learning.own_attempt(db, workshop_attempt, user.id)
    assert (stored.source, stored.option_seed) == ("workshop", 7)
    with immediate(db):
        unshuffled = learning.new_attempt(
            db, user.id, "alpha", NOW, source="workshop", option_seed=None
        )
    assert learning.own_attempt(db, unshuffled, user.id).option_seed is None  # file order


def test_each_answer_keeps_the_style_its_situation_called_for(db, course_root):
    course = load_course(course_root)
    user = make_user(db)
    beta = course.quiz("beta")
    attempt = learning.start_attempt(db, user.id, "beta", NOW)
    answer = journey.answer_scenario(db, attempt, beta, "beta-one", "vision", NOW)
    assert (answer.style, answer.best_style) == ("partnership", "traditional")
    # An author later makes the partnership option the best: the record keeps what was called for.
    path = course_root / "quizzes" / "02-beta.toml"
    text = (
        path.read_text().replace("points = 10", "points = 9").replace("points = 3", "points = 10")
    )
    path.write_text(text)
    edited = load_course(course_root)
    assert edited.quiz("beta").scenario("beta-one").best.id == "vision"
    profile = journey.profile_of(db, edited, user.id)
    assert profile.fit == 0.0 and profile.fallback == "partnership"


def test_records_from_before_the_upgrade_keep_file_order_and_read_the_courses_best_style(
    db_path, tmp_path, course_root
):
    """Attempts and answers stored before option_seed and best_style existed keep working."""
    from arrowhead.store.schema import core

    old = open_database(tmp_path / "old.db")
    core.apply(old, stop_before="add_option_seed_to_attempts")
    old.execute(
        "INSERT INTO users (id, username, display_name, created_at) VALUES (1, 'sam', 'Sam', ?)",
        [NOW.isoformat()],
    )
    old.execute(
        "INSERT INTO attempts (id, user_id, quiz_id, started_at) VALUES (1, 1, 'beta', ?)",
        [NOW.isoformat()],
    )
    old.execute(
        """INSERT INTO answers (attempt_id, user_id, quiz_id, scenario_id, option_id, points,
           max_points, style, answered_at)
           VALUES (1, 1, 'beta', 'beta-one', 'vision', 3, 10, 'partnership', ?)""",
        [NOW.isoformat()],
    )
    apply_migrations(old)
    attempt = learning.own_attempt(old, 1, 1)
    assert attempt.option_seed is None
    course = load_course(course_root)
    scenario = course.quiz("beta").scenario("beta-one")
    assert scenario.shuffled(attempt.option_seed) == scenario  # file order, as it was shown
    assert learning.answers_in(old, 1)[0].best_style is None
    profile = journey.profile_of(old, course, 1)
    assert profile.called_for["traditional"]["partnership"] == 1
    assert profile.fallback == "partnership"
    old.close()
