"""Login attempts, counted per account and per address in `login_counters`, atomically.

Each attempt first reserves a slot, in one short transaction of its own (committed at once, whatever
the login's answer): an upsert of the account's counter, then of the address's, each allowed only
while that counter is not locked. Rows are locked in that order until the commit (PostgreSQL row
locks; SQLite's single writer), so concurrent attempts on one account are counted one after the
other: of 40 concurrent wrong logins, only the first `login_failures_per_account` check a password.
Reaching the limit locks the counter for `login_lock_seconds`, doubled at each further attempt;
counts are forgotten `login_window_seconds` after the last attempt. A right password clears the
account's count and gives the address its slot back.

No denial of service: when the account is locked, an address that made no attempt in the window
may still try once (the right password gets in); so a stranger's failures never lock the owner out.

Keys are HMACs of the email and of the address under the secret key: the table holds neither.
An email with no account is counted exactly like one with an account.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from market.config import Settings
from market.db import insert_for
from market.errors import TooManyAttempts
from market.models import LoginCounter

MAX_DOUBLINGS = 16
REFUSED = "trop de tentatives de connexion : réessayez plus tard"


@dataclass
class Attempt:
    account_key: str
    address_key: str


@dataclass
class LoginThrottle:
    engine: AsyncEngine
    settings: Settings

    def _key(self, scope: str, value: str) -> str:
        digest = hmac.new(self.settings.secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()
        return f"{scope}:{digest}"

    def _lock_for(self, count: Any, limit: int) -> Any:
        """SQL: the wait once `count` attempts were made (0 below the limit, then doubling)."""
        settings = self.settings
        waits = {limit + i: float(min(settings.login_lock_seconds * 2 ** i, settings.login_window_seconds))
                 for i in range(MAX_DOUBLINGS)}
        return case(waits, value=count, else_=float(settings.login_window_seconds))

    async def _reserve(self, session: AsyncSession, key: str, limit: int, now: float, *,
                       first_only: bool = False) -> bool:
        """Count one attempt on this key if its counter allows it (or, `first_only`, if it is its first
        in the window); False when refused."""
        table: Any = LoginCounter.__table__
        stale = table.c.last_at < now - self.settings.login_window_seconds
        new_count = case((stale, 1), else_=table.c.count + 1)
        first_wait = min(self.settings.login_lock_seconds, self.settings.login_window_seconds) if limit <= 1 else 0.0
        allowed = (stale | (table.c.count == 0)) if first_only else (stale | (table.c.locked_until <= now))
        statement = insert_for(session)(table).values(key=key, count=1, last_at=now,
                                                      locked_until=now + first_wait if first_wait else 0.0)
        statement = statement.on_conflict_do_update(
            index_elements=["key"], where=allowed,
            set_={"count": new_count, "last_at": now,
                  "locked_until": case((new_count >= limit, now + self._lock_for(new_count, limit)), else_=0.0)},
        ).returning(table.c.count)
        return (await session.execute(statement)).scalar_one_or_none() is not None

    async def attempt(self, email: str, address: str) -> Attempt:
        """Reserve one attempt, or refuse at once (429 with Retry-After) without checking any password."""
        settings, now = self.settings, time.time()
        found = Attempt(self._key("account", email.strip().casefold()), self._key("address", address))
        async with AsyncSession(self.engine) as session, session.begin():
            account_ok = await self._reserve(session, found.account_key, settings.login_failures_per_account, now)
            address_ok = await self._reserve(session, found.address_key, settings.login_failures_per_address, now,
                                             first_only=not account_ok)
            if account_ok and address_ok:
                return found
            keys = [found.address_key] if account_ok else [found.account_key, found.address_key]
            waits = await session.scalars(select(LoginCounter.locked_until).where(LoginCounter.key.in_(keys)))
        if not account_ok and address_ok:
            return found  # an address with no attempt in the window may try once, even on a locked account
        wait = max([w - now for w in waits] + [1.0])
        raise TooManyAttempts(REFUSED, retry_after=math.ceil(wait))

    async def succeeded(self, attempt: Attempt) -> None:
        """The right password: the account's count is cleared, and the address gets its slot back (one
        good account must not reset the failures an address made on others)."""
        limit = self.settings.login_failures_per_address
        table: Any = LoginCounter.__table__
        async with AsyncSession(self.engine) as session, session.begin():
            await session.execute(update(table).where(table.c.key == attempt.account_key)
                                  .values(count=0, locked_until=0.0))
            left = case((table.c.count > 0, table.c.count - 1), else_=0)
            await session.execute(update(table).where(table.c.key == attempt.address_key).values(
                count=left, locked_until=case((left < limit, 0.0), else_=table.c.locked_until)))
