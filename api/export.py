"""Open-data exports of published listings, streamed: CSV (one flat row per listing, French labels
beside the codes, oui/non, the licence in a column; `;` and a BOM on request for French spreadsheets)
and GeoJSON (a geometry for every feature; the licence in the collection and in each feature)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

import msgspec

from market.imports.columns import VOCABULARIES

LICENCE = "Licence Ouverte 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
LICENCE_CELL = f"{LICENCE} {LICENCE_URL}"
LINK_HEADER = f'<{LICENCE_URL}>; rel="license"'
SEPARATORS = {"comma": ",", "semicolon": ";"}
_SKIPPED = ("description", "skills_normalised", "place", "organisation", "area")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_AREA = ("national", "regions", "departments", "epcis", "communes", "radius_km")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return value


def _label(name: str, value: Any) -> str:
    labels = VOCABULARIES[name]
    if isinstance(value, list):
        return "|".join(labels.get(v, v) for v in value)
    return labels.get(value, value) if value else ""


def _flat(item: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, value in item.items():
        if key in _SKIPPED:
            continue
        row[key] = _cell(value)
        if key in VOCABULARIES:
            row[f"{key}_libelle{'s' if isinstance(value, list) else ''}"] = _label(key, value)
    if "area" in item:
        row.update({f"area_{name}": _cell(item["area"].get(name)) for name in _AREA})
    if "place" in item:
        place = item["place"]
        row.update(commune_name=place["name"], department=place["department"], lat=place["lat"], lon=place["lon"])
    row["organisation"] = item["organisation"]["name"] if item.get("organisation") else ""
    row["description"] = item["description"]
    row["licence"] = LICENCE_CELL
    return {key: _inert(value) for key, value in row.items()}


def _inert(value: Any) -> Any:
    """A text a spreadsheet would run as a formula (= + - @, tab, carriage return first) is kept as
    text: OWASP's neutralisation, a leading apostrophe."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


async def csv_chunks(items: AsyncIterable[msgspec.Struct], separator: str = ",", bom: bool = False,
                     batch: int = 200) -> AsyncIterator[str]:
    """The header comes from the first row (every row of a kind has the same columns); rows go out
    `batch` at a time."""
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer: csv.DictWriter[str] | None = None
    count = 0
    async for item in items:
        row = _flat(msgspec.to_builtins(item))
        if writer is None:
            writer = csv.DictWriter(buffer, fieldnames=list(row), delimiter=separator)
            writer.writeheader()
        writer.writerow(row)
        count += 1
        if count % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if writer is None:
        csv.writer(buffer, delimiter=separator).writerow(["id", "licence"])
    yield buffer.getvalue()


async def geojson_chunks(features: AsyncIterable[tuple[msgspec.Struct, dict[str, Any] | None]],
                         name: str) -> AsyncIterator[str]:
    licence = {"name": LICENCE, "url": LICENCE_URL}
    yield json.dumps({"type": "FeatureCollection", "name": name, "licence": licence},
                     ensure_ascii=False)[:-1] + ',"features":['
    position = 0
    async for item, geometry in features:
        data = msgspec.to_builtins(item)
        properties = {k: v for k, v in data.items() if k != "skills_normalised"}
        properties["licence"] = LICENCE
        feature = {"type": "Feature", "id": data["id"], "geometry": geometry, "properties": properties}
        yield ("," if position else "") + json.dumps(feature, ensure_ascii=False)
        position += 1
    yield "]}"
