"""The team page's 'every answer' download: built on request, on disk, for the scope it was built for.

Kept out of the page script so the page reads as the screen it draws, and so
this block is one call there.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from pathlib import Path

import streamlit as st
from sqlite_utils import Database

from arrowhead import exports
from arrowhead.accounts import User
from arrowhead.store import teams as team_store
from arrowhead.store.database import open_database
from arrowhead.ui import components

PREPARED = "team_answers_file"
COUNTED = "team_answers_count"


def every_answer_download(
    db: Database, user: User, team_id: int | None, bests: Mapping[str, str], file_stem: str
) -> None:
    """The 'every answer' CSV: an estimate, a button that builds it with progress, its download.

    A file prepared earlier is served only while the team's members are the ones it was
    built for; otherwise it is deleted and the manager is told to prepare it again.
    """
    scope = team_store.answers_scope(db, user, team_id)
    prepared: exports.AnswersFile | None = st.session_state.get(PREPARED)
    if prepared is not None and not exports.is_current(prepared, team_id, scope):
        if prepared.team_id == team_id:
            st.info(
                "Who is in this team has changed since the every-answer file was prepared, "
                "so that file was deleted. Prepare it again for the team as it is now.",
                icon=":material/group:",
            )
        _drop(prepared)
        prepared = None
    answers = _answer_count(db, user, team_id, scope)
    if answers > exports.PAGE_LIMIT:
        if prepared is not None:
            _drop(prepared)
        team = team_store.team_for(db, user, team_id) if team_id is not None else None
        which = "--all" if team is None else f"--team {shlex.quote(team.name)}"
        st.caption(
            f"Every answer: about {answers:,} answers, too many to build and download here. "
            "Whoever runs the server can write them to a file, a few rows at a time:"
        )
        st.code(f"arrowhead export answers {which} --out {file_stem}-answers.csv", language=None)
        return
    st.caption(
        f"Every answer: about {answers:,} answers; building the file takes roughly "
        f"{_seconds(exports.seconds_for(answers))}."
    )
    if st.button("Prepare every answer as CSV", key="team_answers_prepare"):
        if prepared is not None:
            _drop(prepared)
        bar = st.progress(0.0, text="Writing every answer…")

        def report(done: int) -> None:
            bar.progress(
                min(1.0, done / max(answers, 1)), text=f"Written {done:,} of {answers:,} answers…"
            )

        prepared = exports.write_answers_to_temp(db, user, team_id, bests, report)
        bar.empty()
        st.session_state[PREPARED] = prepared
        st.session_state[COUNTED] = ((team_id, prepared.scope), prepared.answers)
    if prepared is not None:
        st.download_button(
            f"Every answer (CSV, {prepared.answers:,} answers)",
            data=_at_click(components.settings().db_path, user, prepared),
            file_name=f"{file_stem}-answers.csv",
            mime="text/csv",
            icon=":material/download:",
            key="team_answers_csv_dl",
            on_click="ignore",
        )


def _answer_count(db: Database, user: User, team_id: int | None, scope: str) -> int:
    # Counting a million answers takes a tenth of a second, and the page reruns on
    # every click: count once per team and scope; an estimate may miss the newest.
    counted = st.session_state.get(COUNTED)
    if counted is not None and counted[0] == (team_id, scope):
        return counted[1]
    answers = team_store.count_team_answers(db, user, team_id)
    st.session_state[COUNTED] = ((team_id, scope), answers)
    return answers


def _at_click(db_path: Path, user: User, prepared: exports.AnswersFile) -> Callable[[], bytes]:
    """What the download button runs when clicked: the scope is checked again then.

    A button drawn before an admin moved a learner out would otherwise still hand
    over their rows; a stale file makes the download fail instead. It runs on
    Streamlit's server thread, so it opens a connection of its own rather than
    share the session's with a rerun. The file is read only then, not held in
    memory while the button is offered.
    """

    def serve() -> bytes:
        db = open_database(db_path)
        try:
            return exports.read_if_current(db, user, prepared)
        finally:
            db.close()

    return serve


def _drop(prepared: exports.AnswersFile) -> None:
    exports.discard(prepared)
    st.session_state.pop(PREPARED, None)


def _seconds(seconds: int) -> str:
    return "a second" if seconds <= 1 else f"{seconds} seconds"
