"""A request whose COMMIT fails is never acknowledged.

The fault run once saw a 201 for a listing the database never kept: the database stopped between
the request's last statement and its COMMIT, and the commit handler swallowed the error. Here the
COMMIT itself is made to fail, on the real app and the real database, by checks that run only at
COMMIT, armed for one marked description:

- on both databases, a deferred check fails (SQLite: a deferred foreign key; PostgreSQL: a deferred
  constraint trigger) and the answer is a 409 problem;
- on PostgreSQL, the backend is terminated at COMMIT (the database going away at that very moment)
  and the answer is a 503 problem with Retry-After;
- a sign-up whose COMMIT fails sends no confirmation email (the answer's background task).

Each time nothing of the write is stored, and the next write goes through.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlalchemy import text

from market.config import Settings
from market.db import session_scope
from tests.browser import register
from tests.factories import BODIES
from tests.helpers import run
from tests.mailbox import Mailbox

MARK = "échec au commit"
TAKEOVERS = "/api/takeover-opportunities"
TAKEOVER_TABLE = "takeover_opportunities"

def sqlite_arm(table: str, column: str, mark: str) -> list[str]:
    return [
        "CREATE TABLE commit_probe_parent (id INTEGER PRIMARY KEY)",
        "CREATE TABLE commit_probe (id INTEGER PRIMARY KEY, parent_id INTEGER "
        "REFERENCES commit_probe_parent (id) DEFERRABLE INITIALLY DEFERRED)",
        f"CREATE TRIGGER commit_probe_arm AFTER INSERT ON {table} WHEN NEW.{column} LIKE '%{mark}%' "
        "BEGIN INSERT INTO commit_probe (parent_id) VALUES (-1); END",
    ]


def sqlite_disarm(table: str) -> list[str]:
    return ["DROP TRIGGER IF EXISTS commit_probe_arm", "DROP TABLE IF EXISTS commit_probe",
            "DROP TABLE IF EXISTS commit_probe_parent"]


def postgres_arm(action: str, table: str, column: str, mark: str) -> list[str]:
    return [
        "CREATE FUNCTION commit_probe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF NEW.{column} LIKE '%{mark}%' THEN {action}; END IF; RETURN NULL; END $$",
        f"CREATE CONSTRAINT TRIGGER commit_probe_arm AFTER INSERT ON {table} "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION commit_probe()",
    ]


def postgres_disarm(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS commit_probe_arm ON {table}", "DROP FUNCTION IF EXISTS commit_probe()"]


POSTGRES_CONFLICT = "RAISE EXCEPTION 'refusé au commit' USING ERRCODE = 'check_violation'"
POSTGRES_GONE = "PERFORM pg_terminate_backend(pg_backend_pid())"


async def _execute(settings: Settings, statements: list[str]) -> None:
    async with session_scope(settings) as session:
        for statement in statements:
            await session.execute(text(statement))


async def _stored(settings: Settings) -> tuple[int, int]:
    """Takeovers with the mark, and the moderation log entries of takeovers that do not exist."""
    async with session_scope(settings) as session:
        marked = await session.scalar(text("SELECT count(*) FROM takeover_opportunities WHERE description LIKE :m"),
                                      {"m": f"%{MARK}%"})
        orphans = await session.scalar(text(
            "SELECT count(*) FROM moderation_actions a WHERE a.listing_kind = 'takeover' "
            "AND NOT EXISTS (SELECT 1 FROM takeover_opportunities t WHERE t.id = a.listing_id)"))
        return int(marked or 0), int(orphans or 0)


@pytest.fixture()
def armed(settings: Settings, dialect: str, request: pytest.FixtureRequest) -> Iterator[None]:
    """The COMMIT fails for a row whose column holds the mark; `request.param`: (PostgreSQL's action,
    table, column, mark)."""
    action, table, column, mark = getattr(request, "param", (POSTGRES_CONFLICT, TAKEOVER_TABLE, "description", MARK))
    if dialect == "sqlite":
        arm, disarm = sqlite_arm(table, column, mark), sqlite_disarm(table)
    else:
        arm, disarm = postgres_arm(action, table, column, mark), postgres_disarm(table)
    run(_execute(settings, disarm))
    run(_execute(settings, arm))
    try:
        yield
    finally:
        run(_execute(settings, disarm))


def _marked_body() -> dict[str, object]:
    body = BODIES["takeover-opportunities"]()
    body["description"] = f"{body['description']} ({MARK})"
    return body


def _assert_refused(response: object, status: int) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    assert response.json()["status"] == status  # type: ignore[attr-defined]
    assert "location" not in response.headers and "set-cookie" not in response.headers  # type: ignore[attr-defined]
    assert response.headers["x-content-type-options"] == "nosniff"  # type: ignore[attr-defined]
    assert response.headers["cache-control"] == "no-store"  # type: ignore[attr-defined]


def test_a_conflict_found_at_commit_is_a_409_and_stores_nothing(client: TestClient, settings: Settings,
                                                                armed: None) -> None:
    refused = client.post(TAKEOVERS, json=_marked_body())
    _assert_refused(refused, 409)
    assert run(_stored(settings)) == (0, 0)

    created = client.post(TAKEOVERS, json=BODIES["takeover-opportunities"]())
    assert created.status_code == 201, created.text
    assert client.get(f"{TAKEOVERS}/{created.json()['id']}").status_code == 200


@pytest.mark.parametrize("armed", [(POSTGRES_GONE, TAKEOVER_TABLE, "description", MARK)], indirect=True)
def test_the_database_gone_at_commit_is_a_503_and_stores_nothing(client: TestClient, settings: Settings,
                                                                 dialect: str, armed: None) -> None:
    if dialect != "postgresql":
        pytest.skip("terminating the server's backend at COMMIT needs PostgreSQL (the suite's PostgreSQL run)")
    refused = client.post(TAKEOVERS, json=_marked_body())
    _assert_refused(refused, 503)
    assert refused.headers["retry-after"]
    assert run(_stored(settings)) == (0, 0)

    created = client.post(TAKEOVERS, json=BODIES["takeover-opportunities"]())
    assert created.status_code == 201, created.text


@pytest.mark.parametrize("armed", [(POSTGRES_CONFLICT, "accounts", "email", "echec-au-commit")], indirect=True)
def test_no_email_leaves_for_a_sign_up_whose_commit_failed(web: TestClient, mailbox: Mailbox, armed: None) -> None:
    """The confirmation email is a background task of the answer: it is not sent when the account and
    its token were not kept (a link to nothing); the next sign-up gets its email."""
    lost = "echec-au-commit@example.org"
    refused = register(web, lost)
    assert refused.status_code == 409, refused.text
    kept = register(web, "camille.suivante@example.org")
    assert kept.status_code == 202, kept.text
    assert mailbox.to("camille.suivante@example.org")
    assert not [m for m in mailbox.messages if m["To"] == lost]



@pytest.mark.parametrize("armed", [(POSTGRES_CONFLICT, "accounts", "email", "echec-au-commit")], indirect=True)
def test_a_page_form_whose_commit_failed_shows_an_error_page(web: TestClient, mailbox: Mailbox, armed: None) -> None:
    """The sign-up form of the web client: a French error page instead of « vérifiez votre boîte mail »,
    and no email."""
    web.get("/inscription")
    form = {"email": "echec-au-commit@example.org", "password": "un mot de passe assez long",
            "password_again": "un mot de passe assez long", "csrftoken": web.cookies["csrftoken"]}
    refused = web.post("/inscription", data=form)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("text/html")
    assert "Vérifiez votre boîte mail" not in refused.text and "Conflit" in refused.text
    assert refused.headers["cache-control"] == "no-store"
    time.sleep(0.5)  # a background task would have sent by now
    assert not [m for m in mailbox.messages if m["To"] == form["email"]]
