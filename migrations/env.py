"""Alembic environment: the database URL comes from the app's settings (DATABASE_URL)."""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from market.config import Settings
from market.db import create_engine
from market.live import models as _live  # noqa: F401  (its table in the metadata)
from market.matches import models as _matching_settings  # noqa: F401  (its table in the metadata)
from market.models import Base
from market.notifications import models as _notifications  # noqa: F401  (its tables in the metadata)

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Search structures are made by hand in the migrations, per dialect: leave them out of autogenerate."""
    if type_ == "column" and name in ("search_vector", "search_words"):
        return False
    if type_ == "index" and name and name.endswith(("_search_vector", "_search_words")):
        return False
    # listing_fts: SQLite's search table; procrastinate_*: the job queue's own schema (migration 0018)
    return not (type_ == "table" and name and name.startswith(("listing_fts", "procrastinate_")))


def _settings() -> Settings:
    url = config.attributes.get("database_url")
    return Settings.from_env(**({"database_url": url} if url else {}))


def run_migrations_offline() -> None:
    context.configure(
        url=_settings().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        include_object=include_object,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    engine = create_engine(_settings())
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
