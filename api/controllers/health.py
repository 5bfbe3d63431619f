"""GET /health: is the database answering, is the embedding model loaded."""

from __future__ import annotations

import logging

import msgspec
from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from market.config import VERSION

log = logging.getLogger("bourse.health")


class Health(msgspec.Struct):
    status: str
    database: str
    embedding_model: str
    version: str


@get("/health", tags=["service"], summary="État du service")
async def health(state: State, db_session: AsyncSession) -> Response[Health]:
    database = "ok"
    try:
        await db_session.execute(text("SELECT 1"))
    except Exception as exc:  # the database being down is the answer, not an error
        log.error("health: database unreachable (%s: %s)", type(exc).__name__, str(exc)[:200])
        database = "unavailable"
    model = "loaded" if state.get("embedder") is not None else "unavailable"
    status = "ok" if database == "ok" and model == "loaded" else "degraded"
    body = Health(status=status, database=database, embedding_model=model, version=VERSION)
    return Response(body, status_code=200 if database == "ok" else 503)
