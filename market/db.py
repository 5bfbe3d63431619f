"""Engine creation and the few SQL expressions that differ between PostgreSQL and SQLite."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import ColumnElement, event, exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from market.config import Settings

# aiosqlite logs every statement with its parameters at DEBUG (emails...): SQLAlchemy's
# hide_parameters does not reach it, so its logger stays at WARNING whatever LOG_LEVEL says.
logging.getLogger("aiosqlite").setLevel(logging.WARNING)


def create_engine(settings: Settings) -> AsyncEngine:
    kwargs: dict[str, Any] = {
        "echo": settings.sql_echo,
        "hide_parameters": True,  # no personal data in logs or error messages
        "pool_pre_ping": not settings.is_sqlite,
    }
    if settings.is_sqlite:
        kwargs["connect_args"] = {"timeout": 30}
    engine = create_async_engine(settings.database_url, **kwargs)
    if settings.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


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
