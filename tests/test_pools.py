"""The app's pool cache: reused while nothing changes, rebuilt as soon as a published
listing is created, edited or archived (checked against the database on every use)."""

from __future__ import annotations

from litestar.testing import TestClient
from sqlalchemy import text

from api.app import create_app
from market.config import Settings
from market.db import session_scope
from market.matches.pools import Cached, CandidatePools
from tests.factories import support_provider
from tests.helpers import run


def _use(settings: Settings, cache: CandidatePools, builds: list[int]) -> Cached:
    async def go() -> Cached:
        async with session_scope(settings) as session:
            async def build() -> tuple[list, None]:
                builds.append(1)
                return [], None

            return await cache.cached(session, "support_provider", "m", build)

    return run(go())


def test_pool_is_reused_until_a_published_listing_changes(client, settings):
    cache = CandidatePools()
    builds: list[int] = []
    first = client.post("/api/support-providers", json=support_provider())
    assert first.status_code == 201
    _use(settings, cache, builds)
    _use(settings, cache, builds)
    assert len(builds) == 1  # nothing changed: the same pool

    assert client.patch(f"/api/support-providers/{first.json()['id']}", json={"capacity": 9}).status_code == 200
    _use(settings, cache, builds)
    assert len(builds) == 2  # an edit

    second = client.post("/api/support-providers", json=support_provider(name="Autre structure d'accompagnement"))
    assert second.status_code == 201
    _use(settings, cache, builds)
    assert len(builds) == 3  # a new published listing

    assert client.delete(f"/api/support-providers/{second.json()['id']}").status_code == 200
    _use(settings, cache, builds)
    _use(settings, cache, builds)
    assert len(builds) == 4  # archived, then unchanged


def test_writes_behind_the_services_back_change_the_version_and_a_rollback_does_not(client, settings):
    """The version is the database's own (triggers): a freshness mark or a vector written without
    touching `updated_at`, and a row deleted (a merge), each make the pool old; a write rolled back
    leaves it as it was."""
    cache = CandidatePools()
    builds: list[int] = []
    first = client.post("/api/support-providers", json=support_provider()).json()["id"]
    client.post("/api/support-providers", json=support_provider(name="Autre structure d'accompagnement"))
    _use(settings, cache, builds)

    def sql(statement: str, commit: bool = True) -> None:
        async def go() -> None:
            async with session_scope(settings) as session:
                await session.execute(text(statement), {"id": first})
                if not commit:
                    await session.rollback()

        run(go())

    sql("UPDATE support_providers SET stale_at = created_at WHERE id = :id")
    _use(settings, cache, builds)
    assert len(builds) == 2  # a freshness mark
    sql("UPDATE support_providers SET embedding_text_hash = 'autre' WHERE id = :id")
    _use(settings, cache, builds)
    assert len(builds) == 3  # a vector (the backfill keeps `updated_at`)
    sql("UPDATE support_providers SET capacity = 99 WHERE id = :id", commit=False)
    _use(settings, cache, builds)
    assert len(builds) == 3  # rolled back: nothing changed
    sql("DELETE FROM support_provider_areas WHERE provider_id = :id")
    sql("DELETE FROM support_providers WHERE id = :id")
    _use(settings, cache, builds)
    assert len(builds) == 4  # a row gone


def test_the_app_builds_the_pools_at_start_up(client, settings):
    """The first matches request after a restart finds the candidate pools built (issue 18)."""
    assert client.post("/api/support-providers", json=support_provider()).status_code == 201
    with TestClient(create_app(settings)) as restarted:
        pools = restarted.app.state.pools
        assert len(pools) == 3  # support providers, takeovers, volunteer offers
        before = len(pools)
        assert restarted.get("/api/initiatives/1/matches").status_code in (200, 404)
        assert len(pools) == before
