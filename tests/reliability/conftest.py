"""The reliability runs: on PostgreSQL only (a failure, not a skip, when it does not answer), against
the real app served over HTTP by uvicorn, wired to localstripe and an SMTP server on loopback.

Not part of the default `pytest` run (pyproject's norecursedirs): `make test-reliability` runs it."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from market.config import Settings
from tests.mailbox import running_smtp
from tests.reliability.report import LINES
from tests.stripe_fixtures import localstripe as localstripe  # the fake Stripe, a session fixture
from tests.stripe_fixtures import payment_settings

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def plain_dsn(url: str) -> str:
    """postgresql+asyncpg://… as asyncpg itself takes it."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture(scope="session", autouse=True)
def postgres_required() -> str:
    """DATABASE_URL must name a PostgreSQL database that answers: these runs fail, never skip, without it.
    RELIABILITY_ON_SQLITE=1 lets the schemathesis pass alone run on the embedded SQLite (`make test`)."""
    url = os.environ.get("DATABASE_URL", "")
    if os.environ.get("RELIABILITY_ON_SQLITE") == "1" and not url:
        return ""
    if not url.startswith("postgresql"):
        pytest.fail(f"the reliability runs need PostgreSQL: DATABASE_URL={url or '(unset)'}, e.g. {DEFAULT_URL}",
                    pytrace=False)

    async def ping() -> None:
        connection = await asyncpg.connect(plain_dsn(url), timeout=10)
        await connection.close()

    try:
        asyncio.run(ping())
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.fail(f"PostgreSQL does not answer at {url}: {type(exc).__name__}: {exc}", pytrace=False)
    return url


@pytest.fixture(scope="session")
def live_smtp() -> Iterator[int]:
    with running_smtp() as (_mailbox, port):
        yield port


@pytest.fixture(scope="session")
def live_settings(database_url: str, localstripe: str, live_smtp: int) -> Settings:
    """The settings of the served app: test environment, auto-publish, localstripe, loopback SMTP."""
    return payment_settings(database_url, localstripe, live_smtp)


@pytest.fixture(scope="session")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("servers") / "uvicorn.log"


# Counts of the earlier issues' checks, printed at the end of `make test-reliability`.
EARLIER_CHECKS = {
    "test_access_matrix.py": "access matrix",
    "test_safety.py": "CSRF, cookies, headers, secrets",
    "test_pledges_webhooks.py": "webhook forgery, replay, out-of-order",
    "test_pledges.py": "log canary",
}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    counts: dict[str, Counter[str]] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") != "call" and outcome == "passed":
                continue
            name = Path(report.nodeid.split("::", 1)[0]).name
            group = EARLIER_CHECKS.get(name, f"reliability: {name}" if "reliability" in report.nodeid else None)
            if group:
                counts.setdefault(group, Counter())[outcome] += 1
    if LINES:
        terminalreporter.section("reliability: figures")
        for line in LINES:
            terminalreporter.write_line(line)
    if counts:
        terminalreporter.section("reliability: counts per group")
        for group, counter in counts.items():
            terminalreporter.write_line(f"{group}: " + ", ".join(f"{n} {o}" for o, n in sorted(counter.items())))
