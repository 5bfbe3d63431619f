"""What the maps draw when no tile server answers: the department outlines, from the app's own
territory data (computed once, then kept by the app: the reference is read-only)."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from market.reference.outlines import department_outlines


@get("/carte/departements.geojson", include_in_schema=False)
async def outlines(state: State, db_session: AsyncSession) -> Response[Any]:
    if state.get("department_outlines") is None:
        state.department_outlines = await department_outlines(db_session)
    return Response(state.department_outlines, media_type="application/geo+json",
                    headers={"Cache-Control": "public, max-age=86400"})
