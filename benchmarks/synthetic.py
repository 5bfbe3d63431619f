"""National scale, reproducible: fill the database (DATABASE_URL) with synthetic but realistic listings.

Each listing is one of the demo listings (their French texts and codes, `seeds/data/`) moved to a
commune drawn by population over the whole reference, with its title naming that commune, a few
codes redrawn from the vocabulary, and a provider's area redrawn at the commune's scale (EPCI,
department, region or national). They are written as the API writes them (`listings.create`:
search index, validation), published, then embedded in batches, each chunk's vectors computed
while the next chunk is written. Deterministic for a given --seed; a run stopped
half-way goes on where it stopped.

Usage: .venv/bin/python benchmarks/synthetic.py [--scale 1.0] [--seed 7] [--no-embeddings]
  --scale 1.0 = 100,000 candidates (40,000 support providers, 20,000 takeovers, 40,000 volunteer
  offers) and 20,000 initiatives; --scale 0.01 gives a thousandth-sized check in seconds.
Run `make migrate` and `python -m seeds territories` first (the communes are needed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import anyio
import msgspec
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from tqdm import tqdm

from market.access import SYSTEM
from market.config import Settings
from market.db import create_engine, session_scope
from market.jobs.backfill import embedding_backfill
from market.listings import kinds
from market.listings import service as listings
from market.matches.embeddings import encode_texts, text_hash
from market.matches.profiles import profiles_of
from market.matches.vectors import model_id, to_bytes
from market.models import Commune
from market.moderation import workflow as moderation
from market.vocabulary import LABELS
from matching.semantic import Embedder, load_embedder, profile_text

DATA = Path(__file__).resolve().parents[1] / "seeds" / "data"
COUNTS = {"support_provider": 40_000, "takeover": 20_000, "volunteer_offer": 40_000, "initiative": 20_000}
FILES = {"initiative": "initiatives.json", "support_provider": "support_providers.json",
         "takeover": "takeover_opportunities.json", "volunteer_offer": "volunteer_offers.json"}
CHUNK = 500


class Places:
    """Communes drawn by population (a listing is where people live), with their EPCI, department, region."""

    def __init__(self, communes: list[Commune], rng: random.Random) -> None:
        self.communes = [c for c in communes if c.kind == "commune" and c.population]
        self.weights = [c.population or 1 for c in self.communes]
        self.rng = rng

    def draw(self) -> Commune:
        return self.rng.choices(self.communes, self.weights)[0]

    def area(self, commune: Commune) -> dict[str, Any]:
        scale = self.rng.random()
        if scale < 0.05:
            return {"national": True}
        if scale < 0.25:
            return {"regions": [commune.region_code]}
        if scale < 0.70 or not commune.epci_code:
            return {"departments": [commune.department_code]}
        return {"epcis": [commune.epci_code]}


def _vary(kind: str, template: dict[str, Any], places: Places, rng: random.Random) -> dict[str, Any]:
    entry = {k: v for k, v in template.items() if k not in ("slug", "organisation")}
    commune = places.draw()
    name_key = "name" if kind == "support_provider" else "title"
    entry[name_key] = f"{template[name_key]} — {commune.name}"[:200]
    if kind == "support_provider":
        entry["area"] = places.area(commune)
        entry["capacity"] = rng.randint(1, 40)
    else:
        entry["commune"] = commune.code
    if kind == "initiative":
        entry["maturity"] = rng.choice(list(LABELS["maturity"]))
        entry["needs"] = sorted(set(template.get("needs") or []) | {rng.choice(list(LABELS["need"]))})
    if kind == "takeover":
        entry["deadline"] = (date.today() + timedelta(days=rng.randint(30, 720))).isoformat()
    if kind == "volunteer_offer":
        entry["hours"] = rng.randint(4, 200)
    return entry


async def _communes(settings: Settings) -> list[Commune]:
    async with session_scope(settings) as session:
        return list((await session.scalars(select(Commune))).all())


async def _already_written(settings: Settings, kind: str, seed: int) -> int:
    """A run stopped half-way goes on where it stopped (its chunks are committed one by one)."""
    model = kinds.KINDS[kind].model
    async with session_scope(settings) as session:
        found = await session.scalar(select(func.count()).where(model.slug.like(f"synth-{seed}-{kind}-%")))
    return int(found or 0)


async def _write(session: AsyncSession, kind: str, entries: list[tuple[str, dict[str, Any]]],
                 settings: Settings) -> list[Any]:
    spec = kinds.KINDS[kind]
    written = []
    for slug, entry in entries:
        item = await listings.create(session, spec, msgspec.convert(entry, spec.create), settings,
                                     actor=SYSTEM, slug=slug)
        if item.status != "published":
            moderation.change(session, kind, item, "published", action="publish", actor=SYSTEM,
                              reason="données synthétiques")
        written.append(item)
    await session.flush()
    return written


async def analyse(settings: Settings) -> None:
    """A bulk load leaves the planner's statistics empty and every listing written twice (pending, then
    published): without VACUUM ANALYZE the browse's plans guess one row per filter until autovacuum
    passes (SQLite: ANALYZE)."""
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            postgres = connection.dialect.name == "postgresql"
            for spec in tqdm(list(kinds.KINDS.values()), desc="statistiques (ANALYZE)", unit=" tables"):
                table = spec.model.__tablename__
                await connection.exec_driver_sql(f"VACUUM (ANALYZE) {table}" if postgres else f"ANALYZE {table}")
    finally:
        await engine.dispose()


class Vectors:
    """The vectors of one chunk are computed in a worker thread while the next chunk is written (the
    model and the writes each keep a core busy), then stored in the next chunk's transaction."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder, self.model = embedder, model_id(embedder)
        self.pending: tuple[str, list[int], list[str], asyncio.Task[list[list[float]]]] | None = None
        self.seconds = 0.0

    async def start(self, session: AsyncSession, kind: str, items: list[Any]) -> None:
        texts = [profile_text(p) for p in await profiles_of(session, kind, items)]
        task = asyncio.create_task(self._encode(texts))
        self.pending = (kind, [item.id for item in items], texts, task)

    async def _encode(self, texts: list[str]) -> list[list[float]]:
        started = time.perf_counter()
        vectors = await anyio.to_thread.run_sync(encode_texts, self.embedder, texts)
        self.seconds += time.perf_counter() - started
        return vectors

    async def store(self, session: AsyncSession) -> None:
        if self.pending is None:
            return
        kind, ids, texts, task = self.pending
        self.pending = None
        vectors = await task
        model = kinds.KINDS[kind].model
        await session.execute(update(model), [
            {"id": listing_id, "embedding": to_bytes(vector), "embedding_model": self.model,
             "embedding_text_hash": text_hash(text)}
            for listing_id, text, vector in zip(ids, texts, vectors, strict=True)])


async def fill(settings: Settings, scale: float, seed: int, embeddings: bool) -> dict[str, Any]:
    rng = random.Random(seed)
    places = Places(await _communes(settings), rng)
    if not places.communes:
        raise SystemExit("aucune commune : lancez d'abord `python -m seeds territories`")
    embedder = load_embedder(settings.embedding_model) if embeddings else None
    vectors = Vectors(embedder) if embedder is not None else None
    figures: dict[str, Any] = {"scale": scale, "seed": seed, "embeddings": embedder is not None}
    started = time.perf_counter()
    written = 0
    for kind, full in COUNTS.items():
        templates = json.loads((DATA / FILES[kind]).read_text(encoding="utf-8"))
        count = max(1, round(full * scale))
        done = await _already_written(settings, kind, seed)
        with tqdm(total=count, initial=min(done, count), desc=f"{kind} (synthétiques)", unit=" annonces") as bar:
            for start in range(done, count, CHUNK):
                batch = [(f"synth-{seed}-{kind}-{n}", _vary(kind, rng.choice(templates), places, rng))
                         for n in range(start, min(count, start + CHUNK))]
                async with session_scope(settings) as session:
                    items = await _write(session, kind, batch, settings)
                    if vectors is not None:
                        await vectors.store(session)
                        await vectors.start(session, kind, items)
                bar.update(len(batch))
                written += len(batch)
        figures[kind] = count
    if vectors is not None:
        async with session_scope(settings) as session:
            await vectors.store(session)
        # a run stopped between a chunk and its vectors: the backfill computes what is missing
        await embedding_backfill(settings, progress=True, embedder=embedder)
    await analyse(settings)
    figures["written"], figures["seconds"] = written, round(time.perf_counter() - started, 1)
    figures["listings_per_s"] = round(written / figures["seconds"], 1) if written else None
    if vectors is not None:
        figures["embedded_per_s"] = round(written / vectors.seconds, 1) if vectors.seconds else None
    return figures


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-embeddings", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env()
    figures = await fill(settings, args.scale, args.seed, not args.no_embeddings)
    rates = f"{figures['listings_per_s']}/s" + (f", vecteurs {figures['embedded_per_s']}/s"
                                                 if figures.get("embedded_per_s") else "")
    print(f"{figures['written']} annonces écrites en {figures['seconds']} s ({rates}), "
          f"{sum(figures[k] for k in COUNTS)} en tout")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
