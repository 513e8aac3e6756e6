"""xAPI 1.0.3 statements for learning events: verbs, activity ids, stable statement ids (pure).

Every builder takes plain values (the content, the stored record, the server's
home page) and returns a statement as a JSON-ready dict. A statement's id is a
uuid5 over the event's identity, so the same event always yields the same id:
recording it twice, or pushing it again after a crash, can never double it.

Adding a kind of event is one small function here plus one line where the event
is stored.
"""

from __future__ import annotations

import uuid
from typing import Any

from arrowhead.content import Module, Section
from arrowhead.quizzes import MAX_POINTS, Quiz, Scenario
from arrowhead.roleplays import Ending, Roleplay, Step

VERSION = "1.0.3"
LANGUAGE = "en-US"
PLATFORM = "Arrowhead"

_ADL = "http://adlnet.gov/expapi"
VERBS = {
    name: f"{_ADL}/verbs/{name}"
    for name in (
        "experienced",
        "answered",
        "attempted",
        "completed",
        "passed",
        "failed",
        "progressed",
        "responded",
    )
}
"""Every verb Arrowhead sends, from ADL's vocabulary. A workshop vote is 'responded':
the room's poll on a scenario, the workshop session in its context."""

ACTIVITY_TYPES = {
    "course": f"{_ADL}/activities/course",
    "module": f"{_ADL}/activities/module",
    "section": f"{_ADL}/activities/lesson",
    "quiz": f"{_ADL}/activities/assessment",
    "scenario": f"{_ADL}/activities/cmi.interaction",
    "workshop": f"{_ADL}/activities/meeting",
    "roleplay": f"{_ADL}/activities/simulation",
    "step": f"{_ADL}/activities/cmi.interaction",
}

PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
"""cmi5's progress extension: percent (0–100) of a module done."""

# uuid5 namespace for statement ids and registrations: fixed forever, or every id changes.
_NAMESPACE = uuid.UUID("6f0c3a52-1f4e-5d0b-9a57-3c1d2b7e8a41")


def stable_id(home_page: str, *identity: object) -> str:
    """A uuid5 over the server and the event's identity: the same event, the same id."""
    name = "\x1f".join([home_page, *map(str, identity)])
    return str(uuid.uuid5(_NAMESPACE, name))


def _base(home_page: str) -> str:
    return home_page.rstrip("/") + "/xapi"


def extension(home_page: str, name: str) -> str:
    """The IRI of one of Arrowhead's own extensions (style, called-for style, round…)."""
    return f"{_base(home_page)}/extensions/{name}"


def activity_id(home_page: str, kind: str, *path: object) -> str:
    """The IRI of a course activity: a module, section, quiz, scenario, workshop, role-play or step."""
    return "/".join([_base(home_page), kind, *map(str, path)])


def actor(home_page: str, user_id: int) -> dict[str, Any]:
    """The learner as an xAPI account on this server: never an e-mail address."""
    return {"objectType": "Agent", "account": {"homePage": home_page, "name": str(user_id)}}


def _text(value: str) -> dict[str, str]:
    return {LANGUAGE: value}


def _activity(
    home_page: str, kind: str, path: tuple[object, ...], name: str | None = None, **extra: Any
) -> dict[str, Any]:
    definition: dict[str, Any] = {"type": ACTIVITY_TYPES[kind]}
    if name:
        definition["name"] = _text(name)
    definition.update(extra)
    return {
        "objectType": "Activity",
        "id": activity_id(home_page, kind, *path),
        "definition": definition,
    }


def _module_activity(home_page: str, module: Module) -> dict[str, Any]:
    return _activity(home_page, "module", (module.id,), module.title)


def _quiz_activity(home_page: str, quiz: Quiz) -> dict[str, Any]:
    return _activity(home_page, "quiz", (quiz.id,), quiz.title)


def _course_activity(home_page: str) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": _base(home_page) + "/course",
        "definition": {"type": ACTIVITY_TYPES["course"], "name": _text("Partnership selling")},
    }


def _statement(
    statement_id: str,
    home_page: str,
    user_id: int,
    verb: str,
    obj: dict[str, Any],
    timestamp: str,
    *,
    result: dict[str, Any] | None = None,
    parents: list[dict[str, Any]] | None = None,
    registration: str | None = None,
    context_extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "platform": PLATFORM,
        "language": LANGUAGE,
        "contextActivities": {"grouping": [_course_activity(home_page)]},
    }
    if parents:
        context["contextActivities"]["parent"] = parents
    if registration:
        context["registration"] = registration
    if context_extensions:
        context["extensions"] = context_extensions
    statement: dict[str, Any] = {
        "id": statement_id,
        "actor": actor(home_page, user_id),
        "verb": {"id": VERBS[verb], "display": _text(verb)},
        "object": obj,
        "context": context,
        "timestamp": timestamp,
        "version": VERSION,
    }
    if result is not None:
        statement["result"] = result
    return statement


def _score(points: int, max_points: int) -> dict[str, Any]:
    return {
        "raw": points,
        "min": 0,
        "max": max_points,
        "scaled": round(points / max_points, 4) if max_points else 0,
    }


def registration(home_page: str, attempt_id: int) -> str:
    """The registration tying together every statement of one attempt."""
    return stable_id(home_page, "attempt", attempt_id)


def section_read(
    home_page: str, user_id: int, module: Module, section: Section, read_at: str
) -> dict[str, Any]:
    """A section read: 'experienced', the module as its parent."""
    return _statement(
        stable_id(home_page, "experienced", user_id, module.id, section.id),
        home_page,
        user_id,
        "experienced",
        _activity(home_page, "section", (module.id, section.id), section.title),
        read_at,
        parents=[_module_activity(home_page, module)],
    )


def scenario_activity(home_page: str, scenario: Scenario) -> dict[str, Any]:
    """A scenario as a cmi.interaction of type choice: its options and the best move."""
    return _activity(
        home_page,
        "scenario",
        (scenario.id,),
        scenario.title,
        description=_text(scenario.question),
        interactionType="choice",
        correctResponsesPattern=[scenario.best.id],
        choices=[{"id": o.id, "description": _text(o.text)} for o in scenario.options],
    )


def _choice_result(
    home_page: str,
    option_id: str,
    points: int,
    max_points: int,
    style: str,
    best_style: str | None,
) -> dict[str, Any]:
    extensions = {extension(home_page, "style"): style}
    if best_style:
        extensions[extension(home_page, "called-for-style")] = best_style
    return {
        "response": option_id,
        "score": _score(points, max_points),
        "success": points == max_points,
        "extensions": extensions,
    }


def answered(
    home_page: str,
    user_id: int,
    attempt_id: int,
    quiz: Quiz,
    scenario: Scenario,
    *,
    option_id: str,
    points: int,
    max_points: int,
    style: str,
    best_style: str | None,
    answered_at: str,
) -> dict[str, Any]:
    """A scenario answered in a self-paced attempt: 'answered', the quiz as its parent."""
    return _statement(
        stable_id(home_page, "answered", attempt_id, scenario.id),
        home_page,
        user_id,
        "answered",
        scenario_activity(home_page, scenario),
        answered_at,
        result=_choice_result(home_page, option_id, points, max_points, style, best_style),
        parents=[_quiz_activity(home_page, quiz)],
        registration=registration(home_page, attempt_id),
    )


def attempt_started(
    home_page: str, user_id: int, attempt_id: int, quiz: Quiz, started_at: str
) -> dict[str, Any]:
    """A quiz attempt under way: 'attempted', sent with its first answer."""
    return _statement(
        stable_id(home_page, "attempted", attempt_id),
        home_page,
        user_id,
        "attempted",
        _quiz_activity(home_page, quiz),
        started_at,
        parents=[_activity(home_page, "module", (quiz.module_id,))],
        registration=registration(home_page, attempt_id),
    )


def attempt_finished(
    home_page: str,
    user_id: int,
    attempt_id: int,
    quiz: Quiz,
    *,
    score: int,
    passed: bool,
    finished_at: str,
) -> list[dict[str, Any]]:
    """A quiz attempt finished: 'completed', then 'passed' or 'failed', with its score."""
    outcome = "passed" if passed else "failed"
    return [
        _statement(
            stable_id(home_page, verb, attempt_id),
            home_page,
            user_id,
            verb,
            _quiz_activity(home_page, quiz),
            finished_at,
            result={
                "score": _score(score, 100),
                "success": passed,
                "completion": True,
            },
            parents=[_activity(home_page, "module", (quiz.module_id,))],
            registration=registration(home_page, attempt_id),
        )
        for verb in ("completed", outcome)
    ]


def module_progress(
    home_page: str, user_id: int, module: Module, steps_done: int, steps: int, at: str
) -> dict[str, Any]:
    """A module 'progressed' (percent done in cmi5's progress extension), or 'completed'."""
    percent = round(100 * steps_done / steps) if steps else 0
    done = steps > 0 and steps_done >= steps
    verb = "completed" if done else "progressed"
    identity = ("completed", user_id, module.id) if done else (verb, user_id, module.id, percent)
    return _statement(
        stable_id(home_page, "module", *identity),
        home_page,
        user_id,
        verb,
        _module_activity(home_page, module),
        at,
        result={"completion": done, "extensions": {PROGRESS: percent}},
    )


def workshop_vote(
    home_page: str,
    user_id: int,
    workshop_id: int,
    workshop_title: str,
    scenario: Scenario,
    *,
    position: int,
    round_: int,
    option_id: str,
    points: int,
    max_points: int,
    style: str,
    best_style: str | None,
    voted_at: str,
) -> dict[str, Any]:
    """A signed-in learner's vote in a workshop: 'responded', the workshop session its parent."""
    return _statement(
        stable_id(home_page, "responded", workshop_id, user_id, position, round_, option_id),
        home_page,
        user_id,
        "responded",
        scenario_activity(home_page, scenario),
        voted_at,
        result=_choice_result(home_page, option_id, points, max_points, style, best_style),
        parents=[_activity(home_page, "workshop", (workshop_id,), workshop_title)],
        registration=stable_id(home_page, "workshop", workshop_id),
        context_extensions={extension(home_page, "round"): round_},
    )


def roleplay_activity(home_page: str, roleplay: Roleplay) -> dict[str, Any]:
    """A role-play as a simulation: the conversation a run plays through."""
    return _activity(home_page, "roleplay", (roleplay.id,), roleplay.title)


def step_activity(home_page: str, roleplay: Roleplay, step: Step) -> dict[str, Any]:
    """A role-play's step as a cmi.interaction of type choice: its options and the best move."""
    return _activity(
        home_page,
        "step",
        (roleplay.id, step.id),
        step.question,
        description=_text(step.situation),
        interactionType="choice",
        correctResponsesPattern=[step.best.id],
        choices=[{"id": o.id, "description": _text(o.text)} for o in step.options],
    )


def run_registration(home_page: str, run_id: int) -> str:
    """The registration tying together every statement of one role-play run."""
    return stable_id(home_page, "roleplay-run", run_id)


def step_chosen(
    home_page: str,
    user_id: int,
    run_id: int,
    roleplay: Roleplay,
    step: Step,
    *,
    position: int,
    option_id: str,
    points: int,
    max_points: int,
    style: str,
    chosen_at: str,
) -> dict[str, Any]:
    """A move made at a role-play's step: 'answered', the role-play as its parent."""
    return _statement(
        stable_id(home_page, "roleplay-step", run_id, position),
        home_page,
        user_id,
        "answered",
        step_activity(home_page, roleplay, step),
        chosen_at,
        result=_choice_result(home_page, option_id, points, max_points, style, step.best.style),
        parents=[roleplay_activity(home_page, roleplay)],
        registration=run_registration(home_page, run_id),
    )


def ending_reached(
    home_page: str,
    user_id: int,
    run_id: int,
    roleplay: Roleplay,
    ending: Ending,
    *,
    finished_at: str,
) -> dict[str, Any]:
    """A run reaching an ending: 'completed' on the role-play, success for a good ending."""
    return _statement(
        stable_id(home_page, "roleplay-ended", run_id),
        home_page,
        user_id,
        "completed",
        roleplay_activity(home_page, roleplay),
        finished_at,
        result={
            "score": _score(ending.points, MAX_POINTS),
            "success": ending.good,
            "completion": True,
            "extensions": {extension(home_page, "ending"): ending.id},
        },
        parents=[_activity(home_page, "module", (roleplay.module_id,))],
        registration=run_registration(home_page, run_id),
    )


def workshop_step_vote(
    home_page: str,
    user_id: int,
    workshop_id: int,
    workshop_title: str,
    roleplay: Roleplay,
    step: Step,
    *,
    position: int,
    move: int,
    round_: int,
    option_id: str,
    points: int,
    style: str,
    voted_at: str,
) -> dict[str, Any]:
    """A signed-in learner's vote on a role-play step in a workshop: 'responded', as a
    scenario vote, with the workshop session and the role-play as parents."""
    return _statement(
        stable_id(
            home_page, "responded-step", workshop_id, user_id, position, move, round_, option_id
        ),
        home_page,
        user_id,
        "responded",
        step_activity(home_page, roleplay, step),
        voted_at,
        result=_choice_result(home_page, option_id, points, MAX_POINTS, style, step.best.style),
        parents=[
            _activity(home_page, "workshop", (workshop_id,), workshop_title),
            roleplay_activity(home_page, roleplay),
        ],
        registration=stable_id(home_page, "workshop", workshop_id),
        context_extensions={extension(home_page, "round"): round_},
    )
