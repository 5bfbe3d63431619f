"""Matching speed and memory on synthetic but realistic profiles.

Usage: .venv/bin/python benchmarks/matching.py [--candidates 100000] [--queries 200] [--batch 10000]

Builds candidates of the three kinds (40 % support providers, 20 % takeovers, 40 % volunteer
offers) with random codes, places drawn from the real commune reference (seeds/data), skills
drawn from the taxonomy and the spellings people use, and random unit 384-d vectors; loads the
embedding model, as the service does. Prints:
- ranking one initiative against every candidate (eligibility + scoring + top 20 of each kind
  with reasons): p50 / p95 in ms, once the caches of candidate texts are warm (a first pass of
  other initiatives warms them; its p95 is printed too);
- the floor: bare numpy exact dot-product top-20 over the same vectors: p50 / p95 in ms, and the ratio;
- batch: 10k initiatives x 10k candidates (top 20 of each kind), seconds;
- peak RSS of the process, model loaded, in MB.
The last line is one JSON object with p95_ms, floor_p95_ms, ratio, batch_10k_s, rss_mb.
"""

from __future__ import annotations

import os

# One BLAS thread: the service runs one ranking per worker thread, and on 2 cores a second BLAS
# thread only contends with the other work. Engine and floor are measured under the same setting.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import gzip
import json
import random
import resource
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.engine import rank
from matching.pool import build_pool
from matching.semantic import default_model_path, load_embedder
from matching.types import Area, Initiative, Place, SupportProvider, Takeover, VolunteerOffer
from matching.vocabulary import LABELS, SKILLS

DIM = 384
TOP = 20
TODAY = date(2026, 12, 1)
SPELLINGS = ["compta", "tenue de la compta", "CM", "RP", "répa vélo", "photovoltaique", "optimisation de tournées",
             "dev web & mobile", "SEO local", "sociocratie", "mesure d'impact social", "droit immo",
             "BP / business plan"]


def places() -> list[Place]:
    with gzip.open(ROOT / "seeds" / "data" / "territories.json.gz") as handle:
        ref = json.loads(handle.read())
    return [Place(code=c["code"], name=c["name"], department=c["department"], region=c["region"],
                  lat=c["lat"], lon=c["lon"], epci=c.get("epci")) for c in ref["communes"]]


class Maker:
    def __init__(self, seed: int, all_places: list[Place]) -> None:
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self.places = all_places

    def some(self, list_name: str, most: int, empty: float = 0.5) -> tuple[str, ...]:
        if self.rng.random() < empty:
            return ()
        return tuple(self.rng.sample(list(LABELS[list_name]), self.rng.randint(1, most)))

    def vector(self) -> np.ndarray:
        v = self.np.standard_normal(DIM).astype(np.float32)
        return v / np.linalg.norm(v)

    def skills(self, n: int) -> tuple[str, ...]:
        return tuple(self.rng.choice(SKILLS) if self.rng.random() < 0.6 else self.rng.choice(SPELLINGS)
                     for _ in range(n))

    def area(self, place: Place) -> Area:
        pick = self.rng.random()
        if pick < 0.1:
            return Area(national=True)
        if pick < 0.3:
            return Area(regions=(place.region,))
        if pick < 0.6:
            return Area(departments=(place.department,))
        if pick < 0.75 and place.epci:
            return Area(epcis=(place.epci,))
        return Area(communes=(place,), radius_km=float(self.rng.choice([10, 20, 30, 50])))

    def candidate(self, i: int):
        place = self.rng.choice(self.places)
        kind = i % 5
        common = {"id": str(i), "description": "Description d'une offre.", "themes": self.some("theme", 3)}
        if kind < 2:
            return SupportProvider(
                name=f"Structure {i}", area=self.area(place), maturities=self.some("maturity", 3),
                economic_purposes=self.some("economic_purpose", 2), org_forms=self.some("org_form", 4),
                stances=self.some("stance", 2, 0.8), offers=self.some("need", 4, 0.0),
                capacity=self.rng.randint(0, 10), **common)
        if kind == 2:
            return Takeover(direction=self.rng.choice(["handover", "carrier"]), actor_name=f"Acteur {i}",
                            actor_org_form="scop", title=f"Activité {i}", place=place,
                            radius_km=float(self.rng.choice([10, 20, 40])),
                            min_maturity=self.rng.choice(list(LABELS["maturity"])),
                            economic_purposes=self.some("economic_purpose", 2),
                            deadline=TODAY + timedelta(days=self.rng.randint(-60, 400)), **common)
        return VolunteerOffer(business_name=f"Entreprise {i}", title=f"Mécénat {i}", skills=self.skills(4),
                              hours=self.rng.randint(0, 80), remote_ok=self.rng.random() < 0.3, place=place,
                              radius_km=float(self.rng.choice([10, 20, 50])), **common)

    def initiative(self, i: int) -> Initiative:
        return Initiative(
            id=f"I{i}", title=f"Initiative {i}", description="Un projet citoyen.", place=self.rng.choice(self.places),
            themes=self.some("theme", 3, 0.0), maturity=self.rng.choice(list(LABELS["maturity"])),
            economic_purpose=self.rng.choice(list(LABELS["economic_purpose"])),
            org_form=self.rng.choice(list(LABELS["org_form"])), stance=self.rng.choice(list(LABELS["stance"])),
            needs=self.some("need", 4, 0.0), skills_needed=self.skills(3), vector=self.vector(),
        )


def pools_of(candidates: list, maker: Maker) -> dict:
    """The three pools; each kind's vectors are made as one matrix (the service does the same
    from the stored embeddings) rather than one array per profile."""
    pools = {}
    for kind in ("support_provider", "takeover", "volunteer_offer"):
        of_kind = [c for c in candidates if c.kind == kind]
        matrix = maker.np.standard_normal((len(of_kind), DIM), dtype=np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        pools[kind] = build_pool(kind, of_kind, vectors=matrix)
    return pools


def rank_all(ini: Initiative, pools: dict) -> int:
    return sum(len(rank(ini, pool, today=TODAY, limit=TOP).matches) for pool in pools.values())


def floor(pools: dict, vector: np.ndarray) -> list:
    """Exact dot-product top 20 of each kind over the same vectors, nothing else."""
    out = []
    for pool in pools.values():
        scores = pool.vectors @ vector
        top = np.argpartition(-scores, TOP)[:TOP]
        out.append(top[np.argsort(-scores[top])])
    return out


def timed(fn, items, label: str) -> list[float]:
    out = []
    for item in tqdm(items, desc=label, file=sys.stderr):
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()

    embedder = load_embedder(default_model_path())
    model = "loaded" if embedder is not None else "unavailable"
    all_places = places()
    maker = Maker(1, all_places)
    candidates = [maker.candidate(i) for i in tqdm(range(args.candidates), desc="candidates", file=sys.stderr)]
    pools = pools_of(candidates, maker)
    # A running service has already read the candidates' texts and skills (cached word stems,
    # skill concepts): a first pass of other initiatives warms those caches, and is reported too.
    warmup = [maker.initiative(args.queries + i) for i in range(args.queries)]
    cold_ms = timed(lambda ini: rank_all(ini, pools), warmup, "rank 1 x 100k, cold caches")
    queries = [maker.initiative(i) for i in range(args.queries)]
    engine_ms = timed(lambda ini: rank_all(ini, pools), queries, "rank 1 x 100k")
    floor_ms = timed(lambda ini: floor(pools, ini.vector), queries, "floor 1 x 100k")

    batch_maker = Maker(2, all_places)
    batch_pools = pools_of([batch_maker.candidate(i) for i in range(args.batch)], batch_maker)
    batch_inis = [batch_maker.initiative(i) for i in range(args.batch)]
    start = time.perf_counter()
    for ini in tqdm(batch_inis, desc="batch 10k x 10k", file=sys.stderr):
        rank_all(ini, batch_pools)
    batch_s = time.perf_counter() - start

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "p50_ms": round(statistics.median(engine_ms), 2), "p95_ms": round(p95(engine_ms), 2),
        "cold_p95_ms": round(p95(cold_ms), 2),
        "floor_p50_ms": round(statistics.median(floor_ms), 2), "floor_p95_ms": round(p95(floor_ms), 2),
        "ratio": round(p95(engine_ms) / p95(floor_ms), 2), "batch_10k_s": round(batch_s, 1),
        "rss_mb": round(rss_mb), "candidates": args.candidates, "model": model,
    }
    print(f"rank one initiative x {args.candidates} candidates: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms "
          f"(first pass, cold caches: p95 {result['cold_p95_ms']} ms)")
    print(f"floor (numpy dot + top {TOP}): p50 {result['floor_p50_ms']} ms, p95 {result['floor_p95_ms']} ms; "
          f"ratio {result['ratio']}")
    print(f"batch {args.batch} x {args.batch}: {result['batch_10k_s']} s")
    print(f"peak RSS: {result['rss_mb']} MB (embedding model {model})")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
