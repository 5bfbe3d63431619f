"""Idempotent loaders: territories (upsert on INSEE/SIREN code) and demo listings (upsert on slug)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import anyio
import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from tqdm import tqdm

from market.access import SYSTEM
from market.config import Settings
from market.db import insert_for
from market.listings import kinds
from market.listings import service as listings
from market.listings.spec import KindSpec
from market.models import Commune, Department, Epci, Organisation, Region
from market.moderation import workflow as moderation
from matching.semantic import Embedder, load_embedder

DATA = Path(__file__).parent / "data"
TERRITORIES = DATA / "territories.json.gz"
DEMO_FILES = {
    "initiatives": "initiatives.json",
    "support-providers": "support_providers.json",
    "takeover-opportunities": "takeover_opportunities.json",
    "volunteer-offers": "volunteer_offers.json",
}
BATCH = 2000


async def upsert(session: AsyncSession, model: type, rows: list[dict[str, Any]], key: str) -> None:
    for start in range(0, len(rows), BATCH):
        stmt = insert_for(session)(model).values(rows[start : start + BATCH])
        updates = {c: stmt.excluded[c] for c in rows[0] if c != key}
        await session.execute(stmt.on_conflict_do_update(index_elements=[key], set_=updates))


async def load_territories(session: AsyncSession, path: Path = TERRITORIES, progress: bool = True,
                           force: bool = True) -> int:
    """Upsert the whole reference; with force=False, skip it when every commune is already there."""
    data = json.loads(gzip.decompress(path.read_bytes()))
    if not force and await session.scalar(select(func.count()).select_from(Commune)) == len(data["communes"]):
        return 0
    await upsert(session, Region, [{"code": r["code"], "name": r["name"], "population": r.get("population")}
                                   for r in data["regions"]], "code")
    await upsert(session, Department, [{"code": d["code"], "name": d["name"], "region_code": d["region"],
                                        "population": d.get("population")} for d in data["departments"]], "code")
    await upsert(session, Epci, [{"code": e["code"], "name": e["name"], "nature": e.get("nature"),
                                  "population": e.get("population")} for e in data["epcis"]], "code")
    communes = data["communes"]
    with tqdm(total=len(communes), desc="communes", unit=" communes", disable=not progress) as bar:
        for start in range(0, len(communes), BATCH):
            batch = communes[start : start + BATCH]
            await upsert(session, Commune, [_commune_row(c) for c in batch], "code")
            bar.update(len(batch))
    return len(communes)


def _commune_row(c: dict[str, Any]) -> dict[str, Any]:
    return {"code": c["code"], "name": c["name"], "kind": c["kind"], "parent_code": c.get("parent"),
            "postal_codes": c.get("postal_codes") or [], "epci_code": c.get("epci"),
            "department_code": c["department"], "region_code": c["region"], "population": c.get("population"),
            "lat": c["lat"], "lon": c["lon"]}


async def load_demo(session: AsyncSession, settings: Settings, data_dir: Path = DATA, progress: bool = True) -> int:
    """Upsert the demo listings, each written as the API writes it: with its text embedding, from
    the configured model (none when it cannot load)."""
    items = [(kinds.BY_RESOURCE[resource], entry) for resource, name in DEMO_FILES.items()
             if (data_dir / name).exists()
             for entry in json.loads((data_dir / name).read_text(encoding="utf-8"))]
    embedder = await anyio.to_thread.run_sync(load_embedder, settings.embedding_model)
    desc = "annonces de démonstration" + (" (avec vecteurs)" if embedder else " (sans vecteurs : modèle indisponible)")
    for spec, entry in tqdm(items, desc=desc, unit=" annonces", disable=not progress):
        await _upsert_listing(session, spec, entry, settings, embedder)
    return len(items)


async def _upsert_listing(session: AsyncSession, spec: KindSpec, entry: dict[str, Any], settings: Settings,
                          embedder: Embedder | None) -> None:
    entry = dict(entry)
    slug = entry.pop("slug")
    organisation = await _organisation(session, entry.pop("organisation", None))
    existing = await session.scalar(select(spec.model.id).where(spec.model.slug == slug))
    if existing is None:
        item = await listings.create(session, spec, msgspec.convert(entry, spec.create), settings, actor=SYSTEM,
                                     slug=slug, organisation_id=organisation.id if organisation else None,
                                     embedder=embedder)
    else:
        item = await listings.update(session, spec, existing, msgspec.convert(entry, spec.update), actor=SYSTEM,
                                     embedder=embedder)
        item.organisation_id = organisation.id if organisation else None
    if item.status != "published":
        moderation.change(session, spec.kind, item, "published", action="publish", actor=SYSTEM,
                          reason="données de démonstration")
    await session.flush()


async def _organisation(session: AsyncSession, data: dict[str, Any] | None) -> Organisation | None:
    if not data:
        return None
    organisation = await session.scalar(select(Organisation).where(Organisation.slug == data["slug"]))
    if organisation is None:
        organisation = Organisation(slug=data["slug"], name=data["name"], kind=data["kind"], siren=data.get("siren"))
        session.add(organisation)
    else:
        organisation.name, organisation.kind = data["name"], data["kind"]
    await session.flush()
    return organisation
