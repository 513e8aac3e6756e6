"""Every page of every role, run through axe-core in a real browser: no serious or critical
violation, except the few that Streamlit's own markup causes, named below.

The pages are course_app.py's ENTRIES, filtered for each role as the app filters them, so a
page added there is checked here once merged. Hidden pages are opened with ids from the
seeded database (PARAMS); a page that needs none is opened bare.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import DATA, ROOT, Server, make_user
from playwright.sync_api import Browser, Page, expect
from sqlite_utils import Database
from team_fixtures import Org, build_org

from arrowhead.accounts import User
from arrowhead.certificates import QuizScore
from arrowhead.scoring import grade_answer
from arrowhead.store import assignments, learning, notes
from arrowhead.store import certificates as certificate_store
from arrowhead.store import roleplays as roleplay_store
from arrowhead.store import workshops as workshop_store
from arrowhead.store.database import apply_migrations, open_database
from arrowhead.workshops import DeckEntry

pytestmark = pytest.mark.browser
AXE = Axe()
WAIT = 20_000
SERIOUS = ("serious", "critical")


@dataclass(frozen=True)
class StreamlitViolation:
    """An axe rule that Streamlit's own markup breaks, where, and why we cannot fix it."""

    selector: str
    """Every element axe reports for the rule must lie inside one matching this (CSS)."""
    why: str
    """Why it is Streamlit's, and what we checked."""


# The one list of violations we accept, each confined to Streamlit's own elements.
# The README's Accessibility section repeats it: change both together.
STREAMLIT_OWN: dict[str, StreamlitViolation] = {
    "list": StreamlitViolation(
        '[data-testid="stSidebarNavItems"]',
        "Streamlit's sidebar navigation with sections (st.navigation given a dict) puts each "
        "section's <li> items in a <div> directly inside its <ul>. The links themselves pass "
        "axe (link-name, color-contrast) and the keyboard test tabs past them; only the list "
        "structure is wrong, and the sections are worth keeping.",
    ),
    "listitem": StreamlitViolation(
        '[data-testid="stSidebarNavItems"]',
        "The same markup seen from the items: each <li> of the sidebar navigation has a "
        "<div> as its parent, not the <ul>.",
    ),
}


def course_entries() -> list[Any]:
    """course_app.py's ENTRIES, read from the file without running the app around them.

    The statements before the app's first run (imports, the Entry class, the tuple) are
    executed; calls such as st.set_page_config are left out.
    """
    tree = ast.parse((ROOT / "course_app.py").read_text(encoding="utf-8"))
    namespace: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Expr):
            continue
        code = compile(ast.Module(body=[node], type_ignores=[]), "course_app.py", "exec")
        exec(code, namespace)
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "ENTRIES" for t in node.targets
        ):
            return list(namespace["ENTRIES"])
    raise AssertionError("course_app.py has no ENTRIES")


@dataclass
class Seeded:
    """The organisation the pages are checked on: every role with something to show."""

    org: Org
    facilitator: User
    live_workshop: int
    ended_workshop: int
    join_code: str
    attempt_of_ana: int
    run_of_ana: int
    certificate_code: str


def seed(db: Database, course_root: Path) -> Seeded:
    """Teams with a manager, learners with attempts, a coaching note, an assignment, and a
    facilitator with a deck, a live workshop with votes and an ended one."""
    now = datetime.now(UTC)
    org = build_org(db, course_root, now)
    # Ana has read every section, so her course is finished and the finish page has content.
    for module in org.course.modules:
        for section in module.sections:
            learning.mark_section_read(db, org.ana.id, module.id, section.id, now)
    attempt = learning.attempts_of(db, org.ana.id, "alpha")[0].id
    notes.write_note(db, org.manager_a, org.ana.id, "Talk about the renewal.", True, now)
    assignments.assign(
        db,
        org.manager_a,
        org.course,
        kind="quiz",
        item_id="beta",
        due=date.today() + timedelta(days=2),
        now=now,
        team_id=org.team_a,
    )
    fran = make_user(db, "fran", ("facilitator",), "Fran Facilitator")
    entries = [DeckEntry("alpha", "alpha-one"), DeckEntry("alpha", "alpha-two")]
    deck = workshop_store.save_deck(db, fran, "Kick-off", entries, now)
    ended = workshop_store.start_workshop(db, fran, deck.id, now)
    live = workshop_store.start_workshop(db, fran, deck.id, now)
    scenario = org.course.scenario("alpha", "alpha-one")
    assert scenario is not None
    for workshop in (ended, live):
        for action in ("next", "open", "show"):
            workshop_store.act(db, fran, workshop.id, action, now)
        sam = workshop_store.join(db, workshop.id, now, nickname="Sam", token=f"t{workshop.id}")
        workshop_store.cast_vote(db, sam, 0, 1, grade_answer(scenario, "strategic"), now)
    workshop_store.act(db, fran, ended.id, "reveal", now)
    workshop_store.act(db, fran, ended.id, "end", now)
    # Ana plays the role-play to its best ending, which finishes her course: a certificate.
    roleplay = org.course.roleplay("first-call")
    assert roleplay is not None
    run = roleplay_store.start_run(db, org.ana.id, roleplay.id, now)
    for position, option in enumerate(["ask-goals", "propose-pilot", "meet-director"]):
        run = roleplay_store.record_choice(db, run, roleplay, position, option, now).run
    scores = [QuizScore(q.id, q.title, 100) for q in org.course.quizzes]
    certificate = certificate_store.issue_certificate(db, org.ana.id, now.isoformat(), scores, now)
    return Seeded(org, fran, live.id, ended.id, live.join_code, attempt, run.id, certificate.code)


# The states each page is opened in, as query parameters, by the entry's path: the ids of
# the seeded items it shows, and a few views worth their own check. A page not named here is
# opened once, bare. A page added later that needs an id adds a line.
PARAMS: dict[str, Callable[[Seeded, User], list[dict[str, str]]]] = {
    "module": lambda s, u: [{"module": "alpha"}],
    "quiz": lambda s, u: [{"quiz": "alpha"}],
    "review": lambda s, u: [{"attempt": str(s.attempt_of_ana)}],
    "learner": lambda s, u: [{"learner": str(s.org.ana.id)}],
    "facilitate": lambda s, u: [{"workshop": str(s.live_workshop)}],
    "projector": lambda s, u: [{"workshop": str(s.live_workshop)}],
    "workshops": lambda s, u: [{"workshop": str(s.ended_workshop)}],
    "join": lambda s, u: [{"code": s.join_code}],
    "roleplay": lambda s, u: [{"id": "first-call"}, {"run": str(s.run_of_ana)}],
    "practice": lambda s, u: [{"attempt": str(s.attempt_of_ana)}],
    "verify": lambda s, u: [{"code": s.certificate_code}],
    # An admin also gets every team compared, and the learners in no team.
    "team": lambda s, u: (
        [{"team": str(s.org.team_a)}]
        + ([{"team": "all"}, {"team": "none"}] if u.has_role("admin") else [])
    ),
}


def users_by_role(seeded: Seeded) -> dict[str, User]:
    """One account per role, each with something on every page it is offered."""
    org = seeded.org
    return {
        "learner": org.ana,
        "manager": org.manager_a,
        "facilitator": seeded.facilitator,
        "admin": org.admin,
    }


def offered(entries: list[Any], user: User) -> list[Any]:
    """The entries course_app.py offers this user (the same rule as its navigation)."""
    return [e for e in entries if not e.offered_to or any(map(user.has_role, e.offered_to))]


def addresses(server: Server, seeded: Seeded, user: User, path: str | None) -> list[str]:
    """The page's URLs, one per state in PARAMS, with the ids it needs for this user."""
    states = PARAMS[path](seeded, user) if path in PARAMS else [{}]
    base = f"{server.url}/{path or ''}"
    return [base + ("?" + urlencode(params) if params else "") for params in states]


@dataclass
class Running:
    """The module's one server, what it was seeded with, and its set-up page's findings."""

    server: Server
    seeded: Seeded
    setup_findings: list[str]
    """Axe's findings on the first-run set-up page, checked before the seeding."""


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[Running]:
    """One server on the tiny course for the whole module: first empty, to check the set-up
    page only an empty database shows, then with the seeded organisation."""
    folder = tmp_path_factory.mktemp("a11y")
    db_path = folder / "a11y.db"
    # The tiny course with the test role-play, so the role-play pages have one to show.
    course_root = folder / "course"
    shutil.copytree(DATA / "course", course_root)
    shutil.copytree(DATA / "roleplays", course_root / "roleplays")
    db = open_database(db_path)
    apply_migrations(db)
    server = Server(db_path, course_root)
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        setup_findings = check_pages(page, [("Set up Arrowhead", server.url)])
        expect(page.get_by_role("button", name="Create the admin account")).to_be_visible()
        context.close()
        seeded = seed(db, course_root)
        db.close()
        yield Running(server, seeded, setup_findings)
    finally:
        server.stop()


def wait_for_run(page: Page) -> None:
    """Wait until Streamlit has finished the page's run and drawn it."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=WAIT
    )
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=WAIT)


def sign_in(page: Page, server: Server, username: str) -> None:
    page.goto(server.url)
    page.get_by_label("Username").first.fill(username)
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0, timeout=WAIT)
    wait_for_run(page)


# Is the element axe named (a CSS selector path) inside one matching the allowed selector?
INSIDE = """([target, allowed]) => {
  const element = document.querySelector(target);
  return element !== null && element.closest(allowed) !== null;
}"""


def serious_violations(page: Page, accepted: set[str] | None = None) -> list[str]:
    """Axe's serious and critical findings on the page as lines, leaving out only Streamlit's
    own; the rules of those left out are added to accepted."""
    results = AXE.run(page).response
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in SERIOUS:
            continue
        known = STREAMLIT_OWN.get(violation["id"])
        for node in violation["nodes"]:
            target = node["target"][0] if len(node["target"]) == 1 else None
            if known and target and page.evaluate(INSIDE, [target, known.selector]):
                if accepted is not None:
                    accepted.add(violation["id"])
                continue
            lines.append(
                f"  {violation['id']} ({violation['impact']}): {violation['help']}\n"
                f"    at {' > '.join(map(str, node['target']))}\n"
                f"    {node['html'][:200]}\n"
                f"    {node.get('failureSummary', '').replace(chr(10), ' ')[:300]}"
            )
    return lines


def check_pages(
    page: Page, urls: list[tuple[str, str]], accepted: set[str] | None = None
) -> list[str]:
    """Open each page, wait for its run, run axe; the findings, each under its page."""
    found = []
    for title, url in urls:
        page.goto(url)
        wait_for_run(page)
        lines = serious_violations(page, accepted)
        if lines:
            found.append(f"{title} ({url}):\n" + "\n".join(lines))
    return found


ROLES = ("learner", "manager", "facilitator", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_offered_to_a_role_passes_axe(running, browser: Browser, role: str):
    server, seeded = running.server, running.seeded
    user = users_by_role(seeded)[role]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, server, user.username)
    pages = offered(course_entries(), user)
    assert pages, f"no page offered to the {role}"
    urls = [(e.title, url) for e in pages for url in addresses(server, seeded, user, e.path)]
    accepted: set[str] = set()
    found = check_pages(page, urls, accepted)
    context.close()
    assert not found, f"axe found serious or critical violations for the {role}:\n\n" + (
        "\n\n".join(found)
    )
    # Every signed-in role has a sidebar with sections: if Streamlit stops breaking a rule
    # there, the list (and the README's) must lose it rather than excuse it unseen.
    assert accepted == set(STREAMLIT_OWN), (
        f"Streamlit no longer breaks {sorted(set(STREAMLIT_OWN) - accepted)}: take it out of "
        "STREAMLIT_OWN and the README's Accessibility section"
    )


def test_the_pages_before_sign_in_pass_axe(running, browser: Browser):
    server, seeded = running.server, running.seeded
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    urls = [
        ("Sign in", server.url),
        ("Check a certificate", f"{server.url}/verify?code={seeded.certificate_code}"),
        # Last: the phone below carries on from the join page.
        ("Join a workshop", f"{server.url}/join?code={seeded.join_code}"),
    ]
    found = running.setup_findings + check_pages(page, urls)
    # A phone in the room: joined under a nickname, voting open, an option tapped.
    page.get_by_label("Your nickname").fill("Sam")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("Voting is open: tap an option.")).to_be_visible(timeout=WAIT)
    page.get_by_role("button", name=re.compile(r"^B\. ")).click()
    expect(page.get_by_text("Your vote is in: B.")).to_be_visible(timeout=WAIT)
    wait_for_run(page)
    if lines := serious_violations(page):
        found.append("A phone that joined and voted:\n" + "\n".join(lines))
    context.close()
    assert not found, "axe found serious or critical violations before sign-in:\n\n" + (
        "\n\n".join(found)
    )
