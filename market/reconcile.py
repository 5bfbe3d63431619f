"""`python -m market.reconcile`: settle pending pledges whose webhook never came, by asking Stripe.

Safe to run at any time, beside the webhooks and twice in a row: every change is a conditional
update that a second run (or a late event) finds already made. Each pledge is settled in its own
transaction, so Stripe failing on one leaves the others settled. Then receipts that have not gone
out are mailed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections import Counter

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tqdm import tqdm

from market.config import Settings
from market.db import create_engine
from market.mailer import send_receipts, unsent
from market.models import Pledge
from market.payments import PaymentGateway, PaymentUnavailable, StripeGateway
from market.services.settlement import settle

log = logging.getLogger("bourse.reconcile")


async def reconcile(session_factory: async_sessionmaker[AsyncSession], gateway: PaymentGateway,
                    settings: Settings, *, progress: bool = True) -> Counter[str]:
    async with session_factory() as session:
        pending = list(await session.scalars(select(Pledge.id).where(Pledge.status == "pending").order_by(Pledge.id)))
    outcomes: Counter[str] = Counter()
    for pledge_id in tqdm(pending, desc="Promesses en attente", unit="promesse", disable=not progress):
        try:
            async with session_factory() as session, session.begin():
                outcomes[await settle(session, gateway, settings, pledge_id)] += 1
        except PaymentUnavailable as exc:
            log.warning("pledge %s left pending: Stripe did not answer (%s)", pledge_id, exc)
            outcomes["stripe_unavailable"] += 1
    async with session_factory() as session:
        to_mail = await unsent(session)
    outcomes["receipts_sent"] = await send_receipts(session_factory, settings, to_mail)
    return outcomes


async def _main(settings: Settings, progress: bool) -> Counter[str]:
    engine = create_engine(settings)
    gateway = StripeGateway(settings)
    try:
        return await reconcile(async_sessionmaker(engine, expire_on_commit=False), gateway, settings,
                               progress=progress)
    finally:
        await gateway.close()
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m market.reconcile", description=__doc__.splitlines()[0])
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    outcomes = asyncio.run(_main(settings, not args.no_progress))
    print(", ".join(f"{name}: {count}" for name, count in sorted(outcomes.items())) or "rien à faire")
    return 1 if outcomes.get("stripe_unavailable") else 0


if __name__ == "__main__":
    raise SystemExit(main())
