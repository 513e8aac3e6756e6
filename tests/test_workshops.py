"""Workshop rules: join codes, nicknames, decks, the stage machine, tallies and the CSV summary."""

import csv
import io
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from arrowhead.accounts import User
from arrowhead.quizzes import Option, Scenario
from arrowhead.workshops import (
    JOIN_ALPHABET,
    JOIN_CODE_LENGTH,
    JOIN_SCREEN,
    MAX_NICKNAME,
    START,
    DeckEntry,
    NotAllowed,
    Stage,
    WorkshopError,
    advance,
    can_facilitate,
    check_facilitator,
    clean_deck,
    clean_join_code,
    clean_nickname,
    clean_public_url,
    csv_safe,
    is_loopback,
    new_join_code,
    summarise,
    summary_csv,
    tally,
    vote_refused,
)


def _option(option_id: str, points: int, style: str = "traditional") -> Option:
    return Option(option_id, f"Text of {option_id}", points, style, None, f"Why {option_id}.")


SCENARIO = Scenario(
    id="price-squeeze",
    title="The price squeeze",
    situation="A client asks for a discount.",
    question="What do you do?",
    behaviour=None,
    discussion=("Why?",),
    options=(_option("discount", 0, "transactional"), _option("value", 5), _option("ask", 10)),
)


@pytest.mark.parametrize("look_alike", list("0O1IL2Z5S8B"))
def test_join_alphabet_has_no_look_alikes(look_alike):
    assert look_alike not in JOIN_ALPHABET


def test_join_codes_are_six_characters_from_the_alphabet_and_rarely_repeat():
    rng = random.Random(4)
    codes = [new_join_code(rng.randrange) for _ in range(2000)]
    assert all(len(c) == JOIN_CODE_LENGTH and set(c) <= set(JOIN_ALPHABET) for c in codes)
    assert len(set(codes)) == len(codes)
    # Every character of the alphabet turns up: the draw is not stuck on a few.
    assert set("".join(codes)) == set(JOIN_ALPHABET)


def test_default_join_code_uses_the_secure_generator():
    code = new_join_code()
    assert clean_join_code(code) == code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ACDEFG", "ACDEFG"),
        ("acdefg", "ACDEFG"),
        (" acd efg ", "ACDEFG"),
        ("ACD-EFG", "ACDEFG"),
        ("ACDEF", None),
        ("ACDEFGH", None),
        ("ACDEF0", None),  # a zero is never in a code
        ("", None),
        (None, None),
        ("<b>x</b>", None),
    ],
)
def test_clean_join_code(typed, expected):
    assert clean_join_code(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Sam", "Sam"),
        ("  Sam   the  seller ", "Sam the seller"),
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
        ("x" * MAX_NICKNAME, "x" * MAX_NICKNAME),
    ],
)
def test_clean_nickname_keeps_text_as_typed(typed, expected):
    assert clean_nickname(typed) == expected


@pytest.mark.parametrize("typed", ["نیلوفر\u200cجان", "Kim 👩\u200d💻", "Alex 🏳\ufe0f\u200d🌈"])
def test_clean_nickname_keeps_joiners_inside_text(typed):
    """Regression: nicknames with a zero-width joiner or non-joiner (Persian names, 👩‍💻,
    🏳️‍🌈) were refused as "control characters"."""
    assert clean_nickname(typed) == typed


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "pick a nickname"),
        ("   ", "pick a nickname"),
        ("x" * (MAX_NICKNAME + 1), f"at most {MAX_NICKNAME}"),
        ("Sam\x00", "control characters"),
        ("Sam\u202e", "control characters"),
        ("Sam\u2067x", "control characters"),
        ("\u200dSam", "control characters"),
    ],
)
def test_clean_nickname_refuses(typed, message):
    with pytest.raises(WorkshopError, match=message):
        clean_nickname(typed)


@pytest.mark.parametrize(
    ("name", "entries", "message"),
    [
        ("", [DeckEntry("q", "s")], "give the deck a name"),
        ("x" * 61, [DeckEntry("q", "s")], "at most 60"),
        ("Kick-off", [], "at least one scenario"),
        ("Kick-off", [DeckEntry("q", "s"), DeckEntry("q", "s")], "only once"),
        ("Kick-off", [DeckEntry("q", f"s{i}") for i in range(41)], "at most 40"),
    ],
)
def test_clean_deck_refuses(name, entries, message):
    with pytest.raises(WorkshopError, match=message):
        clean_deck(name, entries)


def test_clean_deck_trims_the_name_and_keeps_the_order():
    entries = [DeckEntry("b", "2"), DeckEntry("a", "1")]
    assert clean_deck("  Kick  off ", entries) == ("Kick off", tuple(entries))


@pytest.mark.parametrize(
    ("roles", "allowed"),
    [({"learner"}, False), ({"manager"}, False), ({"facilitator"}, True), ({"admin"}, True)],
)
def test_who_may_facilitate(roles, allowed):
    user = User(1, "sam", "Sam", frozenset(roles))
    assert can_facilitate(user) is allowed
    if allowed:
        assert check_facilitator(user) is user
    else:
        with pytest.raises(NotAllowed):
            check_facilitator(user)
    assert can_facilitate(None) is False


ON_FIRST = replace(START, position=0)
OPEN = replace(ON_FIRST, voting_open=True)


@pytest.mark.parametrize(
    ("before", "action", "after"),
    [
        (START, "next", ON_FIRST),
        (ON_FIRST, "open", OPEN),
        (OPEN, "close", ON_FIRST),
        (OPEN, "open", OPEN),  # a double click changes nothing
        (ON_FIRST, "show", replace(ON_FIRST, results_shown=True)),
        (replace(ON_FIRST, results_shown=True), "hide", ON_FIRST),
        (
            replace(OPEN, results_shown=True),
            "revote",
            replace(OPEN, round=2, results_shown=False),
        ),
        (OPEN, "reveal", replace(ON_FIRST, revealed=True, results_shown=True)),
        (OPEN, "end", replace(ON_FIRST, ended=True)),
        (OPEN, "next", replace(ON_FIRST, position=1)),
        (ON_FIRST, "previous", START),
    ],
)
def test_advance(before, action, after):
    assert advance(before, action, 3, {}) == after


def test_going_back_shows_a_scenario_as_it_was_left():
    on_second = replace(ON_FIRST, position=1)
    back = advance(on_second, "previous", 3, {0: (2, True)})
    assert back == Stage(0, 2, False, True, True, False)


@pytest.mark.parametrize(
    ("before", "action", "message"),
    [
        (START, "open", "first scenario first"),
        (START, "reveal", "first scenario first"),
        (START, "previous", "already the join screen"),
        (replace(ON_FIRST, position=2), "next", "last scenario"),
        (replace(ON_FIRST, revealed=True), "open", "revealed"),
        (replace(ON_FIRST, revealed=True), "revote", "revealed"),
        (replace(ON_FIRST, round=2), "revote", "had its revote"),
        (replace(ON_FIRST, ended=True), "open", "ended"),
        (ON_FIRST, "dance", "Unknown workshop action"),
    ],
)
def test_advance_refuses(before, action, message):
    with pytest.raises(WorkshopError, match=message):
        advance(before, action, 3, {})


@pytest.mark.parametrize(
    ("votes", "counts", "voters"),
    [
        ([], (("discount", 0), ("value", 0), ("ask", 0)), 0),
        (["ask", "ask", "value"], (("discount", 0), ("value", 1), ("ask", 2)), 3),
        # A vote for an option an author has since removed counts as a voter only.
        (["gone", "ask"], (("discount", 0), ("value", 0), ("ask", 1)), 2),
    ],
)
def test_tally(votes, counts, voters):
    result = tally([o.id for o in SCENARIO.options], votes)
    assert result.counts == counts
    assert result.voters == voters


def test_summary_compares_first_vote_and_revote():
    summary = summarise(
        0, "q", SCENARIO.id, SCENARIO, {1: ["discount", "value", "ask", "ask"], 2: ["ask"] * 3}
    )
    assert summary.best_share_first == 0.5
    assert summary.best_share_revote == 1.0
    assert summary.revote is not None and summary.revote.voters == 3


def test_summary_without_revote_or_votes_has_no_shares():
    summary = summarise(0, "q", SCENARIO.id, SCENARIO, {})
    assert summary.best_share_first is None
    assert summary.revote is None and summary.best_share_revote is None


def test_summary_of_a_removed_scenario_still_counts_voters():
    summary = summarise(1, "q", "gone", None, {1: ["a", "b"]})
    assert summary.first.voters == 2
    assert summary.best_share_first is None


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("plain", "plain"),
        ("", ""),
        (None, ""),
        (12, "12"),
    ],
)
def test_csv_safe(value, safe):
    assert csv_safe(value) == safe


def test_summary_csv_has_a_row_per_scenario_and_safe_cells():
    evil = replace(SCENARIO, title="=cmd|' /C calc'!A0")
    rows = list(
        csv.DictReader(
            io.StringIO(
                summary_csv(
                    [
                        summarise(0, "q", evil.id, evil, {1: ["ask", "value"], 2: ["ask", "ask"]}),
                        summarise(1, "q", "gone", None, {1: ["x"]}),
                    ]
                )
            )
        )
    )
    assert [r["Position"] for r in rows] == ["1", "2"]
    first = rows[0]
    assert first["Title"].startswith("'=")
    assert first["Best move"] == "C"
    assert first["First vote: chose best (%)"] == "50"
    assert first["Revote: chose best (%)"] == "100"
    assert (first["A: first vote"], first["B: first vote"], first["C: revote"]) == ("0", "1", "2")
    assert first["D: first vote"] == ""
    assert rows[1]["Title"] == "(no longer in the course)"
    assert rows[1]["First vote: voters"] == "1"


def test_join_screen_is_before_the_first_scenario():
    assert START.position == JOIN_SCREEN == -1


T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def test_opening_with_a_countdown_sets_when_voting_closes_and_closing_clears_it():
    closes = T0 + timedelta(seconds=30)
    opened = advance(ON_FIRST, "open", 3, {}, closes)
    assert opened == replace(OPEN, closes_at=closes)
    assert advance(opened, "close", 3, {}).closes_at is None
    assert advance(opened, "reveal", 3, {}).closes_at is None
    assert advance(opened, "next", 3, {}).closes_at is None
    # A second click on Open keeps the countdown already running.
    assert advance(opened, "open", 3, {}, closes + timedelta(seconds=30)) == opened


@pytest.mark.parametrize(
    ("after", "open_", "left"),
    [(0, True, 30), (0.2, True, 30), (29.9, True, 1), (30, False, None), (95, False, None)],
)
def test_a_stage_with_a_countdown_closes_itself_when_read_after_it(after, open_, left):
    stage = replace(OPEN, closes_at=T0 + timedelta(seconds=30))
    now = T0 + timedelta(seconds=after)
    assert stage.at(now).voting_open is open_
    assert stage.at(now).seconds_left(now) == left


def test_a_stage_without_a_countdown_stays_open():
    assert OPEN.at(T0 + timedelta(days=1)) == OPEN
    assert OPEN.seconds_left(T0) is None


@pytest.mark.parametrize(
    ("now_at", "message"),
    [
        (OPEN, None),
        (
            ON_FIRST,
            "Your vote on scenario 1 (first vote) was not counted: voting on it had closed.",
        ),
        (replace(OPEN, position=1), "the room has moved on to scenario 2."),
        (replace(OPEN, round=2), "the room is now on the revote."),
        (replace(OPEN, ended=True), "the workshop has ended."),
    ],
)
def test_vote_refused_names_the_vote(now_at, message):
    refused = vote_refused(0, 1, now_at)
    assert refused == message if message is None else refused.endswith(message)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://arrowhead.example.com/", "https://arrowhead.example.com"),
        ("  http://10.0.0.5:8501 ", "http://10.0.0.5:8501"),
        ("https://example.com/courses/arrowhead", "https://example.com/courses/arrowhead"),
        ("", None),
        (None, None),
    ],
)
def test_clean_public_url(typed, stored):
    assert clean_public_url(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "arrowhead.example.com",
        "ftp://example.com",
        "javascript:alert(1)",
        "https://exa mple.com",
        "https://example.com/?x=1",
        "https://example.com:port",
        "https://<b>x</b>",
        "http://",
    ],
)
def test_clean_public_url_refuses(typed):
    with pytest.raises(WorkshopError, match="as phones open it"):
        clean_public_url(typed)


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://localhost:8501", True),
        ("http://127.0.0.1:8501/join?code=X", True),
        ("http://[::1]:8501", True),
        ("http://0.0.0.0:8501", True),
        ("http://app.localhost", True),
        ("http://10.0.0.5:8501", False),
        ("https://arrowhead.example.com", False),
    ],
)
def test_is_loopback(url, loopback):
    assert is_loopback(url) is loopback
