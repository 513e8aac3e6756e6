"""The role-play page through AppTest: start, choose, resume after a reload, the ending, play
again, tampered addresses, another tab, the review, and the module's progress."""

import json

import pytest
from conftest import NOW, app_for, make_user, texts

from arrowhead.course import load_course
from arrowhead.store import learning
from arrowhead.store import roleplays as store
from arrowhead.store import teams as team_store
from arrowhead.teams import COMMAND_LINE
from arrowhead.ui import components

PAGE = "arrowhead/ui/roleplay_page.py"
MAP = "arrowhead/ui/map_page.py"
MODULE = "arrowhead/ui/module_page.py"


@pytest.fixture
def env(roleplay_root, app_env):
    """The app on the tiny course with the test role-play."""
    return app_env


def button(at, label):
    return next(b for b in at.button if b.label == label)


def links(at) -> dict[str, str]:
    return {link.proto.label: link.proto.query_string for link in at.get("page_link")}


def choose(at, option_id: str) -> None:
    at.radio[0].set_value(option_id)
    button(at, "Make this move").click().run()
    assert not at.exception


def started(db, user):
    at = app_for(db, user, PAGE, id="first-call")
    button(at, "Start the role-play").click().run()
    assert not at.exception
    return at


def test_the_setting_comes_first_then_the_first_step(env):
    user = make_user(env)
    at = app_for(env, user, PAGE, id="first-call")
    shown = texts(at)
    assert "A first call with a buyer" in shown
    assert "You are an account manager at Corvid Parts." in shown
    assert "Nadia Brisk runs purchasing" in shown
    assert store.runs_of(env, user.id) == []  # looking starts nothing
    button(at, "Start the role-play").click().run()
    shown = texts(at)
    assert "Decision 1" in shown
    assert "Nadia opens the call and asks what you have to offer." in shown
    assert at.radio[0].label == "What do you say?"
    assert sorted(at.radio[0].options) == sorted(
        [
            "Ask what she most needs to change this year.",
            "Walk her through the catalogue page by page.",
            "Offer her ten off every order she places.",
        ]
    )


def test_a_move_is_stored_at_once_and_the_reply_leads_into_the_next_step(env):
    user = make_user(env)
    at = started(env, user)
    choose(at, "ask-goals")
    shown = texts(at)
    assert "**You:** Ask what she most needs to change this year." in shown
    assert "She talks about buses that break down on the morning routes." in shown
    assert "Decision 2" in shown
    assert "Nadia says late buses cost her the city's bonus payment." in shown
    [run] = store.runs_of(env, user.id)
    assert [c.option_id for c in store.choices_in(env, run.id)] == ["ask-goals"]


def test_submitting_without_a_choice_asks_for_one(env):
    user = make_user(env)
    at = started(env, user)
    button(at, "Make this move").click().run()
    assert "Choose one of the options first." in [w.value for w in at.warning]
    assert "Decision 1" in texts(at)


def test_a_reload_mid_way_resumes_at_the_same_step(env):
    user = make_user(env)
    at = started(env, user)
    choose(at, "send-brochure")
    # A new session: a reload, or the browser opened again after a crash.
    again = app_for(env, user, PAGE, id="first-call")
    shown = texts(again)
    assert "Decision 2" in shown
    assert "Nadia says a rival is cheaper by a tenth." in shown
    assert "She listens, then asks what it all costs." in shown
    assert again.radio[0].label == "How do you answer?"
    # The options come in the same order as before the reload.
    assert again.radio[0].options == at.radio[0].options


def test_the_ending_shows_points_outcome_and_why_and_play_again_starts_over(env):
    user = make_user(env)
    at = started(env, user)
    for option in ("ask-goals", "propose-pilot", "meet-director"):
        choose(at, option)
    shown = texts(at)
    assert "She books a meeting for next week." in shown
    assert "A trial at the depot** — 10 of 10 points · score 100% · a good ending" in shown
    assert "The director agrees a three-month trial at the main depot." in shown
    assert "You tied the offer to the bonus she is paid on" in shown
    [run] = store.runs_of(env, user.id)
    assert (run.ending_id, run.score) == ("signed", 100)
    assert links(at)["Review your route and the road not taken"] == f"run={run.id}"
    # A reload shows the ending again, not a new run.
    assert "A trial at the depot" in texts(app_for(env, user, PAGE, id="first-call"))
    button(at, "Play again").click().run()
    assert not at.exception
    assert "Decision 1" in texts(at)
    assert len(store.runs_of(env, user.id)) == 2


def test_a_poor_ending_is_not_called_good(env):
    user = make_user(env)
    at = started(env, user)
    choose(at, "offer-discount")
    shown = texts(at)
    assert "No order** — 0 of 10 points · score 0%" in shown
    assert "a good ending" not in shown


@pytest.mark.parametrize(
    "query, message",
    [
        ({"id": "no-such-roleplay"}, "That role-play does not exist."),
        ({"id": "../../etc/passwd"}, "That role-play does not exist."),
        ({}, "That role-play does not exist."),
        ({"run": "abc"}, "That role-play run does not exist, or it is not yours to see."),
        ({"run": "99999999999999999999999"}, "That role-play run does not exist"),
        ({"run": "4242"}, "That role-play run does not exist, or it is not yours to see."),
    ],
)
def test_a_tampered_address_gets_a_plain_sentence(env, query, message):
    user = make_user(env)
    at = app_for(env, user, PAGE, **query)
    assert not at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert "Back to the course" in links(at)


def test_another_learners_run_is_not_shown(env, roleplay_root):
    sam, eve = make_user(env), make_user(env, "eve")
    at = started(env, sam)
    choose(at, "ask-goals")
    [run] = store.runs_of(env, sam.id)
    peek = app_for(env, eve, PAGE, run=str(run.id))
    assert "That role-play run does not exist, or it is not yours to see." in [
        e.value for e in peek.error
    ]
    assert "Ask what she most needs" not in texts(peek)


def test_a_stale_tab_gets_the_stored_choice_and_loses_nothing(env):
    user = make_user(env)
    first = started(env, user)
    second = app_for(env, user, PAGE, id="first-call")  # the same step, in another tab
    choose(first, "ask-goals")
    choose(second, "offer-discount")
    shown = texts(second)
    assert "You already made this choice in another tab. The first choice stands:" in shown
    assert "Ask what she most needs to change this year." in shown
    # The conversation carries on from the stored choice: no ending reached, one choice kept.
    assert "Decision 2" in shown
    [run] = store.runs_of(env, user.id)
    assert not run.finished
    assert [c.option_id for c in store.choices_in(env, run.id)] == ["ask-goals"]


def test_a_double_click_stores_one_choice_and_says_nothing_of_other_tabs(env):
    user = make_user(env)
    at = started(env, user)
    [run] = store.runs_of(env, user.id)
    # The first click's callback stored the move in this session; the second click's
    # callback then runs with the same form, before the page has moved on.
    roleplay = load_course(components.settings().content_root).roleplay("first-call")
    store.record_choice(env, run, roleplay, 0, "ask-goals", NOW)
    at.session_state["roleplay_last"] = (run.id, 0)
    choose(at, "ask-goals")
    assert "another tab" not in texts(at)
    assert "Decision 2" in texts(at)
    assert len(store.choices_in(env, run.id)) == 1


# ---------------------------------------------------------------- review


def finished_run(db, user, choices):
    run = store.start_run(db, user.id, "first-call", NOW)
    roleplay = load_course(components.settings().content_root).roleplay("first-call")
    for position, option in enumerate(choices):
        run = store.record_choice(db, run, roleplay, position, option, NOW).run
    return run


def test_the_review_shows_the_route_with_points_and_the_road_not_taken(env):
    user = make_user(env)
    at = started(env, user)
    for option in ("send-brochure", "ask-why", "email-proposal"):
        choose(at, option)
    [run] = store.runs_of(env, user.id)
    review = app_for(env, user, PAGE, run=str(run.id))
    assert not review.exception
    shown = texts(review)
    assert "Review: A first call with a buyer" in shown
    assert "**You: Walk her through the catalogue page by page.** — 3 of 10 points" in shown
    assert "**You: Ask what one late bus costs her on a bad day.** — 10 of 10 points" in shown
    assert "**You: Email her a proposal she can forward to him.** — 5 of 10 points" in shown
    # The road not taken, with where each other move would have led.
    assert (
        "- Ask what she most needs to change this year. — 10 of 10 points · the best move; "
        "would have led to a next step: Nadia says late buses cost her the city's bonus payment."
    ) in shown
    assert (
        "- Offer her ten off every order she places. — 0 of 10 points; would have led to the "
        "ending “No order” (0 of 10 points)"
    ) in shown
    assert "Nadia places a small order and goes on comparing prices." in shown
    assert [m.value for m in review.metric] == ["60%"]


def test_a_manager_reviews_a_learners_run_and_another_manager_cannot(env):
    ana = make_user(env, "ana")
    mara = make_user(env, "mara", ("manager",))
    boris = make_user(env, "boris", ("manager",))
    team_a = team_store.create_team(env, COMMAND_LINE, "Alpha Team", NOW).id
    team_b = team_store.create_team(env, COMMAND_LINE, "Beta Team", NOW).id
    team_store.set_managed_teams(env, COMMAND_LINE, mara.id, [team_a])
    team_store.set_managed_teams(env, COMMAND_LINE, boris.id, [team_b])
    team_store.set_team(env, COMMAND_LINE, ana.id, team_a, NOW)
    run = finished_run(env, ana, ["offer-discount"])
    seen = app_for(env, mara, PAGE, run=str(run.id))
    assert "A role-play run by" in texts(seen) and "Ana" in [t.value for t in seen.text]
    assert "**You: Offer her ten off every order she places.** — 0 of 10 points" in texts(seen)
    assert links(seen)["Back to the learner"] == f"learner={ana.id}"
    refused = app_for(env, boris, PAGE, run=str(run.id))
    assert "That role-play run does not exist, or it is not yours to see." in [
        e.value for e in refused.error
    ]


# ---------------------------------------------------------------- the module and the course


def test_the_course_map_links_the_role_play_and_counts_it_when_finished(env):
    user = make_user(env)
    at = app_for(env, user, MAP)
    assert links(at)["Role-play: A first call with a buyer"] == "id=first-call"
    # Alpha: two sections, the role-play and the quiz.
    assert "0 of 4 steps" in [p.proto.text for p in at.get("progress")]
    finished_run(env, user, ["offer-discount"])
    at = app_for(env, user, MAP)
    assert links(at)["Role-play again: A first call with a buyer"] == "id=first-call"
    assert "1 of 4 steps" in [p.proto.text for p in at.get("progress")]


def test_continue_leads_to_the_role_play_after_the_modules_sections(env):
    user = make_user(env)
    for section in ("first-steps", "second-steps"):
        learning.mark_section_read(env, user.id, "alpha", section, NOW)
    learning.save_place(env, user.id, "section", "alpha", "second-steps", NOW)
    at = app_for(env, user, MAP)
    [target] = [q for label, q in links(at).items() if "Continue" in label]
    assert target == "id=first-call"
    # Once it is finished, Continue leads on to the quiz.
    finished_run(env, user, ["offer-discount"])
    at = app_for(env, user, MAP)
    [target] = [q for label, q in links(at).items() if "Continue" in label]
    assert target == "quiz=alpha"


def test_the_module_summary_offers_the_role_play_beside_the_quiz(env):
    user = make_user(env)
    at = app_for(env, user, MODULE, module="alpha", view="summary")
    assert links(at)["Role-play: A first call with a buyer"] == "id=first-call"
    assert links(at)["Take the quiz"] == "quiz=alpha"


def test_the_ending_offers_the_next_place(env):
    user = make_user(env)
    at = started(env, user)
    choose(at, "offer-discount")
    button(at, "Next: Alpha quiz").click().run()
    assert not at.exception
    assert "Start the quiz" in [b.label for b in at.button]


# ---------------------------------------------------------------- My progress and managers

LEARNER = "arrowhead/ui/learner_page.py"
INSIGHT = "arrowhead/ui/insight_page.py"
PROGRESS = "arrowhead/ui/progress_page.py"


@pytest.fixture
def org(env, roleplay_root):
    from team_fixtures import build_org

    return build_org(env, roleplay_root)


def test_my_progress_lists_each_finished_run_with_its_review(env):
    user = make_user(env)
    at = app_for(env, user, PROGRESS)
    assert "Not played yet." in texts(at)
    first = finished_run(env, user, ["offer-discount"])
    second = finished_run(env, user, ["send-brochure", "hold-price"])
    at = app_for(env, user, PROGRESS)
    assert not at.exception
    reviews = {label: q for label, q in links(at).items() if label.startswith("Review run")}
    assert [q for q in reviews.values()] == [f"run={second.id}", f"run={first.id}"]
    assert any("A small order · 60%" in label for label in reviews)
    assert any("No order · 0%" in label for label in reviews)


def test_a_manager_sees_each_run_path_on_the_learners_page(env, org):
    run = finished_run(env, org.ana, ["send-brochure", "ask-why", "meet-director"])
    finished_run(env, org.cleo, ["offer-discount"])  # team B: not Mara's
    at = app_for(env, org.manager_a, LEARNER, learner=str(org.ana.id))
    assert not at.exception
    shown = texts(at)
    assert "Role-plays" in shown
    # Folded, the run's path is not drawn (a table per run on every load was slow).
    assert not [d for d in at.dataframe if "Move" in d.value.columns]
    at.session_state[f"learner_run_{run.id}_open"] = True
    at.run()
    path = next(d.value for d in at.dataframe if "Move" in d.value.columns)
    assert list(path["Move"]) == [
        "Walk her through the catalogue page by page.",
        "Ask what one late bus costs her on a bad day.",
        "Ask her to bring the director to a short meeting.",
    ]
    assert list(path["Points"]) == ["3 of 10", "10 of 10", "10 of 10"]
    assert links(at)["Open the review of this run"] == f"run={run.id}"
    # Another team's learner: the page refuses, whatever the address says.
    other = app_for(env, org.manager_a, LEARNER, learner=str(org.cleo.id))
    assert "That learner does not exist, or is not in a team you manage." in [
        e.value for e in other.error
    ]


def test_the_insight_page_shows_how_the_teams_runs_spread_over_the_endings(env, org):
    finished_run(env, org.ana, ["offer-discount"])
    finished_run(env, org.ana, ["ask-goals", "propose-pilot", "meet-director"])
    finished_run(env, org.ben, ["send-brochure", "cut-price"])
    finished_run(env, org.cleo, ["send-brochure", "hold-price"])  # team B: not counted
    at = app_for(env, org.manager_a, INSIGHT)
    # The role-plays wait in their own tab, computed only when it is open (speed, issue 9).
    assert "3 finished runs." not in texts(at)
    at = app_for(env, org.manager_a, INSIGHT, insight_view="Role-plays")
    assert not at.exception
    assert "3 finished runs." in texts(at)
    table = next(t.value for t in at.table if "Ending" in t.value.columns)
    assert list(table["Ending"]) == ["A trial at the depot", "A small order", "No order"]
    assert list(table["Runs"]) == [1, 0, 2]
    # The chart waits, folded, until it is asked for (speed, issue 9); the table stays in view.
    assert not at.get("vega_lite_chart")
    at.session_state["roleplay_spread_first-call_chart"] = True
    at.run()
    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert any(c.get("mark", {}).get("type") == "bar" for c in charts if isinstance(c, dict))


def test_a_run_whose_role_play_changed_under_it_can_start_again(env, roleplay_root):
    user = make_user(env)
    at = started(env, user)
    choose(at, "ask-goals")
    path = roleplay_root / "roleplays" / "01-first-call.toml"
    path.write_text(path.read_text().replace('"ask-goals"', '"ask-aims"'))
    at = app_for(env, user, PAGE, id="first-call")
    assert not at.exception
    assert any("has changed since this run began" in w.value for w in at.warning)
    button(at, "Start again").click().run()
    assert "Decision 1" in texts(at)
    assert len(store.runs_of(env, user.id)) == 2


def test_the_manager_sees_the_same_course_done_as_the_learner_once_a_role_play_is_finished(
    env, org
):
    """The manager's completion counts role-plays as the learner's map does."""

    def course_done(at):
        return next(m.value for m in at.metric if m.label == "Course done")

    # Ana passed both quizzes and read nothing: 2 of 6 steps (3 sections, 1 role-play, 2 quizzes).
    assert course_done(app_for(env, org.manager_a, LEARNER, learner=str(org.ana.id))) == "33%"
    finished_run(env, org.ana, ["offer-discount"])
    assert course_done(app_for(env, org.manager_a, LEARNER, learner=str(org.ana.id))) == "50%"
    assert course_done(app_for(env, org.ana, PROGRESS)) == "50%"


def test_the_course_is_finished_only_once_its_role_plays_are_played(env):
    from team_fixtures import take_quiz

    user = make_user(env)
    course = load_course(components.settings().content_root)
    for module_id, sections in (
        ("alpha", ["first-steps", "second-steps"]),
        ("beta", ["only-section"]),
    ):
        for section in sections:
            learning.mark_section_read(env, user.id, module_id, section, NOW)
    take_quiz(env, course, user, "alpha", ["strategic", "escalate"], NOW)
    take_quiz(env, course, user, "beta", ["brief"], NOW)
    at = app_for(env, user, MAP)
    assert "You have finished the course" not in texts(at)
    [target] = [q for label, q in links(at).items() if "Continue" in label]
    assert target == "id=first-call"
    finished_run(env, user, ["offer-discount"])
    at = app_for(env, user, MAP)
    assert (
        "You have finished the course: every section read, every role-play played and every "
        "quiz passed."
    ) in [s.value for s in at.success]


def test_the_review_of_a_run_in_progress_offers_to_carry_on(env):
    user = make_user(env)
    at = started(env, user)
    choose(at, "ask-goals")
    [run] = store.runs_of(env, user.id)
    review = app_for(env, user, PAGE, run=str(run.id))
    assert "This run is still in progress." in [i.value for i in review.info]
    assert links(review)["Carry on with it"] == "id=first-call"
    assert "**You: Ask what she most needs to change this year.** — 10 of 10 points" in texts(
        review
    )
    progress = app_for(env, user, PROGRESS)
    assert "Started, not finished yet." in texts(progress)
