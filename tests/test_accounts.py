"""Account rules (pure): names and their characters, the sign-in wait after repeated failures."""

from datetime import timedelta

import pytest
from conftest import NOW

from arrowhead.accounts import (
    MAX_USERNAME,
    AccountError,
    clean_display_name,
    sign_in_wait,
    too_many_failures,
    typed_username,
)


@pytest.mark.parametrize(
    "name",
    [
        "Ana Lee",
        "مهرداد\u200cرضایی",  # Persian: a zero-width non-joiner inside the name
        "سارا\u200cسادات",
        "Kim 👩\u200d💻",  # woman technologist: woman, ZWJ, laptop
        "Alex 🏳\ufe0f\u200d🌈",  # rainbow flag: white flag, VS16, ZWJ, rainbow
        "Sam 🩷",  # an emoji newer than Python 3.11's Unicode tables
    ],
)
def test_names_with_joiners_and_emoji_are_accepted(name):
    """Regression: display names and nicknames with a zero-width joiner or non-joiner
    (Persian names, 👩‍💻, 🏳️‍🌈) were refused as "control characters"."""
    assert clean_display_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "Sam\x00",
        "Sam\x1b[31m",
        "Sam\u202eevil",  # right-to-left override
        "Sam\u2066x\u2069",  # left-to-right isolate … pop isolate
        "Sam\u200f",  # right-to-left mark
        "\ufeffSam",  # byte order mark
        "\u200dSam",  # a joiner with nothing before it joins nothing
        "Sam\u200d",
        "\u200d",
    ],
)
def test_control_and_bidirectional_characters_are_still_refused(name):
    with pytest.raises(AccountError, match="control characters"):
        clean_display_name(name)


def test_a_username_typed_to_sign_in_is_refused_when_longer_than_any_username():
    assert typed_username("  Sam  ") == "Sam"
    assert typed_username("sam@example.com") is None  # no account can have it
    with pytest.raises(AccountError, match=f"at most {MAX_USERNAME} characters"):
        typed_username("x" * 1_000_000)


def _at(*seconds: float):
    return [NOW + timedelta(seconds=s) for s in seconds]


@pytest.mark.parametrize(
    ("failures", "now", "wait"),
    [
        (_at(0, 1, 2, 3), 4, 0),  # four failures cost nothing
        (_at(0, 1, 2, 3, 4), 5, 29),  # the fifth: 30 s from the last failure
        (_at(0, 1, 2, 3, 4), 34, 0),
        (_at(0, 1, 2, 3, 4, 34), 35, 59),  # then 60 s
        (_at(0, 1, 2, 3, 4, 34, 94), 94, 120),  # 120 s
        (_at(0, 1, 2, 3, 4, 34, 94, 214, 454), 454, 480),  # 480 s
        # By then the first failures are over 15 minutes old: the count drops back.
        (_at(0, 1, 2, 3, 4, 34, 94, 214, 454), 934, 0),
        (_at(0, 1, 2, 3, 4, 34, 94, 214, 454, 934), 934, 0),
        (_at(*range(12)), 11, 900),  # never more than 15 minutes
        # Failures older than 15 minutes are forgotten: spread-out mistakes never add up.
        (_at(0, 300, 600, 899, 1000), 1000, 0),
        (_at(0, 1, 2, 3, 4), 901, 0),
    ],
)
def test_the_wait_grows_after_five_failures_and_is_capped(failures, now, wait):
    assert sign_in_wait(failures, NOW + timedelta(seconds=now)) == timedelta(seconds=wait)


def test_the_wait_is_said_in_seconds_then_minutes_rounded_up():
    assert too_many_failures(timedelta(seconds=29.2)).endswith("Try again in 30 seconds.")
    assert too_many_failures(timedelta(seconds=119)).endswith("Try again in 119 seconds.")
    assert too_many_failures(timedelta(seconds=481)).endswith("Try again in 9 minutes.")
