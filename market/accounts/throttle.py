"""Login failures, counted per account and per address in a shared key/value store (Litestar's
store protocol; the app gives it advanced-alchemy's database store, so every instance sees the
same counts). Past a limit each further failure doubles the wait; attempts during the wait are
refused without checking the password.

Keys are HMACs of the email and of the address under the secret key: the store holds neither.
An email with no account is counted exactly like one with an account.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from market.config import Settings
from market.errors import TooManyAttempts


class KeyValueStore(Protocol):
    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None: ...

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None: ...

    async def delete(self, key: str) -> None: ...


@dataclass
class LoginThrottle:
    store: KeyValueStore
    settings: Settings

    def _key(self, scope: str, value: str) -> str:
        digest = hmac.new(self.settings.secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()
        return f"{scope}:{digest}"

    def _keys(self, email: str, address: str) -> list[tuple[str, int]]:
        return [(self._key("account", email.strip().casefold()), self.settings.login_failures_per_account),
                (self._key("address", address), self.settings.login_failures_per_address)]

    async def _state(self, key: str) -> dict[str, float]:
        raw = await self.store.get(key)
        return json.loads(raw) if raw else {"failures": 0, "locked_until": 0.0}

    async def check(self, email: str, address: str) -> None:
        """Refuse at once (429 with Retry-After) while the account or the address must wait."""
        now = time.time()
        waits = [state["locked_until"] - now for key, _ in self._keys(email, address)
                 if (state := await self._state(key))["locked_until"] > now]
        if waits:
            raise TooManyAttempts("trop de tentatives de connexion : réessayez plus tard",
                                  retry_after=math.ceil(max(waits)))

    async def failed(self, email: str, address: str) -> None:
        now, settings = time.time(), self.settings
        for key, limit in self._keys(email, address):
            state = await self._state(key)
            state["failures"] += 1
            over = state["failures"] - limit
            if over >= 0:
                wait = min(settings.login_lock_seconds * 2 ** min(over, 16), settings.login_window_seconds)
                state["locked_until"] = now + wait
            await self.store.set(key, json.dumps(state),
                                 expires_in=settings.login_window_seconds + settings.login_lock_seconds)

    async def succeeded(self, email: str) -> None:
        """A right password clears the account's count (not the address's: one good account must not
        reset the failures an address made on others)."""
        await self.store.delete(self._key("account", email.strip().casefold()))
