"""The demo data loads, is published, and loading it again changes nothing (upsert on slug)."""

from __future__ import annotations

import json

from litestar.testing import TestClient

from market.config import Settings
from market.db import session_scope
from seeds.loader import DATA, DEMO_FILES, load_demo
from tests.factories import RESOURCES
from tests.helpers import run


async def _load(settings: Settings) -> int:
    async with session_scope(settings) as session:
        return await load_demo(session, settings, progress=False)


def demo_counts() -> dict[str, int]:
    """The listings of each kind in the demo files (seeds/data/*.json)."""
    return {resource: len(json.loads((DATA / name).read_text(encoding="utf-8")))
            for resource, name in DEMO_FILES.items()}


def totals(client: TestClient) -> dict[str, int]:
    return {r: client.get(f"/api/{r}", params={"page_size": 1}).json()["total"] for r in RESOURCES}


def test_demo_data_is_idempotent_and_covers_the_source_territories(client: TestClient, settings: Settings) -> None:
    loaded = run(_load(settings))
    first = totals(client)
    assert first == demo_counts() and loaded == sum(first.values())  # 97 listings today
    assert run(_load(settings)) == loaded
    assert totals(client) == first
    for territory in ("200069052", "200069060", "249000241", "200065647", "247000722", "94071", "75118"):
        found = client.get("/api/initiatives", params={"territory": territory}).json()["total"]
        found += client.get("/api/volunteer-offers", params={"territory": territory}).json()["total"]
        assert found > 0, territory
    assert client.get("/api/initiatives", params={"q": "épiceries solidaires"}).json()["total"] > 0
