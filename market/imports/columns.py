"""The columns of an import file, one per field of the kind's creation body (market/listings/schemas.py),
read from the Struct itself so that a field added there is a column here. Nested bodies are
flattened: `contact_email`, `area_departments`. An `id` column, optional, names the listing to update."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

import msgspec
from msgspec import inspect

from market.listings.spec import KindSpec
from market.vocabulary import LABELS, TAKEOVER_DIRECTIONS

Shape = Literal["text", "int", "bool", "list", "date"]
ID_COLUMN = "id"
LIST_SEPARATOR = "|"

# The vocabulary list each coded field takes its codes (and French labels) from.
VOCABULARIES: dict[str, dict[str, str]] = {
    "themes": LABELS["theme"], "maturity": LABELS["maturity"], "min_maturity": LABELS["maturity"],
    "maturities": LABELS["maturity"], "economic_purpose": LABELS["economic_purpose"],
    "economic_purposes": LABELS["economic_purpose"], "org_form": LABELS["org_form"],
    "org_forms": LABELS["org_form"], "actor_org_form": LABELS["org_form"], "stance": LABELS["stance"],
    "stances": LABELS["stance"], "needs": LABELS["need"], "offers": LABELS["need"],
    "direction": TAKEOVER_DIRECTIONS,
}


@dataclass(frozen=True)
class Column:
    name: str  # in the file: `contact_email`
    path: tuple[str, ...]  # in the body: ("contact", "email")
    shape: Shape
    required: bool
    vocabulary: dict[str, str] | None = None  # code -> French label

    @property
    def field(self) -> str:
        """As the API names the field in its errors: `contact.email`."""
        return ".".join(self.path)


def _shape(info: inspect.Type) -> tuple[Shape, inspect.Type]:
    if isinstance(info, inspect.UnionType):
        info = next(t for t in info.types if not isinstance(t, inspect.NoneType))
    if isinstance(info, inspect.Metadata):
        info = info.type
    if isinstance(info, inspect.ListType):
        return "list", info
    if isinstance(info, inspect.IntType):
        return "int", info
    if isinstance(info, inspect.BoolType):
        return "bool", info
    if isinstance(info, inspect.DateType):
        return "date", info
    return "text", info


def _walk(struct: type[msgspec.Struct], prefix: tuple[str, ...], required: bool) -> list[Column]:
    info = inspect.type_info(struct)
    assert isinstance(info, inspect.StructType)
    found: list[Column] = []
    for item in info.fields:
        path = (*prefix, item.name)
        inner = item.type.types[0] if isinstance(item.type, inspect.UnionType) else item.type
        if isinstance(inner, inspect.StructType):
            found += _walk(inner.cls, path, required and item.required)
            continue
        shape, _ = _shape(item.type)
        found.append(Column(name="_".join(path), path=path, shape=shape, required=required and item.required,
                            vocabulary=VOCABULARIES.get(item.name)))
    return found


def columns(spec: KindSpec) -> dict[str, Column]:
    """The kind's columns by name, in the body's order, `id` first."""
    return _columns(spec.create)


@cache
def _columns(create: type[msgspec.Struct]) -> dict[str, Column]:
    found = [Column(name=ID_COLUMN, path=(ID_COLUMN,), shape="int", required=False)]
    found += _walk(create, (), True)
    return {column.name: column for column in found}


def groups(spec: KindSpec) -> dict[str, list[Column]]:
    """The nested bodies (contact, area) and their columns: the body is sent when one of them is filled."""
    found: dict[str, list[Column]] = {}
    for column in columns(spec).values():
        if len(column.path) > 1:
            found.setdefault(column.path[0], []).append(column)
    return found
