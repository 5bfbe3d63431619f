"""Edges of the input that gave 500s: NUL characters in JSON strings (PostgreSQL cannot store
them), JSON nested beyond reason, path ids in other digits or of thousands of digits, a NUL in a
static path, bodies that are not JSON, a missing body, and the database unreachable from the pool.
Each is a French 4xx (or a 503 with Retry-After) naming the field; nothing is stored."""

from __future__ import annotations

import json
from collections.abc import Iterator

import asyncpg
import httpx
import pytest
from litestar.testing import TestClient
from sqlalchemy.exc import DBAPIError, PendingRollbackError

from api.app import create_app
from api.bodies import MAX_DEPTH
from api.errors import database_unavailable
from tests.conftest import suite_settings
from tests.factories import initiative
from tests.helpers import assert_problem, sql
from tests.people import anonymously


@pytest.fixture()
def statuses(client: TestClient) -> Iterator[list[int]]:
    """Every status the client saw in the test; none may be a 500."""
    seen: list[int] = []
    client.event_hooks["response"] = [*client.event_hooks["response"], lambda r: seen.append(r.status_code)]
    yield seen
    assert seen and 500 not in seen


def count(database_url: str, table: str = "initiatives") -> int:
    return sql(database_url, f"SELECT count(*) FROM {table}")[0][0]


def test_a_nul_character_in_any_json_string_is_refused_naming_the_field(client: TestClient, settings,
                                                                         statuses) -> None:
    cases = {
        "title": initiative(title="Épicerie\u0000solidaire"),
        "contact.name": initiative(contact={"name": "Ali\u0000ce", "email": "a@example.org"}),
        "skills_needed[1]": initiative(skills_needed=["comptabilité", "\u0000"]),
    }
    for field, body in cases.items():
        response = client.post("/api/initiatives", json=body)
        problem = assert_problem(response, 400, field)
        assert "nul" in problem["detail"], problem
    created = client.post("/api/initiatives", json=initiative()).json()
    response = client.patch(f"/api/initiatives/{created['id']}", json={"description": "x" * 30 + "\u0000"})
    assert_problem(response, 400, "description")
    login = client.post("/api/auth/login", json={"email": "a\u0000@example.org", "password": "x" * 12})
    assert_problem(login, 400, "email")  # the guard runs before the CSRF check of the login route
    with anonymously(client):  # and the CSRF refusal says what to send, in French
        refused = client.post("/api/auth/login", json={"email": "a@example.org", "password": "x" * 12})
    assert refused.status_code == 403 and "X-CSRFToken" in refused.json()["detail"], refused.text
    key = client.post("/api/initiatives", content=json.dumps({**initiative(), "ti\u0000tle": "x"}).encode(),
                      headers={"Content-Type": "application/json"})
    assert key.status_code == 400
    assert count(settings.database_url) == 1


def test_json_nested_beyond_the_limit_is_refused(client: TestClient, statuses) -> None:
    for depth in (MAX_DEPTH + 1, 1_000, 100_000):  # 1,000 levels was a RecursionError (500)
        body = b"[" * depth + b"]" * depth
        response = client.post("/api/initiatives", content=body, headers={"Content-Type": "application/json"})
        problem = assert_problem(response, 400, "body")
        assert "imbriqué" in problem["detail"]
    nested_in_a_string = initiative(description="[[[[" * 40 + " une description entre crochets")
    assert client.post("/api/initiatives", json=nested_in_a_string).status_code == 201


@pytest.mark.parametrize("raw", ["²", "①", "١", "١٢", "𝟏", "1²", "-1", "+1", "1.0", "0x1", " 1"])
def test_path_ids_are_ascii_digits_only(client: TestClient, raw: str, statuses) -> None:
    created = client.post("/api/initiatives", json=initiative()).json()
    assert created["id"] == 1 or raw  # whatever its id, the aliases below never reach it
    response = client.get(f"/api/initiatives/{raw}")
    assert_problem(response, 400, "id", with_extra=False)


@pytest.mark.parametrize("raw", ["0", "2147483648", "9" * 11, "9" * 5_000, "0" * 5_000 + "1" * 5_000])
def test_path_ids_out_of_range_are_not_found(client: TestClient, raw: str, statuses) -> None:
    for path in (f"/api/initiatives/{raw}", f"/api/matches/{raw}", f"/api/pledges/{raw}"):
        assert_problem(client.get(path), 404, None)


def test_a_nul_in_a_static_path_is_not_found(client: TestClient, statuses) -> None:
    for path in ("/static/%00", "/static/vendor/swagger-ui-dist/swagger-ui.css%00",
                 "/static/vendor/%00/swagger-ui.css"):
        assert_problem(client.get(path), 404, None)
    assert client.get("/static/vendor/swagger-ui-dist/swagger-ui.css").status_code == 200


def test_a_body_that_is_not_json_is_415_and_a_missing_one_says_so(client: TestClient, settings, statuses) -> None:
    for content_type in ("application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"):
        response = client.post("/api/initiatives", content=b"title=x", headers={"Content-Type": content_type})
        problem = assert_problem(response, 415, "Content-Type")
        assert "JSON" in problem["detail"]
    response = client.post("/api/initiatives", content=b"", headers={"Content-Type": "application/json"})
    problem = assert_problem(response, 400, "body")
    assert "'data'" not in problem["detail"] and "manquant" in problem["detail"], problem
    assert count(settings.database_url) == 0


def test_wrong_types_are_said_in_plain_french(client: TestClient, statuses) -> None:
    response = client.post("/api/initiatives/1/pledges", json={"amount_cents": 500, "email": "f@example.org",
                                                               "anonymous": "oui"})
    problem = assert_problem(response, 400, "anonymous")
    assert "doit être vrai ou faux" in problem["detail"], problem
    response = client.post("/api/initiatives", json=initiative(team_size="douze"))
    assert "doit être un nombre entier" in assert_problem(response, 400, "team_size")["detail"]


@pytest.mark.parametrize("url", ["postgresql+asyncpg://postgres@127.0.0.1:1/nowhere",
                                 "sqlite+aiosqlite:////nonexistent-directory/bourse.sqlite3"])
def test_a_database_the_pool_cannot_reach_is_503_with_retry_after(url: str) -> None:
    """The pool's own connection error (a refused connection is an OSError, not a DBAPIError) was a 500;
    the app also starts while the database is down."""
    with TestClient(create_app(suite_settings(url, embedding_model=""))) as client:
        for method, path, body in [("GET", "/api/initiatives", None), ("GET", "/api/initiatives/1", None),
                                   ("GET", "/api/territories?q=paris", None)]:
            response: httpx.Response = client.request(method, path, json=body)
            problem = assert_problem(response, 503, None)
            assert response.headers["Retry-After"].isdigit(), (path, problem)


def _raised_in(module: str, exc: BaseException) -> BaseException:
    """The exception as raised by code of that module (its traceback says where it came from)."""
    try:
        exec("raise exc", {"__name__": module, "exc": exc})
    except BaseException as raised:
        return raised
    raise AssertionError("not raised")


@pytest.mark.parametrize("error", [asyncpg.exceptions.CannotConnectNowError, asyncpg.exceptions.TooManyConnectionsError,
                                   asyncpg.exceptions.AdminShutdownError])
def test_a_server_that_refuses_connections_for_now_is_unavailable(error: type[Exception]) -> None:
    """A cluster recovering after a crash answers the driver's CannotConnectNowError at connect, not wrapped
    in a DBAPIError: that was a 500 (found by tests/reliability/test_faults.py); now a 503."""
    assert database_unavailable(_raised_in("asyncpg.connect_utils", error("the database system is starting up")))
    assert not database_unavailable(_raised_in("market.listings", error("not from the driver")))
    assert not database_unavailable(_raised_in("asyncpg.connect_utils", asyncpg.exceptions.UniqueViolationError()))


@pytest.mark.parametrize("cause, unavailable", [
    (asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"), True),
    (asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"), True),
    (asyncpg.exceptions.UniqueViolationError("duplicate key value"), False),
])
def test_a_connection_lost_mid_statement_is_unavailable(cause: Exception, unavailable: bool) -> None:
    """The driver's error as SQLAlchemy wraps it: a plain DBAPIError around the adapter's Error, raised from
    asyncpg's. A connection closed in the middle of `SELECT pg_notify` was a 500 (found by the fault run
    once match moves were part of its load); now a 503."""
    try:
        raise RuntimeError(f"{type(cause)}: {cause}") from cause
    except RuntimeError as adapted:
        wrapped = DBAPIError("SELECT pg_notify($1, $2)", None, adapted)
    assert database_unavailable(wrapped) is unavailable


def test_an_error_raised_while_handling_a_lost_connection_is_unavailable() -> None:
    """A notification logged its failure by reading an expired attribute, which raised PendingRollbackError
    while the lost connection was being handled: a 500 in the fault run; the chain tells it is a 503."""
    lost = DBAPIError("INSERT INTO live_events", None, RuntimeError("connection was closed"),
                      connection_invalidated=True)
    try:
        try:
            raise lost
        except DBAPIError:
            raise PendingRollbackError("This Session's transaction has been rolled back") from None
    except PendingRollbackError as raised:
        assert raised.__context__ is lost
        assert database_unavailable(raised)
    assert not database_unavailable(PendingRollbackError("rolled back after an integrity error"))
