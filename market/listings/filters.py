"""Filter builders shared by the kinds: a listing's value equals, or its accepted list allows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_

from market.db import json_contains, json_is_empty
from market.listings.spec import FilterBuilder
from market.vocabulary import MATURITY_ORDER


def equals(column: Any) -> FilterBuilder:
    return lambda value, dialect: column == value


def contains(column: Any) -> FilterBuilder:
    """For repeatable filters (need): the list holds every value asked for."""

    def build(values: Any, dialect: str):
        values = values if isinstance(values, list) else [values]
        return and_(*(json_contains(column, v, dialect) for v in values))

    return build


def accepts(column: Any) -> FilterBuilder:
    """The candidate's list of accepted values is empty (accepts all) or holds the value."""
    return lambda value, dialect: or_(json_is_empty(column, dialect), json_contains(column, value, dialect))


def at_most_maturity(column: Any) -> FilterBuilder:
    """The candidate's minimum maturity is at or below the maturity asked for."""

    def build(value: str, dialect: str):
        return column.in_(MATURITY_ORDER[: MATURITY_ORDER.index(value) + 1])

    return build
