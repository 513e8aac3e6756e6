"""Sending the xAPI outbox to a Learning Record Store: in batches, with retries, exactly once.

A statement is marked sent only after the LRS has accepted it. A crash between
the LRS's answer and that mark, or an outage in the middle of a push, leaves
statements unsent; the next push sends them again, and their stable ids make
the LRS keep one copy (an LRS that already holds an id answers 204, or 409
Conflict, which counts as accepted too).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from sqlite_utils import Database

from arrowhead.store import xapi as outbox
from arrowhead.store.database import open_database

XAPI_VERSION = "1.0.3"
KEY_VARIABLE = "ARROWHEAD_LRS_KEY"
SECRET_VARIABLE = "ARROWHEAD_LRS_SECRET"

log = logging.getLogger("arrowhead.lrs")


class LrsError(Exception):
    """The LRS could not take the statements; the message says why in plain words."""


class Unavailable(LrsError):
    """The LRS cannot be reached or is failing for now (network, 5xx, 429): try again later."""


class Refused(LrsError):
    """The LRS refused the request (bad credentials, a statement it rejects): retrying won't help."""


@dataclass(frozen=True)
class LrsConfig:
    """Where the statements go and how."""

    endpoint: str
    """The LRS's xAPI endpoint (statements go to ENDPOINT/statements)."""
    key: str | None = None
    """Basic-auth user name (the LRS's "key"), or None for an LRS without authentication."""
    secret: str | None = None
    batch_size: int = 50
    timeout: float = 30.0

    @property
    def statements_url(self) -> str:
        """Where statements are sent."""
        return self.endpoint.rstrip("/") + "/statements"


def _session(config: LrsConfig) -> requests.Session:
    session = requests.Session()
    session.headers.update(
        {"X-Experience-API-Version": XAPI_VERSION, "Content-Type": "application/json"}
    )
    if config.key is not None:
        session.auth = (config.key, config.secret or "")
    return session


def _request(session: requests.Session, config: LrsConfig, method: str, **kwargs: Any):
    try:
        response = session.request(
            method, config.statements_url, timeout=(5, config.timeout), **kwargs
        )
    except requests.RequestException as err:
        raise Unavailable(f"Could not reach the LRS at {config.endpoint}: {err}") from None
    if response.status_code >= 500 or response.status_code == 429:
        raise Unavailable(
            f"The LRS at {config.endpoint} answered {response.status_code}; trying again later."
        )
    return response


def _refused(config: LrsConfig, response: requests.Response) -> Refused:
    detail = response.text[:300].strip()
    if response.status_code in (401, 403):
        return Refused(
            f"The LRS at {config.endpoint} refused the credentials ({response.status_code}). "
            f"Check the key and secret."
        )
    return Refused(
        f"The LRS at {config.endpoint} refused the statements ({response.status_code}): {detail}"
    )


def send_batch(session: requests.Session, config: LrsConfig, batch: list[dict[str, Any]]) -> None:
    """Send statements in one request; returns once the LRS holds every one of them.

    An LRS that holds one of the ids already may refuse the whole batch with 409
    Conflict: each statement then goes on its own, by id, where 409 means stored.
    """
    response = _request(session, config, "POST", json=batch)
    if response.status_code in (200, 204):
        return
    if response.status_code != 409:
        raise _refused(config, response)
    for statement in batch:
        one = _request(
            session, config, "PUT", params={"statementId": statement["id"]}, json=statement
        )
        if one.status_code not in (200, 204, 409):
            raise _refused(config, one)


@dataclass(frozen=True)
class PushResult:
    """What one push did."""

    sent: int
    left: int


def push(
    db: Database,
    config: LrsConfig,
    *,
    retries: int = 5,
    first_wait: float = 1.0,
    max_wait: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    on_batch: Callable[[int], None] | None = None,
) -> PushResult:
    """Send every unsent statement, oldest first, and mark each batch sent once the LRS accepted it.

    An outage is retried `retries` times per batch, waiting first_wait, then
    twice as long each time up to max_wait; then Unavailable is raised, and
    what was not sent stays in the outbox for the next push.
    """
    sent = 0
    with _session(config) as session:
        while batch := outbox.pending(db, config.batch_size):
            wait = first_wait
            for attempt in range(retries + 1):
                try:
                    send_batch(session, config, [p.statement for p in batch])
                    break
                except Unavailable:
                    if attempt == retries:
                        raise
                    log.warning("LRS unavailable; retrying in %.0f s", wait)
                    sleep(wait)
                    wait = min(wait * 2, max_wait)
            outbox.mark_sent(db, [p.id for p in batch], now())
            sent += len(batch)
            if on_batch:
                on_batch(sent)
    return PushResult(sent=sent, left=outbox.count_pending(db))


class Forwarder:
    """Pushes the outbox every few seconds on a daemon thread; an outage waits and retries.

    It has its own database connection and never raises: the app's pages never
    wait for it and never see its failures, which go to the log.
    """

    def __init__(
        self, db_path: Path | str, config: LrsConfig, interval: float = 5.0, max_wait: float = 300.0
    ):
        self.db_path = db_path
        self.config = config
        self.interval = interval
        self.max_wait = max_wait
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="arrowhead-lrs", daemon=True)

    def start(self) -> Forwarder:
        """Start forwarding in the background."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop after the push under way, if any."""
        self.stopping.set()
        self.thread.join(timeout=self.config.timeout + 10)

    def _run(self) -> None:
        wait = self.interval
        db = None
        while not self.stopping.is_set():
            try:
                if db is None:
                    db = open_database(self.db_path)
                push(db, self.config, retries=0)
                wait = self.interval
            except Exception as err:  # a page must never feel this: log it and try again later
                log.warning("Forwarding xAPI statements failed: %s", err)
                wait = min(max(wait, self.interval) * 2, self.max_wait)
            self.stopping.wait(wait)
        if db is not None:
            db.close()
