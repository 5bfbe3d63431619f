"""python -m seeds [territories|demo|all]: load reference and demo data (safe to re-run)."""

from __future__ import annotations

import argparse
import asyncio
import time

from sqlalchemy.ext.asyncio import async_sessionmaker

from market.config import Settings
from market.db import create_engine
from seeds.loader import load_demo, load_territories


async def main(what: str, force: bool) -> None:
    settings = Settings.from_env()
    engine = create_engine(settings)
    started = time.perf_counter()
    async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
        if what in ("territories", "all"):
            count = await load_territories(session, force=force)
            print(f"territoires : {count} communes chargées" if count else "territoires : déjà à jour")
        if what in ("demo", "all"):
            summary = await load_demo(session, settings)
            print(f"démonstration : {summary}")
    await engine.dispose()
    print(f"terminé en {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", nargs="?", default="all", choices=["territories", "demo", "all"])
    parser.add_argument("--force", action="store_true", help="reload the territories even if up to date")
    args = parser.parse_args()
    asyncio.run(main(args.what, args.force))
