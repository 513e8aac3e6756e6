"""Live role-plays in a Workshop: the step as the room sees it, the room's choice, the route (pure).

In a Workshop a role-play is voted on step by step, like a scenario. After the reveal
the facilitator follows the room (its most-voted option) or overrides it with another
option; each decision is a Move, stored as it is made. The Moves made so far say which
step the room is on, or which ending it reached.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from arrowhead.quizzes import LETTERS
from arrowhead.roleplays import Ending, Roleplay, Step
from arrowhead.workshops import WorkshopError

ROOM = "room"
FACILITATOR = "facilitator"
CHOSEN_BY = (ROOM, FACILITATOR)
"""Who chose the option the room followed: the room's vote, or the facilitator."""

ENDED = "This role-play has reached its ending: go on with Next."
CHANGED = (
    "This role-play has changed since the workshop started: the step the room is on "
    "is no longer in it. Go on with Next."
)


def shown_step(step: Step, seed: int | None, roleplay_id: str) -> Step:
    """The step with its options in the Workshop's own order, as every phone and the projector
    show them; the order depends only on the seed, the role-play and the step (None: file order)."""
    if seed is None:
        return step
    options = list(step.options)
    random.Random(f"{seed}:{roleplay_id}:{step.id}").shuffle(options)
    return replace(step, options=tuple(options))


def letter(step: Step, option_id: str) -> str:
    """The letter (A–E) the option is shown under, in the step's option order; '?' if it has none."""
    ids = [o.id for o in step.options]
    return LETTERS[ids.index(option_id)] if option_id in ids else "?"


@dataclass(frozen=True)
class Move:
    """One decision the room made in a live role-play, as stored the moment it was made."""

    number: int
    """0 for the decision at the first step, 1 for the next, and so on."""
    step_id: str
    option_id: str
    """The option the room followed."""
    room_option_id: str | None
    """The room's choice: the most-voted option; None when nobody voted or the most votes were tied."""
    chosen_by: str
    """ROOM when the room's choice was followed; FACILITATOR when the facilitator picked."""
    round: int
    """The round whose votes were read: 2 when the step had a revote."""
    points: int
    """The option's points when it was chosen: history stays true if the author edits it."""
    leads_to: str
    """The id of the step or ending the option led to."""
    ending_points: int | None
    """The ending's points when the option led to an ending; None when it led to a step."""

    @property
    def ended(self) -> bool:
        """Whether this decision led to an ending."""
        return self.ending_points is not None

    @property
    def overridden(self) -> bool:
        """Whether the facilitator went against the room's choice."""
        return self.chosen_by == FACILITATOR and self.room_option_id is not None


def room_choice(votes: Mapping[str, int]) -> str | None:
    """The option with the most votes, or None when nobody voted or two or more share the most.

    A tie is not broken by a rule the room cannot see (the first letter, a coin): the
    facilitator picks the option to follow, and it is recorded as their choice.
    """
    top = max(votes.values(), default=0)
    leaders = [option_id for option_id, count in votes.items() if count == top]
    return leaders[0] if top > 0 and len(leaders) == 1 else None


def leaders(votes: Mapping[str, int]) -> tuple[str, ...]:
    """The options sharing the most votes, in the order given; none when nobody voted."""
    top = max(votes.values(), default=0)
    return tuple(o for o, count in votes.items() if count == top) if top > 0 else ()


def place(roleplay: Roleplay, moves: Sequence[Move]) -> tuple[Step | None, Ending | None]:
    """Where the room is after its moves: (the step voted on now, None) or (None, the ending).

    (None, None) when the author has changed the role-play since, so that the stored
    route leads to a step or ending it no longer has.
    """
    if not moves:
        return roleplay.step(roleplay.start), None
    last = moves[-1]
    if last.ended:
        return None, roleplay.ending(last.leads_to)
    return roleplay.step(last.leads_to), None


def decide(
    roleplay: Roleplay,
    moves: Sequence[Move],
    votes: Mapping[str, int],
    round_: int,
    option_id: str | None,
) -> Move:
    """The room's next move: the room's choice (option_id None) or the option the facilitator picked.

    `votes` are the counts per option id in the round `round_` that was revealed.
    WorkshopError when the role-play has ended, the room has no single choice to
    follow, or the option is not one of the step's.
    """
    if moves and moves[-1].ended:
        raise WorkshopError(ENDED)
    step, _ = place(roleplay, moves)
    if step is None:
        raise WorkshopError(CHANGED)
    room = room_choice({o.id: votes.get(o.id, 0) for o in step.options})
    if option_id is None:
        if room is None and any(votes.get(o.id, 0) for o in step.options):
            raise WorkshopError("The room's vote is tied: pick the option the room follows.")
        if room is None:
            raise WorkshopError("Nobody voted on this step: pick the option the room follows.")
        option_id = room
    option = step.option(option_id)
    if option is None:
        raise WorkshopError("That option is not one of this step's. Nothing was chosen.")
    ending = roleplay.ending(option.next)
    return Move(
        number=len(moves),
        step_id=step.id,
        option_id=option.id,
        room_option_id=room,
        chosen_by=ROOM if option.id == room else FACILITATOR,
        round=round_,
        points=option.points,
        leads_to=option.next,
        ending_points=ending.points if ending else None,
    )


def chosen_note(move: Move, step: Step | None, voters: int | None = None) -> str:
    """Who chose the option followed, in words: the room, or the facilitator and why.

    `step` gives the letters; `voters` (when known) tells a tie from nobody voting.
    """
    if move.chosen_by == ROOM:
        return "the room's choice"
    if move.room_option_id is not None:
        room = letter(step, move.room_option_id) if step else move.room_option_id
        return f"overridden by the facilitator (the room chose {room})"
    if voters is None:
        return "chosen by the facilitator: the room had no single choice"
    if voters:
        return "chosen by the facilitator: the room's vote was tied"
    return "chosen by the facilitator: nobody voted"
