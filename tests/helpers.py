"""The suite's small helpers, in one place: run a coroutine, run one SQL statement, check a problem
document. (The fixtures stay in conftest.py and stripe_fixtures.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
from sqlalchemy import text

from market.config import Settings
from market.db import session_scope

T = TypeVar("T")

PROBLEM = "application/problem+json"


def run(coro: Coroutine[Any, Any, T]) -> T:
    """The coroutine's result, on an event loop of its own (the tests themselves are synchronous). Under
    Playwright's synchronous API a loop already runs in this thread: then on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def sql(database_url: str, statement: str, **params: Any) -> list[Any]:
    """Rows of one SQL statement, through a connection of its own (and committed)."""

    async def go() -> list[Any]:
        async with session_scope(Settings(database_url=database_url)) as session:
            result = await (await session.connection()).execute(text(statement), params)
            return list(result.all()) if result.returns_rows else []

    return run(go())


def assert_problem(response: httpx.Response, status: int, field: str | None, *,
                   with_extra: bool = True) -> dict[str, Any]:
    """A problem document with this status naming this field (and listing it first in `extra`)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    if field is not None:
        assert body["field"] == field, body
    if field is not None and with_extra:
        assert body["extra"], body
        assert body["extra"][0]["key"] == field, body
        for entry in body["extra"]:
            assert set(entry) == {"key", "message", "source"}, entry
            assert entry["message"]
    return body
