"""The pledges' reconciliation as a job (the command `reconcile`, the queue's hourly task)."""

from __future__ import annotations

from collections import Counter

from market.config import Settings
from market.db import session_factory
from market.pledges.payments import StripeGateway
from market.pledges.reconcile import reconcile


async def run_reconcile(settings: Settings, progress: bool = False) -> Counter[str]:
    gateway = StripeGateway(settings)
    try:
        async with session_factory(settings) as factory:
            return await reconcile(factory, gateway, settings, progress=progress)
    finally:
        await gateway.close()
