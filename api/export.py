"""Open-data exports of published listings: CSV (one flat row per listing) and GeoJSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

import msgspec

_SKIPPED = ("description", "skills_normalised", "place", "organisation", "area")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _flat(item: dict[str, Any]) -> dict[str, Any]:
    row = {k: v for k, v in item.items() if k not in _SKIPPED}
    for key, value in row.items():
        if isinstance(value, list):
            row[key] = "|".join(str(v) for v in value)
    if item.get("place"):
        row.update(commune_name=item["place"]["name"], department=item["place"]["department"],
                   lat=item["place"]["lat"], lon=item["place"]["lon"])
    if item.get("organisation"):
        row["organisation"] = item["organisation"]["name"]
    row["description"] = item["description"]
    return {key: _inert(value) for key, value in row.items()}


def _inert(value: Any) -> Any:
    """A text a spreadsheet would run as a formula (= + - @, tab, carriage return first) is kept as
    text: OWASP's neutralisation, a leading apostrophe."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_chunks(items: Iterable[msgspec.Struct]) -> Iterator[str]:
    rows = [_flat(msgspec.to_builtins(item)) for item in items]
    header = list(dict.fromkeys(key for row in rows for key in row)) or ["id"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def geojson_chunks(items: Iterable[msgspec.Struct]) -> Iterator[str]:
    yield '{"type":"FeatureCollection","features":['
    for position, item in enumerate(items):
        data = msgspec.to_builtins(item)
        place = data.get("place")
        geometry = {"type": "Point", "coordinates": [place["lon"], place["lat"]]} if place else None
        properties = {k: v for k, v in data.items() if k != "skills_normalised"}
        feature = {"type": "Feature", "id": data["id"], "geometry": geometry, "properties": properties}
        yield ("," if position else "") + json.dumps(feature, ensure_ascii=False)
    yield "]}"
