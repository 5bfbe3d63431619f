"""The per-process pool cache: reused while nothing changes, rebuilt as soon as a published
listing is created, edited or archived (checked against the database on every use)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker

from market.config import Settings
from market.db import create_engine
from market.models import SupportProvider
from market.services import pools
from tests.conftest import run
from tests.factories import support_provider


def _use(settings: Settings, builds: list[int]) -> pools.Cached:
    async def go() -> pools.Cached:
        engine = create_engine(settings)
        try:
            async with async_sessionmaker(engine)() as session:
                async def build() -> list:
                    builds.append(1)
                    return []

                return await pools.cached(session, "support_provider", SupportProvider, "m", build)
        finally:
            await engine.dispose()

    return run(go())


def test_pool_is_reused_until_a_published_listing_changes(client, settings):
    pools.clear()
    builds: list[int] = []
    first = client.post("/api/support-providers", json=support_provider())
    assert first.status_code == 201
    _use(settings, builds)
    _use(settings, builds)
    assert len(builds) == 1  # nothing changed: the same pool

    assert client.patch(f"/api/support-providers/{first.json()['id']}", json={"capacity": 9}).status_code == 200
    _use(settings, builds)
    assert len(builds) == 2  # an edit

    second = client.post("/api/support-providers", json=support_provider(name="Autre structure d'accompagnement"))
    assert second.status_code == 201
    _use(settings, builds)
    assert len(builds) == 3  # a new published listing

    assert client.delete(f"/api/support-providers/{second.json()['id']}").status_code in (200, 204)
    _use(settings, builds)
    _use(settings, builds)
    assert len(builds) == 4  # archived, then unchanged
