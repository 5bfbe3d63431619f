"""Engine creation, sessions outside a request, and the few SQL pieces that differ between
PostgreSQL and SQLite."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, event, exists, func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from market.config import Settings

# aiosqlite logs every statement with its parameters at DEBUG (emails...): SQLAlchemy's
# hide_parameters does not reach it, so its logger stays at WARNING whatever LOG_LEVEL says (the app's
# LoggingConfig says so too; this covers the commands, which configure logging themselves).
logging.getLogger("aiosqlite").setLevel(logging.WARNING)


def create_engine(settings: Settings) -> AsyncEngine:
    kwargs: dict[str, Any] = {
        "echo": settings.sql_echo,
        "hide_parameters": True,  # no personal data in logs or error messages
        "pool_pre_ping": not settings.is_sqlite,
        "json_deserializer": msgspec.json.decode,  # a page of listings decodes about a hundred JSON columns
    }
    if settings.is_sqlite:
        kwargs["connect_args"] = {"timeout": 30}
    engine = create_async_engine(settings.database_url, **kwargs)
    if settings.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


@asynccontextmanager
async def session_factory(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory on a fresh engine, disposed of at the end: for commands, jobs and tests that
    open several transactions (in a request, the framework owns the session)."""
    engine = create_engine(settings)
    try:
        yield async_sessionmaker(engine, expire_on_commit=False)
    finally:
        await engine.dispose()


@asynccontextmanager
async def session_scope(settings: Settings) -> AsyncIterator[AsyncSession]:
    """One session in one transaction, committed when the block ends without an error."""
    async with session_factory(settings) as factory, factory() as session, session.begin():
        yield session


async def rows_changed(session: AsyncSession, statement: Any) -> int:
    """Run an UPDATE or DELETE and return how many rows it changed."""
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0))


def insert_for(session: AsyncSession) -> Callable[..., Any]:
    """The dialect's INSERT, which knows ON CONFLICT (PostgreSQL and SQLite spell it alike)."""
    return pg_insert if dialect(session) == "postgresql" else sqlite_insert


def database_key(session: AsyncSession) -> str:
    """The database a session talks to, for caches kept per database."""
    bind = session.bind
    assert isinstance(bind, AsyncEngine)
    return str(bind.url)


def dialect(session: AsyncSession) -> str:
    bind = session.bind
    assert bind is not None
    return bind.dialect.name


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def json_contains(column: Any, value: str, dialect: str) -> ColumnElement[bool]:
    """True when the JSON array `column` holds the string `value`."""
    if dialect == "postgresql":
        return column.op("@>")(func.jsonb_build_array(literal(value)))
    each = func.json_each(column).table_valued("value")
    return exists(select(1).select_from(each).where(each.c.value == value))


def json_is_empty(column: Any, dialect: str) -> ColumnElement[bool]:
    if dialect == "postgresql":
        return func.jsonb_array_length(column) == 0
    return func.json_array_length(column) == 0
