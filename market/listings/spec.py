"""What the generic listing service, moderation and matching need to know about one kind of listing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from market.reference.territories import TerritoryRef
from market.vocabulary import ListingKind

if TYPE_CHECKING:
    from market.matches.profiles import ProfileContext

# A filter builder gets the filter's value and the dialect name and returns a SQL condition.
FilterBuilder = Callable[[Any, str], ColumnElement[bool]]
# The listings of a kind that are in, or reach into, a territory.
TerritoryCondition = Callable[[TerritoryRef], ColumnElement[bool]]


@dataclass(frozen=True)
class KindSpec:
    kind: ListingKind
    resource: str  # the path segment: /api/{resource}
    label: str  # French, for messages: « structure d'accompagnement 12 introuvable »
    model: Any  # the SQLAlchemy class of the kind's table
    create: type[msgspec.Struct]
    update: type[msgspec.Struct]
    out: type[msgspec.Struct]
    page: type[msgspec.Struct]
    title_attr: str
    apply: Callable[[AsyncSession, Any, dict[str, Any]], Any]
    to_out: Callable[[Any], msgspec.Struct]
    search_body: Callable[[Any], str]
    territory: TerritoryCondition
    profile: Callable[[Any, ProfileContext], Any]  # a stored row -> the matching engine's profile
    filters: dict[str, FilterBuilder] = field(default_factory=dict)

    def title(self, item: Any) -> str:
        return str(getattr(item, self.title_attr))

    def url(self, item: Any) -> str:
        return f"/api/{self.resource}/{item.id}"


def located_in(model: Any) -> TerritoryCondition:
    """For the kinds placed in one commune: that commune lies in the territory."""
    return lambda ref: model.commune_code.in_(ref.communes_inside())
