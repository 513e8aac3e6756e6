"""Role-play files: parsing, every error kind with its exact message and line, walking a route."""

from pathlib import Path

import pytest
from conftest import DATA

from arrowhead.course import content_fingerprint, load_course
from arrowhead.problems import ContentError
from arrowhead.roleplays import (
    best_route,
    load_roleplay,
    route_points,
    shortest_decisions,
    walk,
)

FILE = "roleplays/01-first-call.toml"
GOOD = (DATA / "roleplays" / "01-first-call.toml").read_text(encoding="utf-8")


def write(root: Path, text: str, name: str = "01-first-call.toml") -> Path:
    path = root / "roleplays" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_roleplay(write(tmp_path, text), tmp_path)
    return [str(p) for p in caught.value.problems]


def edited(*replacements: tuple[str, str]) -> str:
    text = GOOD
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def roleplay(tmp_path):
    return load_roleplay(write(tmp_path, GOOD), tmp_path)


def test_roleplay_loads_with_steps_options_and_endings_in_file_order(roleplay):
    assert (roleplay.id, roleplay.number, roleplay.module_id) == ("first-call", 1, "alpha")
    assert roleplay.path == FILE
    assert roleplay.role == "You are an account manager at Corvid Parts."
    assert [s.id for s in roleplay.steps] == ["opening", "goals", "price-talk", "sponsor"]
    assert [e.id for e in roleplay.endings] == ["signed", "small-order", "lost"]
    opening = roleplay.step("opening")
    assert opening.best.id == "ask-goals"
    assert opening.option("send-brochure").next == "price-talk"
    assert opening.option("nothing") is None
    assert opening.discussion == ("What did Nadia want from the call?",)
    assert [e.good for e in roleplay.endings] == [True, False, False]
    assert roleplay.ending("small-order").score == 60
    assert roleplay.step("signed") is None and roleplay.ending("opening") is None


def test_walk_with_no_choices_stands_at_the_start(roleplay):
    position = walk(roleplay, [])
    assert position.step.id == "opening"
    assert (position.route, position.ending, position.finished) == ((), None, False)
    assert position.last_reply is None


def test_walk_follows_options_round_a_loop_and_to_an_ending(roleplay):
    middle = walk(roleplay, ["ask-goals", "start-over"])
    assert middle.step.id == "opening"
    assert middle.last_reply == "She sighs and asks again what you have to offer."
    end = walk(roleplay, ["ask-goals", "start-over", "send-brochure", "hold-price"])
    assert end.step is None and end.finished
    assert end.ending.id == "small-order"
    assert [(s.id, o.id) for s, o in end.route] == [
        ("opening", "ask-goals"),
        ("goals", "start-over"),
        ("opening", "send-brochure"),
        ("price-talk", "hold-price"),
    ]
    assert route_points(end) == (10 + 2 + 3 + 6, 40)


@pytest.mark.parametrize(
    "choices, message",
    [
        (["quote-price"], "choice 1: step 'opening' has no option 'quote-price'"),
        (["ask-goals", "nonsense"], "choice 2: step 'goals' has no option 'nonsense'"),
        (["offer-discount", "ask-goals"], "choice 2 ('ask-goals') comes after the ending"),
    ],
)
def test_walk_refuses_a_choice_its_step_does_not_offer(roleplay, choices, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        walk(roleplay, choices)


def test_best_route_and_shortest_path(roleplay):
    best = best_route(roleplay)
    assert [o.id for _, o in best.route] == ["ask-goals", "propose-pilot", "meet-director"]
    assert best.ending.id == "signed" and route_points(best) == (30, 30)
    assert shortest_decisions(roleplay) == 3


def test_best_route_that_goes_round_a_loop_is_none(tmp_path):
    text = edited(
        (
            '  points = 10\n  style = "partnership"\n  reply = "She asks who',
            '  points = 2\n  style = "partnership"\n  reply = "She asks who',
        ),
        (
            '  points = 2\n  style = "traditional"\n  reply = "She sighs',
            '  points = 10\n  style = "traditional"\n  reply = "She sighs',
        ),
    )
    assert best_route(load_roleplay(write(tmp_path, text), tmp_path)) is None


# ---------------------------------------------------------------- graph errors, one per kind


GRAPH_ERRORS = [
    pytest.param(
        [('next = "goals"', 'next = "goal"')],
        f'{FILE}:23: step "opening", option "ask-goals" leads nowhere: \'next\' names '
        '"goal", which is no step or ending',
        id="option-leading-nowhere",
    ),
    pytest.param(
        [('start = "opening"', 'start = "hello"')],
        f"{FILE}:8: 'start' names \"hello\", which is no step",
        id="unknown-start",
    ),
    pytest.param(
        [
            (
                'reply = "She listens, then asks what it all costs."\n  next = "price-talk"',
                'reply = "She listens, then asks what it all costs."\n  next = "goals"',
            ),
            (
                'reply = "She reads it and asks for a better price."\n  next = "price-talk"',
                'reply = "She reads it and asks for a better price."\n  next = "sponsor"',
            ),
        ],
        f'{FILE}:72: step "price-talk" is unreachable: no path from the start leads to it',
        id="unreachable-step",
    ),
    pytest.param(
        [('next = "small-order"', 'next = "lost"')],
        f'{FILE}:141: ending "small-order" is unreachable: no path from the start leads to it',
        id="unreachable-ending",
    ),
    pytest.param(
        [
            (
                'next = "small-order"\n\n  [[steps.options]]\n  id = "cut-price"',
                'next = "price-talk"\n\n  [[steps.options]]\n  id = "cut-price"',
            ),
            (
                'next = "lost"\n\n  [[steps.options]]\n  id = "ask-why"',
                'next = "price-talk"\n\n  [[steps.options]]\n  id = "ask-why"',
            ),
            (
                'reply = "She works it out aloud and goes quiet."\n  next = "sponsor"',
                'reply = "She works it out aloud and goes quiet."\n  next = "price-talk"',
            ),
        ],
        f'{FILE}:72: step "price-talk" is caught in a loop with no way out: '
        "no ending can be reached from it",
        id="loop-with-no-way-out",
    ),
    pytest.param(
        [('why = "You competed on price alone, where the rival was stronger."', 'why = " "')],
        f"{FILE}:153: ending \"lost\" has no feedback: 'why' must say why it turned out so",
        id="ending-with-empty-why",
    ),
    pytest.param(
        [('outcome = "Nadia buys from the rival."\n', "")],
        f"{FILE}:148: ending \"lost\" has no feedback: 'outcome' must say what the client did next",
        id="ending-without-outcome",
    ),
    pytest.param(
        [
            (
                'reply = "She asks who would have to agree to a trial like that."\n  next = "sponsor"',
                'reply = "She asks who would have to agree to a trial like that."\n  next = "signed"',
            ),
        ],
        f"{FILE}:8: the shortest path to a good ending takes 2 decision(s); it needs at least 3",
        id="too-few-decisions",
    ),
    pytest.param(
        [
            (
                '[[endings]]\nid = "small-order"\ntitle = "A small order"\npoints = 6\n'
                'outcome = "Nadia places a small order and goes on comparing prices."\n'
                'why = "You sold parts, not an answer to the late buses."\n\n',
                "",
            ),
            ('next = "small-order"', 'next = "lost"'),
        ],
        f"{FILE}:134: role-play has 2 ending(s); it needs at least 3",
        id="too-few-endings",
    ),
    pytest.param(
        [
            (
                'id = "signed"\ntitle = "A trial at the depot"\npoints = 10',
                'id = "signed"\ntitle = "A trial at the depot"\npoints = 5',
            )
        ],
        f"{FILE}:134: role-play has no good ending: at least one needs 7 points or more",
        id="no-good-ending",
    ),
]


@pytest.mark.parametrize("replacements, message", GRAPH_ERRORS)
def test_each_graph_error_is_reported_alone_with_its_line(tmp_path, replacements, message):
    assert problems_of(tmp_path, edited(*replacements)) == [message]


def test_role_play_naming_an_unknown_module_is_left_out(roleplay_root):
    path = roleplay_root / FILE
    path.write_text(path.read_text().replace('module = "alpha"', 'module = "gamma"'))
    course = load_course(roleplay_root)
    assert [str(p) for p in course.problems] == [
        f"{FILE}:2: role-play names module 'gamma', which does not exist"
    ]
    assert course.roleplays == ()


# ---------------------------------------------------------------- field errors


FIELD_ERRORS = [
    pytest.param(
        [('role = "You are an account manager at Corvid Parts."\n', "")],
        f"{FILE}:1: role-play is missing 'role'",
        id="missing-role",
    ),
    pytest.param(
        [('title = "A first call with a buyer"', 'title = "A first call with a buyer"\nmood = 1')],
        f"{FILE}:4: unknown role-play field 'mood'",
        id="unknown-field",
    ),
    pytest.param(
        [('behaviour = "innovation"', 'behaviour = "charm"')],
        f"{FILE}:76: step \"price-talk\": 'behaviour' must be one of critical-thinking, "
        "driving-urgency, innovation, driving-accountability; not 'charm'",
        id="unknown-behaviour",
    ),
    pytest.param(
        [
            (
                'id = "ask-why"\n  text = "Ask what one late bus costs her on a bad day."\n  '
                "points = 10",
                'id = "ask-why"\n  text = "Ask what a late bus costs her on a bad '
                'morning."\n  points = 6',
            )
        ],
        f'{FILE}:72: step "price-talk" has no best move: exactly one option needs points = 10',
        id="no-best-move",
    ),
    pytest.param(
        [("  points = 3\n", "  points = 11\n")],
        f'{FILE}:28: step "opening", option "send-brochure": \'points\' must be a whole '
        "number from 0 to 10",
        id="points-out-of-range",
    ),
    pytest.param(
        [
            (
                '  style = "transactional"\n  reply = "She thanks you',
                '  style = "pushy"\n  reply = "She thanks you',
            )
        ],
        f'{FILE}:37: step "opening", option "offer-discount": \'style\' must be one of '
        "transactional, traditional, partnership; not 'pushy'",
        id="unknown-style",
    ),
    pytest.param(
        [('  reply = "She thanks you and says she will compare prices."\n', "")],
        f'{FILE}:33: step "opening", option "offer-discount": missing \'reply\'',
        id="missing-reply",
    ),
    pytest.param(
        [('id = "lost"', 'id = "goals"'), ('next = "lost"', 'next = "goals"')],
        f"{FILE}:149: duplicate ending id 'goals'",
        id="ending-id-clashes-with-a-step",
    ),
    pytest.param(
        [('id = "cut-price"', 'id = "hold-price"')],
        f"{FILE}:88: step \"price-talk\": duplicate option id 'hold-price'",
        id="duplicate-option-id",
    ),
]


@pytest.mark.parametrize("replacements, message", FIELD_ERRORS)
def test_each_field_error_is_reported_with_its_line(tmp_path, replacements, message):
    assert problems_of(tmp_path, edited(*replacements)) == [message]


def test_toml_syntax_error_names_the_line(tmp_path):
    assert problems_of(tmp_path, GOOD.replace('start = "opening"', "start = opening")) == [
        f"{FILE}:8: TOML syntax error: Invalid value"
    ]


# ---------------------------------------------------------------- the course


def test_course_holds_its_role_plays_by_module(roleplay_root):
    course = load_course(roleplay_root)
    assert course.problems == ()
    assert [r.id for r in course.roleplays] == ["first-call"]
    assert course.roleplay("first-call").title == "A first call with a buyer"
    assert course.roleplay("nothing") is None
    assert [r.id for r in course.roleplays_for("alpha")] == ["first-call"]
    assert course.roleplays_for("beta") == ()
    assert course.summary() == "2 modules, 3 sections, 2 quizzes, 3 scenarios, 1 role-play"


def test_course_without_role_plays_says_nothing_of_them(course_root):
    course = load_course(course_root)
    assert course.roleplays == ()
    assert "role-play" not in course.summary()


def test_fingerprint_changes_when_a_role_play_is_saved(roleplay_root):
    before = content_fingerprint(roleplay_root)
    assert any(name.endswith(FILE) for name, _, _ in before)
    path = roleplay_root / FILE
    path.write_text(path.read_text() + "\n# edited\n")
    assert content_fingerprint(roleplay_root) != before


def test_broken_role_play_is_left_out_but_the_rest_is_served(roleplay_root):
    write(roleplay_root, GOOD.replace('next = "goals"', 'next = "goal"'))
    course = load_course(roleplay_root)
    assert course.roleplays == ()
    assert [m.id for m in course.modules] == ["alpha", "beta"]
    assert len(course.problems) == 1 and "leads nowhere" in str(course.problems[0])
