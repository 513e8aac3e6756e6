"""Each learner page through AppTest: what it shows, what it stores, and how it meets bad input."""

from datetime import UTC, datetime

import pytest
from conftest import NOW, ROOT, app_for, hold_login, make_user, texts
from streamlit.testing.v1 import AppTest

from arrowhead import journey
from arrowhead.course import load_course
from arrowhead.store import accounts, learning
from arrowhead.store import teams as team_store
from arrowhead.teams import COMMAND_LINE

MODULE = "arrowhead/ui/module_page.py"
QUIZ = "arrowhead/ui/quiz_page.py"
REVIEW = "arrowhead/ui/review_page.py"
PROGRESS = "arrowhead/ui/progress_page.py"
CONTENT = "arrowhead/ui/content_page.py"
ACCOUNT = "arrowhead/ui/account_page.py"


def button(at, label):
    return next(b for b in at.button if b.label == label)


def fill(at, **values):
    for key, value in values.items():
        at.text_input(key=key).input(value)


def test_first_run_creates_the_admin_and_signs_them_in(app_env):
    at = app_for(app_env)
    fill(
        at,
        setup_display_name="Ada",
        setup_username="ada",
        setup_password="password123",
        setup_confirm="password123",
    )
    button(at, "Create the admin account").click().run()
    assert not at.exception
    assert "Partnership selling" in texts(at)
    assert accounts.find_user(app_env, "ada").roles == {"admin", "learner"}


def test_setup_with_mismatched_passwords_says_so(app_env):
    at = app_for(app_env)
    fill(
        at,
        setup_display_name="Ada",
        setup_username="ada",
        setup_password="password123",
        setup_confirm="password124",
    )
    button(at, "Create the admin account").click().run()
    assert "The two passwords are not the same." in texts(at)
    assert accounts.count_users(app_env) == 0


def test_sign_up_then_course_map(app_env):
    make_user(app_env, "admin", ("admin", "learner"))
    at = app_for(app_env)
    fill(
        at,
        signup_display_name="Sam Lee",
        signup_username="sam",
        signup_password="password123",
        signup_confirm="password123",
    )
    button(at, "Create my account").click().run()
    assert not at.exception
    assert "Alpha module" in texts(at)
    assert accounts.find_user(app_env, "sam").roles == {"learner"}


def test_taken_username_on_sign_up_is_a_plain_message(app_env):
    make_user(app_env, "sam")
    at = app_for(app_env)
    fill(
        at,
        signup_display_name="Sam",
        signup_username="SAM",
        signup_password="password123",
        signup_confirm="password123",
    )
    button(at, "Create my account").click().run()
    assert "That username is taken. Please choose another." in texts(at)


def test_wrong_password_gets_one_generic_message(app_env):
    make_user(app_env, "sam")
    at = app_for(app_env)
    fill(at, signin_username="sam", signin_password="not-it-at-all")
    button(at, "Sign in").click().run()
    assert not at.exception
    assert "That username and password do not match an account." in texts(at)
    assert "Alpha module" not in texts(at)


def test_sign_in_shows_the_course(app_env):
    make_user(app_env, "sam")
    at = app_for(app_env)
    fill(at, signin_username="sam", signin_password="password123")
    button(at, "Sign in").click().run()
    assert "Alpha module" in texts(at)


def test_course_map_shows_progress_and_continue(app_env):
    user = make_user(app_env)
    learning.mark_section_read(app_env, user.id, "alpha", "first-steps", NOW)
    at = app_for(app_env, user)
    assert at.get("progress")[0].proto.value == 20  # 1 of 5 steps in the course
    assert any("Continue" in str(link.proto.label) for link in at.get("page_link"))


def test_module_opens_with_objectives_and_marks_sections_read(app_env):
    user = make_user(app_env)
    at = app_for(app_env, user, MODULE, module="alpha")
    assert not at.exception
    shown = texts(at)
    assert "By the end of this module you will be able to:" in shown and "Know alpha" in shown
    assert "The first section of alpha." in shown
    button(at, "Mark as read and continue →").click().run()
    assert learning.sections_read(app_env, user.id) == {"alpha": {"first-steps"}}
    assert "The second section, with **bold** text." in texts(at)
    button(at, "Mark as read and continue →").click().run()
    assert "Alpha is the first module." in texts(at)  # the summary
    assert learning.last_place(app_env, user.id) == learning.Place("quiz", "alpha", "alpha")


def test_tampered_module_id_gets_a_plain_message(app_env):
    user = make_user(app_env)
    at = app_for(app_env, user, MODULE, module="../../etc/passwd")
    assert not at.exception
    assert "That module does not exist." in texts(at)


def test_unknown_section_falls_back_to_the_start(app_env):
    user = make_user(app_env)
    at = app_for(app_env, user, MODULE, module="alpha", section="nope")
    assert "That section is not in this module any more" in texts(at)
    assert "The first section of alpha." in texts(at)


def take_quiz(at, choices):
    button(
        at,
        "Start the quiz" if "Start the quiz" in [b.label for b in at.button] else "Retake the quiz",
    ).click().run()
    for option in choices:
        at.radio[0].set_value(option)
        button(at, "Submit answer").click().run()
        assert not at.exception
        labels = [b.label for b in at.button]
        button(
            at, "Next scenario →" if "Next scenario →" in labels else "See your result"
        ).click().run()
    return at


def shown_letter(db, user, course_root, attempt_id, scenario_id, option_id):
    """The letter an option has in the stored order of one attempt."""
    attempt = learning.own_attempt(db, attempt_id, user.id)
    scenario = load_course(course_root).scenario(attempt.quiz_id, scenario_id)
    return scenario.shuffled(attempt.option_seed).letter(option_id)


def test_quiz_shows_feedback_stores_answers_and_scores(app_env, course_root):
    user = make_user(app_env)
    at = app_for(app_env, user, QUIZ, quiz="alpha")
    button(at, "Start the quiz").click().run()
    attempt = learning.open_attempt(app_env, user.id, "alpha")
    assert attempt.option_seed is not None  # the button drew this attempt's order
    assert "Scenario 1 of 2" in str(at.get("progress")[0].proto.text)
    at.radio[0].set_value("explain-value")
    button(at, "Submit answer").click().run()
    shown = texts(at)
    assert "5 of 10 points · partial credit" in shown
    assert "Reasonable, but you stay at the level you are comfortable in." in shown
    best = shown_letter(app_env, user, course_root, attempt.id, "alpha-one", "strategic")
    assert f"The best move — {best}. Ask what the client is trying to achieve this year." in shown
    assert "Style: Traditional" in shown
    button(at, "Next scenario →").click().run()
    at.radio[0].set_value("escalate")
    button(at, "Submit answer").click().run()
    button(at, "See your result").click().run()
    assert "Your latest score: 75% — passed." in texts(at)
    assert app_env.execute("SELECT count(*) FROM answers").fetchone()[0] == 2


def test_submitting_without_a_choice_asks_for_one(app_env):
    user = make_user(app_env)
    at = app_for(app_env, user, QUIZ, quiz="alpha")
    button(at, "Start the quiz").click().run()
    button(at, "Submit answer").click().run()
    assert "Choose one of the options first." in texts(at)
    assert app_env.execute("SELECT count(*) FROM answers").fetchone()[0] == 0


def test_quiz_resumes_at_the_next_unanswered_scenario(app_env):
    user = make_user(app_env)
    at = app_for(app_env, user, QUIZ, quiz="alpha")
    button(at, "Start the quiz").click().run()
    at.radio[0].set_value("discount")
    button(at, "Submit answer").click().run()
    fresh = app_for(app_env, user, QUIZ, quiz="alpha")  # a reload: a new session
    assert "Scenario 2 of 2" in str(fresh.get("progress")[0].proto.text)
    assert "A deal stalls in procurement." in texts(fresh)


def test_an_answer_sent_after_the_login_ended_is_not_stored(app_env):
    """Pins: the answer form's callback stored a choice for whoever was signed in when the
    form was drawn, even after that login had ended in another tab."""
    user = make_user(app_env)
    at = app_for(app_env, user, QUIZ, quiz="alpha")
    button(at, "Start the quiz").click().run()
    at.radio[0].set_value("discount")
    accounts.end_login(app_env, at.session_state["_arrowhead_login"][0])
    button(at, "Submit answer").click().run()
    assert not at.exception
    assert app_env.execute("SELECT count(*) FROM answers").fetchone()[0] == 0
    assert "Sign in" in [t.label for t in at.tabs]


def test_retakes_keep_every_attempt(app_env):
    user = make_user(app_env)
    at = app_for(app_env, user, QUIZ, quiz="alpha")
    take_quiz(at, ["discount", "wait"])
    assert "Your latest score: 0% — not passed yet (pass mark 70%)." in texts(at)
    take_quiz(at, ["strategic", "escalate"])
    assert "Your latest score: 100% — passed." in texts(at)
    scores = [a.score for a in learning.attempts_of(app_env, user.id, "alpha")]
    assert scores == [0, 100]
    links = [link.proto.label for link in at.get("page_link") if "Attempt" in link.proto.label]
    assert [label.split(" · ")[0] for label in links] == ["Attempt 2", "Attempt 1"]
    assert links[0].endswith("100% · passed") and links[1].endswith("0%")


def test_tampered_quiz_id_gets_a_plain_message(app_env):
    user = make_user(app_env)
    at = app_for(app_env, user, QUIZ, quiz="<script>")
    assert not at.exception
    assert "That quiz does not exist." in texts(at)


def test_review_shows_choice_feedback_and_best_move(app_env, course_root):
    user = make_user(app_env)
    take_quiz(app_for(app_env, user, QUIZ, quiz="alpha"), ["discount", "escalate"])
    attempt = learning.attempts_of(app_env, user.id, "alpha")[0]
    at = app_for(app_env, user, REVIEW, attempt=str(attempt.id))
    shown = texts(at)
    assert "Review: Alpha quiz" in shown
    assert "You compete on price and teach the client to ask again." in shown
    best = shown_letter(app_env, user, course_root, attempt.id, "alpha-one", "strategic")
    assert f"The best move — {best}. Ask what the client is trying to achieve this year." in shown
    assert "· the best move" in shown  # escalate was the best move in alpha-two
    assert "You adapt to the client and keep momentum." in shown


def test_review_of_someone_elses_attempt_shows_nothing_of_it(app_env):
    owner, other = make_user(app_env, "sam"), make_user(app_env, "kim")
    take_quiz(app_for(app_env, owner, QUIZ, quiz="alpha"), ["discount", "escalate"])
    attempt = learning.attempts_of(app_env, owner.id, "alpha")[0]
    for value in (str(attempt.id), "abc", "-1", "99999"):
        at = app_for(app_env, other, REVIEW, attempt=value)
        assert not at.exception
        assert "That attempt does not exist, or it is not yours to see." in texts(at)
        assert "You compete on price" not in texts(at)


def test_progress_page_shows_scores_profile_and_advice(app_env):
    user = make_user(app_env)
    take_quiz(app_for(app_env, user, QUIZ, quiz="alpha"), ["explain-value", "chase"])
    at = app_for(app_env, user, PROGRESS)
    assert not at.exception
    shown = texts(at)
    assert "My progress" in shown
    assert (
        "When a situation called for a partnership move, you reached for a traditional move "
        "2 times of 2" in shown
    )
    assert len(at.get("vega_lite_chart")) == 4  # scores, fit, styles, behaviours
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Fitted the situation"] == "0%"
    assert metrics["Fallback style"] == "Traditional"
    assert "How fit is worked out" in shown
    table = at.dataframe[0].value
    assert list(table["Best"]) == ["40%", "–"]


def test_content_page_is_for_admins_only(app_env):
    learner = make_user(app_env, "sam")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app_for(app_env, learner, CONTENT)  # not in a learner's navigation
    # ...and the page checks the role itself when reached some other way.
    at = AppTest.from_file(str(ROOT / CONTENT))
    hold_login(at, app_env, learner)
    at.run()
    assert "This page is not available to your account." in texts(at)
    assert "Course files" not in texts(at)
    admin = make_user(app_env, "boss", ("admin", "learner"))
    at = app_for(app_env, admin, CONTENT)
    assert "Every module and quiz file is valid." in texts(at)


def test_admin_sees_content_problems_and_learners_still_get_valid_modules(app_env, course_root):
    path = course_root / "quizzes" / "02-beta.toml"
    path.write_text(path.read_text().replace("points = 10", "points = 11"))
    admin = make_user(app_env, "boss", ("admin", "learner"))
    at = app_for(app_env, admin, CONTENT)
    assert (
        "quizzes/02-beta.toml:15: scenario \"beta-one\", option A: 'points' must be a whole number from 0 to 10"
        in texts(at)
    )
    learner = make_user(app_env, "sam")
    at = app_for(app_env, learner)
    assert not at.exception
    assert "Alpha module" in texts(at) and "Beta module" in texts(at)


def test_admin_sees_authoring_warnings_under_the_problems(app_env, course_root):
    admin = make_user(app_env, "boss", ("admin", "learner"))
    at = app_for(app_env, admin, CONTENT)
    assert not at.exception
    assert "Every module and quiz file is valid." in texts(at)
    warnings = at.code[0].value.splitlines()
    assert at.warning[0].value.startswith(f"{len(warnings)} authoring warning(s). These files")
    assert (
        "modules/01-alpha.md:3: minutes = 5 for 15 words is 3 words a minute "
        "(keep it 150–250): set minutes = 1"
    ) in warnings


def test_sign_out_ends_the_login(app_env):
    user = make_user(app_env)
    at = app_for(app_env, user, ACCOUNT)
    button(at, "Sign out").click().run()
    assert "Sign in" in [t.label for t in at.tabs]
    assert app_env.execute("SELECT count(*) FROM logins").fetchone()[0] == 0


def test_a_signed_in_learner_joins_a_team_by_invite_code(app_env):
    learner = make_user(app_env, "sam")
    team = team_store.create_team(app_env, COMMAND_LINE, "North <b>Key</b>", NOW)
    at = app_for(app_env, learner, page=ACCOUNT, join="nope-nope")
    assert "Not in a team yet" in texts(at)
    button(at, "Join that team").click().run()
    assert "That invite code does not match any team." in texts(at)
    assert team_store.team_of(app_env, learner.id) is None

    at = app_for(app_env, learner, page=ACCOUNT, join=team.invite_code)
    assert at.text_input(key="account_join_code").value == team.invite_code
    button(at, "Join that team").click().run()
    assert "You have joined the team." in texts(at)
    assert "North <b>Key</b>" in [t.value for t in at.text]
    assert team_store.team_of(app_env, learner.id) == "North <b>Key</b>"


def test_an_invite_link_opened_while_signed_in_points_to_the_account_page(app_env):
    team = team_store.create_team(app_env, COMMAND_LINE, "North", NOW)
    at = app_for(app_env, make_user(app_env), join=team.invite_code)
    links = [link.proto for link in at.get("page_link") if "team invite" in link.proto.label]
    assert links and f"join={team.invite_code}" in links[0].query_string


def test_an_address_the_account_lacks_gets_a_sentence_and_a_way_back(app_env):
    at = app_for(app_env, make_user(app_env), page="arrowhead/ui/unavailable_page.py")
    assert not at.exception
    assert "This page is not available to your account." in texts(at)
    assert any("Back to the course" in link.proto.label for link in at.get("page_link"))


def test_an_attempt_completed_by_an_authors_edit_is_closed_when_the_quiz_opens(
    app_env, course_root
):
    """An open attempt whose only unanswered scenario an author removed is scored, not stuck."""
    user = make_user(app_env)
    at = app_for(app_env, user, QUIZ, quiz="alpha")
    button(at, "Start the quiz").click().run()
    at.radio[0].set_value("strategic")
    button(at, "Submit answer").click().run()
    path = course_root / "quizzes" / "01-alpha.toml"
    text = path.read_text()
    path.write_text(text[: text.index('[[scenarios]]\nid = "alpha-two"')])
    at = app_for(app_env, user, QUIZ, quiz="alpha")
    assert "Your latest score: 100% — passed." in texts(at)
    [attempt] = learning.attempts_of(app_env, user.id, "alpha")
    assert (attempt.score, attempt.passed) == (100, True)


SEEDS = (1, 3)
"""Two option seeds whose orders of alpha-one differ from each other and from file order."""


def options_shown(at) -> list[str]:
    """The option labels of the scenario on screen, in the order shown."""
    return list(at.radio[0].options)


def expected_labels(course_root, scenario_id, seed) -> list[str]:
    scenario = load_course(course_root).scenario("alpha", scenario_id).shuffled(seed)
    return [f"{scenario.letter(o.id)}. {o.text}" for o in scenario.options]


def test_an_attempts_option_order_survives_a_reload_and_is_the_reviews(app_env, course_root):
    user = make_user(app_env)
    seed = SEEDS[0]
    labels = expected_labels(course_root, "alpha-one", seed)
    in_file_order = expected_labels(course_root, "alpha-one", None)
    assert [label[3:] for label in labels] != [label[3:] for label in in_file_order]
    attempt = learning.start_attempt(app_env, user.id, "alpha", NOW, option_seed=seed)
    at = app_for(app_env, user, QUIZ, quiz="alpha")
    assert options_shown(at) == labels
    # A reload is a new session on the same records: the same order.
    again = app_for(app_env, user, QUIZ, quiz="alpha")
    assert options_shown(again) == labels
    again.radio[0].set_value("explain-value")
    button(again, "Submit answer").click().run()
    mine = next(label for label in labels if label.endswith("Explain the value of the service."))
    best = next(label for label in labels if label.endswith("this year."))
    shown = texts(again)
    assert f"**{mine}** — 5 of 10 points · partial credit" in shown
    assert f"**The best move — {best}**" in shown
    button(again, "Next scenario →").click().run()
    two = expected_labels(course_root, "alpha-two", seed)
    assert options_shown(again) == two
    again.radio[0].set_value("escalate")
    button(again, "Submit answer").click().run()
    review = texts(app_for(app_env, user, REVIEW, attempt=str(attempt.id)))
    assert f"**{mine}** — 5 of 10 points · partial credit" in review
    assert f"**The best move — {best}**" in review
    escalate = next(label for label in two if label.endswith("with the sponsor."))
    assert f"**{escalate}** — 10 of 10 points · the best move" in review


def test_two_attempts_show_their_options_in_different_orders(app_env, course_root):
    user = make_user(app_env)
    quiz = load_course(course_root).quiz("alpha")
    first, second = (expected_labels(course_root, "alpha-one", seed) for seed in SEEDS)
    assert first != second
    attempt = learning.start_attempt(app_env, user.id, "alpha", NOW, option_seed=SEEDS[0])
    assert options_shown(app_for(app_env, user, QUIZ, quiz="alpha")) == first
    for scenario in quiz.scenarios:
        journey.answer_scenario(app_env, attempt, quiz, scenario.id, scenario.best.id, NOW)
    learning.start_attempt(app_env, user.id, "alpha", NOW, option_seed=SEEDS[1])
    assert options_shown(app_for(app_env, user, QUIZ, quiz="alpha")) == second
    # The first attempt's review keeps its own letters.
    review = texts(app_for(app_env, user, REVIEW, attempt=str(attempt.id)))
    best = next(label for label in first if label.endswith("this year."))
    assert f"**{best}** — 10 of 10 points · the best move" in review


def test_an_attempt_from_before_shuffling_shows_file_order(app_env, course_root):
    user = make_user(app_env)
    attempt = learning.start_attempt(app_env, user.id, "alpha", NOW)
    app_env.execute("UPDATE attempts SET option_seed = NULL WHERE id = ?", [attempt.id])
    at = app_for(app_env, user, QUIZ, quiz="alpha")
    assert options_shown(at) == expected_labels(course_root, "alpha-one", None)
    assert options_shown(at)[0] == "A. Give the discount."


def test_sign_in_says_how_long_to_wait_and_an_admins_reset_code_still_works(app_env):
    """Regression (issue 8): after five failures the reset form was refused with the same
    lockout as sign-in, so the reset code an admin handed over could not get anyone in."""
    user = make_user(app_env, "sam")
    at = app_for(app_env)
    for _ in range(5):
        fill(at, signin_username="sam", signin_password="not-it-at-all")
        button(at, "Sign in").click().run()
    fill(at, signin_username="sam", signin_password="password123")
    button(at, "Sign in").click().run()
    assert "Too many failed sign-ins for this username. Try again in" in texts(at)
    assert "Alpha module" not in texts(at)

    # Pages read the clock: the code is issued now, not at the tests' fixed NOW.
    code = team_store.issue_reset_code(app_env, COMMAND_LINE, user.id, datetime.now(UTC))
    fill(
        at,
        reset_username="sam",
        reset_code=code.lower(),
        reset_password="a-new-password",
        reset_confirm="a-new-password",
    )
    button(at, "Set my new password").click().run()
    assert not at.exception
    assert "Alpha module" in texts(at)


def test_an_over_long_username_at_sign_in_is_refused_and_not_stored(app_env):
    """Regression (issue 8): a 1,000,000-character username was stored on every failed try.
    The form's field has no limit a browser enforces, so the server must."""
    make_user(app_env, "sam")
    at = app_for(app_env)
    at.text_input(key="signin_username").set_value("x" * 1_000_000)
    fill(at, signin_password="password123")
    button(at, "Sign in").click().run()
    assert "A username is at most 32 characters." in texts(at)
    assert app_env.execute("SELECT count(*) FROM sign_in_failures").fetchone()[0] == 0
