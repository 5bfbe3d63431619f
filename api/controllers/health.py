"""GET /health: is the database answering, is the embedding model loaded."""

from __future__ import annotations

import logging

import msgspec
from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy import text

from market.config import VERSION

log = logging.getLogger("bourse.health")


class Health(msgspec.Struct):
    status: str
    database: str
    embedding_model: str
    version: str


@get("/health", tags=["service"], summary="État du service")
async def health(state: State) -> Response[Health]:
    database = "ok"
    try:
        async with state.db_engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:  # the database being down is the answer, not an error
        log.error("health: database unreachable (%s)", type(exc).__name__)
        database = "unavailable"
    model = "loaded" if state.get("embedder") is not None else "unavailable"
    status = "ok" if database == "ok" and model == "loaded" else "degraded"
    body = Health(status=status, database=database, embedding_model=model, version=VERSION)
    return Response(body, status_code=200 if database == "ok" else 503)
