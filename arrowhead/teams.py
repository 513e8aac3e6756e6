"""Teams as a manager sees them: learner statuses, team totals and scenario insight (pure).

Nothing here reads the clock or the database: storage hands over the records,
the page hands over the time.
"""

from __future__ import annotations

import csv
import io
import secrets
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TextIO

from arrowhead.accounts import has_control_characters
from arrowhead.course import Course
from arrowhead.quizzes import MAX_POINTS, Quiz
from arrowhead.stats import clearly_lower

NOT_STARTED = "not started"
ON_TRACK = "on track"
STUCK = "stuck"
INACTIVE = "inactive"
COMPLETED = "completed"
STATUSES = (NOT_STARTED, ON_TRACK, STUCK, INACTIVE, COMPLETED)
"""Every status, in the order team totals show them; learner_status decides which applies."""

INACTIVE_AFTER = timedelta(days=14)
STUCK_FAILURES = 2
"""Failed attempts at one quiz, without passing it, that make a learner stuck."""

TOO_EASY_FACILITY = 90.0
MOST_CHOSE_SHARE = 0.5
"""A weaker option chosen by more than this share of learners is flagged."""
SMALL_SAMPLE = 10
"""Under this many learners, statistics come with a warning."""

FLAG_TOO_EASY = "too easy"
FLAG_MOST_CHOSE_WEAKER = "most chose the same weaker option"
FLAG_STRONG_MISS = "strong sellers miss this"
FLAG_UNPICKED = "an option nobody picks"

MAX_TEAM_NAME = 60
RESERVED_TEAM_NAMES = ("No team", "All teams")
"""Entries of the team pickers that stand for no team or every team: no team may take them."""
# No look-alike characters (0/O, 1/I/L): codes are read aloud and typed from slides.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 8
RESET_LENGTH = 12
MAX_TYPED_CODE = 40
"""The longest invite or reset code accepted as typed: room for spaces and hyphens."""


class TeamError(ValueError):
    """A request about teams or people that cannot be carried out; the message is for the user."""


def clean_team_name(name: str) -> str:
    """The team name, trimmed, or TeamError saying what is wrong with it."""
    name = " ".join(name.split())
    if not name:
        raise TeamError("Please give the team a name.")
    if len(name) > MAX_TEAM_NAME:
        raise TeamError(f"A team name is at most {MAX_TEAM_NAME} characters.")
    if has_control_characters(name):
        raise TeamError("A team name cannot contain control characters.")
    mixed = scripts_of(name) & LOOK_ALIKE_SCRIPTS
    if len(mixed) > 1:
        # "Nо team" with a Cyrillic о looks like a picker entry, or like another team, but is
        # not one. Real names keep to one of these alphabets, so a mix is refused, not guessed at.
        raise TeamError(
            "A team name must not mix look-alike alphabets; this one mixes "
            f"{' and '.join(sorted(s.title() for s in mixed))} letters."
        )
    if name.casefold() in {r.casefold() for r in RESERVED_TEAM_NAMES}:
        raise TeamError(f"{' and '.join(RESERVED_TEAM_NAMES)} are kept for the team pickers.")
    return name


LOOK_ALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})
"""Alphabets with letters that look the same (a/а, o/о/ο): one name may use only one of them."""


def scripts_of(text: str) -> set[str]:
    """The alphabets (Unicode scripts, by character name: LATIN, CYRILLIC, …) of text's letters."""
    return {unicodedata.name(c, "?").split()[0] for c in text if c.isalpha()}


def new_code(length: int) -> str:
    """A random code of unambiguous capitals and digits, for invites and password resets."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(code: str) -> str:
    """A code as typed (any case, spaces or hyphens) in the form it is stored."""
    return "".join(c for c in code.upper() if c.isalnum())


@dataclass(frozen=True)
class QuizRecord:
    """One learner's finished self-paced attempts at one quiz, summed up."""

    quiz_id: str
    best: int
    """Best score, percent."""
    passed: bool
    failures: int
    """Finished attempts below the pass mark."""


@dataclass(frozen=True)
class LearnerRecord:
    """What storage knows about one learner, as the overview needs it."""

    user_id: int
    display_name: str
    """Entered by the learner: always shown as plain text."""
    username: str
    sections_read: int
    """Sections read that the course still has."""
    quizzes: tuple[QuizRecord, ...]
    """Only quizzes the course still has."""
    last_active: datetime | None
    """The latest section read, attempt started or answer given; None if nothing yet."""
    team: str = ""
    """The name of the learner's team; empty if in none."""
    roleplays_finished: int = 0
    """Role-plays the course still has that the learner has played to an ending."""


@dataclass(frozen=True)
class LearnerOverview:
    """One row of the team overview."""

    user_id: int
    display_name: str
    username: str
    completion: float
    """Share (0–1) of the course's sections, role-plays and quizzes done, as on the learner's
    own map."""
    modules_passed: int
    average_best: float | None
    """Mean of the best scores over the quizzes attempted; None if none finished."""
    last_active: datetime | None
    status: str
    best_scores: dict[str, int]
    """Best score per quiz id attempted."""
    team: str = ""
    """The name of the learner's team; empty if in none."""
    passed: frozenset[str] = frozenset()
    """Quiz ids the learner has passed, by the pass mark of the day of the attempt."""
    stuck_on: tuple[str, ...] = ()
    """Quiz ids the learner is stuck on (failed twice or more, never passed), in course order."""
    quizzes_in_course: int = 0
    """How many quizzes the course has: what average_best's quizzes are out of."""

    @property
    def course_done(self) -> bool:
        """Every section read and every quiz passed."""
        return self.completion >= 1

    @property
    def quizzes_finished(self) -> int:
        """The quizzes with a finished attempt: how many average_best rests on."""
        return len(self.best_scores)


def stuck_words(row: LearnerOverview, titles: Mapping[str, str]) -> str:
    """The quizzes a stuck learner is stuck on, by title ('Alpha quiz and Beta quiz'); else ''."""
    if row.status != STUCK:
        return ""
    return " and ".join(titles.get(q, q) for q in row.stuck_on)


def status_words(row: LearnerOverview, titles: Mapping[str, str]) -> str:
    """The status as a manager reads it: 'stuck on <quiz title>' names the quiz; others as is."""
    on = stuck_words(row, titles)
    return f"{row.status} on {on}" if on else row.status


def quizzes_words(row: LearnerOverview) -> str:
    """What the average best rests on: 'over 1 of 6 quizzes'; '' with no quiz finished.

    A perfect average over one quiz of six is not a star: the count says so.
    """
    if row.average_best is None:
        return ""
    plural = "zes" if row.quizzes_in_course != 1 else ""
    return f"over {row.quizzes_finished} of {row.quizzes_in_course} quiz{plural}"


def learner_status(record: LearnerRecord, now: datetime, course_done: bool = False) -> str:
    """The learner's status; the first that applies of not started, completed, stuck,
    inactive, on track.

    A learner who has finished the course is completed however long ago. Stuck
    comes before inactive: a learner who failed a quiz twice and then went quiet
    most likely went quiet because of it, and that is the conversation to have.
    """
    if record.last_active is None:
        return NOT_STARTED
    if course_done:
        return COMPLETED
    if stuck_on(record):
        return STUCK
    if now - record.last_active >= INACTIVE_AFTER:
        return INACTIVE
    return ON_TRACK


def stuck_on(record: LearnerRecord) -> tuple[str, ...]:
    """The quizzes the learner failed STUCK_FAILURES times or more without passing, by id."""
    return tuple(q.quiz_id for q in record.quizzes if q.failures >= STUCK_FAILURES and not q.passed)


def overview_row(
    record: LearnerRecord, steps: int, now: datetime, quiz_order: Sequence[str] = ()
) -> LearnerOverview:
    """The overview row for one learner, given how many steps (sections, role-plays and quizzes)
    the course has and its quiz ids in course order."""
    passed = sum(1 for q in record.quizzes if q.passed)
    done = record.sections_read + record.roleplays_finished + passed
    completion = done / steps if steps else 0.0
    bests = {q.quiz_id: q.best for q in record.quizzes}
    return LearnerOverview(
        user_id=record.user_id,
        display_name=record.display_name,
        username=record.username,
        completion=completion,
        modules_passed=passed,
        average_best=sum(bests.values()) / len(bests) if bests else None,
        last_active=record.last_active,
        status=learner_status(record, now, course_done=steps > 0 and done >= steps),
        best_scores=bests,
        team=record.team,
        passed=frozenset(q.quiz_id for q in record.quizzes if q.passed),
        stuck_on=tuple(
            sorted(
                stuck_on(record),
                key=lambda q: quiz_order.index(q) if q in quiz_order else len(quiz_order),
            )
        ),
        quizzes_in_course=len(quiz_order),
    )


def overview(
    records: Iterable[LearnerRecord], course: Course, now: datetime
) -> list[LearnerOverview]:
    """The overview rows for the learners, measured against the course as it is now."""
    steps = (
        sum(len(m.sections) for m in course.modules)
        + sum(1 for m in course.modules if course.quiz_for(m.id))
        + sum(len(course.roleplays_for(m.id)) for m in course.modules)
    )
    order = [q.id for q in course.quizzes]
    return [overview_row(r, steps, now, order) for r in records]


ROSTER_PAGE = 200
"""At most this many learners on the roster for every team at once; the roster CSV has them all."""

ATTENTION_ORDER = (STUCK, INACTIVE, NOT_STARTED, ON_TRACK, COMPLETED)
"""The statuses in the order a manager acts on them: stuck and gone quiet first."""


def attention_first(
    rows: Iterable[LearnerOverview], limit: int | None = None
) -> list[LearnerOverview]:
    """At most limit rows (ROSTER_PAGE when not given), those that need attention first
    (ATTENTION_ORDER), each status in the order given (by name, as the records come)."""
    limit = ROSTER_PAGE if limit is None else limit
    rank = {status: place for place, status in enumerate(ATTENTION_ORDER)}
    # sorted() is stable: within a status the rows keep their order.
    return sorted(rows, key=lambda r: rank.get(r.status, len(rank)))[:limit]


@dataclass(frozen=True)
class TeamTotals:
    """The figures on top of the overview."""

    learners: int
    completion: float
    """Mean completion (0–1) over the learners."""
    average_best: float | None
    modules_passed: int
    statuses: dict[str, int]
    """How many learners have each status."""


def team_totals(rows: Iterable[LearnerOverview]) -> TeamTotals:
    """Totals over overview rows."""
    rows = list(rows)
    bests = [r.average_best for r in rows if r.average_best is not None]
    return TeamTotals(
        learners=len(rows),
        completion=sum(r.completion for r in rows) / len(rows) if rows else 0.0,
        average_best=sum(bests) / len(bests) if bests else None,
        modules_passed=sum(r.modules_passed for r in rows),
        statuses={s: sum(1 for r in rows if r.status == s) for s in STATUSES},
    )


@dataclass(frozen=True)
class TeamComparison:
    """One team's line in the admin's comparison of teams."""

    team: str
    """Entered by an admin: shown as plain text."""
    learners: int
    done: int
    """Learners who have finished the course: every section read, every quiz passed."""
    stuck: int
    inactive: int
    average_best: float | None
    """Mean over the team's learners of their average best score; None if none finished a quiz."""
    certificates: int = 0
    """Learners who have earned the certificate."""


def compare_teams(
    rows: Iterable[LearnerOverview],
    team_names: Iterable[str],
    certified: Collection[int] = (),
) -> list[TeamComparison]:
    """A comparison line per team named (empty teams included), from the overview rows, by name;
    certified holds the ids of the learners who have earned the certificate."""
    certified = set(certified)
    by_team: dict[str, list[LearnerOverview]] = {name: [] for name in team_names}
    for row in rows:
        by_team.setdefault(row.team, []).append(row)
    lines = []
    for name, mine in sorted(by_team.items(), key=lambda item: item[0].casefold()):
        totals = team_totals(mine)
        lines.append(
            TeamComparison(
                team=name,
                learners=totals.learners,
                done=sum(1 for r in mine if r.course_done),
                stuck=totals.statuses[STUCK],
                inactive=totals.statuses[INACTIVE],
                average_best=totals.average_best,
                certificates=sum(1 for r in mine if r.user_id in certified),
            )
        )
    return lines


NOT_ATTEMPTED = "not attempted"


@dataclass(frozen=True)
class HeatCell:
    """One learner's best score on one module's quiz, as the heatmap draws it."""

    learner: str
    """Display name and username: two learners may share a display name."""
    module: str
    """The module's number and title."""
    number: int
    """The module's number: the column's heading."""
    best: int | None
    """Best score, percent; None if not attempted."""
    pass_mark: int
    passed: bool | None
    """Whether a finished attempt passed (by the pass mark of its day); None if not attempted."""

    @property
    def label(self) -> str:
        """The text written in the cell: the score with a tick if passed, or a dash."""
        if self.best is None:
            return "–"
        return f"{self.best}{' ✓' if self.passed else ''}"

    @property
    def result(self) -> str:
        """The cell's result in words, for the tooltip."""
        if self.best is None:
            return NOT_ATTEMPTED
        verdict = "passed" if self.passed else "not passed"
        return f"{self.best}% ({verdict}; pass mark {self.pass_mark}%)"


def heatmap_cells(rows: Iterable[LearnerOverview], course: Course) -> list[HeatCell]:
    """A cell per learner and module that has a quiz, learners in the rows' order."""
    quizzes = [(m, q) for m in course.modules if (q := course.quiz_for(m.id)) is not None]
    return [
        HeatCell(
            learner=f"{r.display_name} ({r.username})",
            module=f"{m.number}. {m.title}",
            number=m.number,
            best=(best := r.best_scores.get(q.id)),
            pass_mark=q.pass_mark,
            passed=None if best is None else q.id in r.passed,
        )
        for r in rows
        for m, q in quizzes
    ]


UPPER, MIDDLE, LOWER = "upper", "middle", "lower"


@dataclass(frozen=True)
class OptionTally:
    """First-attempt answers that chose one option, from one third of the learners."""

    quiz_id: str
    scenario_id: str
    option_id: str
    third: str
    """UPPER, MIDDLE or LOWER: where the learners stand by overall score."""
    chosen: int
    points: int
    max_points: int


@dataclass(frozen=True)
class OptionInsight:
    """How often one option was chosen on first attempts.

    Options come in file order and carry no letter: each attempt showed them in
    its own order, so a letter would name different options to different learners.
    """

    option_id: str
    text: str
    points: int
    style: str
    chosen: int
    share: float
    """Share (0–1) of the learners who answered the scenario."""


@dataclass(frozen=True)
class ScenarioInsight:
    """Statistics for one scenario, from first attempts."""

    quiz_id: str
    scenario_id: str
    title: str
    learners: int
    """Learners who answered it in their first attempt."""
    options: tuple[OptionInsight, ...]
    facility: float | None
    """Mean first-attempt score on the scenario, 0–100."""
    discrimination: float | None
    """Mean score (0–1) of the upper third of learners by overall score minus the lower third's;
    None when either third has no answer to this scenario."""
    flags: tuple[str, ...]
    right: int = 0
    """Learners who chose the best move: how many got it right."""
    upper: tuple[int, int] = (0, 0)
    """The upper third by overall score: (got it right, answered)."""
    lower: tuple[int, int] = (0, 0)
    """The lower third by overall score: (got it right, answered)."""

    @property
    def small_sample(self) -> bool:
        """Fewer learners than SMALL_SAMPLE: read the figures with care."""
        return self.learners < SMALL_SAMPLE


def thirds(overall: Mapping[int, float]) -> tuple[frozenset[int], frozenset[int]]:
    """The upper and lower third of learners by overall score (ties broken by user id).

    With fewer than three learners there are no thirds to compare.
    """
    ranked = sorted(overall, key=lambda user_id: (-overall[user_id], user_id))
    size = len(ranked) // 3
    if size == 0:
        return frozenset(), frozenset()
    return frozenset(ranked[:size]), frozenset(ranked[-size:])


def quiz_insight(quiz: Quiz, tallies: Iterable[OptionTally]) -> list[ScenarioInsight]:
    """Option counts, facility, discrimination and flags for every scenario of a quiz.

    Discrimination is the upper third's mean score on the scenario minus the
    lower third's (each 0–1), the thirds ranked by overall score on the course.
    """
    by_scenario: dict[str, list[OptionTally]] = {}
    for tally in tallies:
        if tally.quiz_id == quiz.id:
            by_scenario.setdefault(tally.scenario_id, []).append(tally)
    insights = []
    for scenario in quiz.scenarios:
        mine = by_scenario.get(scenario.id, [])
        learners = sum(t.chosen for t in mine)
        options = tuple(
            OptionInsight(
                option_id=o.id,
                text=o.text,
                points=o.points,
                style=o.style,
                chosen=(chosen := sum(t.chosen for t in mine if t.option_id == o.id)),
                share=chosen / learners if learners else 0.0,
            )
            for o in scenario.options
        )
        facility = _mean_score(mine)
        facility_pct = None if facility is None else 100 * facility
        high = _mean_score([t for t in mine if t.third == UPPER])
        low = _mean_score([t for t in mine if t.third == LOWER])
        discrimination = None if high is None or low is None else high - low
        # The best move as the file has it now, as the options table shows it.
        best = {o.id for o in scenario.options if o.points == MAX_POINTS}
        upper = _right_of([t for t in mine if t.third == UPPER], best)
        lower = _right_of([t for t in mine if t.third == LOWER], best)
        insights.append(
            ScenarioInsight(
                quiz_id=quiz.id,
                scenario_id=scenario.id,
                title=scenario.title,
                learners=learners,
                options=options,
                facility=facility_pct,
                discrimination=discrimination,
                flags=_flags(options, facility_pct, upper, lower, learners),
                right=sum(o.chosen for o in options if o.option_id in best),
                upper=upper,
                lower=lower,
            )
        )
    return insights


def _right_of(tallies: list[OptionTally], best: set[str]) -> tuple[int, int]:
    return sum(t.chosen for t in tallies if t.option_id in best), sum(t.chosen for t in tallies)


def strong_sellers_miss(upper: tuple[int, int], lower: tuple[int, int]) -> bool:
    """Whether the upper third got a scenario right less often than the lower third by more
    than noise for the sample (stats.clearly_lower: 95% Wilson intervals apart)."""
    return clearly_lower(*upper, *lower)


def thirds_words(insight: ScenarioInsight) -> str:
    """How the top and bottom thirds did on a scenario, and whether the gap is more than chance."""
    (upper_right, upper), (lower_right, lower) = insight.upper, insight.lower
    if not upper or not lower:
        return "Too few learners yet to compare the top and the bottom third."
    said = (
        f"Top third by overall score: {upper_right} of {upper} got it right; "
        f"bottom third: {lower_right} of {lower}."
    )
    if FLAG_STRONG_MISS in insight.flags:
        return f"{said} That gap is larger than chance for groups of this size."
    if upper_right * lower < lower_right * upper:
        return f"{said} The top third did worse, but for groups of this size that is within chance."
    return said


def _mean_score(tallies: list[OptionTally]) -> float | None:
    possible = sum(t.max_points for t in tallies)
    return sum(t.points for t in tallies) / possible if possible else None


def _flags(
    options: tuple[OptionInsight, ...],
    facility: float | None,
    upper: tuple[int, int],
    lower: tuple[int, int],
    learners: int,
) -> tuple[str, ...]:
    if not learners:
        return ()
    flags = []
    if facility is not None and facility > TOO_EASY_FACILITY:
        flags.append(FLAG_TOO_EASY)
    if any(o.points < MAX_POINTS and o.share > MOST_CHOSE_SHARE for o in options):
        flags.append(FLAG_MOST_CHOSE_WEAKER)
    # The learners who do best overall get this one right less often than the
    # weakest third, by more than chance: the scenario or its best move may mislead.
    # A bare negative discrimination is not enough: in thirds of three or four it
    # comes and goes with one answer.
    if strong_sellers_miss(upper, lower):
        flags.append(FLAG_STRONG_MISS)
    if any(o.chosen == 0 for o in options):
        flags.append(FLAG_UNPICKED)
    return tuple(flags)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value safe to put in a CSV cell: text that a spreadsheet would run as a formula gets a '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(out: TextIO, header: Iterable[str], rows: Iterable[Iterable[object]]) -> int:
    """Write a CSV file row by row, every cell protected against formulas; the rows written."""
    writer = csv.writer(out)
    writer.writerow(header)
    written = 0
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        written += 1
    return written


def csv_text(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """A CSV file's text, every cell protected against spreadsheet formulas."""
    out = io.StringIO()
    write_csv(out, header, rows)
    return out.getvalue()


@dataclass(frozen=True)
class CommandLine:
    """The operator at the shell (the `arrowhead` command): may do what an admin may."""


COMMAND_LINE = CommandLine()


def audience(managers: Iterable[str], yourself: bool) -> str:
    """The sentence saying who can see a learner's records: them, their managers, the admins."""
    managers = list(managers)
    whose = "your" if yourself else "their"
    named = (
        f"{whose} manager{'s' if len(managers) > 1 else ''} ({', '.join(managers)}), "
        if managers
        else ""
    )
    return f"{'You' if yourself else 'This learner'}, {named}and the organisation's admins."
