"""Workshop decks, live Workshops, participants and votes: the only SQL for workshops.

Functions that read or change what a facilitator sees take the acting user
and check the role here, where the data is read, not only on the page.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from arrowhead.accounts import User, token_digest
from arrowhead.roleplays import Roleplay
from arrowhead.scoring import Grade
from arrowhead.store import xapi as outbox
from arrowhead.store.database import MIGRATION_SETS, immediate, iso
from arrowhead.store.learning import new_attempt, write_answer
from arrowhead.store.xapi import Statements
from arrowhead.workshop_roleplays import ENDED as ROLEPLAY_ENDED
from arrowhead.workshop_roleplays import Move, decide
from arrowhead.workshops import (
    JOIN_SCREEN,
    DeckEntry,
    DeckItem,
    NotAllowed,
    RoleplayEntry,
    Stage,
    WorkshopError,
    advance,
    can_facilitate,
    check_facilitator,
    clean_deck,
    clean_nickname,
    clean_public_url,
    countdown_end,
    may_add_to_deck,
    moved_on,
    new_join_code,
    vote_refused,
)

migrations = Migrations("arrowhead-workshops")
MIGRATION_SETS.append(migrations)

NO_SUCH_CODE = "No workshop has that code. Check the code on the screen and try again."
ENDED = "That workshop has ended. Thank you for taking part."
NO_SUCH_WORKSHOP = "That workshop does not exist, or it is not one of yours."


@migrations()
def create_workshop_tables(db: Database) -> None:
    """Decks, Workshops with their stage, participants, votes, and links to learners' attempts."""
    for statement in (
        """CREATE TABLE workshop_decks (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            created_by INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE workshop_deck_scenarios (
            deck_id INTEGER NOT NULL REFERENCES workshop_decks(id),
            position INTEGER NOT NULL,
            quiz_id TEXT NOT NULL,
            scenario_id TEXT NOT NULL,
            PRIMARY KEY (deck_id, position)
        )""",
        """CREATE TABLE workshops (
            id INTEGER PRIMARY KEY,
            join_code TEXT NOT NULL UNIQUE,
            deck_id INTEGER REFERENCES workshop_decks(id),   -- NULL once the deck is deleted
            title TEXT NOT NULL,                             -- the deck's name when it started
            facilitator_id INTEGER NOT NULL REFERENCES users(id),
            started_at TEXT NOT NULL,
            ended_at TEXT,
            position INTEGER NOT NULL DEFAULT -1,            -- -1: the join screen
            voting_open INTEGER NOT NULL DEFAULT 0,
            results_shown INTEGER NOT NULL DEFAULT 0
        )""",
        # The deck's scenarios copied at start, so editing the deck later does
        # not change a past Workshop; round and revealed are kept per scenario
        # so going back shows a scenario as it was left.
        """CREATE TABLE workshop_scenarios (
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            position INTEGER NOT NULL,
            quiz_id TEXT NOT NULL,
            scenario_id TEXT NOT NULL,
            round INTEGER NOT NULL DEFAULT 1,
            revealed INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (workshop_id, position)
        )""",
        """CREATE TABLE workshop_participants (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            nickname TEXT NOT NULL,
            token_hash TEXT,              -- sha256 of the browser's rejoin token; NULL for a learner
            user_id INTEGER REFERENCES users(id),
            joined_at TEXT NOT NULL,
            UNIQUE (workshop_id, token_hash),
            UNIQUE (workshop_id, user_id)
        )""",
        """CREATE TABLE workshop_votes (
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            participant_id INTEGER NOT NULL REFERENCES workshop_participants(id),
            position INTEGER NOT NULL,
            round INTEGER NOT NULL,
            option_id TEXT NOT NULL,
            voted_at TEXT NOT NULL,
            PRIMARY KEY (participant_id, position, round)
        )""",
        "CREATE INDEX workshop_votes_by_round ON workshop_votes(workshop_id, position, round)",
        # A learner's workshop answers go on their record as an attempt with
        # source 'workshop': one per learner, Workshop and quiz.
        """CREATE TABLE workshop_attempts (
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            quiz_id TEXT NOT NULL,
            attempt_id INTEGER NOT NULL UNIQUE REFERENCES attempts(id),
            PRIMARY KEY (workshop_id, user_id, quiz_id)
        )""",
    ):
        db.execute(statement)


@migrations()
def add_option_order_stage_version_and_countdown(db: Database) -> None:
    """A seed for each Workshop's option order, a stage version, a voting countdown,
    and the server's public address for join links."""
    for statement in (
        # NULL for Workshops started before options were shuffled: file order.
        "ALTER TABLE workshops ADD COLUMN option_seed INTEGER",
        # Raised by every facilitator action: a control drawn for an older
        # version is refused instead of acting on whatever is live now.
        "ALTER TABLE workshops ADD COLUMN version INTEGER NOT NULL DEFAULT 0",
        # When open voting closes by itself; NULL when it is closed by hand.
        "ALTER TABLE workshops ADD COLUMN voting_closes_at TEXT",
        """CREATE TABLE server_settings (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_by INTEGER REFERENCES users(id),
            updated_at TEXT NOT NULL
        )""",
    ):
        db.execute(statement)


@migrations()
def add_roleplays(db: Database) -> None:
    """Role-plays in decks and Workshops, the votes on their steps, and the room's moves."""
    for statement in (
        # A deck item or Workshop item is a role-play when roleplay_id is set; its
        # quiz_id and scenario_id are then '' (those columns were made NOT NULL
        # before decks held role-plays, and SQLite cannot relax that in place).
        "ALTER TABLE workshop_deck_scenarios ADD COLUMN roleplay_id TEXT",
        "ALTER TABLE workshop_scenarios ADD COLUMN roleplay_id TEXT",
        # One vote per participant per round per step: `move` is how many
        # decisions the room had made in the role-play before the step voted on.
        """CREATE TABLE workshop_roleplay_votes (
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            participant_id INTEGER NOT NULL REFERENCES workshop_participants(id),
            position INTEGER NOT NULL,
            move INTEGER NOT NULL,
            round INTEGER NOT NULL,
            option_id TEXT NOT NULL,
            voted_at TEXT NOT NULL,
            PRIMARY KEY (participant_id, position, move, round)
        )""",
        """CREATE INDEX workshop_roleplay_votes_by_round
            ON workshop_roleplay_votes(workshop_id, position, move, round)""",
        # The route the room took, one row per decision, written the moment it is
        # made; the primary key refuses a second decision on the same step (a
        # double click, a second tab). Points are copied so history stays true
        # if the author edits the role-play.
        """CREATE TABLE workshop_roleplay_moves (
            workshop_id INTEGER NOT NULL REFERENCES workshops(id),
            position INTEGER NOT NULL,
            move INTEGER NOT NULL,
            step_id TEXT NOT NULL,
            option_id TEXT NOT NULL,
            room_option_id TEXT,          -- the most-voted option; NULL: nobody voted, or a tie
            chosen_by TEXT NOT NULL CHECK (chosen_by IN ('room', 'facilitator')),
            round INTEGER NOT NULL,       -- the round whose votes were read
            points INTEGER NOT NULL,
            leads_to TEXT NOT NULL,       -- the step or ending the option led to
            ending_points INTEGER,        -- NULL when it led to a step
            chosen_by_user INTEGER NOT NULL REFERENCES users(id),
            chosen_at TEXT NOT NULL,
            PRIMARY KEY (workshop_id, position, move)
        )""",
    ):
        db.execute(statement)


@dataclass(frozen=True)
class Deck:
    """A named, ordered set of scenarios and role-plays a facilitator reuses."""

    id: int
    name: str
    entries: tuple[DeckItem, ...]
    updated_at: str


@dataclass(frozen=True)
class Workshop:
    """One live (or past) run of a deck with a room."""

    id: int
    join_code: str
    title: str
    facilitator_id: int
    started_at: str
    ended_at: str | None
    entries: tuple[DeckItem, ...]
    stage: Stage
    """As it is at the time it was read: a countdown that has run out has closed voting."""
    option_seed: int | None
    """Drawn when the Workshop starts: every screen shows options in Scenario.shuffled(seed)
    order, so phones and projector agree on letters. None (older Workshops): file order."""


@dataclass(frozen=True)
class Participant:
    """Someone in the room: a nickname, or a signed-in learner."""

    id: int
    workshop_id: int
    nickname: str
    """Entered by the participant: always shown as plain text."""
    user_id: int | None


@dataclass(frozen=True)
class RoundCount:
    """How many are in the room and how they voted in one round."""

    joined: int
    votes: dict[str, int]
    """Votes per option id."""

    @property
    def voted(self) -> int:
        """Everyone who voted this round."""
        return sum(self.votes.values())


@dataclass(frozen=True)
class WorkshopAnswer:
    """A learner's final vote on one scenario in a Workshop, as on their record."""

    workshop_title: str
    started_at: str
    quiz_id: str
    scenario_id: str
    option_id: str
    points: int
    max_points: int
    option_seed: int | None
    """The Workshop's option order, so the record shows the letters the room saw."""


# Decks ---------------------------------------------------------------------


def _item(quiz_id: str, scenario_id: str, roleplay_id: str | None) -> DeckItem:
    return RoleplayEntry(roleplay_id) if roleplay_id else DeckEntry(quiz_id, scenario_id)


def _item_columns(item: DeckItem) -> list[str | None]:
    """quiz_id, scenario_id and roleplay_id as stored for a deck or Workshop item."""
    if isinstance(item, RoleplayEntry):
        return ["", "", item.roleplay_id]
    return [item.quiz_id, item.scenario_id, None]


def _deck(db: Database, row: tuple) -> Deck:
    entries = tuple(
        _item(*columns)
        for columns in db.execute(
            "SELECT quiz_id, scenario_id, roleplay_id FROM workshop_deck_scenarios WHERE deck_id = ? ORDER BY position",
            [row[0]],
        )
    )
    return Deck(id=row[0], name=row[1], entries=entries, updated_at=row[2])


def decks(db: Database, viewer: User) -> list[Deck]:
    """Every deck, by name: facilitators share them."""
    check_facilitator(viewer)
    rows = db.execute(
        "SELECT id, name, updated_at FROM workshop_decks ORDER BY name COLLATE NOCASE"
    ).fetchall()
    return [_deck(db, row) for row in rows]


def deck(db: Database, viewer: User, deck_id: int) -> Deck | None:
    """The deck with that id, or None."""
    check_facilitator(viewer)
    row = db.execute(
        "SELECT id, name, updated_at FROM workshop_decks WHERE id = ?", [deck_id]
    ).fetchone()
    return _deck(db, row) if row else None


def save_deck(
    db: Database,
    viewer: User,
    name: str,
    entries: Sequence[DeckItem],
    now: datetime,
    deck_id: int | None = None,
) -> Deck:
    """Create a deck, or replace an existing one's name and items (scenarios and role-plays)."""
    check_facilitator(viewer)
    name, cleaned = clean_deck(name, entries)
    with immediate(db):
        try:
            if deck_id is None:
                deck_id = db.execute(
                    "INSERT INTO workshop_decks (name, created_by, created_at, updated_at) VALUES (?, ?, ?, ?)",
                    [name, viewer.id, iso(now), iso(now)],
                ).lastrowid
            else:
                changed = db.execute(
                    "UPDATE workshop_decks SET name = ?, updated_at = ? WHERE id = ?",
                    [name, iso(now), deck_id],
                ).rowcount
                if not changed:
                    raise WorkshopError("That deck no longer exists.")
        except sqlite3.IntegrityError:
            raise WorkshopError("A deck with that name exists. Please choose another.") from None
        db.execute("DELETE FROM workshop_deck_scenarios WHERE deck_id = ?", [deck_id])
        for position, entry in enumerate(cleaned):
            db.execute(
                """INSERT INTO workshop_deck_scenarios (deck_id, position, quiz_id, scenario_id, roleplay_id)
                   VALUES (?, ?, ?, ?, ?)""",
                [deck_id, position, *_item_columns(entry)],
            )
    assert deck_id is not None
    saved = deck(db, viewer, deck_id)
    assert saved is not None
    return saved


def decks_to_add_to(db: Database, viewer: User) -> list[Deck]:
    """The decks the viewer may add a scenario to, by name: every deck for a facilitator or an
    admin, their own for a manager, none for anyone else."""
    if can_facilitate(viewer):
        return decks(db, viewer)
    if not viewer.has_role("manager"):
        return []
    rows = db.execute(
        """SELECT id, name, updated_at FROM workshop_decks WHERE created_by = ?
           ORDER BY name COLLATE NOCASE""",
        [viewer.id],
    ).fetchall()
    return [_deck(db, row) for row in rows]


ALREADY_IN_DECK = "That scenario is already in the deck."


def add_to_deck(
    db: Database,
    viewer: User,
    entry: DeckEntry,
    now: datetime,
    *,
    deck_id: int | None = None,
    new_name: str = "",
) -> Deck:
    """Put one scenario at the end of a deck (deck_id), or in a new deck named new_name.

    Facilitators and admins add to any deck; a manager to the decks they made
    (workshops.may_add_to_deck). WorkshopError says plainly why not.
    """
    with immediate(db):
        if deck_id is None:
            if not may_add_to_deck(viewer, None):
                raise NotAllowed("Only facilitators, admins and managers build workshop decks.")
            name, entries = clean_deck(new_name, [entry])
            try:
                deck_id = db.execute(
                    """INSERT INTO workshop_decks (name, created_by, created_at, updated_at)
                       VALUES (?, ?, ?, ?)""",
                    [name, viewer.id, iso(now), iso(now)],
                ).lastrowid
            except sqlite3.IntegrityError:
                raise WorkshopError(
                    "A deck with that name exists. Please choose another."
                ) from None
            position = 0
        else:
            row = db.execute(
                "SELECT created_by FROM workshop_decks WHERE id = ?", [deck_id]
            ).fetchone()
            if row is None or not may_add_to_deck(viewer, row[0]):
                raise WorkshopError("That deck no longer exists, or it is not one of yours.")
            held = [
                DeckEntry(q, s)
                for q, s in db.execute(
                    """SELECT quiz_id, scenario_id FROM workshop_deck_scenarios
                       WHERE deck_id = ? ORDER BY position""",
                    [deck_id],
                )
            ]
            if entry in held:
                raise WorkshopError(ALREADY_IN_DECK)
            clean_deck("deck", [*held, entry])  # the deck's limits, with its name left as it is
            position = (
                db.execute(
                    "SELECT coalesce(max(position), -1) FROM workshop_deck_scenarios "
                    "WHERE deck_id = ?",
                    [deck_id],
                ).fetchone()[0]
                + 1
            )
            db.execute("UPDATE workshop_decks SET updated_at = ? WHERE id = ?", [iso(now), deck_id])
        db.execute(
            """INSERT INTO workshop_deck_scenarios (deck_id, position, quiz_id, scenario_id)
               VALUES (?, ?, ?, ?)""",
            [deck_id, position, entry.quiz_id, entry.scenario_id],
        )
    assert deck_id is not None
    row = db.execute(
        "SELECT id, name, updated_at FROM workshop_decks WHERE id = ?", [deck_id]
    ).fetchone()
    return _deck(db, row)


def delete_deck(db: Database, viewer: User, deck_id: int) -> None:
    """Delete a deck; Workshops run from it keep their own copy of its scenarios."""
    check_facilitator(viewer)
    with immediate(db):
        db.execute("UPDATE workshops SET deck_id = NULL WHERE deck_id = ?", [deck_id])
        db.execute("DELETE FROM workshop_deck_scenarios WHERE deck_id = ?", [deck_id])
        db.execute("DELETE FROM workshop_decks WHERE id = ?", [deck_id])


# Workshops: the facilitator's side -------------------------------------------

_WORKSHOP_COLUMNS = (
    "id, join_code, title, facilitator_id, started_at, ended_at, position, voting_open, "
    "results_shown, option_seed, version, voting_closes_at"
)


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _workshop(db: Database, row: tuple, now: datetime) -> Workshop:
    scenarios = db.execute(
        """SELECT position, quiz_id, scenario_id, round, revealed, roleplay_id FROM workshop_scenarios
           WHERE workshop_id = ? ORDER BY position""",
        [row[0]],
    ).fetchall()
    position = row[6]
    here = next((s for s in scenarios if s[0] == position), None)
    move, finished = 0, False
    if here is not None and here[5]:
        # On a role-play the stage is at the step after the decisions made so far.
        made = db.execute(
            """SELECT count(*), max(CASE WHEN ending_points IS NOT NULL THEN 1 ELSE 0 END)
               FROM workshop_roleplay_moves WHERE workshop_id = ? AND position = ?""",
            [row[0], position],
        ).fetchone()
        move, finished = made[0], bool(made[1])
    stage = Stage(
        position=position,
        round=here[3] if here else 1,
        voting_open=bool(row[7]),
        results_shown=bool(row[8]),
        revealed=bool(here[4]) if here else False,
        ended=row[5] is not None,
        version=row[10],
        closes_at=_moment(row[11]),
        roleplay=bool(here and here[5]),
        move=move,
        finished=finished,
    )
    return Workshop(
        id=row[0],
        join_code=row[1],
        title=row[2],
        facilitator_id=row[3],
        started_at=row[4],
        ended_at=row[5],
        entries=tuple(_item(s[1], s[2], s[5]) for s in scenarios),
        # A countdown closes voting on the first read after it runs out: no timer thread.
        stage=stage.at(now),
        option_seed=row[9],
    )


def _get(db: Database, workshop_id: int, now: datetime) -> Workshop | None:
    row = db.execute(
        f"SELECT {_WORKSHOP_COLUMNS} FROM workshops WHERE id = ?", [workshop_id]
    ).fetchone()
    return _workshop(db, row, now) if row else None


def _check_runs(viewer: User, workshop: Workshop | None) -> Workshop:
    # A facilitator sees the Workshops they ran; an admin sees every one.
    check_facilitator(viewer)
    if workshop is None or not (viewer.has_role("admin") or workshop.facilitator_id == viewer.id):
        raise NotAllowed(NO_SUCH_WORKSHOP)
    return workshop


def start_workshop(
    db: Database,
    viewer: User,
    deck_id: int,
    now: datetime,
    randbelow: Callable[[int], int] | None = None,
    option_seed: int | None = None,
) -> Workshop:
    """Start a live Workshop from a deck, with a fresh join code and its own option order.

    The options are shuffled once, here (a seed drawn unless one is given), so
    every phone, the projector and the summary show the same letters.
    """
    check_facilitator(viewer)
    if option_seed is None:
        option_seed = secrets.randbelow(2**31)
    with immediate(db):
        row = db.execute("SELECT name FROM workshop_decks WHERE id = ?", [deck_id]).fetchone()
        if row is None:
            raise WorkshopError("That deck no longer exists.")
        entries = db.execute(
            "SELECT quiz_id, scenario_id, roleplay_id FROM workshop_deck_scenarios WHERE deck_id = ? ORDER BY position",
            [deck_id],
        ).fetchall()
        if not entries:
            raise WorkshopError("That deck has no scenarios or role-plays.")
        # Codes are never reused, so an old code says "ended" rather than
        # leading into someone else's room. A clash is unlikely; retry a few times.
        for _ in range(20):
            code = new_join_code(randbelow) if randbelow else new_join_code()
            try:
                workshop_id = db.execute(
                    """INSERT INTO workshops (join_code, deck_id, title, facilitator_id, started_at, option_seed)
                       VALUES (?, ?, ?, ?, ?, ?)""",
                    [code, deck_id, row[0], viewer.id, iso(now), option_seed],
                ).lastrowid
                break
            except sqlite3.IntegrityError:
                continue
        else:
            raise WorkshopError("Could not find a free join code. Please try again.")
        for position, columns in enumerate(entries):
            db.execute(
                """INSERT INTO workshop_scenarios (workshop_id, position, quiz_id, scenario_id, roleplay_id)
                   VALUES (?, ?, ?, ?, ?)""",
                [workshop_id, position, *columns],
            )
    assert workshop_id is not None
    return workshop_for(db, viewer, workshop_id, now)


def workshop_for(db: Database, viewer: User, workshop_id: int, now: datetime) -> Workshop:
    """A Workshop the viewer ran (any, for an admin), its stage as at `now`; NotAllowed otherwise."""
    return _check_runs(viewer, _get(db, workshop_id, now))


def workshops_of(db: Database, viewer: User, now: datetime) -> list[Workshop]:
    """The Workshops the viewer ran (every one, for an admin), newest first."""
    check_facilitator(viewer)
    sql = f"SELECT {_WORKSHOP_COLUMNS} FROM workshops"
    params: list = []
    if not viewer.has_role("admin"):
        sql += " WHERE facilitator_id = ?"
        params.append(viewer.id)
    return [
        _workshop(db, row, now) for row in db.execute(sql + " ORDER BY id DESC", params).fetchall()
    ]


def act(
    db: Database,
    viewer: User,
    workshop_id: int,
    action: str,
    now: datetime,
    *,
    drawn_for: int | None = None,
    countdown: int | None = None,
) -> Workshop:
    """Apply a facilitator's action (open, close, show, hide, revote, reveal, next, previous, end).

    `drawn_for` is the stage version the control was drawn for: if the Workshop
    has moved on since (another window acted), nothing is done and WorkshopError
    says where it is now. None acts on the stage as it is (scripts, tests).
    `countdown` is how many seconds voting stays open after open or revote
    (None or 0: until it is closed by hand).
    """
    closes_at = countdown_end(now, countdown)
    with immediate(db):
        workshop = _check_runs(viewer, _get(db, workshop_id, now))
        if drawn_for is not None and drawn_for != workshop.stage.version:
            raise WorkshopError(moved_on(workshop.stage))
        remembered = {
            position: (round_, bool(revealed))
            for position, round_, revealed in db.execute(
                "SELECT position, round, revealed FROM workshop_scenarios WHERE workshop_id = ?",
                [workshop_id],
            )
        }
        stage = advance(workshop.stage, action, len(workshop.entries), remembered, closes_at)
        db.execute(
            """UPDATE workshops SET position = ?, voting_open = ?, results_shown = ?, ended_at = ?,
                   voting_closes_at = ?, version = version + 1
               WHERE id = ?""",
            [
                stage.position,
                int(stage.voting_open),
                int(stage.results_shown),
                iso(now) if stage.ended else None,
                iso(stage.closes_at) if stage.closes_at else None,
                workshop_id,
            ],
        )
        db.execute(
            "UPDATE workshop_scenarios SET round = ?, revealed = ? WHERE workshop_id = ? AND position = ?",
            [stage.round, int(stage.revealed), workshop_id, stage.position],
        )
        if stage.ended:
            _close_learner_attempts(db, workshop_id, now)
    return workshop_for(db, viewer, workshop_id, now)


def _close_learner_attempts(db: Database, workshop_id: int, now: datetime) -> None:
    # A workshop attempt is scored on the scenarios the learner voted on; it has
    # no pass or fail, and quiz results leave it out (journey.finished_attempts).
    db.execute(
        """UPDATE attempts SET finished_at = ?,
               score = (SELECT CAST(round(100.0 * sum(points) / sum(max_points)) AS INTEGER)
                        FROM answers WHERE answers.attempt_id = attempts.id)
           WHERE finished_at IS NULL
             AND id IN (SELECT attempt_id FROM workshop_attempts WHERE workshop_id = ?)""",
        [iso(now), workshop_id],
    )


def round_count(
    db: Database,
    viewer: User,
    workshop_id: int,
    position: int,
    round_: int,
    move: int | None = None,
) -> RoundCount:
    """How many have joined, and the votes per option in one round.

    `move` None counts the votes on a scenario; on a role-play it is the number of
    decisions made before the step whose votes are counted.
    """
    _check_runs(viewer, _get_row_only(db, workshop_id))
    joined = db.execute(
        "SELECT count(*) FROM workshop_participants WHERE workshop_id = ?", [workshop_id]
    ).fetchone()[0]
    return RoundCount(joined=joined, votes=_votes(db, workshop_id, position, round_, move))


def _votes(
    db: Database, workshop_id: int, position: int, round_: int, move: int | None
) -> dict[str, int]:
    if move is None:
        sql = """SELECT option_id, count(*) FROM workshop_votes
                 WHERE workshop_id = ? AND position = ? AND round = ? GROUP BY option_id"""
        return dict(db.execute(sql, [workshop_id, position, round_]).fetchall())
    sql = """SELECT option_id, count(*) FROM workshop_roleplay_votes
             WHERE workshop_id = ? AND position = ? AND move = ? AND round = ? GROUP BY option_id"""
    return dict(db.execute(sql, [workshop_id, position, move, round_]).fetchall())


def _get_row_only(db: Database, workshop_id: int) -> Workshop | None:
    # The projector asks every second: only the owner check is needed, not the scenarios.
    row = db.execute(
        f"SELECT {_WORKSHOP_COLUMNS} FROM workshops WHERE id = ?", [workshop_id]
    ).fetchone()
    if row is None:
        return None
    return Workshop(
        id=row[0],
        join_code=row[1],
        title=row[2],
        facilitator_id=row[3],
        started_at=row[4],
        ended_at=row[5],
        entries=(),
        stage=Stage(row[6], 1, bool(row[7]), bool(row[8]), False, row[5] is not None, row[10]),
        option_seed=row[9],
    )


def participants_of(db: Database, viewer: User, workshop_id: int) -> list[Participant]:
    """Everyone who has joined, in the order they joined."""
    _check_runs(viewer, _get_row_only(db, workshop_id))
    return [
        Participant(*row)
        for row in db.execute(
            "SELECT id, workshop_id, nickname, user_id FROM workshop_participants WHERE workshop_id = ? ORDER BY id",
            [workshop_id],
        )
    ]


def votes_by_round(db: Database, viewer: User, workshop_id: int) -> dict[int, dict[int, list[str]]]:
    """The option ids voted, by position and then round, for the summary."""
    _check_runs(viewer, _get_row_only(db, workshop_id))
    found: dict[int, dict[int, list[str]]] = {}
    for position, round_, option_id in db.execute(
        "SELECT position, round, option_id FROM workshop_votes WHERE workshop_id = ? ORDER BY position, round",
        [workshop_id],
    ):
        found.setdefault(position, {}).setdefault(round_, []).append(option_id)
    return found


# Workshops: the participant's side -------------------------------------------


def find_workshop(db: Database, code: str | None, now: datetime) -> Workshop:
    """The Workshop with that join code, live or ended; WorkshopError if no Workshop has it."""
    row = None
    if code:
        row = db.execute(
            f"SELECT {_WORKSHOP_COLUMNS} FROM workshops WHERE join_code = ?", [code]
        ).fetchone()
    if row is None:
        raise WorkshopError(NO_SUCH_CODE)
    return _workshop(db, row, now)


def workshop_by_code(db: Database, code: str | None, now: datetime) -> Workshop:
    """The live Workshop with that join code; WorkshopError with a plain message otherwise."""
    workshop = find_workshop(db, code, now)
    if workshop.stage.ended:
        raise WorkshopError(ENDED)
    return workshop


def live_view(db: Database, workshop_id: int, now: datetime) -> Workshop | None:
    """A Workshop's scenarios and stage as at `now`, as its projector and phones show it (no votes)."""
    return _get(db, workshop_id, now)


def participant_by_token(db: Database, workshop_id: int, token: str) -> Participant | None:
    """The participant this browser's rejoin token belongs to, or None."""
    row = db.execute(
        "SELECT id, workshop_id, nickname, user_id FROM workshop_participants WHERE workshop_id = ? AND token_hash = ?",
        [workshop_id, token_digest(token)],
    ).fetchone()
    return Participant(*row) if row else None


def participant_for_user(db: Database, workshop_id: int, user_id: int) -> Participant | None:
    """The participant a signed-in learner is in this Workshop, or None."""
    row = db.execute(
        "SELECT id, workshop_id, nickname, user_id FROM workshop_participants WHERE workshop_id = ? AND user_id = ?",
        [workshop_id, user_id],
    ).fetchone()
    return Participant(*row) if row else None


def join(
    db: Database,
    workshop_id: int,
    now: datetime,
    *,
    nickname: str | None = None,
    token: str | None = None,
    user: User | None = None,
) -> Participant:
    """Join a live Workshop as a signed-in learner, or with a nickname and a rejoin token.

    Joining again from the same browser (token) or account (user) returns the
    participant already there: a reload or a double click makes no duplicate.
    """
    key: str | int
    if user is None:
        if not token:
            raise WorkshopError("This browser could not be recognised. Please reload the page.")
        nickname = clean_nickname(nickname or "")
        key_sql, key = "token_hash = ?", token_digest(token)
    else:
        nickname = user.display_name
        key_sql, key = "user_id = ?", user.id
    with immediate(db):
        ended = db.execute("SELECT ended_at FROM workshops WHERE id = ?", [workshop_id]).fetchone()
        if ended is None:
            raise WorkshopError(NO_SUCH_CODE)
        if ended[0] is not None:
            raise WorkshopError(ENDED)
        row = db.execute(
            f"SELECT id, workshop_id, nickname, user_id FROM workshop_participants WHERE workshop_id = ? AND {key_sql}",
            [workshop_id, key],
        ).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO workshop_participants (workshop_id, nickname, token_hash, user_id, joined_at) VALUES (?, ?, ?, ?, ?)",
                [
                    workshop_id,
                    nickname,
                    None if user else token_digest(token or ""),
                    user.id if user else None,
                    iso(now),
                ],
            )
            row = db.execute(
                f"SELECT id, workshop_id, nickname, user_id FROM workshop_participants WHERE workshop_id = ? AND {key_sql}",
                [workshop_id, key],
            ).fetchone()
    return Participant(*row)


def cast_vote(
    db: Database,
    participant: Participant,
    position: int,
    round_: int,
    grade: Grade,
    now: datetime,
    xapi: Statements | None = None,
) -> None:
    """Record the participant's vote in this round, replacing an earlier one while voting is open.

    Checked and written in one write transaction: a vote that arrives after
    voting closed, or for a scenario the room has moved on from, is refused.
    A signed-in learner's vote also goes on their record as a workshop answer,
    and its xAPI statement into the outbox.
    """
    with immediate(db):
        workshop = _get(db, participant.workshop_id, now)
        if workshop is None:
            raise WorkshopError(NO_SUCH_CODE)
        refused = vote_refused(position, round_, workshop.stage)
        if refused:
            raise WorkshopError(refused)
        entry = workshop.entries[position]
        assert isinstance(entry, DeckEntry)  # vote_refused refuses a vote on a role-play
        db.execute(
            """INSERT INTO workshop_votes (workshop_id, participant_id, position, round, option_id, voted_at)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (participant_id, position, round)
               DO UPDATE SET option_id = excluded.option_id, voted_at = excluded.voted_at""",
            [participant.workshop_id, participant.id, position, round_, grade.option_id, iso(now)],
        )
        if participant.user_id is not None:
            _record_for_learner(
                db, participant, entry.quiz_id, entry.scenario_id, grade, now, workshop.option_seed
            )
        outbox.record(db, xapi)


def _record_for_learner(
    db: Database,
    participant: Participant,
    quiz_id: str,
    scenario_id: str,
    grade: Grade,
    now: datetime,
    option_seed: int | None,
) -> None:
    # The record holds the learner's latest vote on the scenario: a revote or a
    # changed mind replaces it, as the first-vote history stays in workshop_votes.
    # The attempt carries the Workshop's option order, so its review shows the
    # letters the room saw.
    user_id = participant.user_id
    assert user_id is not None  # only called for a signed-in learner
    link = db.execute(
        "SELECT attempt_id FROM workshop_attempts WHERE workshop_id = ? AND user_id = ? AND quiz_id = ?",
        [participant.workshop_id, user_id, quiz_id],
    ).fetchone()
    if link is None:
        attempt_id = new_attempt(
            db, user_id, quiz_id, now, source="workshop", option_seed=option_seed
        )
        db.execute(
            "INSERT INTO workshop_attempts (workshop_id, user_id, quiz_id, attempt_id) VALUES (?, ?, ?, ?)",
            [participant.workshop_id, user_id, quiz_id, attempt_id],
        )
    else:
        attempt_id = link[0]
    write_answer(db, attempt_id, user_id, quiz_id, scenario_id, grade, now, replace=True)


def votes_of(
    db: Database, participant_id: int, position: int, move: int | None = None
) -> dict[int, str]:
    """The participant's vote in each round on one scenario (or, with `move`, one role-play
    step): {round: option id}."""
    if move is None:
        sql = (
            "SELECT round, option_id FROM workshop_votes WHERE participant_id = ? AND position = ?"
        )
        return dict(db.execute(sql, [participant_id, position]).fetchall())
    sql = """SELECT round, option_id FROM workshop_roleplay_votes
             WHERE participant_id = ? AND position = ? AND move = ?"""
    return dict(db.execute(sql, [participant_id, position, move]).fetchall())


def final_votes_of(db: Database, participant_id: int) -> dict[int, str]:
    """The participant's final vote on each scenario they voted on: {position: option id}."""
    return dict(
        db.execute(
            """SELECT position, option_id FROM workshop_votes v
               WHERE participant_id = ?
                 AND round = (SELECT max(round) FROM workshop_votes
                              WHERE participant_id = v.participant_id AND position = v.position)
               ORDER BY position""",
            [participant_id],
        ).fetchall()
    )


def workshop_answers_of(db: Database, user_id: int) -> list[WorkshopAnswer]:
    """The learner's own workshop answers, newest Workshop first."""
    return [
        WorkshopAnswer(*row)
        for row in db.execute(
            """SELECT w.title, w.started_at, a.quiz_id, a.scenario_id, a.option_id, a.points,
                      a.max_points, w.option_seed
               FROM workshop_attempts l
               JOIN workshops w ON w.id = l.workshop_id
               JOIN answers a ON a.attempt_id = l.attempt_id
               WHERE l.user_id = ?
               ORDER BY w.started_at DESC, w.id DESC, a.id""",
            [user_id],
        )
    ]


# Live role-plays ---------------------------------------------------------------

_MOVE_COLUMNS = (
    "move, step_id, option_id, room_option_id, chosen_by, round, points, leads_to, ending_points"
)


def moves_of(db: Database, workshop_id: int, position: int) -> list[Move]:
    """The decisions the room has made in the role-play at position, in order: its route so far."""
    return [
        Move(*row)
        for row in db.execute(
            f"""SELECT {_MOVE_COLUMNS} FROM workshop_roleplay_moves
                WHERE workshop_id = ? AND position = ? ORDER BY move""",
            [workshop_id, position],
        )
    ]


def cast_roleplay_vote(
    db: Database,
    participant: Participant,
    position: int,
    move: int,
    round_: int,
    option_id: str,
    now: datetime,
    xapi: Statements | None = None,
) -> None:
    """Record the participant's vote on a role-play step, replacing an earlier one while voting is open.

    The vote names the step it was cast for (`move`: the decisions made before it):
    one that arrives after voting closed, or after the room decided that step and
    moved on, is refused with a sentence saying which vote was lost. Role-play votes
    go on no learner's record: the route is the room's, not theirs. A signed-in
    learner's vote still sends its xAPI statement, as a scenario vote does.
    """
    with immediate(db):
        workshop = _get(db, participant.workshop_id, now)
        if workshop is None:
            raise WorkshopError(NO_SUCH_CODE)
        refused = vote_refused(position, round_, workshop.stage, move)
        if refused:
            raise WorkshopError(refused)
        db.execute(
            """INSERT INTO workshop_roleplay_votes
                   (workshop_id, participant_id, position, move, round, option_id, voted_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (participant_id, position, move, round)
               DO UPDATE SET option_id = excluded.option_id, voted_at = excluded.voted_at""",
            [participant.workshop_id, participant.id, position, move, round_, option_id, iso(now)],
        )
        outbox.record(db, xapi)


def follow(
    db: Database,
    viewer: User,
    workshop_id: int,
    roleplay: Roleplay,
    option_id: str | None,
    now: datetime,
    *,
    drawn_for: int | None = None,
) -> Move:
    """Record the option the room follows at the role-play step it is on, and move on to where it leads.

    option_id None follows the room (its most-voted option); another option is the
    facilitator's choice, recorded as an override when the room had a choice. It is
    read, checked and written in one write transaction with the stage version the
    control was drawn for, so a double click or a second tab never decides a step
    twice. The next step starts closed, on a first vote with fresh votes.
    """
    with immediate(db):
        workshop = _check_runs(viewer, _get(db, workshop_id, now))
        stage = workshop.stage
        if drawn_for is not None and drawn_for != stage.version:
            raise WorkshopError(moved_on(stage))
        if stage.ended:
            raise WorkshopError("This workshop has ended.")
        entry = workshop.entries[stage.position] if stage.position != JOIN_SCREEN else None
        if not isinstance(entry, RoleplayEntry) or entry.roleplay_id != roleplay.id:
            raise WorkshopError(f"Nothing was chosen: the room is on {stage.where}.")
        if stage.finished:
            raise WorkshopError(ROLEPLAY_ENDED)
        if not stage.revealed:
            raise WorkshopError("Reveal the vote first, then choose the option the room follows.")
        votes = _votes(db, workshop_id, stage.position, stage.round, stage.move)
        move = decide(
            roleplay, moves_of(db, workshop_id, stage.position), votes, stage.round, option_id
        )
        db.execute(
            f"""INSERT INTO workshop_roleplay_moves
                    (workshop_id, position, {_MOVE_COLUMNS}, chosen_by_user, chosen_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                workshop_id,
                stage.position,
                move.number,
                move.step_id,
                move.option_id,
                move.room_option_id,
                move.chosen_by,
                move.round,
                move.points,
                move.leads_to,
                move.ending_points,
                viewer.id,
                iso(now),
            ],
        )
        db.execute(
            "UPDATE workshop_scenarios SET round = 1, revealed = 0 WHERE workshop_id = ? AND position = ?",
            [workshop_id, stage.position],
        )
        db.execute(
            """UPDATE workshops SET voting_open = 0, results_shown = 0, voting_closes_at = NULL,
                   version = version + 1
               WHERE id = ?""",
            [workshop_id],
        )
    return move


def roleplay_votes(
    db: Database, viewer: User, workshop_id: int
) -> dict[tuple[int, int], dict[int, dict[str, int]]]:
    """Votes per option on every role-play step, for the summary: {(position, move): {round: {option id: votes}}}."""
    _check_runs(viewer, _get_row_only(db, workshop_id))
    found: dict[tuple[int, int], dict[int, dict[str, int]]] = {}
    for position, move, round_, option_id, count in db.execute(
        """SELECT position, move, round, option_id, count(*) FROM workshop_roleplay_votes
           WHERE workshop_id = ? GROUP BY position, move, round, option_id""",
        [workshop_id],
    ):
        found.setdefault((position, move), {}).setdefault(round_, {})[option_id] = count
    return found


# The server's public address ---------------------------------------------------

PUBLIC_URL = "public_url"


def public_url(db: Database) -> str | None:
    """The public address an admin set for join links and QR codes, or None."""
    row = db.execute("SELECT value FROM server_settings WHERE name = ?", [PUBLIC_URL]).fetchone()
    return row[0] if row else None


def set_public_url(db: Database, viewer: User, text: str, now: datetime) -> str | None:
    """Set (or, with blank text, clear) the public address; admins only. Returns it as stored."""
    if not viewer.has_role("admin"):
        raise NotAllowed("Only an admin can change the server's address.")
    url = clean_public_url(text)
    with immediate(db):
        if url is None:
            db.execute("DELETE FROM server_settings WHERE name = ?", [PUBLIC_URL])
        else:
            db.execute(
                """INSERT INTO server_settings (name, value, updated_by, updated_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET value = excluded.value,
                       updated_by = excluded.updated_by, updated_at = excluded.updated_at""",
                [PUBLIC_URL, url, viewer.id, iso(now)],
            )
    return url
