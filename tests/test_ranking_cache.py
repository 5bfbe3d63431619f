"""An initiative's rankings are cached per process and never served stale: the next ranking after a
change to either side (a candidate published, edited, archived, marked stale; the initiative edited),
made through this app or through another instance on the same database (another worker), shows it.
Every figure here is a correctness check; how fast a warm ranking is, benchmarks/load.py measures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from api.app import create_app
from market.matches import cache
from market.matches.cache import RankingCache, freeze
from market.models import utcnow
from tests.factories import initiative, support_provider, volunteer_offer
from tests.helpers import sql


def ranked(client: TestClient, initiative_id: int, **params: Any) -> dict[str, Any]:
    response = client.get(f"/api/initiatives/{initiative_id}/matches", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def candidates(page: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(item["kind"], item["candidate"]["id"]): item for item in page["items"]}


def rankings_of(client: TestClient) -> RankingCache:
    return cache.of(client.app.state.pools)


def create(client: TestClient, resource: str, body: dict[str, Any]) -> int:
    response = client.post(f"/api/{resource}", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.fixture()
def pair(client: TestClient) -> tuple[int, int]:
    """A published initiative and a support provider eligible for it."""
    return create(client, "initiatives", initiative()), create(client, "support-providers", support_provider())


def test_a_second_identical_ranking_comes_from_the_cache(client: TestClient, pair: tuple[int, int]) -> None:
    initiative_id, provider = pair
    first = ranked(client, initiative_id)
    misses = rankings_of(client).misses
    again = ranked(client, initiative_id)
    assert again == first
    assert ("support_provider", provider) in candidates(again)
    assert rankings_of(client).misses == misses and rankings_of(client).hits >= 1


def test_each_set_of_parameters_is_its_own_entry(client: TestClient, pair: tuple[int, int]) -> None:
    initiative_id, _ = pair
    create(client, "support-providers", support_provider(name="Deuxième incubateur du Territoire de Belfort"))
    assert len(ranked(client, initiative_id, kind="support_provider")["items"]) == 2
    assert len(ranked(client, initiative_id, kind="support_provider", limit=1)["items"]) == 1
    assert len(ranked(client, initiative_id, kind="support_provider")["items"]) == 2
    assert {i["kind"] for i in ranked(client, initiative_id)["items"]} == {"support_provider"}


def test_a_new_published_candidate_shows_in_the_next_ranking(client: TestClient, pair: tuple[int, int]) -> None:
    initiative_id, _ = pair
    assert not any(kind == "volunteer_offer" for kind, _ in candidates(ranked(client, initiative_id)))
    offer = create(client, "volunteer-offers", volunteer_offer())
    assert ("volunteer_offer", offer) in candidates(ranked(client, initiative_id))


def test_an_edited_candidate_shows_in_the_next_ranking(client: TestClient, pair: tuple[int, int]) -> None:
    initiative_id, provider = pair
    assert ("support_provider", provider) in candidates(ranked(client, initiative_id))
    # the provider stops accompanying projects at launch: the initiative is no longer eligible
    assert client.patch(f"/api/support-providers/{provider}", json={"maturities": ["emergence"]}).status_code == 200
    assert ("support_provider", provider) not in candidates(ranked(client, initiative_id))
    assert client.patch(f"/api/support-providers/{provider}", json={"maturities": ["launch"]}).status_code == 200
    assert ("support_provider", provider) in candidates(ranked(client, initiative_id))


def test_an_archived_candidate_leaves_the_next_ranking(client: TestClient, pair: tuple[int, int]) -> None:
    initiative_id, provider = pair
    assert ("support_provider", provider) in candidates(ranked(client, initiative_id))
    assert client.delete(f"/api/support-providers/{provider}").status_code == 200
    assert ("support_provider", provider) not in candidates(ranked(client, initiative_id))


def test_an_edited_initiative_is_ranked_again(client: TestClient, pair: tuple[int, int]) -> None:
    initiative_id, provider = pair
    assert ("support_provider", provider) in candidates(ranked(client, initiative_id))
    assert client.patch(f"/api/initiatives/{initiative_id}", json={"maturity": "scaling"}).status_code == 200
    assert ("support_provider", provider) not in candidates(ranked(client, initiative_id))


def test_a_candidate_marked_stale_is_lowered_in_the_next_ranking(client: TestClient, settings,
                                                                 pair: tuple[int, int]) -> None:
    initiative_id, provider = pair
    before = candidates(ranked(client, initiative_id))[("support_provider", provider)]
    # as the freshness job does it: stale_at set, updated_at left as it was
    sql(settings.database_url, "UPDATE support_providers SET stale_at = :at WHERE id = :id", at=utcnow(), id=provider)
    after = candidates(ranked(client, initiative_id))[("support_provider", provider)]
    assert after["score"] < before["score"]
    assert any("classée plus bas" in reason for reason in after["reasons"])


@pytest.fixture()
def other_worker(settings) -> Iterator[TestClient]:
    """A second instance of the app on the same database, with caches of its own (another worker)."""
    with TestClient(create_app(settings)) as second:
        yield second


def test_a_change_made_through_another_worker_shows_in_the_next_ranking(
        client: TestClient, other_worker: TestClient, admin, pair: tuple[int, int]) -> None:
    initiative_id, provider = pair
    assert ("support_provider", provider) in candidates(ranked(client, initiative_id))
    other_worker.headers.update(admin.headers)
    changed = other_worker.patch(f"/api/support-providers/{provider}", json={"maturities": ["emergence"]})
    assert changed.status_code == 200
    assert ("support_provider", provider) not in candidates(ranked(client, initiative_id))


def test_parameters_are_keyed_whatever_their_shape() -> None:
    assert freeze({"b": 2, "a": [1, 2]}) == freeze({"a": [1, 2], "b": 2})
    assert freeze({"a": 1}) != freeze({"a": 2})
    assert freeze({1, 3, 2}) == freeze({3, 2, 1})
    hash(freeze({"weights": {"semantic": 0.4, "codes": [0.1, 0.2]}}))


def test_the_cache_keeps_a_bounded_number_of_rankings(client: TestClient, pair: tuple[int, int]) -> None:
    initiative_id, _ = pair
    small = cache._CACHES[client.app.state.pools] = RankingCache(max_entries=2)
    for limit in (1, 2, 3, 4):
        ranked(client, initiative_id, limit=limit)
    assert len(small) == 2


def test_a_ranking_reads_each_kinds_version_once(client: TestClient, pair: tuple[int, int]) -> None:
    """The ranking cache's check and the pools' read the same version of each kind: on a miss (a new
    candidate), the versions are read once per request, not twice, and no published row is scanned."""
    initiative_id, _ = pair
    ranked(client, initiative_id)
    create(client, "support-providers", support_provider(name="Incubateur du Nord Franche-Comté"))
    scans: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "listing_versions" in statement:
            scans.append(statement)
        assert "sum(support_providers.id)" not in statement  # no aggregate over the published rows

    event.listen(Engine, "before_cursor_execute", seen)  # every engine: the app's is the one in use
    try:
        misses = rankings_of(client).misses
        page = ranked(client, initiative_id)
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    assert rankings_of(client).misses == misses + 1  # the new provider made the ranking old
    assert len([i for i in page["items"] if i["kind"] == "support_provider"]) == 2
    assert len(scans) == 1, scans  # in the cache's one query over every kind; the pools reuse its versions
