"""The demo data loads and is published; loading it again inserts what is missing and leaves the
rest alone: what people changed, archived, merged or moderated is skipped, never overwritten,
re-published or re-embedded."""

from __future__ import annotations

import json
import time
from datetime import date

from litestar.testing import TestClient
from sqlalchemy import select

from market.config import Settings
from market.db import session_scope
from market.listings import kinds
from seeds.loader import DATA, DEMO_FILES, EDIT_SLACK_SECONDS, DemoSummary, load_demo
from tests.factories import RESOURCES
from tests.helpers import run, sql


async def _load(settings: Settings) -> DemoSummary:
    async with session_scope(settings) as session:
        return await load_demo(session, settings, progress=False)


def demo_counts(searchable: bool = False) -> dict[str, int]:
    """The listings of each kind in the demo files (seeds/data/*.json); with `searchable`, only those
    search shows (not a takeover past its deadline, not a volunteer offer with no hours left)."""
    today = date.today().isoformat()

    def shown(item: dict) -> bool:
        return (item.get("deadline") or "9999") >= today and item.get("hours", 1) > 0

    return {resource: sum(1 for item in json.loads((DATA / name).read_text(encoding="utf-8"))
                          if not searchable or shown(item))
            for resource, name in DEMO_FILES.items()}


def totals(client: TestClient) -> dict[str, int]:
    return {r: client.get(f"/api/{r}", params={"page_size": 1}).json()["total"] for r in RESOURCES}


def test_demo_data_is_idempotent_and_covers_the_source_territories(client: TestClient, settings: Settings) -> None:
    loaded = run(_load(settings))
    first = totals(client)
    assert first == demo_counts(searchable=True) and loaded.inserted == sum(demo_counts().values())  # 97 listings
    again = run(_load(settings))
    assert (again.inserted, again.unchanged, again.skipped, again.embedded) == (0, loaded.inserted, 0, 0)
    assert totals(client) == first
    for territory in ("200069052", "200069060", "249000241", "200065647", "247000722", "94071", "75118"):
        found = client.get("/api/initiatives", params={"territory": territory}).json()["total"]
        found += client.get("/api/volunteer-offers", params={"territory": territory}).json()["total"]
        assert found > 0, territory
    assert client.get("/api/initiatives", params={"q": "épiceries solidaires"}).json()["total"] > 0


async def _embeddings(settings: Settings) -> dict[str, tuple[bytes | None, str | None]]:
    async with session_scope(settings) as session:
        model = kinds.BY_RESOURCE["initiatives"].model
        rows = await session.execute(select(model.slug, model.embedding, model.embedding_text_hash))
        return {slug: (blob, digest) for slug, blob, digest in rows}


def test_what_people_changed_is_left_alone_and_counted(client: TestClient, settings: Settings) -> None:
    run(_load(settings))
    items = client.get("/api/initiatives", params={"page_size": 4, "sort": "oldest"}).json()["items"]
    archived, merged, edited, deleted = (item["id"] for item in items)
    assert client.delete(f"/api/initiatives/{archived}").status_code in (200, 204)
    merge = client.post(f"/api/initiatives/{merged}/moderation",
                        json={"action": "merge", "merge_into": edited, "reason": "doublon"})
    assert merge.status_code == 200, merge.text
    time.sleep(EDIT_SLACK_SECONDS + 0.1)  # an edit is told from the seed's own writes by its time
    assert client.patch(f"/api/initiatives/{edited}", json={"title": "Un titre choisi par l'équipe"}).status_code == 200
    sql(settings.database_url, "DELETE FROM initiatives WHERE id = :id", id=deleted)
    before = run(_embeddings(settings))

    again = run(_load(settings))  # failed before ("cette annonce est fusionnée… ne peut plus être modifiée")
    assert (again.inserted, again.skipped) == (1, 3) and again.embedded == 1  # the inserted one only
    assert client.get(f"/api/initiatives/{edited}").json()["title"] == "Un titre choisi par l'équipe"
    statuses = dict(sql(settings.database_url, "SELECT id, status FROM initiatives WHERE id IN (:a, :b)",
                        a=archived, b=merged))
    assert statuses == {archived: "archived", merged: "merged"}
    after = run(_embeddings(settings))
    assert {slug: after[slug] for slug in before} == before  # nothing re-embedded


def test_the_summary_reads_as_french() -> None:
    assert str(DemoSummary(inserted=97, embedded=97)) == (
        "97 annonces ajoutées, aucune déjà présente, aucune laissée telle quelle ; 97 vecteurs calculés")
    assert str(DemoSummary(unchanged=96, skipped=1)) == (
        "aucune annonce ajoutée, 96 déjà présentes, 1 laissée telle quelle (modifiée ou modérée depuis) ; "
        "aucun vecteur à calculer")
    assert str(DemoSummary(inserted=1, unchanged=1, skipped=2, embedded=1)) == (
        "1 annonce ajoutée, 1 déjà présente, 2 laissées telles quelles (modifiées ou modérées depuis) ; "
        "1 vecteur calculé")
    assert " 0 " not in str(DemoSummary())
