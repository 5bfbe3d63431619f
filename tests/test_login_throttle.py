"""Lock-out without denial of service (issue 11): login attempts are reserved atomically before any
password is checked, so 40 concurrent wrong logins check at most the configured number of passwords;
a locked account still lets the right password in from an address that made no attempt, and the
growing wait applies to the addresses that failed."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from api.app import create_app
from market.accounts import service as accounts
from market.accounts.throttle import LoginThrottle
from market.config import Settings
from market.db import create_engine, session_scope
from market.errors import NotAuthenticated, TooManyAttempts
from market.models import LoginCounter
from tests.browser import browser, csrf
from tests.conftest import _wipe, suite_settings
from tests.helpers import run, sql
from tests.people import PASSWORD, make_person


def test_forty_concurrent_wrong_logins_check_at_most_the_configured_number(database_url: str,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    settings = suite_settings(database_url, embedding_model="", login_failures_per_account=5,
                              login_failures_per_address=100, auth_rate_per_minute=1000)
    person = make_person(settings, "funder")
    checked: list[str] = []
    lock = threading.Lock()
    real_verify = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str, password: str) -> bool:
        with lock:
            checked.append(hash)
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    try:
        with browser(create_app(settings)) as web:
            headers = csrf(web)

            def wrong(i: int) -> int:
                return web.post("/api/auth/login", json={"email": person.email, "password": f"wrong guess {i}"},
                                headers=headers).status_code

            with ThreadPoolExecutor(40) as pool:
                statuses = list(pool.map(wrong, range(40)))
        assert sorted(set(statuses)) == [401, 429]
        assert statuses.count(401) == 5 and len(checked) == 5, (statuses, len(checked))
        [(count,)] = sql(database_url, "SELECT count FROM login_counters WHERE key LIKE 'account:%'")
        assert count == 5  # refused attempts are not counted again: the wait does not grow without checks
    finally:
        run(_wipe(database_url))


def test_a_locked_account_lets_the_right_password_in_from_an_address_with_no_failures(database_url: str) -> None:
    settings = suite_settings(database_url, embedding_model="", login_failures_per_account=3, login_lock_seconds=60)
    person = make_person(settings, "funder")
    engine = create_engine(settings)

    async def login(password: str, address: str) -> str:
        async with session_scope(settings) as session:
            try:
                await accounts.authenticate(session, settings, LoginThrottle(engine, settings), person.email or "",
                                            password, address)
            except NotAuthenticated:
                return "refused"
            except TooManyAttempts as exc:
                return f"wait {exc.retry_after}"
            return "in"

    async def scenario() -> list[str]:
        try:
            outcomes = [await login("an attacker's guess", "203.0.113.7") for _ in range(4)]
            outcomes.append(await login(PASSWORD, "203.0.113.7"))  # the attacker's address waits, even right
            outcomes.append(await login("another guess", "192.0.2.9"))  # a fresh address: one try
            outcomes.append(await login("another guess", "192.0.2.9"))  # then it waits
            outcomes.append(await login(PASSWORD, "198.51.100.2"))  # the owner, elsewhere: in
            return outcomes
        finally:
            await engine.dispose()

    try:
        outcomes = run(scenario())
        assert outcomes[:3] == ["refused"] * 3
        assert outcomes[3].startswith("wait ") and 1 <= int(outcomes[3].split()[1]) <= 60
        assert outcomes[4].startswith("wait ")
        assert outcomes[5] == "refused" and outcomes[6].startswith("wait ")
        assert outcomes[7] == "in"
        stored = str(sql(database_url, "SELECT * FROM login_counters"))
        assert person.email not in stored and "203.0.113.7" not in stored  # HMAC keys only
    finally:
        run(_wipe(database_url))


def test_the_wait_doubles_at_each_attempt_after_a_wait(database_url: str) -> None:
    settings = suite_settings(database_url, embedding_model="", login_failures_per_account=2, login_lock_seconds=10)
    engine = create_engine(settings)
    throttle = LoginThrottle(engine, settings)

    async def waits() -> list[int]:
        try:
            found = []
            for _ in range(5):
                before = time.time()
                await throttle.attempt("someone@example.org", "198.51.100.7")
                found.append(round(await _locked_until(settings) - before) if await _locked_until(settings) else 0)
                await _end_the_wait(settings)  # as if the wait had passed
            return found
        finally:
            await engine.dispose()

    try:
        assert run(waits()) == [0, 10, 20, 40, 80]
    finally:
        run(_wipe(database_url))


async def _locked_until(settings: Settings) -> float:
    async with session_scope(settings) as session:
        return float(await session.scalar(select(LoginCounter.locked_until).where(
            LoginCounter.key.like("account:%"))) or 0.0)


async def _end_the_wait(settings: Settings) -> None:
    async with session_scope(settings) as session:
        await session.execute(update(LoginCounter).where(LoginCounter.locked_until > 0).values(locked_until=1.0))
