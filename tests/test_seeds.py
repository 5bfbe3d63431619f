"""The demo data loads, is published, and loading it again changes nothing (upsert on slug)."""

from __future__ import annotations

from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from market.config import Settings
from market.db import create_engine
from seeds.loader import load_demo
from tests.conftest import run
from tests.factories import RESOURCES


async def _load(settings: Settings) -> int:
    engine = create_engine(settings)
    async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
        count = await load_demo(session, settings, progress=False)
    await engine.dispose()
    return count


def totals(client: TestClient) -> dict[str, int]:
    return {r: client.get(f"/api/{r}", params={"page_size": 1}).json()["total"] for r in RESOURCES}


def test_demo_data_is_idempotent_and_covers_the_source_territories(client: TestClient, settings: Settings) -> None:
    loaded = run(_load(settings))
    first = totals(client)
    assert loaded >= 60 and sum(first.values()) == loaded
    assert run(_load(settings)) == loaded
    assert totals(client) == first
    for territory in ("200069052", "200069060", "249000241", "200065647", "247000722", "94071", "75118"):
        found = client.get("/api/initiatives", params={"territory": territory}).json()["total"]
        found += client.get("/api/volunteer-offers", params={"territory": territory}).json()["total"]
        assert found > 0, territory
    assert client.get("/api/initiatives", params={"q": "épiceries solidaires"}).json()["total"] > 0
