"""The small-sample rule behind 'strong sellers miss this': Wilson intervals that do not overlap."""

from __future__ import annotations

from math import comb

import pytest

from arrowhead.stats import clearly_lower, wilson_interval


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # Published values (Newcombe 1998; any statistics table of Wilson intervals).
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        (0, 3, 0.0, 0.5615),
        (1, 4, 0.0456, 0.6994),
    ],
)
def test_wilson_interval(successes, trials, low, high):
    assert wilson_interval(successes, trials) == pytest.approx((low, high), abs=1e-4)


def test_no_trials_tell_nothing():
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert not clearly_lower(0, 0, 5, 5)
    assert not clearly_lower(0, 5, 0, 0)


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError):
        wilson_interval(4, 3)


@pytest.mark.parametrize(
    ("upper", "lower", "fires"),
    [
        # Thirds of a team of 9: even all against none is within chance.
        ((0, 3), (3, 3), False),
        # Thirds of a team of 12: only the extreme is more than noise.
        ((0, 4), (4, 4), True),
        ((1, 4), (4, 4), False),
        ((0, 4), (3, 4), False),
        # Thirds of a team of 30.
        ((1, 10), (9, 10), True),
        ((2, 10), (8, 10), False),
        # Thirds of 90 learners: a gap of 40 points is enough, one of 33 is not.
        ((9, 30), (21, 30), True),
        ((10, 30), (20, 30), False),
        # Thirds of 5,000: five points apart is a real difference, two is not.
        ((750, 1666), (833, 1666), True),
        ((800, 1666), (833, 1666), False),
        # The other way round never fires: only 'lower than' is asked.
        ((4, 4), (0, 4), False),
    ],
)
def test_clearly_lower_fires_only_beyond_noise(upper, lower, fires):
    assert clearly_lower(*upper, *lower) is fires


@pytest.mark.parametrize("size", [4, 10, 30, 100])
@pytest.mark.parametrize("rate", [0.3, 0.5, 0.7])
def test_a_false_flag_is_rare_when_both_groups_are_alike(size, rate):
    """Exactly, over every outcome: two groups with the same true rate seldom look apart."""
    chance = sum(
        comb(size, a)
        * rate**a
        * (1 - rate) ** (size - a)
        * comb(size, b)
        * rate**b
        * (1 - rate) ** (size - b)
        for a in range(size + 1)
        for b in range(size + 1)
        if clearly_lower(a, size, b, size)
    )
    assert chance < 0.005
