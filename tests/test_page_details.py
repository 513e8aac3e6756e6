"""Small page defects from issue 8, item 8, each pinned through AppTest."""

import json

import pyarrow.ipc
from conftest import NOW, app_for, make_user, texts
from team_fixtures import markdown_table

from arrowhead import journey
from arrowhead.course import load_course
from arrowhead.store import learning
from arrowhead.store import teams as team_store
from arrowhead.teams import COMMAND_LINE
from arrowhead.ui.components import literal

LEARNER = "arrowhead/ui/learner_page.py"
REVIEW = "arrowhead/ui/review_page.py"
ACCOUNT = "arrowhead/ui/account_page.py"
PROGRESS = "arrowhead/ui/progress_page.py"


def answer_quiz(db, course_root, user, choices: dict[str, str], when=NOW):
    """One whole self-paced attempt at the alpha quiz, stored as the quiz page stores it."""
    quiz = load_course(course_root).quiz("alpha")
    attempt = learning.start_attempt(db, user.id, "alpha", when)
    for scenario_id, option_id in choices.items():
        journey.answer_scenario(db, attempt, quiz, scenario_id, option_id, when)
    return attempt


def test_attempts_started_in_the_same_minute_are_each_offered_for_review(app_env, course_root):
    """Bug (issue 8.8): two attempts started in one minute collapsed to one review entry."""
    user = make_user(app_env)
    answer_quiz(app_env, course_root, user, {"alpha-one": "discount", "alpha-two": "wait"})
    answer_quiz(app_env, course_root, user, {"alpha-one": "strategic", "alpha-two": "escalate"})
    at = app_for(app_env, user, LEARNER)
    picker = at.selectbox(key="learner_attempt")
    assert len(picker.options) == 2
    assert picker.options[0] != picker.options[1]


def test_the_learner_page_shows_the_latest_attempts_and_every_one_when_asked(app_env, course_root):
    """Speed (issue 9): the sortable grid of every attempt is drawn only once it is asked for."""
    user = make_user(app_env)
    for _ in range(7):
        answer_quiz(app_env, course_root, user, {"alpha-one": "discount", "alpha-two": "wait"})
    at = app_for(app_env, user, LEARNER)
    recent = markdown_table(next(m.value for m in at.markdown if m.value.startswith("| Quiz")))
    assert [a["Quiz"] for a in recent] == ["Alpha quiz"] * 5
    assert [a["Score"] for a in recent] == ["0%"] * 5
    assert "The latest 5 of 7 attempts." in texts(at)
    assert not at.dataframe
    at.session_state["learner_every_attempt"] = True
    at.run()
    assert len(at.dataframe[0].value) == 7
    assert len(at.selectbox(key="learner_attempt").options) == 7


def test_a_table_cell_shows_a_title_as_written_not_as_markdown():
    """st.table reads Markdown in its cells: a title's punctuation is escaped, its letters kept."""
    assert literal("1. *Deal* [closing](x) :red[now] $5 <b>") == (
        "1\\. \\*Deal\\* \\[closing\\]\\(x\\) \\:red\\[now\\] \\$5 \\<b\\>"
    )
    assert literal("Plain words") == "Plain words"


def test_an_admin_opens_the_page_of_a_learner_in_no_team(app_env, course_root):
    """Bug (issue 8.8): the learner is told admins can see them, but an admin got 'not in a team'."""
    admin = make_user(app_env, "boss", ("admin", "learner"), name="Boss")
    loner = make_user(app_env, "sam", name="Sam Loner")
    attempt = answer_quiz(
        app_env, course_root, loner, {"alpha-one": "discount", "alpha-two": "wait"}
    )
    at = app_for(app_env, admin, LEARNER, learner=str(loner.id))
    assert not at.exception
    assert "Sam Loner (sam)" in texts(at)
    assert "Not in a team" in texts(at)
    at = app_for(app_env, admin, REVIEW, attempt=str(attempt.id))
    assert "Review: Alpha quiz" in texts(at)
    # A manager still sees only the learners of the teams they manage.
    manager = make_user(app_env, "mara", ("manager", "learner"))
    team = team_store.create_team(app_env, COMMAND_LINE, "North", NOW)
    team_store.set_managed_teams(app_env, COMMAND_LINE, manager.id, [team.id])
    at = app_for(app_env, manager, LEARNER, learner=str(loner.id))
    assert "That learner does not exist, or is not in a team you manage." in texts(at)
    assert "Sam Loner" not in texts(at)


def test_an_invalid_invite_link_shows_no_invite_banner_to_a_signed_in_learner(app_env):
    """Bug (issue 8.8): /?join=<invalid> still offered a team invite."""
    at = app_for(app_env, make_user(app_env), join="NOPE42")
    assert not [link for link in at.get("page_link") if "team invite" in link.proto.label]
    assert "does not match any team" in texts(at)


def test_the_sign_in_password_field_asks_for_the_current_password(app_env):
    """Bug (issue 8.8): autocomplete="new-password" on sign-in kept password managers from filling it."""
    make_user(app_env)
    at = app_for(app_env)
    assert at.text_input(key="signin_password").proto.autocomplete == "current-password"
    assert at.text_input(key="signup_password").proto.autocomplete == "new-password"


def test_account_shows_the_new_team_right_after_joining(app_env):
    """Bug (issue 8.8): the Team line still showed the old team after joining another."""
    learner = make_user(app_env, "sam")
    old = team_store.create_team(app_env, COMMAND_LINE, "Old Team", NOW)
    new = team_store.create_team(app_env, COMMAND_LINE, "New Team", NOW)
    team_store.join_by_invite(app_env, learner.id, old.invite_code, NOW)
    at = app_for(app_env, learner, ACCOUNT, join=new.invite_code)
    next(b for b in at.button if b.label == "Join that team").click().run()
    assert "You have joined the team." in texts(at)
    assert "New Team" in texts(at)
    assert "Old Team" not in texts(at)


def test_my_progress_shows_a_dash_for_unscored_quizzes(app_env, course_root):
    """Bug (issue 8.8): quizzes without a score showed 'None' in the table."""
    user = make_user(app_env)
    answer_quiz(app_env, course_root, user, {"alpha-one": "explain-value", "alpha-two": "chase"})
    at = app_for(app_env, user, PROGRESS)
    table = at.dataframe[0].value
    assert list(table["Best"]) == ["40%", "–"]
    assert list(table["Latest"]) == ["40%", "–"]


def test_my_progress_charts_scores_by_attempt_not_on_a_seconds_axis(app_env, course_root):
    """Bug (issue 8.8): the scores chart put finishing times on an axis labelled in seconds."""
    user = make_user(app_env)
    answer_quiz(app_env, course_root, user, {"alpha-one": "discount", "alpha-two": "wait"})
    answer_quiz(app_env, course_root, user, {"alpha-one": "strategic", "alpha-two": "escalate"})
    at = app_for(app_env, user, PROGRESS)
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    x = spec["encoding"]["x"]
    assert x["type"] != "temporal"
    assert x["title"] == "Attempt"
    [dataset] = at.get("vega_lite_chart")[0].proto.datasets
    rows = pyarrow.ipc.open_stream(dataset.data.data).read_pandas()
    assert list(rows["Attempt"]) == [1, 2]
    assert list(rows["Finished"]) == ["2026-11-02 09:30 UTC"] * 2
