"""Territory look-up latency: the in-memory index, and GET /api/territories through the app.

Usage: .venv/bin/python benchmarks/territory_search.py   (uses DATABASE_URL, default var/bourse.sqlite3)
Prints p50 / p95 / max in milliseconds for a mix of names, partial names, INSEE and postal codes.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import async_sessionmaker
from tqdm import tqdm

from api.app import create_app
from market.config import Settings
from market.db import create_engine
from market.reference.territories import build_index

QUERIES = ["hericourt", "Héricourt", "70400", "belfort", "sucy", "paris 18", "75018", "s", "sa", "saint",
           "bourgogne", "grand belfort", "90", "200069052", "montbeliard", "lyon", "marseille 1", "rennes",
           "pays d'hericourt", "val-de-marne", "ile", "la", "crest", "2A004"] * 20


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered):.3f} ms, p95 {p95:.3f} ms, max {ordered[-1]:.3f} ms"


async def index_figures(settings: Settings) -> None:
    engine = create_engine(settings)
    async with async_sessionmaker(engine)() as session:
        started = time.perf_counter()
        index = await build_index(session)
        print(f"index build: {(time.perf_counter() - started) * 1000:.0f} ms for {len(index.entries)} territories")
    await engine.dispose()
    samples = []
    for q in tqdm(QUERIES, desc="index"):
        started = time.perf_counter()
        index.search(q, 10)
        samples.append((time.perf_counter() - started) * 1000)
    print(f"in-memory search ({len(samples)} queries): {percentiles(samples)}")


def http_figures(settings: Settings) -> None:
    samples = []
    with TestClient(create_app(settings)) as client:
        client.get("/api/territories", params={"q": "warm-up"})
        for q in tqdm(QUERIES, desc="HTTP"):
            started = time.perf_counter()
            assert client.get("/api/territories", params={"q": q}).status_code == 200
            samples.append((time.perf_counter() - started) * 1000)
    print(f"GET /api/territories in-process ({len(samples)} requests): {percentiles(samples)}")


if __name__ == "__main__":
    settings = Settings.from_env(embedding_model="")
    asyncio.run(index_figures(settings))
    http_figures(settings)
