"""HTTP load on the bourse, with its two anchors in the same run, served the way the README serves
production (uvicorn, --workers): a Litestar hello-world and the same browse through the bare driver
(`benchmarks/anchors.py`). wrk (Debian's package) drives each route with 16 connections.

Usage: .venv/bin/python benchmarks/load.py [--duration 10] [--workers 1] [--connections 16] [--rate 200]
Uses DATABASE_URL (default: the embedded SQLite that `make run` fills). Prints a table, then one JSON line.

Measured: requests/s and latency (p50, p99) per route and the ratio to each anchor; the browse again
with the ETag of its first answer (304s); an initiative's matches warm (wrk, then one request at a
time: p50, p95) and the first request after a restart; an open-loop mix of the routes at
--rate requests/s (p50, p99, errors); the resident memory of each worker after the load; whether a
read of matches wrote to the database (row counts of the match table before and after).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from market.config import Settings
from market.db import session_scope
from market.models import Match, MatchEvent

ROOT = Path(__file__).resolve().parents[1]
UVICORN = str(Path(sys.executable).with_name("uvicorn"))
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(factory: str, workers: int, env: dict[str, str]) -> Any:
    port = free_port()
    process = subprocess.Popen(
        [UVICORN, "--factory", factory, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, process)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if process.poll() is not None:
            errors = process.stderr.read().decode()[-2000:] if process.stderr else ""
            raise SystemExit(f"le serveur s'est arrêté : {errors}")
        try:
            httpx.get(base + "/", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("le serveur ne répond pas")


def wrk(url: str, duration: int, connections: int, headers: dict[str, str] | None = None) -> dict[str, float]:
    extra = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", *extra, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = {p: _ms(m.group(2), m.group(3)) for p in ("50", "99")
               if (m := re.search(rf"\s{p}(\.000)?%\s+([\d.]+)(us|ms|s)", out))}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: .*", out)
    return {"rps": rps, "p50_ms": latency.get("50", 0.0), "p99_ms": latency.get("99", 0.0),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0, "socket_errors": bool(errors)}


def _ms(value: str, unit: str) -> float:
    return round(float(value) * UNITS[unit], 2)


def sequential_ms(url: str, count: int) -> dict[str, float]:
    """One request at a time (no queueing behind other connections): the latency a reader sees."""
    samples = []
    with httpx.Client(timeout=60) as client:
        for _ in range(count):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return {"p50_ms": round(ordered[len(ordered) // 2], 2), "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 2)}


def worker_rss_mb(process: subprocess.Popen[bytes]) -> list[int]:
    """Resident memory of the server's workers (its children; the process itself with one worker)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    pids = [int(p) for p in children.read_text().split()] if children.exists() else []
    # with --workers N the workers are multiprocessing spawns too: leave out only the resource tracker
    pids = [p for p in pids if "resource_tracker" not in Path(f"/proc/{p}/cmdline").read_text()] or [process.pid]
    sizes = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) // 1024)  # type: ignore[union-attr]
    return sizes


async def open_loop(base: str, paths: list[str], rate: int, seconds: int) -> dict[str, float]:
    """Requests sent at a fixed rate whatever the answers' pace (a closed loop would hide queueing)."""
    latencies: list[float] = []
    errors = 0
    rng = random.Random(3)
    async with httpx.AsyncClient(base_url=base, timeout=10,
                                 limits=httpx.Limits(max_connections=200)) as client:
        async def one(path: str) -> None:
            nonlocal errors
            started = time.perf_counter()
            try:
                response = await client.get(path)
                if response.status_code >= 400:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append((time.perf_counter() - started) * 1000)

        tasks = []
        start = time.perf_counter()
        for n in tqdm(range(rate * seconds), desc=f"mélange à {rate} req/s", unit=" req"):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(rng.choice(paths))))
        await asyncio.gather(*tasks)
    ordered = sorted(latencies)
    return {"rate": rate, "requests": len(ordered), "p50_ms": round(ordered[len(ordered) // 2], 2),
            "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1], 2), "errors": errors}


def match_rows() -> int:
    """Stored matches (and their events), counted in the database itself: a read must not add any."""
    async def count() -> int:
        async with session_scope(Settings.from_env()) as session:
            matches = await session.scalar(select(func.count()).select_from(Match))
            events = await session.scalar(select(func.count()).select_from(MatchEvent))
        return int(matches or 0) + int(events or 0)

    return asyncio.run(count())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rate", type=int, default=200)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk est introuvable : `apt-get install -y wrk` (make bench l'installe)", file=sys.stderr)
        return 1
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    figures: dict[str, Any] = {"workers": args.workers, "connections": args.connections,
                               "database": "postgresql" if env.get("DATABASE_URL", "").startswith("postgresql")
                               else "sqlite"}
    with server("benchmarks.anchors:hello_app", args.workers, env) as (base, _):
        figures["hello"] = wrk(base + "/hello", args.duration, args.connections)
    with server("benchmarks.anchors:bare_app", args.workers, env) as (base, _):
        figures["bare_browse"] = wrk(base + "/bare/initiatives?maturity=launch", args.duration, args.connections)
    with server("api.app:create_app", args.workers, env) as (base, process):
        first = httpx.get(base + "/api/initiatives", params={"page_size": 1}, timeout=30).json()["items"]
        if not first:
            print("aucune initiative publiée : lancez `make seed` ou benchmarks/synthetic.py", file=sys.stderr)
            return 1
        one = first[0]["id"]
        started = time.perf_counter()
        assert httpx.get(f"{base}/api/initiatives/{one}/matches", timeout=60).status_code == 200
        figures["matches_first_ms"] = round((time.perf_counter() - started) * 1000, 1)
        before = match_rows()
        routes = {
            "browse": "/api/initiatives?maturity=launch&page_size=20",
            "search": "/api/initiatives?q=solidaire",
            "one": f"/api/initiatives/{one}",
            "territory": "/api/territories?q=belf",
            "matches": f"/api/initiatives/{one}/matches",
        }
        for name, path in routes.items():
            assert httpx.get(base + path, timeout=120).status_code == 200, path  # warm: indexes, pools
            figures[name] = wrk(base + path, args.duration, args.connections)
        etag = httpx.get(base + routes["browse"], timeout=30).headers.get("etag")
        if etag:  # an anonymous reader that already has the page: 304 without body
            figures["browse_304"] = wrk(base + routes["browse"], args.duration, args.connections,
                                        {"If-None-Match": etag})
        figures["matches_sequential"] = sequential_ms(base + routes["matches"], 200)
        figures["mix"] = asyncio.run(open_loop(base, list(routes.values()), args.rate, args.duration))
        figures["rss_mb"] = worker_rss_mb(process)
        after = match_rows()
        figures["rows_written_by_reads"] = after - before
    hello, bare = figures["hello"]["rps"], figures["bare_browse"]["rps"]
    print(f"{'route':<12}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'/ bare':>9}{'/ hello':>9}")
    for name in ("hello", "bare_browse", *routes, "browse_304"):
        if name not in figures:
            continue
        row = figures[name]
        print(f"{name:<12}{row['rps']:>10.0f}{row['p50_ms']:>10.1f}{row['p99_ms']:>10.1f}"
              f"{row['rps'] / bare:>9.0%}{row['rps'] / hello:>9.0%}")
    mix = figures["mix"]
    print(f"mélange à {mix['rate']} req/s : p50 {mix['p50_ms']} ms, p99 {mix['p99_ms']} ms, {mix['errors']} erreurs")
    seq = figures["matches_sequential"]
    print(f"rapprochements, une requête à la fois : p50 {seq['p50_ms']} ms, p95 {seq['p95_ms']} ms")
    print(f"rapprochements : premier appel {figures['matches_first_ms']} ms ; RSS par worker {figures['rss_mb']} Mo ; "
          f"{figures['rows_written_by_reads']} lignes écrites par les lectures")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
