"""Real databases, the real app over HTTP.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL points at it (as
`.ci/run` does). The schema is made once per run through the Alembic migrations, the whole
territory reference is loaded once, and listing rows are wiped between tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.config import Config
from litestar.testing import TestClient
from sqlalchemy import Table, text

from api.app import create_app
from market.accounts.session_models import StoreItem, WebSession
from market.config import ROOT, Settings
from market.db import session_scope
from market.models import Base
from seeds.loader import load_territories
from tests.browser import browser
from tests.helpers import run
from tests.mailbox import Mailbox
from tests.mailbox import smtp as smtp  # the loopback SMTP server, a fixture for every module
from tests.people import ROLES, TEST_SECRET, Person, make_person

# Loaded once per run (by `database_url`), never wiped; alembic_version is in no metadata.
REFERENCE_TABLES = frozenset({"regions", "departments", "epcis", "communes",
                              "listing_versions"})  # moved by triggers, never reset (a cache could match it)


def wiped_tables() -> list[Table]:
    """Every table of the models except the reference ones, children before their parents, then the
    tables of the web sessions and the store (another registry, no foreign keys)."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    return [*tables, WebSession.__table__, StoreItem.__table__]  # type: ignore[list-item]


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
    async with session_scope(Settings(database_url=url)) as session:
        await session.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await session.execute(text("CREATE SCHEMA public"))


async def _load_reference(url: str) -> None:
    async with session_scope(Settings(database_url=url)) as session:
        await load_territories(session, progress=False)


async def _wipe(url: str) -> None:
    async with session_scope(Settings(database_url=url)) as session:
        for table in wiped_tables():
            await session.execute(table.delete())
        if session.get_bind().dialect.name == "sqlite":
            await session.execute(text("DELETE FROM listing_fts"))


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



@pytest.fixture()
def mailbox(smtp: tuple[Mailbox, int]) -> Mailbox:
    return smtp[0]


@pytest.fixture()
def mail_settings(database_url: str, smtp: tuple[Mailbox, int]) -> Settings:
    """The app's emails (confirmations, resets, invitations) go to the loopback SMTP server."""
    return suite_settings(database_url, embedding_model="", auto_publish=True, smtp_host="127.0.0.1",
                          smtp_port=smtp[1], public_url="https://bourse.test")


@pytest.fixture()
def web(mail_settings: Settings) -> Iterator[TestClient]:
    """That app, as a browser would use it (cookies, CSRF, no bearer token); rows wiped afterwards."""
    with browser(create_app(mail_settings)) as client:
        yield client
    run(_wipe(mail_settings.database_url))
