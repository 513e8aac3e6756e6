"""Writing a generated organisation into the database in bulk, and clearing it out again."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from sqlite_utils import Database

from arrowhead import review
from arrowhead.demo import DemoLearner
from arrowhead.quizzes import MAX_POINTS
from arrowhead.review import Mark
from arrowhead.store import changes, reviews
from arrowhead.store.database import immediate, iso
from arrowhead.teams import INVITE_LENGTH, TeamError, new_code

BATCH = 250
"""Learners written per executemany round: memory stays flat at any size."""


@dataclass(frozen=True)
class DemoCounts:
    """What a demo run wrote."""

    teams: int
    learners: int
    attempts: int
    answers: int


def real_users(db: Database) -> int:
    """How many accounts are not demo accounts."""
    return db.execute(
        "SELECT count(*) FROM users WHERE id NOT IN (SELECT user_id FROM demo_accounts)"
    ).fetchone()[0]


def real_users_in_demo_teams(db: Database) -> list[str]:
    """Usernames of real accounts that learn in or manage a demo team: a new demo run
    replaces those teams, which leaves these people in no team."""
    return [
        row[0]
        for row in db.execute(
            """SELECT username FROM users
            WHERE id NOT IN (SELECT user_id FROM demo_accounts)
              AND (id IN (SELECT user_id FROM team_members
                          WHERE team_id IN (SELECT team_id FROM demo_teams))
                OR id IN (SELECT user_id FROM team_managers
                          WHERE team_id IN (SELECT team_id FROM demo_teams)))
            ORDER BY username"""
        )
    ]


def _clear_demo(db: Database) -> None:
    demo = "SELECT user_id FROM demo_accounts"
    # A demo learner's role-play runs go too, their choices first (they reference the runs).
    db.execute(
        f"""DELETE FROM roleplay_choices WHERE run_id IN (
              SELECT id FROM roleplay_runs WHERE user_id IN ({demo}))"""
    )
    db.execute(f"DELETE FROM roleplay_runs WHERE user_id IN ({demo})")
    for table in (
        "practice_answers",
        "practice_rounds",
        "reviews",
        "answers",
        "attempts",
        "section_reads",
        "last_places",
        "logins",
        "password_resets",
        "team_members",
        "team_managers",
        "user_roles",
    ):
        db.execute(f"DELETE FROM {table} WHERE user_id IN ({demo})")
    demo_teams = "SELECT team_id FROM demo_teams"
    # Work and notes someone set on demo people or teams go with them; the audit log stays.
    db.execute(
        f"""DELETE FROM assignments WHERE user_id IN ({demo}) OR assigned_by IN ({demo})
            OR team_id IN ({demo_teams})"""
    )
    db.execute(f"DELETE FROM coaching_notes WHERE learner_id IN ({demo}) OR author_id IN ({demo})")
    db.execute(f"DELETE FROM team_members WHERE team_id IN ({demo_teams})")
    db.execute(f"DELETE FROM team_managers WHERE team_id IN ({demo_teams})")
    # The markers reference the rows they mark, so they go first, their ids kept.
    users = json.dumps([r[0] for r in db.execute(demo)])
    teams = json.dumps([r[0] for r in db.execute(demo_teams)])
    db.execute("DELETE FROM demo_accounts")
    db.execute("DELETE FROM demo_teams")
    db.execute("DELETE FROM users WHERE id IN (SELECT value FROM json_each(?))", [users])
    db.execute("DELETE FROM teams WHERE id IN (SELECT value FROM json_each(?))", [teams])


def write_organisation(
    db: Database,
    team_names: list[str],
    staff: list[tuple[str, str, tuple[str, ...]]],
    learners: Iterable[DemoLearner],
    password_hash: str,
    now: datetime,
    on_learner: Callable[[int], None] = lambda n: None,
) -> DemoCounts:
    """Replace any earlier demo organisation with this one, in one transaction.

    `staff` are (username, display name, roles); staff with the manager role
    manage the team of the same position in `team_names`. Every demo account
    gets the same password hash, computed once by the caller.
    """
    counts = {"learners": 0, "attempts": 0, "answers": 0}
    # With triggers on the tables written (store.changes), SQLite keeps a statement journal
    # for each insert; on disk that tripled the build's system time. In memory for this
    # write only: elsewhere big sorts (the every-answer export) should spill to disk.
    temp_store = db.execute("PRAGMA temp_store").fetchone()[0]
    db.execute("PRAGMA temp_store = MEMORY")
    try:
        with immediate(db):
            _clear_demo(db)
            team_ids: list[int] = []
            for name in team_names:
                if db.execute("SELECT 1 FROM teams WHERE name = ?", [name]).fetchone():
                    raise TeamError(f"A team named {name!r} already exists outside the demo.")
                team_id = db.execute(
                    "INSERT INTO teams (name, invite_code, created_at) VALUES (?, ?, ?)",
                    [name, new_code(INVITE_LENGTH), iso(now)],
                ).lastrowid
                assert team_id is not None
                team_ids.append(team_id)
                db.execute("INSERT INTO demo_teams (team_id) VALUES (?)", [team_id])
            managers = 0
            for username, display_name, roles in staff:
                user_id = _insert_user(db, username, display_name, password_hash, now)
                db.conn.executemany(
                    "INSERT INTO user_roles (user_id, role) VALUES (?, ?)",
                    [(user_id, r) for r in roles],
                )
                if "manager" in roles and managers < len(team_ids):
                    db.execute(
                        "INSERT INTO team_managers (team_id, user_id) VALUES (?, ?)",
                        [team_ids[managers], user_id],
                    )
                    managers += 1
            iterator = iter(learners)
            # Every row below belongs to a new demo account: logged once, at the end.
            with changes.bulk(db, "SELECT user_id FROM demo_accounts"):
                while batch := list(islice(iterator, BATCH)):
                    _write_batch(db, batch, team_ids, password_hash, counts)
                    on_learner(len(batch))
    except sqlite3.IntegrityError as err:
        raise TeamError(f"The demo organisation clashes with existing records ({err}).") from None
    finally:
        db.execute(f"PRAGMA temp_store = {int(temp_store)}")
    return DemoCounts(teams=len(team_ids), **counts)


def _insert_user(
    db: Database, username: str, display_name: str, password_hash: str, joined: datetime
) -> int:
    user_id = db.execute(
        "INSERT INTO users (username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?)",
        [username, display_name, password_hash, iso(joined)],
    ).lastrowid
    db.execute("INSERT INTO demo_accounts (user_id) VALUES (?)", [user_id])
    assert user_id is not None
    return user_id


def _write_batch(
    db: Database,
    batch: list[DemoLearner],
    team_ids: list[int],
    password_hash: str,
    counts: dict[str, int],
) -> None:
    next_attempt = db.execute("SELECT coalesce(max(id), 0) + 1 FROM attempts").fetchone()[0]
    next_run = db.execute("SELECT coalesce(max(id), 0) + 1 FROM roleplay_runs").fetchone()[0]
    runs: list[tuple] = []
    choices: list[tuple] = []
    roles: list[tuple] = []
    members: list[tuple] = []
    reads: list[tuple] = []
    attempts: list[tuple] = []
    answers: list[tuple] = []
    for learner in batch:
        user_id = _insert_user(
            db, learner.username, learner.display_name, password_hash, learner.joined_at
        )
        roles.append((user_id, "learner"))
        members.append((user_id, team_ids[learner.team], iso(learner.joined_at)))
        reads.extend((user_id, m, s, iso(at)) for m, s, at in learner.reads)
        for attempt in learner.attempts:
            attempts.append(
                (
                    next_attempt,
                    user_id,
                    attempt.quiz_id,
                    attempt.source,
                    iso(attempt.started_at),
                    iso(attempt.finished_at) if attempt.finished_at else None,
                    attempt.score,
                    None if attempt.passed is None else int(attempt.passed),
                    attempt.option_seed,
                )
            )
            answers.extend(
                (
                    next_attempt,
                    user_id,
                    attempt.quiz_id,
                    a.scenario_id,
                    a.option_id,
                    a.points,
                    MAX_POINTS,
                    a.style,
                    a.behaviour,
                    iso(a.answered_at),
                    a.best_style,
                )
                for a in attempt.answers
            )
            next_attempt += 1
        for run in learner.runs:
            runs.append(
                (
                    next_run,
                    user_id,
                    run.roleplay_id,
                    iso(run.started_at),
                    iso(run.finished_at),
                    run.ending_id,
                    run.score,
                )
            )
            choices.extend(
                (
                    next_run,
                    position,
                    c.step_id,
                    c.option_id,
                    c.points,
                    MAX_POINTS,
                    c.style,
                    c.behaviour,
                    iso(c.chosen_at),
                )
                for position, c in enumerate(run.choices)
            )
            next_run += 1
        # Bulk inserts bypass write_answer: work the review schedule out from the same answers.
        reviews.store(
            db,
            user_id,
            review.schedule(
                Mark(attempt.quiz_id, a.scenario_id, a.answered_at, a.points >= MAX_POINTS)
                for attempt in learner.attempts
                for a in attempt.answers
            ),
        )
    db.conn.executemany("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", roles)
    db.conn.executemany(
        "INSERT INTO team_members (user_id, team_id, joined_at) VALUES (?, ?, ?)", members
    )
    db.conn.executemany(
        "INSERT INTO section_reads (user_id, module_id, section_id, read_at) VALUES (?, ?, ?, ?)",
        reads,
    )
    db.conn.executemany(
        """INSERT INTO attempts (id, user_id, quiz_id, source, started_at, finished_at, score,
           passed, option_seed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        attempts,
    )
    db.conn.executemany(
        """INSERT INTO answers (attempt_id, user_id, quiz_id, scenario_id, option_id, points,
           max_points, style, behaviour, answered_at, best_style)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        answers,
    )
    db.conn.executemany(
        """INSERT INTO roleplay_runs (id, user_id, roleplay_id, source, started_at, finished_at,
           ending_id, score) VALUES (?, ?, ?, 'self', ?, ?, ?, ?)""",
        runs,
    )
    db.conn.executemany(
        """INSERT INTO roleplay_choices (run_id, position, step_id, option_id, points,
           max_points, style, behaviour, chosen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        choices,
    )
    counts["learners"] += len(batch)
    counts["attempts"] += len(attempts)
    counts["answers"] += len(answers)
