"""The item-writing lint: every authoring rule a machine can check, as warnings (pure).

A warning never leaves a file out: the app serves it. `arrowhead check --strict` fails on
warnings. Thresholds and word lists live in arrowhead/authoring_rules.py.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from statistics import mean

from arrowhead import authoring_rules as rules
from arrowhead.blind import STRATEGIES, is_suspect, quiz_report, sentences, term_pattern, words
from arrowhead.content import Module
from arrowhead.course import QUIZZES_DIR, Course
from arrowhead.problems import Problem, find_key_line, table_headers
from arrowhead.quizzes import BEHAVIOURS, LETTERS, MAX_POINTS, Option, Quiz, Scenario
from arrowhead.roleplays import Roleplay, RoleplayLines, Step, best_route

WARNING = "warning"


def lint_course(course: Course, root: Path) -> list[Problem]:
    """Every authoring-rule warning for the course's valid files, in file and line order."""
    warnings: list[Problem] = []
    files = _FileLines(root)
    for module in course.modules:
        warnings += lint_module(module, files.lines(module.path))
    for quiz in course.quizzes:
        warnings += lint_quiz(quiz, files.lines(quiz.path))
    for roleplay in course.roleplays:
        warnings += lint_roleplay(roleplay, files.lines(roleplay.path))
    warnings += behaviour_balance(course.quizzes)
    warnings += tempting_partnership(course.quizzes)
    warnings += cue_words(course.quizzes, files, course.roleplays)
    warnings += duplicate_names(course, files)
    return sorted(set(warnings), key=lambda p: (p.path, p.line, p.message))


# ---------------------------------------------------------------- where things are


class _FileLines:
    """Each content file's lines, read once."""

    def __init__(self, root: Path):
        self.root = root
        self._cache: dict[str, list[str]] = {}

    def lines(self, name: str) -> list[str]:
        if name not in self._cache:
            try:
                self._cache[name] = (self.root / name).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._cache[name] = []
        return self._cache[name]


class _QuizLines:
    """Finds the line of a quiz's tables and fields, as the quiz checker does."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.scenarios = table_headers(lines, "scenarios")
        self.options = table_headers(lines, "scenarios.options")

    def _span(self, scenario: int, option: int | None) -> tuple[int, int]:
        starts = self.scenarios
        if scenario >= len(starts):
            return 0, len(self.lines)
        start = starts[scenario]
        end = starts[scenario + 1] if scenario + 1 < len(starts) else len(self.lines)
        mine = [i for i in self.options if start < i < end]
        if option is None:
            return start, mine[0] if mine else end
        if option >= len(mine):
            return start, end
        return mine[option], mine[option + 1] if option + 1 < len(mine) else end

    def at(self, scenario: int | None = None, option: int | None = None, key: str = "") -> int:
        """1-based line of a key (or the table header) of the quiz, a scenario or an option."""
        if scenario is None:
            found = find_key_line(self.lines, key, 0, len(self.lines)) if key else None
            return found or 1
        start, end = self._span(scenario, option)
        return (find_key_line(self.lines, key, start, end) if key else None) or start + 1


class _RoleplayWhere:
    """Finds a role-play's lines the way _QuizLines finds a quiz's: its steps as scenarios."""

    def __init__(self, lines: list[str]):
        self.lines = RoleplayLines(lines)

    def at(self, scenario: int | None = None, option: int | None = None, key: str = "") -> int:
        """1-based line of a key (or the table header) of the role-play, a step or an option."""
        if scenario is None:
            return self.lines.top(key)
        return self.lines.step(scenario, key, option)


def _warn(path: str, line: int, message: str, scenario: Scenario | None = None) -> Problem:
    prefix = f"scenario {scenario.id}: " if scenario else ""
    return Problem(path, line, prefix + message, WARNING)


def _letter(scenario: Scenario, index: int) -> str:
    return f"{LETTERS[index]} ({scenario.options[index].id})"


# ---------------------------------------------------------------- modules


def module_words(module: Module) -> int:
    """Words a reader reads in the module: every section's heading and text."""
    return sum(len(words(f"{s.title}\n{s.body}")) for s in module.sections)


def lint_module(module: Module, lines: list[str]) -> list[Problem]:
    """A module's `minutes` against its length, and a Section on where it does not apply."""
    warnings = []
    if not any(rules.LIMITS_HEADING in s.title.lower() for s in module.sections):
        warnings.append(
            _warn(
                module.path,
                find_key_line(lines, "title", 0, len(lines)) or 1,
                f"no Section says where the module's ideas do not apply: add one headed "
                f"'## Where this {rules.LIMITS_HEADING}'",
            )
        )
    return warnings + _minutes(module, lines)


def _minutes(module: Module, lines: list[str]) -> list[Problem]:
    count = module_words(module)
    suggested = max(1, round(count / rules.READING_WORDS_PER_MINUTE))
    speed = count / module.minutes
    if rules.READING_SPEED_LOW <= speed <= rules.READING_SPEED_HIGH or module.minutes == suggested:
        return []
    line = find_key_line(lines, "minutes", 0, len(lines)) or 1
    return [
        _warn(
            module.path,
            line,
            f"minutes = {module.minutes} for {count} words is {speed:.0f} words a minute "
            f"(keep it {rules.READING_SPEED_LOW}–{rules.READING_SPEED_HIGH}): "
            f"set minutes = {suggested}",
        )
    ]


# ---------------------------------------------------------------- one quiz


def lint_quiz(quiz: Quiz, lines: list[str]) -> list[Problem]:
    """Every per-scenario and per-quiz rule for one quiz."""
    where = _QuizLines(lines)
    warnings: list[Problem] = []
    for index, scenario in enumerate(quiz.scenarios):
        warnings += lint_scenario(quiz.path, scenario, index, where)
    warnings += _surface_counts(quiz, where)
    warnings += _points_and_styles(quiz, where)
    warnings += _blind(quiz, where)
    return warnings


def lint_scenario(path: str, scenario: Scenario, index: int, where: _QuizLines) -> list[Problem]:
    """The rules one scenario can break on its own."""
    warnings: list[Problem] = []
    header = where.at(index)
    if scenario.behaviour is None:
        warnings.append(
            _warn(
                path,
                header,
                "no scenario-level 'behaviour': name the behaviour the scenario exercises",
                scenario,
            )
        )
    for key, text in (("title", scenario.title), ("question", scenario.question)):
        found = _judging_terms(text)
        if found:
            warnings.append(
                _warn(
                    path,
                    where.at(index, key=key),
                    f"the {key} uses {', '.join(repr(t) for t in found)}: keep titles and "
                    "questions neutral, with no course term or judging word",
                    scenario,
                )
            )
    if not rules.DISCUSSION_MIN <= len(scenario.discussion) <= rules.DISCUSSION_MAX:
        warnings.append(
            _warn(
                path,
                where.at(index, key="discussion"),
                f"{len(scenario.discussion)} discussion prompt(s): give a facilitator "
                f"{rules.DISCUSSION_MIN}–{rules.DISCUSSION_MAX}",
                scenario,
            )
        )
    warnings += _lengths(path, scenario, index, where)
    for option_index, option in enumerate(scenario.options):
        feedback_words = len(words(option.feedback))
        if feedback_words < rules.FEEDBACK_MIN_WORDS:
            warnings.append(
                _warn(
                    path,
                    where.at(index, option_index, "feedback"),
                    f"option {_letter(scenario, option_index)} has {feedback_words} words of "
                    f"feedback: explain the consequence in at least {rules.FEEDBACK_MIN_WORDS}",
                    scenario,
                )
            )
        if option.points in rules.FORBIDDEN_POINTS:
            warnings.append(
                _warn(
                    path,
                    where.at(index, option_index, "points"),
                    f"option {_letter(scenario, option_index)} has points = {option.points}: "
                    f"use {MAX_POINTS} for the best option, "
                    f"{rules.DEFENSIBLE_LOW}–{rules.DEFENSIBLE_HIGH} for a defensible alternative",
                    scenario,
                )
            )
    return warnings


def _judging_terms(text: str) -> list[str]:
    return [
        term
        for term in (*rules.GLOSSARY_TERMS, *rules.EVALUATIVE_WORDS)
        if term_pattern(term, plurals=False).search(text)
    ]


def _lengths(
    path: str, scenario: Scenario, index: int, where: _QuizLines | _RoleplayWhere
) -> list[Problem]:
    warnings: list[Problem] = []
    lengths = [len(o.text) for o in scenario.options]
    best = _best_index(scenario)
    others = [n for i, n in enumerate(lengths) if i != best]
    ratio = lengths[best] / mean(others)
    if not rules.BEST_TO_MEAN_LOW <= ratio <= rules.BEST_TO_MEAN_HIGH:
        warnings.append(
            _warn(
                path,
                where.at(index, best, "text"),
                f"the best option is {ratio:.2f}× the mean length of the others "
                f"({lengths[best]} characters against {mean(others):.0f}; "
                f"keep it {rules.BEST_TO_MEAN_LOW}–{rules.BEST_TO_MEAN_HIGH}×)",
                scenario,
            )
        )
    longest = max(range(len(lengths)), key=lambda i: lengths[i])
    shortest = min(range(len(lengths)), key=lambda i: lengths[i])
    spread = lengths[longest] / max(1, lengths[shortest])
    if spread > rules.LONGEST_TO_SHORTEST_MAX:
        warnings.append(
            _warn(
                path,
                where.at(index),
                f"the longest option, {_letter(scenario, longest)}, is {spread:.2f}× the shortest, "
                f"{_letter(scenario, shortest)} ({lengths[longest]} against {lengths[shortest]} "
                f"characters; keep it at most {rules.LONGEST_TO_SHORTEST_MAX}×)",
                scenario,
            )
        )
    return warnings


def _best_index(scenario: Scenario) -> int:
    return next(i for i, o in enumerate(scenario.options) if o.points == MAX_POINTS)


def _strictly_most(scenario: Scenario, measure: Callable[[str], int]) -> bool:
    best = _best_index(scenario)
    values = [measure(o.text) for o in scenario.options]
    return all(values[best] > v for i, v in enumerate(values) if i != best)


def _surface_counts(quiz: Quiz, where: _QuizLines) -> list[Problem]:
    warnings: list[Problem] = []
    count = len(quiz.scenarios)
    for what, measure, share in (
        ("strictly the longest", len, rules.BEST_LONGEST_SHARE_MAX),
        ("has strictly the most sentences", sentences, rules.BEST_MOST_SENTENCES_SHARE_MAX),
    ):
        hits = [s.id for s in quiz.scenarios if _strictly_most(s, measure)]
        if len(hits) > share * count:
            verb = "is " if what.startswith("strictly") else ""
            warnings.append(
                _warn(
                    quiz.path,
                    where.at(key="title"),
                    f"the best option {verb}{what} in {len(hits)} of {count} scenarios "
                    f"(at most {int(share * count)}): {', '.join(hits)}",
                )
            )
    return warnings


def _points_and_styles(quiz: Quiz, where: _QuizLines) -> list[Problem]:
    warnings: list[Problem] = []
    count = len(quiz.scenarios)
    defensible = [
        s
        for s in quiz.scenarios
        if any(rules.DEFENSIBLE_LOW <= o.points <= rules.DEFENSIBLE_HIGH for o in s.options)
    ]
    if len(defensible) < rules.DEFENSIBLE_SHARE_MIN * count:
        warnings.append(
            _warn(
                quiz.path,
                where.at(key="title"),
                f"only {len(defensible)} of {count} scenarios have a defensible alternative worth "
                f"{rules.DEFENSIBLE_LOW}–{rules.DEFENSIBLE_HIGH} points "
                f"(at least {rules.DEFENSIBLE_SHARE_MIN:.0%} should)",
            )
        )
    other_styles = [s for s in quiz.scenarios if s.best.style != "partnership"]
    if len(other_styles) < rules.NON_PARTNERSHIP_BEST_MIN:
        warnings.append(
            _warn(
                quiz.path,
                where.at(key="title"),
                f"every best option is tagged partnership: at least "
                f"{rules.NON_PARTNERSHIP_BEST_MIN} scenario per quiz should need a transactional "
                "or traditional move, so that learners diagnose rather than spot the style",
            )
        )
    return warnings


def _blind(quiz: Quiz, where: _QuizLines) -> list[Problem]:
    report = quiz_report(quiz)
    warnings = []
    for strategy in STRATEGIES:
        score = report.strategies[strategy.name]
        if is_suspect(report, score):
            warnings.append(
                _warn(
                    quiz.path,
                    where.at(key="pass_mark"),
                    f"a learner who never read the module and picks the '{strategy.name}' option "
                    f"scores {score:.0f}% (chance {report.chance:.0f}%, pass mark "
                    f"{quiz.pass_mark}%; keep it below the pass mark and at most "
                    f"{rules.BLIND_MARGIN_OVER_CHANCE} points above chance)",
                )
            )
    return warnings


# ---------------------------------------------------------------- one role-play


def step_as_scenario(roleplay: Roleplay, step: Step) -> Scenario:
    """A role-play step seen as a quiz scenario, so that the scenario rules apply to it."""
    return Scenario(
        id=step.id,
        title=roleplay.title,
        situation=step.situation,
        question=step.question,
        behaviour=step.behaviour,
        discussion=step.discussion,
        options=tuple(
            Option(
                id=o.id,
                text=o.text,
                points=o.points,
                style=o.style,
                behaviour=None,
                feedback=o.reply,
            )
            for o in step.options
        ),
    )


def lint_roleplay(roleplay: Roleplay, lines: list[str]) -> list[Problem]:
    """The scenario rules for each step, best-is-longest over the steps, and the best route."""
    where = _RoleplayWhere(lines)
    path = roleplay.path
    warnings: list[Problem] = []
    found = _judging_terms(roleplay.title)
    if found:
        warnings.append(
            _warn(
                path,
                where.at(key="title"),
                f"the title uses {', '.join(repr(t) for t in found)}: keep titles and "
                "questions neutral, with no course term or judging word",
            )
        )
    for index, step in enumerate(roleplay.steps):
        scenario = step_as_scenario(roleplay, step)
        step_warnings: list[Problem] = []
        found = _judging_terms(step.question)
        if found:
            step_warnings.append(
                _warn(
                    path,
                    where.at(index, key="question"),
                    f"the question uses {', '.join(repr(t) for t in found)}: keep titles and "
                    "questions neutral, with no course term or judging word",
                    scenario,
                )
            )
        step_warnings += _lengths(path, scenario, index, where)
        for option_index, option in enumerate(step.options):
            if option.points in rules.FORBIDDEN_POINTS:
                step_warnings.append(
                    _warn(
                        path,
                        where.at(index, option_index, "points"),
                        f"option {_letter(scenario, option_index)} has points = {option.points}:"
                        f" use {MAX_POINTS} for the best move, "
                        f"{rules.DEFENSIBLE_LOW}–{rules.DEFENSIBLE_HIGH} for a defensible "
                        "alternative",
                        scenario,
                    )
                )
        # The scenario rules say "scenario x: "; here the reader looks for a step.
        warnings += [
            replace(
                w, message=f"step {step.id}: " + w.message.removeprefix(f"scenario {step.id}: ")
            )
            for w in step_warnings
        ]
    warnings += _longest_best_moves(roleplay, where)
    warnings += _best_moves_end_well(roleplay, where)
    return warnings


def _longest_best_moves(roleplay: Roleplay, where: _RoleplayWhere) -> list[Problem]:
    warnings: list[Problem] = []
    scenarios = [step_as_scenario(roleplay, s) for s in roleplay.steps]
    count = len(scenarios)
    for what, measure, share in (
        ("strictly the longest", len, rules.BEST_LONGEST_SHARE_MAX),
        ("has strictly the most sentences", sentences, rules.BEST_MOST_SENTENCES_SHARE_MAX),
    ):
        hits = [s.id for s in scenarios if _strictly_most(s, measure)]
        if len(hits) > share * count:
            verb = "is " if what.startswith("strictly") else ""
            warnings.append(
                _warn(
                    roleplay.path,
                    where.at(key="title"),
                    f"the best move {verb}{what} in {len(hits)} of {count} steps "
                    f"(at most {int(share * count)}): {', '.join(hits)}",
                )
            )
    return warnings


def _best_moves_end_well(roleplay: Roleplay, where: _RoleplayWhere) -> list[Problem]:
    best = best_route(roleplay)
    if best is None:
        message = "following the best move at every step goes round a loop and never ends"
    elif best.ending is not None and best.ending.points < MAX_POINTS:
        message = (
            f'following the best move at every step ends at "{best.ending.id}", worth '
            f"{best.ending.points} points"
        )
    else:
        return []
    return [
        _warn(
            roleplay.path,
            where.at(key="start"),
            f"{message}: the best moves should lead to an ending worth {MAX_POINTS}",
        )
    ]


# ---------------------------------------------------------------- across the course


def behaviour_balance(quizzes: Iterable[Quiz]) -> list[Problem]:
    """Each behaviour's share of the tagged scenarios across the course."""
    counts: Counter[str] = Counter()
    for quiz in quizzes:
        for scenario in quiz.scenarios:
            behaviour = scenario.behaviour or scenario.best.behaviour
            if behaviour:
                counts[behaviour] += 1
    tagged = sum(counts.values())
    if not tagged:
        return []
    warnings = []
    for behaviour in BEHAVIOURS:
        share = counts[behaviour] / tagged
        if not rules.BEHAVIOUR_SHARE_LOW <= share <= rules.BEHAVIOUR_SHARE_HIGH:
            warnings.append(
                _warn(
                    QUIZZES_DIR,
                    1,
                    f"behaviour '{behaviour}' is exercised by {counts[behaviour]} of {tagged} "
                    f"tagged scenarios ({share:.0%}; keep each behaviour "
                    f"{rules.BEHAVIOUR_SHARE_LOW:.0%}–{rules.BEHAVIOUR_SHARE_HIGH:.0%})",
                )
            )
    return warnings


def tempting_partnership(quizzes: Iterable[Quiz]) -> list[Problem]:
    """Enough scenarios where a partnership-tagged option is a weak choice."""
    scenarios = [s for q in quizzes for s in q.scenarios]
    if not scenarios:
        return []
    tempting = [
        s
        for s in scenarios
        if any(
            o.style == "partnership" and o.points <= rules.TEMPTING_MAX_POINTS for o in s.options
        )
    ]
    if len(tempting) >= rules.TEMPTING_SHARE_MIN * len(scenarios):
        return []
    return [
        _warn(
            QUIZZES_DIR,
            1,
            f"only {len(tempting)} of {len(scenarios)} scenarios have a partnership-tagged option "
            f"worth at most {rules.TEMPTING_MAX_POINTS} points (at least "
            f"{rules.TEMPTING_SHARE_MIN:.0%} should): partnership-sounding must not mean right",
        )
    ]


def option_cues(text: str) -> set[str]:
    """The cues an option's text shows: its words ("the word 'x'") and its features."""
    cues = {f"the word '{w}'" for w in words(text) if w not in rules.CUE_IGNORED_WORDS}
    cues |= {name for name, pattern in rules.CUE_FEATURES.items() if re.search(pattern, text)}
    return cues


def cue_words(
    quizzes: Iterable[Quiz], files: _FileLines | None = None, roleplays: Iterable[Roleplay] = ()
) -> list[Problem]:
    """Words and features far more common in best options (and best moves) than in the others."""
    best_count: Counter[str] = Counter()
    other_count: Counter[str] = Counter()
    first_best: dict[str, tuple[str, _QuizLines | _RoleplayWhere, int, int]] = {}
    # For each cue, per scenario that has it: the chance a random option of it has the cue.
    shares: dict[str, list[float]] = {}
    bests = others = 0
    # A role-play step is read like a scenario: a cue there gives the best move away too.
    groups: list[tuple[str, _QuizLines | _RoleplayWhere, tuple[Scenario, ...]]] = [
        (quiz.path, _QuizLines(files.lines(quiz.path) if files else []), quiz.scenarios)
        for quiz in quizzes
    ]
    groups += [
        (
            roleplay.path,
            _RoleplayWhere(files.lines(roleplay.path) if files else []),
            tuple(step_as_scenario(roleplay, s) for s in roleplay.steps),
        )
        for roleplay in roleplays
    ]
    for path, where, group in groups:
        for index, scenario in enumerate(group):
            in_scenario: Counter[str] = Counter()
            for option_index, option in enumerate(scenario.options):
                cues = option_cues(option.text)
                in_scenario.update(cues)
                if option.points == MAX_POINTS:
                    bests += 1
                    best_count.update(cues)
                    for cue in cues:
                        first_best.setdefault(cue, (path, where, index, option_index))
                else:
                    others += 1
                    other_count.update(cues)
            for cue, count in in_scenario.items():
                shares.setdefault(cue, []).append(count / len(scenario.options))
    known = {f"the word '{w}'" for w in rules.CUE_WORDS} | set(rules.CUE_FEATURES)
    tested = [c for c, n in best_count.items() if n >= rules.CUE_MIN_BEST_OPTIONS]
    # Any other word is one of many tried at once: share the chance among them (Bonferroni).
    other_words_limit = rules.CUE_MAX_CHANCE / max(1, len([c for c in tested if c not in known]))
    warnings = []
    for cue in sorted(tested):
        count = best_count[cue]
        best_rate = count / bests
        other_rate = other_count[cue] / others if others else 0.0
        if other_rate and best_rate / other_rate < rules.CUE_RATE_RATIO:
            continue
        limit = rules.CUE_MAX_CHANCE if cue in known else other_words_limit
        if chance_of_at_least(count, shares[cue]) >= limit:
            continue
        path, where_, index, option_index = first_best[cue]
        warnings.append(
            _warn(
                path,
                where_.at(index, option_index, "text"),
                f"{cue} in {count} of {bests} best options ({best_rate:.0%}) but "
                f"{other_count[cue]} of {others} other options ({other_rate:.0%}) gives the "
                "answer away: use it as often in the other options, or drop it",
            )
        )
    return warnings


def chance_of_at_least(hits: int, chances: list[float]) -> float:
    """P(at least `hits` successes) over independent trials with these success chances."""
    counts = [1.0]
    for chance in chances:
        following = [0.0] * (len(counts) + 1)
        for made, probability in enumerate(counts):
            following[made] += probability * (1 - chance)
            following[made + 1] += probability * chance
        counts = following
    return sum(counts[hits:])


_NAME_TOKEN = re.compile(r"[A-Za-z]+")
_CAPITALISED = re.compile(r"^[A-Z][a-z]+(?:[A-Z][a-z]+)*$")
_SENTENCE_BREAK = set(".!?:;#>|-–—\n")
_OPENERS = " \t*_\"'“”‘’(["


def _module_texts(module: Module) -> list[str]:
    return [
        module.title,
        *module.objectives,
        module.summary,
        *(f"{s.title}\n{s.body}" for s in module.sections),
    ]


def _quiz_texts(quiz: Quiz) -> list[str]:
    texts = [quiz.title]
    for scenario in quiz.scenarios:
        texts += [scenario.title, scenario.situation, scenario.question, *scenario.discussion]
        for option in scenario.options:
            texts += [option.text, option.feedback]
    return texts


def _roleplay_texts(roleplay: Roleplay) -> list[str]:
    texts = [roleplay.title, roleplay.role, roleplay.setting]
    for step in roleplay.steps:
        texts += [step.situation, step.question, *step.discussion]
        for option in step.options:
            texts += [option.text, option.reply]
    for ending in roleplay.endings:
        texts += [ending.title, ending.outcome, ending.why]
    return texts


def proper_names(texts: Iterable[str]) -> set[str]:
    """Names of people and companies in the texts.

    A name word is capitalised and never written lower-case anywhere in the course. A name
    is the first name word of a run of capitalised words ("Ironbark" of "Ironbark Mining",
    "Margaret" of "Margaret Oyelaran"), and the second of a run of two ("Oyelaran"). A word
    opening a sentence may be any word ("Ask Omar…"), so there it is skipped, unless the same
    pair of words also stands mid-sentence somewhere.
    """
    texts = list(texts)
    runs = [run for text in texts for run in _capitalised_runs(text)]
    lower = {w.lower() for text in texts for w in _NAME_TOKEN.findall(text) if w.islower()}
    mid_sentence_pairs = {
        (words_[i], words_[i + 1])
        for words_, at_start in runs
        for i in range(len(words_) - 1)
        if i > 0 or not at_start
    }

    def candidate(word: str) -> bool:
        return (
            bool(_CAPITALISED.match(word))
            and word.lower() not in lower
            and word not in rules.NOT_NAMES
        )

    names: set[str] = set()
    for run, at_start in runs:
        if at_start and not (len(run) > 1 and (run[0], run[1]) in mid_sentence_pairs):
            run = run[1:]
        while run and not candidate(run[0]):
            run = run[1:]
        if run:
            names.add(run[0])
        if len(run) == 2 and candidate(run[1]):
            names.add(run[1])
    return names


def _capitalised_runs(text: str) -> list[tuple[list[str], bool]]:
    """Runs of capitalised words joined by single spaces, each with whether it opens a sentence."""
    runs: list[tuple[list[str], bool]] = []
    previous_end = -1
    for token in _NAME_TOKEN.finditer(text):
        word = token.group()
        if not word[0].isupper():
            previous_end = -1
            continue
        if previous_end >= 0 and text[previous_end : token.start()] == " ":
            runs[-1][0].append(word)
        else:
            before = text[max(0, token.start() - 40) : token.start()].rstrip(_OPENERS)
            title = before.endswith(".") and before[:-1].rsplit(" ", 1)[-1] in rules.NOT_NAMES
            runs.append(([word], not before or (before[-1] in _SENTENCE_BREAK and not title)))
        previous_end = token.end()
    return runs


def duplicate_names(course: Course, files: _FileLines) -> list[Problem]:
    """Names of people and companies used in more than one module-and-quiz pair."""
    texts: dict[str, list[str]] = {}
    pair_of: dict[str, int] = {}
    for module in course.modules:
        texts[module.path] = _module_texts(module)
        pair_of[module.path] = module.number
    for quiz in course.quizzes:
        texts[quiz.path] = _quiz_texts(quiz)
        pair_of[quiz.path] = quiz.number
    for roleplay in course.roleplays:
        home_module = course.module(roleplay.module_id)
        texts[roleplay.path] = _roleplay_texts(roleplay)
        # A role-play belongs with its module's pair, whatever its own number.
        pair_of[roleplay.path] = home_module.number if home_module else roleplay.number
    names = proper_names(t for group in texts.values() for t in group)
    tokens = {path: set(_NAME_TOKEN.findall("\n".join(group))) for path, group in texts.items()}
    warnings = []
    for name in sorted(names):
        pattern = re.compile(rf"\b{re.escape(name)}\b")
        users: dict[int, list[str]] = {}
        for path in texts:
            if name in tokens[path]:
                users.setdefault(pair_of[path], []).append(path)
        if len(users) < 2:
            continue
        pairs = sorted(users)
        home = users[pairs[0]][0]
        for pair in pairs[1:]:
            path = sorted(users[pair])[0]
            lines = files.lines(path)
            line = next((i + 1 for i, text in enumerate(lines) if pattern.search(text)), 1)
            warnings.append(
                _warn(
                    path,
                    line,
                    f"the name '{name}' is also used in {home}: give every person and company "
                    "its own name across the course",
                )
            )
    return warnings
