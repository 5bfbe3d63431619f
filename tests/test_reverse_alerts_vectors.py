"""The reverse alerts with the real model: the initiative's stored vector is read with it (a deferred
column; read lazily it raised MissingGreenlet, and the daily job failed on every run)."""

from __future__ import annotations

from litestar.testing import TestClient

from market.config import Settings
from market.db import session_factory
from market.notifications import reverse_alerts
from tests.factories import initiative, support_provider
from tests.helpers import run, sql


async def _alerts(settings: Settings) -> int:
    async with session_factory(settings) as factory:
        return await reverse_alerts.send_reverse_alerts(factory, floor=0)


def test_reverse_alerts_rank_with_the_stored_vectors(client: TestClient, settings: Settings) -> None:
    assert client.post("/api/support-providers", json=support_provider(
        contact={"name": "Lou", "email": "lou@bge.example.org"})).status_code == 201
    assert client.post("/api/initiatives", json=initiative()).status_code == 201
    assert sql(settings.database_url, "SELECT count(*) FROM initiatives WHERE embedding IS NOT NULL")[0][0] == 1
    assert run(_alerts(settings)) == 1  # the provider's contact address, told once
    assert run(_alerts(settings)) == 0
