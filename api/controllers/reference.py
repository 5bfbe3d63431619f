"""Reference data: the vocabulary and the territory look-up."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import get
from litestar.params import Parameter

from market import vocabulary
from market.reference.territories import TerritoryIndex, TerritoryOut


@get("/api/vocabulary", tags=["référentiels"], summary="Listes de codes et libellés")
async def get_vocabulary() -> dict[str, Any]:
    return vocabulary.as_document()


@get("/api/territories", tags=["référentiels"], summary="Chercher une commune, un EPCI, un département ou une région")
async def search_territories(
    territory_index: TerritoryIndex,
    q: Annotated[str, Parameter(min_length=1, max_length=100, description="Nom, code INSEE ou code postal")],
    limit: Annotated[int, Parameter(ge=1, le=50)] = 10,
) -> dict[str, list[TerritoryOut]]:
    return {"items": territory_index.search(q, limit)}
