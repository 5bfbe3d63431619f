"""The app's pool cache: reused while nothing changes, rebuilt as soon as a published
listing is created, edited or archived (checked against the database on every use)."""

from __future__ import annotations

from litestar.testing import TestClient

from api.app import create_app
from market.config import Settings
from market.db import session_scope
from market.matches.pools import Cached, CandidatePools
from market.models import SupportProvider
from tests.factories import support_provider
from tests.helpers import run


def _use(settings: Settings, cache: CandidatePools, builds: list[int]) -> Cached:
    async def go() -> Cached:
        async with session_scope(settings) as session:
            async def build() -> tuple[list, None]:
                builds.append(1)
                return [], None

            return await cache.cached(session, "support_provider", SupportProvider, "m", build)

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


def test_the_app_builds_the_pools_at_start_up(client, settings):
    """The first matches request after a restart finds the candidate pools built (issue 18)."""
    assert client.post("/api/support-providers", json=support_provider()).status_code == 201
    with TestClient(create_app(settings)) as restarted:
        pools = restarted.app.state.pools
        assert len(pools) == 3  # support providers, takeovers, volunteer offers
        before = len(pools)
        assert restarted.get("/api/initiatives/1/matches").status_code in (200, 404)
        assert len(pools) == before
