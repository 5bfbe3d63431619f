"""`python -m market.refund PLEDGE_ID [--amount-cents N] [--reason TEXT]`: refund a paid pledge.

Admin refunds are a server-side command until accounts and roles exist (issue 5); the admin route
will call the same service function, `market.services.refunds.refund_pledge`. Without
--amount-cents, everything not yet refunded is refunded.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy.ext.asyncio import async_sessionmaker

from market.config import Settings
from market.db import create_engine
from market.errors import DomainError
from market.payments import StripeGateway
from market.receipts import euros
from market.services.refunds import refund_pledge


async def _refund(settings: Settings, pledge_id: int, amount: int | None, reason: str | None) -> str:
    engine = create_engine(settings)
    gateway = StripeGateway(settings)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            refund = await refund_pledge(session, gateway, pledge_id, amount, reason)
        return (f"promesse {pledge_id} : {euros(refund.amount_cents)} remboursés "
                f"(remboursement Stripe {refund.stripe_refund_id})")
    finally:
        await gateway.close()
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m market.refund", description=__doc__.splitlines()[0])
    parser.add_argument("pledge_id", type=int)
    parser.add_argument("--amount-cents", type=int, default=None, help="partial refund, in euro cents")
    parser.add_argument("--reason", default=None, help="a note kept with the refund")
    args = parser.parse_args(argv)
    try:
        print(asyncio.run(_refund(Settings.from_env(), args.pledge_id, args.amount_cents, args.reason)))
    except DomainError as exc:
        print(f"refusé : {exc.detail}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
