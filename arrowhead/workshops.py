"""Workshops: join codes, nicknames, decks, the live stage and vote tallies (pure).

A facilitator builds a deck of scenarios and role-plays, starts a Workshop from it
and steps the room through the deck; participants vote from their phones. Everything here
takes values and returns values: the store keeps the state, pages show it.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import math
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from arrowhead.accounts import User, has_control_characters
from arrowhead.quizzes import LETTERS, Scenario

# No look-alikes: 0/O, 1/I/L, 2/Z, 5/S and 8/B are left out, so a code read off
# a projector across a room is typed right the first time.
JOIN_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
JOIN_CODE_LENGTH = 6
MAX_NICKNAME = 30
MAX_DECK_NAME = 60
MAX_DECK_SCENARIOS = 40
"""The most items (scenarios and role-plays together) a deck holds."""
FACILITATOR_ROLES = ("facilitator", "admin")

ACTIONS = ("open", "close", "show", "hide", "revote", "reveal", "next", "previous", "end")
"""What a facilitator can do to a live Workshop's stage."""

JOIN_SCREEN = -1
"""The stage position before the first scenario: the projector shows how to join."""

COUNTDOWNS = (0, 30, 60, 90)
"""The voting countdowns a facilitator can pick, in seconds; 0 is none (closed by hand)."""
MAX_COUNTDOWN = 600


class WorkshopError(ValueError):
    """A workshop request that cannot be carried out; the message is for the user."""


class NotAllowed(WorkshopError):
    """The account may not see or run this; the message is for the user."""


def can_facilitate(user: User | None) -> bool:
    """Whether the user may build decks and run workshops."""
    return user is not None and any(user.has_role(role) for role in FACILITATOR_ROLES)


DECK_ROLES = (*FACILITATOR_ROLES, "manager")
"""Who may put a scenario in a deck. Facilitators and admins share every deck; a manager who
does not facilitate adds to the decks they made themselves (from Scenario insight), which the
facilitators then see and run: the manager prepares the session, a facilitator leads it."""


def may_add_to_deck(user: User, deck_made_by: int | None) -> bool:
    """Whether the user may add scenarios to a deck made by deck_made_by (None: a new deck)."""
    if can_facilitate(user):
        return True
    return user.has_role("manager") and deck_made_by in (None, user.id)


def check_facilitator(user: User | None) -> User:
    """The user if they may facilitate; NotAllowed otherwise."""
    if user is None or not can_facilitate(user):
        raise NotAllowed("Workshops are run by facilitators. Your account is not one.")
    return user


def new_join_code(randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A fresh join code: JOIN_CODE_LENGTH characters from JOIN_ALPHABET."""
    return "".join(JOIN_ALPHABET[randbelow(len(JOIN_ALPHABET))] for _ in range(JOIN_CODE_LENGTH))


def clean_join_code(text: str | None) -> str | None:
    """The code as stored (upper case, no spaces or hyphens), or None if it cannot be a code."""
    if not text:
        return None
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != JOIN_CODE_LENGTH or any(c not in JOIN_ALPHABET for c in code):
        return None
    return code


def clean_nickname(text: str) -> str:
    """The nickname, trimmed, or WorkshopError saying what is wrong with it."""
    nickname = " ".join(text.split())
    if not nickname:
        raise WorkshopError("Please pick a nickname for the room to know you by.")
    if len(nickname) > MAX_NICKNAME:
        raise WorkshopError(f"A nickname is at most {MAX_NICKNAME} characters.")
    if has_control_characters(nickname):
        raise WorkshopError("A nickname cannot contain control characters.")
    return nickname


# A host name or address and an optional path: letters, digits and the few
# characters URLs use. Anything else (spaces, quotes, angle brackets) is refused,
# so the address is safe to show and to put in a QR code.
_URL_CHARACTERS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/[]%")


def clean_public_url(text: str | None) -> str | None:
    """The server's public address as stored (no trailing slash); None when blank.

    WorkshopError says what is wrong when the text cannot be an http(s) address
    that phones can open.
    """
    url = (text or "").strip()
    if not url:
        return None
    problem = "Enter the address as phones open it, such as https://arrowhead.example.com."
    if not set(url) <= _URL_CHARACTERS:
        raise WorkshopError(problem)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  refuses a port that is not a number
    except ValueError:
        raise WorkshopError(problem) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise WorkshopError(problem)
    return url.rstrip("/")


def is_loopback(url: str) -> bool:
    """Whether the address only ever reaches the computer it is opened on (localhost, 127.0.0.1)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@dataclass(frozen=True)
class DeckEntry:
    """One scenario in a deck, by the quiz that holds it."""

    quiz_id: str
    scenario_id: str


@dataclass(frozen=True)
class RoleplayEntry:
    """One role-play in a deck: the room plays it through live, a vote at each step."""

    roleplay_id: str


DeckItem = DeckEntry | RoleplayEntry
"""What a deck holds, in order: scenarios and role-plays side by side."""


def clean_deck(name: str, entries: Sequence[DeckItem]) -> tuple[str, tuple[DeckItem, ...]]:
    """A deck's name and items as saved, or WorkshopError saying what is wrong."""
    name = " ".join(name.split())
    if not name:
        raise WorkshopError("Please give the deck a name.")
    if len(name) > MAX_DECK_NAME:
        raise WorkshopError(f"A deck name is at most {MAX_DECK_NAME} characters.")
    if not entries:
        raise WorkshopError("Add at least one scenario or role-play to the deck.")
    if len(entries) > MAX_DECK_SCENARIOS:
        raise WorkshopError(
            f"A deck holds at most {MAX_DECK_SCENARIOS} scenarios and role-plays together."
        )
    if len(set(entries)) != len(entries):
        raise WorkshopError("A scenario or role-play can be in a deck only once.")
    return name, tuple(entries)


@dataclass(frozen=True)
class Stage:
    """Where a live Workshop is: what the projector and every phone show."""

    position: int
    """Index into the Workshop's scenarios; JOIN_SCREEN before the first."""
    round: int
    """1 for the first vote, 2 for the revote after discussion."""
    voting_open: bool
    results_shown: bool
    """Whether the projector shows the live vote chart."""
    revealed: bool
    """Whether the best option and every option's feedback are shown."""
    ended: bool
    version: int = 0
    """Counts the facilitator's changes: a control drawn for an older version is refused."""
    closes_at: datetime | None = None
    """When voting closes by itself, if the facilitator opened it with a countdown."""
    roleplay: bool = False
    """Whether the item at this position is a role-play (else a scenario)."""
    move: int = 0
    """On a role-play: how many decisions the room has made in it, so the step voted on
    now is decision number move + 1; round and revealed are that step's."""
    finished: bool = False
    """On a role-play: the room's route has reached an ending; nothing is left to vote on."""

    def at(self, now: datetime) -> Stage:
        """The stage as it is at `now`: voting whose countdown has run out is closed."""
        if self.voting_open and self.closes_at is not None and now >= self.closes_at:
            return replace(self, voting_open=False, closes_at=None)
        return self

    def seconds_left(self, now: datetime) -> int | None:
        """Whole seconds until the countdown closes voting (rounded up); None without one."""
        if not self.voting_open or self.closes_at is None:
            return None
        return max(0, math.ceil((self.closes_at - now).total_seconds()))

    @property
    def where(self) -> str:
        """Where the room is, in words: 'the join screen', 'scenario 2', 'scenario 2 (revote)'."""
        if self.ended:
            return "the end of the workshop"
        if self.position == JOIN_SCREEN:
            return "the join screen"
        return item_name(self.position, self.roleplay, self.move, self.finished) + (
            " (revote)" if self.round > 1 and not self.finished else ""
        )


def item_name(position: int, roleplay: bool, move: int = 0, finished: bool = False) -> str:
    """A deck item as the room knows it: 'scenario 2', 'role-play 3, step 2', 'the ending of role-play 3'."""
    if not roleplay:
        return f"scenario {position + 1}"
    if finished:
        return f"the ending of role-play {position + 1}"
    return f"role-play {position + 1}, step {move + 1}"


START = Stage(JOIN_SCREEN, 1, False, False, False, False)
"""A Workshop's stage when it starts: the join screen."""


def moved_on(now_at: Stage) -> str:
    """The refusal for a control drawn for a stage the Workshop has since left."""
    if now_at.ended:
        return "This workshop has ended."
    return (
        "Nothing was done: the workshop had moved on since these controls were drawn "
        f"(perhaps from another window). It is now on {now_at.where}: check, then try again."
    )


def round_name(round_: int) -> str:
    """'first vote' or 'revote', as participants know the rounds."""
    return "first vote" if round_ == 1 else "revote"


def vote_refused(position: int, round_: int, now_at: Stage, move: int | None = None) -> str | None:
    """Why a vote cast for (position, round) cannot count now, or None if it can.

    `move` is None for a vote on a scenario, and on a role-play the number of
    decisions made before the step voted on. The sentence names the scenario (or
    step) and round the vote was cast for, so a phone that had not redrawn tells
    its owner which vote was lost.
    """
    on = item_name(position, move is not None, move or 0)
    cast_for = f"Your vote on {on} ({round_name(round_)}) was not counted"
    if now_at.ended:
        return f"{cast_for}: the workshop has ended."
    if (
        now_at.position != position
        or now_at.roleplay != (move is not None)
        or (move is not None and (now_at.move != move or now_at.finished))
    ):
        return f"{cast_for}: the room has moved on to {now_at.where}."
    if now_at.round != round_:
        return f"{cast_for}: the room is now on the {round_name(now_at.round)}."
    if not now_at.voting_open:
        return f"{cast_for}: voting on it had closed."
    return None


def countdown_end(now: datetime, seconds: int | None) -> datetime | None:
    """When a countdown of `seconds` started now ends; None for no countdown."""
    if not seconds:
        return None
    if not 0 < seconds <= MAX_COUNTDOWN:
        raise WorkshopError(f"A countdown is between 1 and {MAX_COUNTDOWN} seconds.")
    return now + timedelta(seconds=seconds)


def advance(
    stage: Stage,
    action: str,
    size: int,
    remembered: Mapping[int, tuple[int, bool]],
    closes_at: datetime | None = None,
) -> Stage:
    """The stage after a facilitator's action, or WorkshopError if it cannot be done now.

    `size` is how many scenarios the Workshop has; `remembered` holds the
    (round, revealed) each scenario was left in, so going back to one shows it
    as it was; `closes_at` is when voting opened now closes by itself (None: by hand).
    """
    if action not in ACTIONS:
        raise WorkshopError(f"Unknown workshop action: {action}.")
    if stage.ended:
        raise WorkshopError("This workshop has ended.")
    on_scenario = stage.position != JOIN_SCREEN
    if action in ("next", "previous"):
        target = stage.position + (1 if action == "next" else -1)
        if target >= size:
            raise WorkshopError("This is the last scenario. End the workshop when you are done.")
        if target < JOIN_SCREEN:
            raise WorkshopError("This is already the join screen.")
        round_, revealed = remembered.get(target, (1, False))
        return replace(
            stage,
            position=target,
            round=round_,
            revealed=revealed,
            voting_open=False,
            closes_at=None,
            results_shown=revealed,
        )
    if action == "end":
        return replace(stage, voting_open=False, closes_at=None, ended=True)
    if not on_scenario:
        raise WorkshopError("Go to the first scenario first.")
    if stage.finished and action in ("open", "revote", "reveal"):
        raise WorkshopError("This role-play has reached its ending: go on with Next.")
    if stage.roleplay and stage.revealed and action in ("open", "revote"):
        raise WorkshopError("The vote is revealed: choose the option the room follows.")
    if action == "open":
        if stage.revealed:
            raise WorkshopError("The answer is revealed: voting on this scenario is over.")
        if stage.voting_open:
            return stage  # a double click keeps the countdown already running
        return replace(stage, voting_open=True, closes_at=closes_at)
    if action == "close":
        return replace(stage, voting_open=False, closes_at=None)
    if action in ("show", "hide"):
        return replace(stage, results_shown=action == "show")
    if action == "revote":
        if stage.revealed:
            raise WorkshopError("The answer is revealed: a revote would only echo it.")
        if stage.round > 1:
            raise WorkshopError("This scenario has had its revote.")
        # Results hidden again so the second vote is not anchored on the first.
        return replace(stage, round=2, voting_open=True, closes_at=closes_at, results_shown=False)
    assert action == "reveal"
    return replace(stage, revealed=True, voting_open=False, closes_at=None, results_shown=True)


@dataclass(frozen=True)
class Tally:
    """The votes in one round on one scenario."""

    counts: tuple[tuple[str, int], ...]
    """(option id, votes) for each of the scenario's options, in letter order."""
    voters: int
    """Everyone who voted, including for an option the scenario no longer has."""

    def votes_for(self, option_id: str) -> int:
        """How many chose that option."""
        return dict(self.counts).get(option_id, 0)

    def share(self, option_id: str) -> float | None:
        """The share (0–1) of voters who chose that option; None when nobody voted."""
        return self.votes_for(option_id) / self.voters if self.voters else None


def tally(option_ids: Sequence[str], votes: Iterable[str]) -> Tally:
    """Count votes (one option id per vote) against a scenario's options."""
    counted = dict.fromkeys(option_ids, 0)
    voters = 0
    for option_id in votes:
        voters += 1
        if option_id in counted:
            counted[option_id] += 1
    return Tally(counts=tuple(counted.items()), voters=voters)


@dataclass(frozen=True)
class ScenarioSummary:
    """How the room voted on one scenario: the first vote against the revote."""

    position: int
    quiz_id: str
    scenario_id: str
    scenario: Scenario | None
    """None when the scenario has since been removed from the course."""
    first: Tally
    revote: Tally | None
    """None when there was no revote."""

    @property
    def best_share_first(self) -> float | None:
        """Share of first-round voters who chose the best option."""
        return self.first.share(self.scenario.best.id) if self.scenario else None

    @property
    def best_share_revote(self) -> float | None:
        """Share of revote voters who chose the best option."""
        if self.scenario is None or self.revote is None:
            return None
        return self.revote.share(self.scenario.best.id)


def summarise(
    position: int,
    quiz_id: str,
    scenario_id: str,
    scenario: Scenario | None,
    votes_by_round: Mapping[int, Sequence[str]],
) -> ScenarioSummary:
    """One scenario's summary from the option ids voted in each round."""
    option_ids = [o.id for o in scenario.options] if scenario else []
    revote = votes_by_round.get(2)
    return ScenarioSummary(
        position=position,
        quiz_id=quiz_id,
        scenario_id=scenario_id,
        scenario=scenario,
        first=tally(option_ids, votes_by_round.get(1, ())),
        revote=tally(option_ids, revote) if revote else None,
    )


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula: text starting = + - @ gets a leading '."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _percent(share: float | None) -> str:
    return "" if share is None else f"{100 * share:.0f}"


def summary_table(summaries: Iterable[ScenarioSummary]) -> list[dict[str, str]]:
    """One row per scenario for the CSV download, every cell made safe for a spreadsheet."""
    rows = []
    for item in summaries:
        scenario = item.scenario
        row = {
            "Position": str(item.position + 1),
            "Quiz": item.quiz_id,
            "Scenario": item.scenario_id,
            "Title": scenario.title if scenario else "(no longer in the course)",
            "Best move": scenario.letter(scenario.best.id) if scenario else "",
            "First vote: voters": str(item.first.voters),
            "First vote: chose best (%)": _percent(item.best_share_first),
            "Revote: voters": "" if item.revote is None else str(item.revote.voters),
            "Revote: chose best (%)": _percent(item.best_share_revote),
        }
        for index, letter in enumerate(LETTERS):
            option = scenario.options[index] if scenario and index < len(scenario.options) else None
            row[f"{letter}: first vote"] = str(item.first.votes_for(option.id)) if option else ""
            row[f"{letter}: revote"] = (
                str(item.revote.votes_for(option.id)) if option and item.revote else ""
            )
        rows.append({key: csv_safe(value) for key, value in row.items()})
    return rows


def summary_csv(summaries: Iterable[ScenarioSummary]) -> str:
    """The summary as CSV text."""
    rows = summary_table(summaries)
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()
