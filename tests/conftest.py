"""Real databases, the real app over HTTP.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL points at it (as
`.ci/run` does). The schema is made once per run through the Alembic migrations, the whole
territory reference is loaded once, and listing rows are wiped between tests.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.config import Config
from litestar.testing import TestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.app import create_app
from market.config import ROOT, Settings
from market.db import create_engine
from seeds.loader import load_territories
from tests.people import ROLES, TEST_SECRET, Person, make_person

LISTING_TABLES = ("stripe_events", "pledge_refunds", "pledges",
                  "match_events", "matches", "moderation_actions", "api_tokens", "memberships", "web_sessions",
                  "store_items", "support_provider_areas", "initiatives", "support_providers",
                  "takeover_opportunities", "volunteer_offers", "organisations", "accounts")


def run(coro):
    return asyncio.run(coro)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    if url.startswith("postgresql"):
        run(_reset_postgres(url))
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")
    run(_load_reference(url))
    return url


async def _reset_postgres(url: str) -> None:
    engine = create_engine(Settings(database_url=url))
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def _load_reference(url: str) -> None:
    engine = create_engine(Settings(database_url=url))
    async with async_sessionmaker(engine)() as session, session.begin():
        await load_territories(session, progress=False)
    await engine.dispose()


async def _wipe(url: str) -> None:
    engine = create_engine(Settings(database_url=url))
    async with engine.begin() as connection:
        for table in LISTING_TABLES:
            await connection.execute(text(f"DELETE FROM {table}"))
        if connection.dialect.name == "sqlite":
            await connection.execute(text("DELETE FROM listing_fts"))
    await engine.dispose()


def suite_settings(database_url: str, **overrides: object) -> Settings:
    """The suite's settings: the test environment (a real secret key), the cheapest argon2 profile."""
    values: dict[str, object] = {"environment": "test", "database_url": database_url, "secret_key": TEST_SECRET,
                                 "argon2_profile": "cheapest", **overrides}
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture()
def settings(database_url: str) -> Settings:
    return suite_settings(database_url, auto_publish=True)


@pytest.fixture()
def admin(settings: Settings) -> Person:
    return make_person(settings, "admin")


@pytest.fixture()
def client(settings: Settings, admin: Person) -> Iterator[TestClient]:
    """The app with the development auto-publish setting (created listings are public at once), acting
    by default as an admin through a bearer API token; `anonymous` gives a client without one."""
    with TestClient(create_app(settings)) as test_client:
        test_client.headers.update(admin.headers)
        yield test_client
    run(_wipe(settings.database_url))


@pytest.fixture()
def moderated_settings(database_url: str) -> Settings:
    return suite_settings(database_url, auto_publish=False)


@pytest.fixture()
def moderated_client(moderated_settings: Settings) -> Iterator[TestClient]:
    """The app as in production: created listings wait in pending_review; as an admin by default."""
    admin = make_person(moderated_settings, "admin")
    with TestClient(create_app(moderated_settings)) as test_client:
        test_client.headers.update(admin.headers)
        yield test_client
    run(_wipe(moderated_settings.database_url))


@pytest.fixture()
def people(settings: Settings, admin: Person) -> dict[str, Person]:
    """One person per role: anonymous, a project leader, a support member, a business member, a funder
    (each in an organisation of its own), a moderator and the admin."""
    found = {role: make_person(settings, role) for role in ROLES if role != "admin"}
    return {**found, "admin": admin}


@pytest.fixture()
def dialect(database_url: str) -> str:
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


def pytest_report_header() -> str:
    return f"database: {os.environ.get('DATABASE_URL') or 'SQLite (temporary file)'}"




# The pledge tests' fixtures and helpers (tests/stripe_fixtures.py): their asserts are rewritten too.
pytest.register_assert_rewrite("tests.stripe_fixtures")
