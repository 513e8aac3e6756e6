"""Teams, managers, members and what a manager may read about them.

Every read takes the viewer and answers only within their scope: an admin sees
every team, a manager the teams they manage, a learner only themselves. A team
id or learner id outside that scope gives nothing back, whatever page asked.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import string
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from arrowhead.accounts import ROLES, User
from arrowhead.course import Course
from arrowhead.scoring import Choice
from arrowhead.store import accounts, audit, snapshots

# The core set must be registered first: these migrations index its tables.
from arrowhead.store import schema as _core  # noqa: F401
from arrowhead.store.database import MIGRATION_SETS, immediate, iso
from arrowhead.store.learning import _ATTEMPT_COLUMNS, Attempt, _attempt
from arrowhead.teams import (
    INVITE_LENGTH,
    LOWER,
    MAX_TYPED_CODE,
    MIDDLE,
    UPPER,
    CommandLine,
    LearnerRecord,
    OptionTally,
    QuizRecord,
    TeamError,
    clean_team_name,
    new_code,
    normalise_code,
)

team_migrations = Migrations("arrowhead-teams")
MIGRATION_SETS.append(team_migrations)

Actor = User | CommandLine
"""Who asks for a change: a signed-in user, or the operator at the shell."""


def _run(db: Database, *statements: str) -> None:
    # executescript() would commit the migration's transaction half-way: run one by one.
    for statement in statements:
        db.execute(statement)


@team_migrations()
def create_teams(db: Database) -> None:
    """Teams, who manages them, who is in them; reset codes; which accounts are demo data."""
    _run(
        db,
        """CREATE TABLE teams (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            invite_code TEXT NOT NULL UNIQUE,      -- joining through the team's invite link
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE team_managers (
            team_id INTEGER NOT NULL REFERENCES teams(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            PRIMARY KEY (team_id, user_id)
        )""",
        "CREATE INDEX team_managers_by_user ON team_managers(user_id)",
        # One row per learner: a learner is in one team at a time. Their
        # attempts and answers belong to them, not the team, so a move keeps them.
        """CREATE TABLE team_members (
            user_id INTEGER PRIMARY KEY REFERENCES users(id),
            team_id INTEGER NOT NULL REFERENCES teams(id),
            joined_at TEXT NOT NULL
        )""",
        "CREATE INDEX team_members_by_team ON team_members(team_id, user_id)",
        """CREATE TABLE password_resets (
            code_hash TEXT PRIMARY KEY,            -- sha256 of the one-time code; the code is never stored
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )""",
        "CREATE INDEX password_resets_by_user ON password_resets(user_id)",
        """CREATE TABLE demo_accounts (
            user_id INTEGER PRIMARY KEY REFERENCES users(id)
        )""",
        """CREATE TABLE demo_teams (
            team_id INTEGER PRIMARY KEY REFERENCES teams(id)
        )""",
    )


@team_migrations()
def index_for_team_views(db: Database) -> None:
    """Indexes the manager's overview and scenario insight need at 5,000 learners."""
    _run(
        db,
        # First attempts: the lowest self-paced attempt id per learner and quiz.
        "CREATE INDEX attempts_by_user_source_quiz ON attempts(user_id, source, quiz_id, id)",
        # Covers the style profile's tallies without reading the answer rows.
        "CREATE INDEX answers_profile ON answers(user_id, style, behaviour, points, max_points)",
    )


@team_migrations()
def index_for_fit_profile(db: Database) -> None:
    """Cover the fit profile's tallies (by called-for style and style chosen) instead of the old ones."""
    _run(
        db,
        "DROP INDEX answers_profile",
        """CREATE INDEX answers_fit_profile
           ON answers(user_id, best_style, style, behaviour, points, max_points)""",
    )


@dataclass(frozen=True)
class Team:
    """A group of learners with one or more managers."""

    id: int
    name: str
    """Entered by an admin: shown as plain text."""
    invite_code: str
    managers: tuple[str, ...]
    """Display names of the managers."""
    learners: int
    """Active members."""


# ---------------------------------------------------------------- scope


def _roles(db: Database, user_id: int) -> set[str]:
    # Roles are read again on every check: a User value from earlier in the
    # run cannot grant more than the database says now.
    row = db.execute("SELECT active FROM users WHERE id = ?", [user_id]).fetchone()
    if row is None or not row[0]:
        return set()
    return {r[0] for r in db.execute("SELECT role FROM user_roles WHERE user_id = ?", [user_id])}


def is_admin(db: Database, actor: Actor) -> bool:
    """Whether the actor may administer the organisation."""
    return isinstance(actor, CommandLine) or "admin" in _roles(db, actor.id)


def _require_admin(db: Database, actor: Actor) -> None:
    if not is_admin(db, actor):
        raise TeamError("Only an admin can do that.")


def visible_team_ids(db: Database, viewer: User) -> list[int]:
    """The teams whose learners the viewer may see: all for an admin, their own for a manager."""
    roles = _roles(db, viewer.id)
    if "admin" in roles:
        return [r[0] for r in db.execute("SELECT id FROM teams ORDER BY name")]
    if "manager" in roles:
        return [
            r[0]
            for r in db.execute(
                """SELECT t.id FROM teams t JOIN team_managers m ON m.team_id = t.id
                   WHERE m.user_id = ? ORDER BY t.name""",
                [viewer.id],
            )
        ]
    return []


NO_TEAM = 0
"""Stands for the learners in no team where a team id is asked for: no team has id 0."""


def _scope(db: Database, viewer: User, team_id: int | None) -> list[int]:
    if team_id == NO_TEAM:
        # Learners outside every team are an admin's to see; nobody manages them.
        return [NO_TEAM] if is_admin(db, viewer) else []
    allowed = visible_team_ids(db, viewer)
    if team_id is None:
        return allowed
    return [team_id] if team_id in allowed else []


# Active members of the teams given as a JSON array (NO_TEAM in it: learners in
# no team): every team read starts here. Driven from users so rows come in user
# id order: the groupings below then stream down the indexes instead of sorting
# a million answers.
_SCOPE_OF = """scope(user_id) AS (
    SELECT u.id FROM users u WHERE u.active = 1 {only} AND u.id IN (
        SELECT m.user_id FROM team_members m
        WHERE m.team_id IN (SELECT value FROM json_each(:teams))
        UNION ALL
        SELECT r.user_id FROM user_roles r
        WHERE r.role = 'learner' AND 0 IN (SELECT value FROM json_each(:teams))
          AND r.user_id NOT IN (SELECT user_id FROM team_members)))"""
_SCOPE = _SCOPE_OF.format(only="")
# The same, narrowed to the learners given as a JSON array (:some): those whose records changed.
_SOME_OF_SCOPE = _SCOPE_OF.format(only="AND u.id IN (SELECT value FROM json_each(:some))")


def scope_of(db: Database, viewer: User, team_id: int | None) -> tuple[str, dict[str, str]]:
    """A `scope(user_id)` CTE of the active learners of a team in the viewer's scope (all of
    them for None; learners in no team for NO_TEAM, an admin's only) and its parameters: the
    start of another store's team read."""
    return _SCOPE, {"teams": json.dumps(_scope(db, viewer, team_id))}


def teams_for(db: Database, viewer: User) -> list[Team]:
    """The teams the viewer may see, by name."""
    return _teams(db, visible_team_ids(db, viewer))


def team_for(db: Database, viewer: User, team_id: int) -> Team | None:
    """The team if the viewer may see it, else None."""
    found = _teams(db, _scope(db, viewer, team_id))
    return found[0] if found else None


def _teams(db: Database, team_ids: list[int]) -> list[Team]:
    rows = db.execute(
        """SELECT t.id, t.name, t.invite_code,
             (SELECT json_group_array(u.display_name) FROM team_managers m
              JOIN users u ON u.id = m.user_id WHERE m.team_id = t.id),
             (SELECT count(*) FROM team_members m JOIN users u ON u.id = m.user_id
              WHERE m.team_id = t.id AND u.active = 1)
           FROM teams t WHERE t.id IN (SELECT value FROM json_each(?)) ORDER BY t.name""",
        [json.dumps(team_ids)],
    )
    return [
        Team(id=r[0], name=r[1], invite_code=r[2], managers=tuple(json.loads(r[3])), learners=r[4])
        for r in rows
    ]


def manages(db: Database, viewer: User, user_id: int) -> bool:
    """Whether the viewer may see this person's records: their own, anyone's (admins), or their team's."""
    roles = _roles(db, viewer.id)
    if viewer.id == user_id:
        return bool(roles)
    if "admin" in roles:
        # Admins see everyone, a learner in no team included: the learner is told so.
        return db.execute("SELECT 1 FROM users WHERE id = ?", [user_id]).fetchone() is not None
    row = db.execute("SELECT team_id FROM team_members WHERE user_id = ?", [user_id]).fetchone()
    return row is not None and row[0] in visible_team_ids(db, viewer)


# ---------------------------------------------------------------- the overview


def learner_records(
    db: Database, viewer: User, team_id: int | None, course: Course
) -> list[LearnerRecord]:
    """The overview's records for a team the viewer may see (or all of them), by name."""
    teams = json.dumps(_scope(db, viewer, team_id))
    # Kept until the next commit: for all 50 teams it is most of All teams' time. The scope
    # was checked above, on the viewer's own connection; the key holds what it allowed.
    steps = (
        tuple(f"{m.id}/{s.id}" for m in course.modules for s in m.sections),
        tuple(q.id for q in course.quizzes),
        tuple(r.id for r in course.roleplays),
    )
    key = ("learner_records", teams, steps)

    def read(some: list[int] | None) -> dict[int, LearnerRecord]:
        if some is None:
            found = _records(db, _SCOPE, {"teams": teams}, course)
        else:
            found = _records(db, _SOME_OF_SCOPE, {"teams": teams, "some": json.dumps(some)}, course)
        return {r.user_id: r for r in found}

    # After a commit only the learners it touched are read again (snapshots.by_learner).
    return list(
        snapshots.kept(
            db,
            key,
            lambda: tuple(sorted(snapshots.by_learner(db, key, read).values(), key=_by_name)),
        )
    )


_ASCII_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _by_name(record: LearnerRecord) -> tuple[str, int]:
    # ORDER BY display_name COLLATE NOCASE, id: NOCASE folds ASCII letters only, and
    # SQLite's byte order of UTF-8 text is Python's order of code points.
    return record.display_name.translate(_ASCII_FOLD), record.user_id


def learner_record(
    db: Database, viewer: User, user_id: int, course: Course
) -> LearnerRecord | None:
    """One learner's overview record, if the viewer may see them; else None."""
    if not manages(db, viewer, user_id):
        return None
    found = _records(db, "scope(user_id) AS (SELECT :user)", {"user": user_id}, course)
    return found[0] if found else None


def _records(db: Database, scope: str, params: dict, course: Course) -> list[LearnerRecord]:
    sections = json.dumps([f"{m.id}/{s.id}" for m in course.modules for s in m.sections])
    quizzes = json.dumps([q.id for q in course.quizzes])
    read = dict(
        db.execute(
            f"""WITH {scope}
                SELECT r.user_id, count(*) FROM section_reads r JOIN scope USING (user_id)
                WHERE r.module_id || '/' || r.section_id IN (SELECT value FROM json_each(:sections))
                GROUP BY r.user_id""",
            {**params, "sections": sections},
        ).fetchall()
    )
    results: dict[int, list[QuizRecord]] = {}
    for user_id, quiz_id, best, passed, failures in db.execute(
        f"""WITH {scope}
            SELECT a.user_id, a.quiz_id, max(a.score), max(a.passed), sum(a.passed = 0)
            FROM attempts a JOIN scope USING (user_id)
            WHERE a.source = 'self' AND a.finished_at IS NOT NULL
              AND a.quiz_id IN (SELECT value FROM json_each(:quizzes))
            GROUP BY a.user_id, a.quiz_id""",
        {**params, "quizzes": quizzes},
    ):
        results.setdefault(user_id, []).append(
            QuizRecord(quiz_id=quiz_id, best=best, passed=bool(passed), failures=failures)
        )
    played: dict[int, int] = {}
    if course.roleplays:
        played = dict(
            db.execute(
                f"""WITH {scope}
                    SELECT r.user_id, count(DISTINCT r.roleplay_id)
                    FROM roleplay_runs r JOIN scope USING (user_id)
                    WHERE r.source = 'self' AND r.finished_at IS NOT NULL
                      AND r.roleplay_id IN (SELECT value FROM json_each(:roleplays))
                    GROUP BY r.user_id""",
                {**params, "roleplays": json.dumps([r.id for r in course.roleplays])},
            ).fetchall()
        )
    records = []
    # Correlated max() per learner: each is one step down an index, where a
    # GROUP BY over the answers would read every answer in scope.
    for user_id, name, username, answered, read_at, started, team in db.execute(
        f"""WITH {scope}
            SELECT u.id, u.display_name, u.username,
              (SELECT max(answered_at) FROM answers WHERE user_id = u.id),
              (SELECT max(read_at) FROM section_reads WHERE user_id = u.id),
              (SELECT max(started_at) FROM attempts WHERE user_id = u.id),
              (SELECT t.name FROM team_members m JOIN teams t ON t.id = m.team_id
               WHERE m.user_id = u.id)
            FROM scope JOIN users u ON u.id = scope.user_id
            ORDER BY u.display_name COLLATE NOCASE, u.id""",
        params,
    ):
        moments = [m for m in (answered, read_at, started) if m]
        records.append(
            LearnerRecord(
                user_id=user_id,
                display_name=name,
                username=username,
                sections_read=read.get(user_id, 0),
                quizzes=tuple(results.get(user_id, ())),
                last_active=datetime.fromisoformat(max(moments)) if moments else None,
                team=team or "",
                roleplays_finished=played.get(user_id, 0),
            )
        )
    return records


def choice_tallies(
    db: Database, viewer: User, team_id: int | None, best_styles: Mapping[str, str]
) -> dict[int, list[Choice]]:
    """Every answer in scope (workshop answers too), counted by learner, by the style the
    situation called for, the style chosen and the behaviour: counted Choices for the profile.

    best_styles (scenario id -> its best move's style) stands in for the copy
    that answers stored before it was kept lack.
    """
    return _choice_tallies(
        db, _SCOPE, {"teams": json.dumps(_scope(db, viewer, team_id))}, best_styles
    )


def choice_tallies_of(
    db: Database, viewer: User, user_id: int, best_styles: Mapping[str, str]
) -> list[Choice]:
    """One learner's answers counted as choice_tallies counts them, if the viewer may see them."""
    if not manages(db, viewer, user_id):
        return []
    found = _choice_tallies(db, "scope(user_id) AS (SELECT :user)", {"user": user_id}, best_styles)
    return found.get(user_id, [])


# Counted in SQL, streaming down answers_fit_profile in user id order, so
# Python sees a few rows per learner and nothing is sorted.
_CHOICE_TALLIES = """
    SELECT an.user_id, an.best_style, an.style, an.behaviour,
      count(*), sum(an.points), sum(an.max_points)
    FROM scope JOIN answers an ON an.user_id = scope.user_id
    WHERE an.best_style IS NOT NULL
    GROUP BY an.user_id, an.best_style, an.style, an.behaviour"""

# Answers stored before the best style was copied onto them: grouped by
# scenario as well, to look the best style up in the course. One index step per
# learner finds none on a database that has only newer answers.
_OLDER_CHOICE_TALLIES = """
    SELECT an.user_id, an.scenario_id, an.style, an.behaviour,
      count(*), sum(an.points), sum(an.max_points)
    FROM scope JOIN answers an ON an.user_id = scope.user_id
    WHERE an.best_style IS NULL
    GROUP BY an.user_id, an.scenario_id, an.style, an.behaviour"""


def _choice_tallies(
    db: Database, scope: str, params: dict, best_styles: Mapping[str, str]
) -> dict[int, list[Choice]]:
    tallies: dict[int, list[Choice]] = {}
    rows = [
        *db.execute(f"WITH {scope} {_CHOICE_TALLIES}", params),
        *(
            (user_id, best_styles.get(scenario_id), *rest)
            for user_id, scenario_id, *rest in db.execute(
                f"WITH {scope} {_OLDER_CHOICE_TALLIES}", params
            )
        ),
    ]
    for user_id, best_style, style, behaviour, count, points, max_points in rows:
        tallies.setdefault(user_id, []).append(
            Choice(
                points=points,
                max_points=max_points,
                style=style,
                behaviour=behaviour,
                best_style=best_style,
                count=count,
            )
        )
    return tallies


# ---------------------------------------------------------------- scenario insight

_FIRSTS = """firsts(id) AS (
    SELECT min(a.id) FROM scope JOIN attempts a ON a.user_id = scope.user_id AND a.source = 'self'
    WHERE :quiz IS NULL OR a.quiz_id = :quiz
    GROUP BY a.user_id, a.quiz_id)"""


def option_tallies(
    db: Database,
    viewer: User,
    team_id: int | None,
    upper: Iterable[int],
    lower: Iterable[int],
    quiz_id: str | None = None,
) -> list[OptionTally]:
    """First-attempt answers in scope counted by scenario, option and third of the learners."""
    rows = db.execute(
        f"""WITH {_SCOPE}, {_FIRSTS},
              upper(user_id) AS (SELECT value FROM json_each(:upper)),
              lower(user_id) AS (SELECT value FROM json_each(:lower))
            SELECT an.quiz_id, an.scenario_id, an.option_id,
              CASE WHEN an.user_id IN upper THEN '{UPPER}'
                   WHEN an.user_id IN lower THEN '{LOWER}' ELSE '{MIDDLE}' END AS third,
              count(*), sum(an.points), sum(an.max_points)
            FROM firsts JOIN answers an ON an.attempt_id = firsts.id
            GROUP BY an.quiz_id, an.scenario_id, an.option_id, third""",
        {
            "teams": json.dumps(_scope(db, viewer, team_id)),
            "quiz": quiz_id,
            "upper": json.dumps(sorted(upper)),
            "lower": json.dumps(sorted(lower)),
        },
    )
    return [OptionTally(*row) for row in rows]


def overall_scores(db: Database, viewer: User, team_id: int | None) -> dict[int, float]:
    """Each learner's overall score (0–1): points over possible points on all first-attempt answers."""
    return {
        user_id: earned / possible
        for user_id, earned, possible in db.execute(
            f"""WITH {_SCOPE}, {_FIRSTS}
                SELECT an.user_id, sum(an.points), sum(an.max_points)
                FROM firsts JOIN answers an ON an.attempt_id = firsts.id
                GROUP BY an.user_id""",
            {"teams": json.dumps(_scope(db, viewer, team_id)), "quiz": None},
        )
        if possible
    }


def certificates_earned(db: Database, viewer: User, team_id: int | None) -> dict[int, str]:
    """When each learner in a team the viewer may see (or all of them) earned their certificate,
    by learner id; learners without one are left out."""
    return dict(
        db.execute(
            f"""WITH {_SCOPE}
                SELECT c.user_id, c.earned_at FROM scope JOIN certificates c USING (user_id)""",
            {"teams": json.dumps(_scope(db, viewer, team_id))},
        ).fetchall()
    )


# ---------------------------------------------------------------- one learner


@dataclass(frozen=True)
class Member:
    """A learner as their manager sees them."""

    id: int
    display_name: str
    username: str
    team: str | None
    """The team's name, or None outside any team."""
    active: bool = True
    """False once an admin has deactivated them: they cannot sign in; their records stay."""


@dataclass(frozen=True)
class AnswerRow:
    """One answer with where it came from, for the learner view and the CSV."""

    user_id: int
    display_name: str
    username: str
    team: str | None
    attempt_id: int
    source: str
    """'self' or 'workshop'."""
    quiz_id: str
    scenario_id: str
    option_id: str
    points: int
    max_points: int
    style: str
    behaviour: str | None
    answered_at: str
    best_style: str | None
    """The style of the scenario's best move, as stored with the answer; None for older answers."""
    option_seed: int | None
    """The attempt's option order: Scenario.shuffled(option_seed) gives the letters shown."""


def member(db: Database, viewer: User, user_id: int) -> Member | None:
    """The learner if the viewer may see them (themselves, or someone in a team in scope)."""
    if not manages(db, viewer, user_id):
        return None
    row = db.execute(
        """SELECT u.id, u.display_name, u.username, t.name, u.active FROM users u
           LEFT JOIN team_members m ON m.user_id = u.id LEFT JOIN teams t ON t.id = m.team_id
           WHERE u.id = ?""",
        [user_id],
    ).fetchone()
    if row is None:
        return None
    user_id, name, username, team, active = row
    return Member(user_id, name, username, team, active=bool(active))


def attempts_of(db: Database, viewer: User, user_id: int) -> list[Attempt]:
    """The learner's attempts, oldest first, if the viewer may see them; else none."""
    if not manages(db, viewer, user_id):
        return []
    return [
        _attempt(row)
        for row in db.execute(
            f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE user_id = ? ORDER BY started_at, id",
            [user_id],
        )
    ]


def visible_attempt(db: Database, viewer: User, attempt_id: int) -> Attempt | None:
    """The attempt if it is the viewer's own or a learner's in their scope; else None."""
    row = db.execute(
        f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE id = ?",
        [attempt_id],
    ).fetchone()
    if row is None or not manages(db, viewer, row[1]):
        return None
    return _attempt(row)


_ANSWER_ROWS = """SELECT u.id, u.display_name, u.username, t.name, an.attempt_id, a.source,
    an.quiz_id, an.scenario_id, an.option_id, an.points, an.max_points, an.style, an.behaviour,
    an.answered_at, an.best_style, a.option_seed
  FROM answers an JOIN attempts a ON a.id = an.attempt_id JOIN users u ON u.id = an.user_id
  LEFT JOIN team_members m ON m.user_id = u.id LEFT JOIN teams t ON t.id = m.team_id"""


def answers_of(db: Database, viewer: User, user_id: int) -> list[AnswerRow]:
    """Every answer the learner gave, oldest first, if the viewer may see them; else none."""
    if not manages(db, viewer, user_id):
        return []
    return [
        AnswerRow(*row)
        for row in db.execute(_ANSWER_ROWS + " WHERE an.user_id = ? ORDER BY an.id", [user_id])
    ]


def team_answers(db: Database, viewer: User, team_id: int | None) -> list[AnswerRow]:
    """Every answer by the active learners of a team in scope (or all in scope), as a list."""
    return list(stream_team_answers(db, viewer, team_id))


# Rows fetched from SQLite at a time while streaming: big enough to keep the
# per-call overhead small, small enough that memory stays flat at a million.
ANSWER_CHUNK = 500


def _export_scope(db: Database, viewer: Actor, team_id: int | None) -> list[int]:
    # The operator at the shell may export every team, as an admin may.
    if isinstance(viewer, CommandLine):
        every = [r[0] for r in db.execute("SELECT id FROM teams ORDER BY name")]
        return every if team_id is None else [t for t in every if t == team_id]
    return _scope(db, viewer, team_id)


def stream_team_answers(db: Database, viewer: Actor, team_id: int | None) -> Iterator[AnswerRow]:
    """Every answer in scope, as team_answers orders them, fetched a chunk at a time."""
    cursor = db.execute(
        f"""WITH {_SCOPE} {_ANSWER_ROWS} JOIN scope ON scope.user_id = an.user_id
            ORDER BY u.display_name COLLATE NOCASE, u.id, an.id""",
        {"teams": json.dumps(_export_scope(db, viewer, team_id))},
    )
    try:
        while chunk := cursor.fetchmany(ANSWER_CHUNK):
            for row in chunk:
                yield AnswerRow(*row)
    finally:
        cursor.close()


def count_team_answers(db: Database, viewer: Actor, team_id: int | None) -> int:
    """How many answers stream_team_answers would give: for the estimate before building."""
    teams = json.dumps(_export_scope(db, viewer, team_id))
    key = ("count_team_answers", teams)

    def count(some: list[int] | None) -> dict[int, int]:
        scope, params = (
            (_SCOPE, {"teams": teams})
            if some is None
            else (_SOME_OF_SCOPE, {"teams": teams, "some": json.dumps(some)})
        )
        return dict(
            db.execute(
                f"""WITH {scope} SELECT an.user_id, count(*) FROM scope
                    JOIN answers an ON an.user_id = scope.user_id GROUP BY an.user_id""",
                params,
            ).fetchall()
        )

    # Counted per learner, so after a commit only the learners it touched are counted again.
    return snapshots.kept(db, key, lambda: sum(snapshots.by_learner(db, key, count).values()))


def answers_scope(db: Database, viewer: Actor, team_id: int | None) -> str:
    """A fingerprint of whose answers an export covers: the teams, their active learners, who is where.

    It changes when a learner joins, leaves, moves between teams, is deactivated or
    reactivated, or the viewer loses a team: a file built for the old fingerprint
    holds rows the viewer may no longer see, or lacks rows, and must not be served.
    """
    teams = _export_scope(db, viewer, team_id)
    members = db.execute(
        f"""WITH {_SCOPE} SELECT s.user_id, m.team_id FROM scope s
            JOIN team_members m ON m.user_id = s.user_id ORDER BY s.user_id""",
        {"teams": json.dumps(teams)},
    ).fetchall()
    return hashlib.sha256(json.dumps([teams, members]).encode()).hexdigest()


def who_can_see(db: Database, user_id: int) -> list[str]:
    """The display names of the managers who can see this learner's records."""
    return [
        r[0]
        for r in db.execute(
            """SELECT u.display_name FROM team_members mem
               JOIN team_managers man ON man.team_id = mem.team_id
               JOIN users u ON u.id = man.user_id
               WHERE mem.user_id = ? AND u.active = 1 AND u.id != ?
               ORDER BY u.display_name COLLATE NOCASE""",
            [user_id, user_id],
        )
    ]


def team_of(db: Database, user_id: int) -> str | None:
    """The name of the user's team, or None."""
    row = db.execute(
        "SELECT t.name FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id = ?",
        [user_id],
    ).fetchone()
    return row[0] if row else None


def team_id_of(db: Database, user_id: int) -> int | None:
    """The id of the user's team, or None."""
    row = db.execute("SELECT team_id FROM team_members WHERE user_id = ?", [user_id]).fetchone()
    return row[0] if row else None


# ---------------------------------------------------------------- setting up


def _new_invite(db: Database) -> str:
    while True:
        code = new_code(INVITE_LENGTH)
        if not db.execute("SELECT 1 FROM teams WHERE invite_code = ?", [code]).fetchone():
            return code


def create_team(db: Database, actor: Actor, name: str, now: datetime) -> Team:
    """A new team with a fresh invite code; admins only."""
    name = clean_team_name(name)
    with immediate(db):
        _require_admin(db, actor)
        try:
            cursor = db.execute(
                "INSERT INTO teams (name, invite_code, created_at) VALUES (?, ?, ?)",
                [name, _new_invite(db), iso(now)],
            )
        except sqlite3.IntegrityError:
            raise TeamError("There is already a team of that name.") from None
        team_id = cursor.lastrowid
        assert team_id is not None
        audit.record(db, actor, audit.TEAM_CREATED, now, team_id=team_id, detail=name)
    return _teams(db, [team_id])[0]


def rename_team(
    db: Database, actor: Actor, team_id: int, name: str, now: datetime | None = None
) -> None:
    """Give a team a new name; admins only."""
    name = clean_team_name(name)
    with immediate(db):
        _require_admin(db, actor)
        old = _team_name(db, team_id)
        try:
            changed = db.execute("UPDATE teams SET name = ? WHERE id = ?", [name, team_id]).rowcount
        except sqlite3.IntegrityError:
            raise TeamError("There is already a team of that name.") from None
        if changed and old != name:
            audit.record(
                db, actor, audit.TEAM_RENAMED, now, team_id=team_id, detail=f"{old} → {name}"
            )
    if not changed:
        raise TeamError("That team does not exist.")


def _team_name(db: Database, team_id: int | None) -> str:
    # For audit details: the name as it is at the time of the change.
    row = db.execute("SELECT name FROM teams WHERE id = ?", [team_id]).fetchone()
    return row[0] if row else "no team"


def renew_invite(db: Database, viewer: Actor, team_id: int, now: datetime | None = None) -> str:
    """A new invite code for the team, so the old link stops working; its manager or an admin."""
    with immediate(db):
        allowed = is_admin(db, viewer) or (
            isinstance(viewer, User) and team_id in visible_team_ids(db, viewer)
        )
        if not allowed:
            raise TeamError("Only the team's manager or an admin can renew its invite.")
        code = _new_invite(db)
        if not db.execute(
            "UPDATE teams SET invite_code = ? WHERE id = ?", [code, team_id]
        ).rowcount:
            raise TeamError("That team does not exist.")
        audit.record(db, viewer, audit.INVITE_RENEWED, now, team_id=team_id)
    return code


def team_by_name(db: Database, name: str) -> int | None:
    """The id of the team of that name (any case), or None."""
    row = db.execute("SELECT id FROM teams WHERE name = ?", [name.strip()]).fetchone()
    return row[0] if row else None


def team_for_invite(db: Database, code: str) -> int | None:
    """The id of the team this invite code belongs to, or None."""
    if len(code) > MAX_TYPED_CODE:
        return None
    row = db.execute(
        "SELECT id FROM teams WHERE invite_code = ?", [normalise_code(code)]
    ).fetchone()
    return row[0] if row else None


def join_by_invite(db: Database, user_id: int, code: str, now: datetime) -> None:
    """Put the user in the team whose invite code this is; TeamError for an unknown code.

    Logged with the learner as the one who acted: the move changes which managers see them.
    """
    with immediate(db):
        team_id = team_for_invite(db, code)
        if team_id is None:
            raise TeamError("That invite code does not match any team. Check it with your manager.")
        joiner = accounts.get_user(db, user_id)
        if joiner is None:
            raise TeamError("That person does not exist.")
        before = team_id_of(db, user_id)
        if before != team_id:
            audit.record(
                db,
                joiner,
                audit.JOINED_BY_INVITE,
                now,
                user_id=user_id,
                team_id=team_id,
                detail=f"{_team_name(db, before)} → {_team_name(db, team_id)}",
            )
        _place(db, user_id, team_id, now)


def _place(db: Database, user_id: int, team_id: int | None, now: datetime) -> None:
    if team_id is None:
        db.execute("DELETE FROM team_members WHERE user_id = ?", [user_id])
        return
    # A move replaces the membership row only: attempts and answers stay the learner's.
    db.execute(
        """INSERT INTO team_members (user_id, team_id, joined_at) VALUES (?, ?, ?)
           ON CONFLICT (user_id) DO UPDATE SET team_id = excluded.team_id,
           joined_at = excluded.joined_at WHERE team_id != excluded.team_id""",
        [user_id, team_id, iso(now)],
    )


def _require_user(db: Database, user_id: int) -> None:
    if not db.execute("SELECT 1 FROM users WHERE id = ?", [user_id]).fetchone():
        raise TeamError("That person does not exist.")


def set_team(db: Database, actor: Actor, user_id: int, team_id: int | None, now: datetime) -> None:
    """Move a learner into a team (None: out of any team), keeping their history; admins only."""
    with immediate(db):
        _require_admin(db, actor)
        _require_user(db, user_id)
        _set_team(db, actor, user_id, team_id, now)


def _set_team(db: Database, actor: Actor, user_id: int, team_id: int | None, now: datetime) -> None:
    # Inside the caller's transaction, after its checks.
    if (
        team_id is not None
        and not db.execute("SELECT 1 FROM teams WHERE id = ?", [team_id]).fetchone()
    ):
        raise TeamError("That team does not exist.")
    before = team_id_of(db, user_id)
    if before != team_id:
        audit.record(
            db,
            actor,
            audit.TEAM_SET,
            now,
            user_id=user_id,
            team_id=team_id,
            detail=f"{_team_name(db, before)} → {_team_name(db, team_id)}",
        )
    _place(db, user_id, team_id, now)


def set_managed_teams(
    db: Database, actor: Actor, user_id: int, team_ids: Iterable[int], now: datetime | None = None
) -> None:
    """Make the person manager of exactly these teams, granting the manager role; admins only."""
    with immediate(db):
        _require_admin(db, actor)
        _require_user(db, user_id)
        _set_managed_teams(db, actor, user_id, team_ids, now)


def _set_managed_teams(
    db: Database, actor: Actor, user_id: int, team_ids: Iterable[int], now: datetime | None
) -> None:
    # Inside the caller's transaction, after its checks.
    team_ids = sorted(set(team_ids))
    known = {r[0] for r in db.execute("SELECT id FROM teams")}
    if set(team_ids) - known:
        raise TeamError("That team does not exist.")
    before = {
        r[0] for r in db.execute("SELECT team_id FROM team_managers WHERE user_id = ?", [user_id])
    }
    if before != set(team_ids):
        names = ", ".join(sorted(_team_name(db, t) for t in team_ids)) or "no team"
        audit.record(
            db, actor, audit.MANAGED_TEAMS_SET, now, user_id=user_id, detail=f"manages {names}"
        )
    db.execute("DELETE FROM team_managers WHERE user_id = ?", [user_id])
    db.conn.executemany(
        "INSERT INTO team_managers (team_id, user_id) VALUES (?, ?)",
        [(t, user_id) for t in team_ids],
    )
    if team_ids:
        db.execute(
            "INSERT OR IGNORE INTO user_roles (user_id, role) VALUES (?, 'manager')", [user_id]
        )


def _active_admins(db: Database) -> set[int]:
    return {
        r[0]
        for r in db.execute(
            """SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
               WHERE r.role = 'admin' AND u.active = 1"""
        )
    }


def set_roles(
    db: Database, actor: Actor, user_id: int, roles: Iterable[str], now: datetime | None = None
) -> None:
    """Give the person exactly these roles; admins only, and never the last admin's."""
    roles = _checked_roles(roles)
    with immediate(db):
        _require_admin(db, actor)
        _require_user(db, user_id)
        _set_roles(db, actor, user_id, roles, now)


def _checked_roles(roles: Iterable[str]) -> set[str]:
    roles = set(roles)
    unknown = roles - set(ROLES)
    if unknown:
        raise TeamError(f"Unknown role: {', '.join(sorted(unknown))}. Roles: {', '.join(ROLES)}.")
    if not roles:
        raise TeamError("Everyone needs at least one role.")
    return roles


def _set_roles(
    db: Database, actor: Actor, user_id: int, roles: set[str], now: datetime | None
) -> None:
    # Inside the caller's transaction, after its checks.
    if "admin" not in roles and _active_admins(db) == {user_id}:
        raise TeamError("This is the only admin: make someone else an admin first.")
    before = {r[0] for r in db.execute("SELECT role FROM user_roles WHERE user_id = ?", [user_id])}
    if before != roles:
        audit.record(
            db,
            actor,
            audit.ROLES_SET,
            now,
            user_id=user_id,
            detail=f"{_role_list(roles)} (was {_role_list(before) or 'none'})",
        )
    db.execute("DELETE FROM user_roles WHERE user_id = ?", [user_id])
    db.conn.executemany(
        "INSERT INTO user_roles (user_id, role) VALUES (?, ?)", [(user_id, r) for r in roles]
    )
    if "manager" not in roles:
        db.execute("DELETE FROM team_managers WHERE user_id = ?", [user_id])


def save_person(
    db: Database,
    actor: Actor,
    user_id: int,
    roles: Iterable[str],
    team_id: int | None,
    managed_team_ids: Iterable[int],
    now: datetime,
) -> None:
    """Set a person's roles, team and managed teams in one transaction: all of it or none."""
    roles = _checked_roles(roles)
    with immediate(db):
        _require_admin(db, actor)
        _require_user(db, user_id)
        _set_roles(db, actor, user_id, roles, now)
        _set_team(db, actor, user_id, team_id, now)
        # The roles decide: without the manager role they manage no team. Otherwise the
        # teams still listed would grant the role straight back.
        _set_managed_teams(db, actor, user_id, managed_team_ids if "manager" in roles else [], now)


def _role_list(roles: Iterable[str]) -> str:
    return ", ".join(r for r in ROLES if r in set(roles))


def set_active(
    db: Database, actor: Actor, user_id: int, active: bool, now: datetime | None = None
) -> None:
    """Deactivate a person (records kept, no more sign-ins, logins ended) or let them back; admins only."""
    with immediate(db):
        _require_admin(db, actor)
        _require_user(db, user_id)
        if not active and _active_admins(db) == {user_id}:
            raise TeamError("This is the only admin: make someone else an admin first.")
        was = db.execute("SELECT active FROM users WHERE id = ?", [user_id]).fetchone()[0]
        if bool(was) != active:
            action = audit.REACTIVATED if active else audit.DEACTIVATED
            audit.record(db, actor, action, now, user_id=user_id)
        accounts.set_user_active(db, user_id, active)


def issue_reset_code(db: Database, actor: Actor, user_id: int, now: datetime) -> str:
    """A one-time password-reset code for the person, to hand over in person; admins only."""
    with immediate(db):
        _require_admin(db, actor)
        _require_user(db, user_id)
        # The code itself is never logged: only that one was issued.
        audit.record(db, actor, audit.RESET_CODE_ISSUED, now, user_id=user_id)
        return accounts.store_reset_code(db, user_id, now)


@dataclass(frozen=True)
class Person:
    """Someone with an account, as the admin's people page lists them."""

    id: int
    username: str
    display_name: str
    roles: tuple[str, ...]
    active: bool
    team_id: int | None
    team: str | None
    manages: tuple[int, ...]
    """Ids of the teams they manage."""


def people(db: Database, actor: Actor) -> list[Person]:
    """Everyone with an account, by name; admins only (others get nobody)."""
    if not is_admin(db, actor):
        return []
    rows = db.execute(
        """SELECT u.id, u.username, u.display_name,
             (SELECT json_group_array(role) FROM user_roles WHERE user_id = u.id),
             u.active, m.team_id, t.name,
             (SELECT json_group_array(team_id) FROM team_managers WHERE user_id = u.id)
           FROM users u LEFT JOIN team_members m ON m.user_id = u.id
           LEFT JOIN teams t ON t.id = m.team_id
           ORDER BY u.display_name COLLATE NOCASE, u.id"""
    )
    return [
        Person(
            id=r[0],
            username=r[1],
            display_name=r[2],
            roles=tuple(role for role in ROLES if role in json.loads(r[3])),
            active=bool(r[4]),
            team_id=r[5],
            team=r[6],
            manages=tuple(sorted(json.loads(r[7]))),
        )
        for r in rows
    ]


def user_id_for(db: Database, username: str) -> int:
    """The id of the account with that username; TeamError if there is none."""
    user = accounts.find_user(db, username)
    if user is None:
        raise TeamError(f"There is no account with the username {username.strip()!r}.")
    return user.id
