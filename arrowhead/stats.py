"""Small-sample statistics for the manager's pages: is a gap between two groups more than noise?

A team of 5–12 learners splits into thirds of one to four people; a gap between
"0 of 3" and "2 of 3" happens by chance all the time. The pages claim a
difference only when these functions say the sample can carry it (pure).
"""

from __future__ import annotations

import math

Z_95 = 1.959963984540054
"""The normal quantile for a two-sided 95% interval."""


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval (95% by default) for a rate of successes out of trials.

    Unlike the textbook p ± z·√(p(1−p)/n), it stays inside 0–1 and does not shrink
    to nothing at 0 of 3 or 3 of 3, which is where small teams live. No trials: (0, 1).
    """
    if trials <= 0:
        return 0.0, 1.0
    if not 0 <= successes <= trials:
        raise ValueError(f"{successes} successes out of {trials} trials")
    rate = successes / trials
    spread = z * z / trials
    centre = (rate + spread / 2) / (1 + spread)
    half = z * math.sqrt(rate * (1 - rate) / trials + spread / (4 * trials)) / (1 + spread)
    return max(0.0, centre - half), min(1.0, centre + half)


def clearly_lower(
    successes: int, trials: int, other_successes: int, other_trials: int, z: float = Z_95
) -> bool:
    """Whether the first group's rate is below the other's by more than noise for the sample.

    The rule: the first group's 95% Wilson interval lies wholly below the other's.
    Non-overlapping intervals are stricter than a two-proportion test at 5%: for two
    groups of equal size (4 to 100 each) with the same true rate, the first comes out
    clearly lower in 0.2–0.4% of samples (tests/test_stats.py works it out exactly).
    That suits a page that tests every scenario of a quiz at once: a team where
    nothing is going on seldom gets a flag by chance. An empty group is never
    clearly anything.
    """
    if trials <= 0 or other_trials <= 0:
        return False
    return (
        wilson_interval(successes, trials, z)[1]
        < wilson_interval(other_successes, other_trials, z)[0]
    )
