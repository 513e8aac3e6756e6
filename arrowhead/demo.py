"""A synthetic sales organisation for demos and benchmarks (pure: a seed in, the same people out).

Learners differ in skill (how often they find the best move), in the style
they fall back on when they miss it (any of the three, so a partnership habit
shows as a misfit where a traditional fix was called for), and in how engaged they are: some never start, some
stop for weeks, some fail a quiz twice and give up on it, the rest work through
the course over several weeks and retake quizzes to raise their best score.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from arrowhead.course import Course
from arrowhead.quizzes import MAX_POINTS, STYLES, Quiz
from arrowhead.roleplays import Roleplay, Step
from arrowhead.scoring import has_passed, quiz_score

DEMO_PASSWORD = "arrowhead-demo"
"""Every demo account signs in with this password (documented in the README)."""
USERNAME_PREFIX = "demo."

FIRST_NAMES = (
    "Ada Aisha Alex Amara Ana Ben Carla Chen Dara Diego Elif Emma Farah Femi Grace Hana Ines "
    "Ivan Jade Jonas Kai Kemal Lara Leo Lina Luca Maya Mei Nadia Noah Omar Priya Rafael Rosa "
    "Sami Sara Tariq Tom Uma Vera Wei Yara Yusuf Zoe"
).split()
LAST_NAMES = (
    "Adeyemi Andersen Bauer Brown Costa Dubois Evans Fischer Garcia Haddad Hughes Ito Jansen "
    "Kaur Kowalski Lee Lopez Moreau Murphy Nakamura Novak Okafor Olsen Patel Petrov Quinn Rossi "
    "Santos Schmidt Silva Suzuki Tanaka Torres Walker Wang Weber Wilson Yilmaz Zhang"
).split()
REGIONS = "North South East West Central Coastal Metro Alpine Harbour Valley".split()
SEGMENTS = "Key Accounts|Enterprise|Public Sector|Growth|Partners".split("|")


@dataclass(frozen=True)
class DemoAnswer:
    """One generated answer."""

    scenario_id: str
    option_id: str
    points: int
    style: str
    behaviour: str | None
    answered_at: datetime
    best_style: str
    """The style of the scenario's best move, stored with the answer as a real one is."""


@dataclass(frozen=True)
class DemoAttempt:
    """One generated attempt and its answers."""

    quiz_id: str
    source: str
    started_at: datetime
    finished_at: datetime | None
    score: int | None
    passed: bool | None
    answers: tuple[DemoAnswer, ...]
    option_seed: int
    """The attempt's option order, as a real attempt draws one."""


@dataclass(frozen=True)
class DemoChoice:
    """One move in a generated role-play run, as the role-play store keeps it."""

    step_id: str
    option_id: str
    points: int
    style: str
    behaviour: str | None
    chosen_at: datetime


@dataclass(frozen=True)
class DemoRun:
    """One generated role-play run, played to an ending."""

    roleplay_id: str
    started_at: datetime
    finished_at: datetime
    ending_id: str
    score: int
    choices: tuple[DemoChoice, ...]


@dataclass(frozen=True)
class DemoLearner:
    """One generated learner with their whole history."""

    number: int
    team: int
    """Index into the team names."""
    username: str
    display_name: str
    joined_at: datetime
    reads: tuple[tuple[str, str, datetime], ...]
    """(module id, section id, read at)."""
    attempts: tuple[DemoAttempt, ...]
    runs: tuple[DemoRun, ...] = ()
    """Role-play runs, each played to an ending before the module's quiz."""


def team_names(count: int) -> list[str]:
    """Distinct team names: region and segment, numbered once those run out."""
    names = [f"{r} {s}" for s in SEGMENTS for r in REGIONS]
    return [
        names[i % len(names)] + (f" {i // len(names) + 1}" if i >= len(names) else "")
        for i in range(count)
    ]


def person_name(rng: random.Random) -> str:
    """A plausible display name."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def username_for(display_name: str, number: int) -> str:
    """A unique demo username for a person."""
    first, last = display_name.lower().split(" ", 1)
    return f"{USERNAME_PREFIX}{first}.{last}.{number}"


def demo_learners(
    course: Course, learners: int, teams: int, seed: int, now: datetime
) -> Iterator[DemoLearner]:
    """Generate the learners one at a time; the same seed gives the same organisation."""
    for number in range(1, learners + 1):
        # One generator per learner: learner n is the same whatever the batch size.
        rng = random.Random(f"{seed}:{number}")
        yield _learner(course, rng, number, number % teams, now)


def _learner(
    course: Course, rng: random.Random, number: int, team: int, now: datetime
) -> DemoLearner:
    name = person_name(rng)
    joined = now - timedelta(days=rng.uniform(20, 84))
    engagement = rng.random()
    if engagement < 0.07:
        # Never started: an account and nothing else.
        return DemoLearner(number, team, username_for(name, number), name, joined, (), (), ())
    # Some stop well before now; the rest are still at it.
    stop = now - timedelta(days=rng.uniform(15, 40)) if engagement < 0.22 else now
    skill = rng.betavariate(4, 3)
    fallback = rng.choices(STYLES, weights=(rng.random(), rng.random(), 0.5 * rng.random()))[0]
    persistence = rng.random()
    clock = joined
    reads: list[tuple[str, str, datetime]] = []
    attempts: list[DemoAttempt] = []
    runs: list[DemoRun] = []
    for module in course.modules:
        for section in module.sections:
            clock += timedelta(minutes=rng.uniform(3, 25))
            if clock >= stop:
                break
            reads.append((module.id, section.id, clock))
        # A module's role-plays come after its sections and before its quiz, as on the map.
        for roleplay in course.roleplays_for(module.id):
            if clock >= stop:
                break
            run = _run(roleplay, rng, skill, fallback, clock)
            if run is not None:
                runs.append(run)
                clock = run.finished_at
        quiz = course.quiz_for(module.id)
        if clock >= stop or quiz is None:
            break
        passed = False
        failures = 0
        tries = 0
        # Retakes after passing, to raise the best score: the keen do more.
        extra = rng.choices((0, 1, 2, 4, 7), weights=(1, 2, 3, 4, 2 + 3 * persistence))[0]
        while tries < 12:
            clock += timedelta(hours=rng.uniform(0.2, 30))
            if clock >= stop:
                break
            attempt, clock = _attempt(quiz, rng, skill + 0.05 * tries, fallback, clock)
            attempts.append(attempt)
            tries += 1
            if attempt.passed:
                passed = True
                if extra == 0:
                    break
                extra -= 1
            elif not passed:
                failures += 1
                # The stuck: they fail twice and leave the quiz alone.
                if failures >= 2 and persistence < 0.25:
                    break
        if not passed:
            break
        clock += timedelta(days=rng.uniform(0.5, 6))
    if course.quizzes and rng.random() < 0.15 and joined + timedelta(days=7) < stop:
        attempts.append(_workshop(course, rng, skill, fallback, joined + timedelta(days=7)))
    return DemoLearner(
        number,
        team,
        username_for(name, number),
        name,
        joined,
        tuple(reads),
        tuple(sorted(attempts, key=lambda a: a.started_at)),
        tuple(runs),
    )


def _choose(scenario, rng: random.Random, skill: float, fallback: str):
    if rng.random() < skill:
        return scenario.best
    others = [o for o in scenario.options if o.points < MAX_POINTS]
    # A strong pull: in most scenarios only one or two options are of the fallback style.
    weights = [8.0 if o.style == fallback else 1.0 + o.points / 5 for o in others]
    return rng.choices(others, weights=weights)[0]


def _attempt(
    quiz: Quiz, rng: random.Random, skill: float, fallback: str, clock: datetime
) -> tuple[DemoAttempt, datetime]:
    started = clock
    answers = []
    for scenario in quiz.scenarios:
        clock += timedelta(seconds=rng.uniform(20, 150))
        option = _choose(scenario, rng, min(skill, 0.97), fallback)
        answers.append(
            DemoAnswer(
                scenario.id,
                option.id,
                option.points,
                option.style,
                scenario.behaviour or option.behaviour,
                clock,
                scenario.best.style,
            )
        )
    score = quiz_score(quiz, {a.scenario_id: a.points for a in answers})
    attempt = DemoAttempt(
        quiz.id,
        "self",
        started,
        clock,
        score,
        has_passed(quiz, score),
        tuple(answers),
        rng.randrange(2**31),
    )
    return attempt, clock


def _run(
    roleplay: Roleplay, rng: random.Random, skill: float, fallback: str, clock: datetime
) -> DemoRun | None:
    """One play-through choosing as the learner answers scenarios; None if it goes round a loop
    for too long (a real learner would stop)."""
    started = clock
    choices: list[DemoChoice] = []
    step: Step | None = roleplay.first
    while step is not None and len(choices) < 3 * len(roleplay.steps):
        clock += timedelta(seconds=rng.uniform(30, 180))
        option = _choose(step, rng, min(skill, 0.97), fallback)
        choices.append(
            DemoChoice(step.id, option.id, option.points, option.style, step.behaviour, clock)
        )
        ending = roleplay.ending(option.next)
        if ending is not None:
            return DemoRun(roleplay.id, started, clock, ending.id, ending.score, tuple(choices))
        step = roleplay.step(option.next)
    return None


def _workshop(
    course: Course, rng: random.Random, skill: float, fallback: str, clock: datetime
) -> DemoAttempt:
    quiz = rng.choice(course.quizzes)
    attempt, _ = _attempt(quiz, rng, skill, fallback, clock)
    # Workshop answers count in the style profile, not as a quiz result.
    return DemoAttempt(
        quiz.id,
        "workshop",
        attempt.started_at,
        None,
        None,
        None,
        attempt.answers,
        attempt.option_seed,
    )


def demo_staff(teams: int, seed: int) -> list[tuple[str, str, tuple[str, ...]]]:
    """The demo admin and one manager per team, as (username, display name, roles)."""
    staff: list[tuple[str, str, tuple[str, ...]]] = [
        (f"{USERNAME_PREFIX}admin", "Demo Admin", ("admin", "learner"))
    ]
    for index in range(teams):
        name = person_name(random.Random(f"{seed}:manager:{index}"))
        staff.append((username_for(name, index + 1).replace(".", ".m", 1), name, ("manager",)))
    return staff
