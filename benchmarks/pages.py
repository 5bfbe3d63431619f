"""Page render time of the web client, in process (the app, its templates and the database; no
network): a search with filters, and an initiative's matches.

Usage: .venv/bin/python benchmarks/pages.py [--requests N]   (uses DATABASE_URL, default
var/bourse.sqlite3 with the demo data that `make run` loads). Prints p50 / p95 / max in milliseconds.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from litestar.testing import TestClient
from tqdm import tqdm

from api.app import create_app

logging.getLogger("httpx").setLevel(logging.WARNING)
from market.config import Settings


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms"


def measure(client: TestClient, path: str, count: int) -> list[float]:
    assert client.get(path).status_code == 200, path  # warm: pools, templates, territory index
    samples = []
    for _ in tqdm(range(count), desc=path[:40], unit=" pages"):
        started = time.perf_counter()
        assert client.get(path).status_code == 200
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    with TestClient(create_app(Settings.from_env())) as client:
        found = client.get("/api/initiatives", params={"page_size": 1}).json()
        if not found["items"]:
            print("no published initiative: run `make seed` first", file=sys.stderr)
            return 1
        pages = {
            "search with filters": "/initiatives?q=solidaire&territory=90&theme=food&maturity=launch&sort=relevance",
            "an initiative's matches": f"/initiatives/{found['items'][0]['id']}/rapprochements",
        }
        for name, path in pages.items():
            print(f"{name} ({path}), {args.requests} renders: {percentiles(measure(client, path, args.requests))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
