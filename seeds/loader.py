"""Idempotent loaders: territories (upsert on INSEE/SIREN code) and demo listings (inserted when missing,
by slug; never overwritten)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified
from tqdm import tqdm

from market.access import SYSTEM
from market.config import Settings
from market.db import insert_for
from market.listings import kinds
from market.listings import service as listings
from market.listings.spec import KindSpec
from market.matches.embeddings import embed_listing, embed_many
from market.models import Commune, Department, Epci, ModerationAction, Organisation, Region
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
# the seed publishes a listing just after creating it; a later edit moves updated_at further
EDIT_SLACK_SECONDS = 1


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


@dataclass
class DemoSummary:
    """What a demo load did: listings inserted, already there as seeded (left alone, their embedding
    computed only if missing), skipped because people changed or moderated them, and the vectors
    computed (for the inserted ones and the untouched ones that had none)."""

    inserted: int = 0
    unchanged: int = 0
    skipped: int = 0
    embedded: int = 0
    skipped_slugs: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.inserted + self.unchanged + self.skipped

    def __str__(self) -> str:
        """In French as one would say it: « aucune » rather than « 0 », the singular for one."""
        skipped = _counted(self.skipped, "aucune laissée telle quelle", "laissée telle quelle",
                           "laissées telles quelles")
        if self.skipped:
            skipped += " (modifiée ou modérée depuis)" if self.skipped == 1 else " (modifiées ou modérées depuis)"
        return ", ".join([
            _counted(self.inserted, "aucune annonce ajoutée", "annonce ajoutée", "annonces ajoutées"),
            _counted(self.unchanged, "aucune déjà présente", "déjà présente", "déjà présentes"),
            skipped,
        ]) + " ; " + _counted(self.embedded, "aucun vecteur à calculer", "vecteur calculé", "vecteurs calculés")


def _counted(count: int, none: str, one: str, many: str) -> str:
    if count == 0:
        return none
    return f"{count} {one if count == 1 else many}"


async def load_demo(session: AsyncSession, settings: Settings, data_dir: Path = DATA,
                    progress: bool = True) -> DemoSummary:
    """Insert the demo listings that are missing, each written as the API writes it (with its text
    embedding, from the configured model; none when it cannot load), and leave the others alone:
    what people changed, archived, merged or moderated is never overwritten nor re-published."""
    items = [(kinds.BY_RESOURCE[resource], entry) for resource, name in DEMO_FILES.items()
             if (data_dir / name).exists()
             for entry in json.loads((data_dir / name).read_text(encoding="utf-8"))]
    summary = DemoSummary()
    specs = {spec.kind: spec for spec, _ in items}.values()
    existing = {spec.kind: await _existing(session, spec) for spec in specs}
    missing = [(spec, entry) for spec, entry in items if entry["slug"] not in existing[spec.kind]]
    present = [(spec, existing[spec.kind][entry["slug"]]) for spec, entry in items
               if entry["slug"] in existing[spec.kind]]
    needs_model = bool(missing) or any(_stale(item, settings) for _, item in present)
    embedder = await anyio.to_thread.run_sync(load_embedder, settings.embedding_model) if needs_model else None
    inserted: dict[str, list[Any]] = {}
    for spec, entry in tqdm(missing, desc="annonces de démonstration", unit=" annonces",
                            disable=not progress or not missing):
        inserted.setdefault(spec.kind, []).append(await _insert_listing(session, spec, entry, settings))
        summary.inserted += 1
    if embedder is not None:
        summary.embedded += await _embed_inserted(session, inserted, embedder, progress)
    for spec, item in present:
        if await _changed_by_people(session, spec, item):
            summary.skipped += 1
            summary.skipped_slugs.append(item.slug)
            continue
        summary.unchanged += 1
        if embedder is not None and _stale(item, settings):
            await embed_listing(session, spec.kind, item, embedder)
            flag_modified(item, "updated_at")  # written as it is: a vector is no edit
            summary.embedded += 1
    await session.flush()
    return summary


async def _existing(session: AsyncSession, spec: KindSpec) -> dict[str, Any]:
    rows = await session.scalars(select(spec.model))
    return {row.slug: row for row in rows.unique().all()}


def _stale(item: Any, settings: Settings) -> bool:
    """An untouched demo listing without a vector of a model that is configured (the hash tells
    embed_listing whether the text itself changed)."""
    return bool(settings.embedding_model) and (item.embedding_model is None or item.embedding_text_hash is None)


async def _changed_by_people(session: AsyncSession, spec: KindSpec, item: Any) -> bool:
    """Not published, or moved by anyone but the system, or edited after its publication."""
    if item.status != "published":
        return True
    by_people = await session.scalar(
        select(func.count()).select_from(ModerationAction).where(
            ModerationAction.listing_kind == spec.kind, ModerationAction.listing_id == item.id,
            ModerationAction.actor_role.is_distinct_from("system"),
        )
    )
    if by_people:
        return True
    published, updated = item.published_at, item.updated_at
    return bool(published and updated and (updated - published).total_seconds() > EDIT_SLACK_SECONDS)


async def _embed_inserted(session: AsyncSession, inserted: dict[str, list[Any]], embedder: Embedder,
                          progress: bool) -> int:
    """The new listings' vectors, in batches (a batch costs little more than one text)."""
    total, computed = sum(len(items) for items in inserted.values()), 0
    with tqdm(total=total, desc="vecteurs des annonces", unit=" annonces", disable=not progress) as bar:
        for kind, items in inserted.items():
            computed += await embed_many(session, kind, items, embedder, on_batch=bar.update)
            for item in items:
                flag_modified(item, "updated_at")  # written as it is: a vector is no edit
    return computed


async def _insert_listing(session: AsyncSession, spec: KindSpec, entry: dict[str, Any],
                          settings: Settings) -> Any:
    entry = dict(entry)
    slug = entry.pop("slug")
    organisation = await _organisation(session, entry.pop("organisation", None))
    item = await listings.create(session, spec, msgspec.convert(entry, spec.create), settings, actor=SYSTEM,
                                 slug=slug, organisation_id=organisation.id if organisation else None,
                                 embedder=None)
    if item.status != "published":
        moderation.change(session, spec.kind, item, "published", action="publish", actor=SYSTEM,
                          reason="données de démonstration")
    await session.flush()
    return item


async def _organisation(session: AsyncSession, data: dict[str, Any] | None) -> Organisation | None:
    if not data:
        return None
    organisation = await session.scalar(select(Organisation).where(Organisation.slug == data["slug"]))
    if organisation is None:  # an existing one is left as its members made it
        organisation = Organisation(slug=data["slug"], name=data["name"], kind=data["kind"], siren=data.get("siren"))
        session.add(organisation)
        await session.flush()
    return organisation
