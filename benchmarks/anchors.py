"""The two anchors the load benchmark measures the bourse against, in the same run and server:

- `hello_app`: a Litestar hello-world (the framework's floor);
- `bare_app`: the browse of a page of 20 published initiatives of one maturity, the count of them and
  the same JSON as the API's page, with the SQL written by hand and run through the driver alone
  (asyncpg, or sqlite3 for the embedded default), no ORM, no service layer: what the bourse would cost
  with no layer of its own.

Served by uvicorn as factories: `uvicorn --factory benchmarks.anchors:hello_app` (DATABASE_URL for bare_app).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import msgspec
from litestar import Litestar, Response, get

from market.config import Settings

COLUMNS = (
    "i.id, i.slug, i.status, i.description, i.themes, o.id, o.slug, o.name, o.kind, i.created_at, "
    "i.updated_at, i.published_at, i.verified_at, i.stale_at, i.title, i.commune_code, c.name, "
    "c.postal_codes, c.epci_code, c.department_code, c.region_code, c.lat, c.lon, i.maturity, "
    "i.economic_purpose, i.org_form, i.stance, i.needs, i.skills_needed, i.skills_normalised, "
    "i.funding_goal_cents, i.team_size, i.siren, i.rna, i.tax_receipt_eligible"
)
FILTER = "status = 'published' AND stale_at IS NULL AND maturity = {p}"
JOINS = "JOIN communes c ON c.code = i.commune_code LEFT JOIN organisations o ON o.id = i.organisation_id"
PAGE_SQL = (
    f"SELECT {COLUMNS} FROM initiatives i {JOINS} WHERE i.{FILTER.replace(' AND ', ' AND i.')} "
    "ORDER BY i.published_at DESC, i.id DESC LIMIT 20"
)
# PostgreSQL: the shape the bourse's browse takes there (market/listings/service.py `_ids_first`): the
# page's 20 ids from the listing table alone, then the communes joined to those rows only
PAGE_SQL_IDS_FIRST = (
    f"SELECT {COLUMNS} "
    f"FROM (SELECT id, published_at FROM initiatives WHERE {FILTER} "
    "ORDER BY published_at DESC, id DESC LIMIT 20) page "
    f"JOIN initiatives i ON i.id = page.id {JOINS} "
    "ORDER BY page.published_at DESC, page.id DESC"
)
COUNT_SQL = f"SELECT count(*) FROM initiatives WHERE {FILTER}"
ENCODER = msgspec.json.Encoder()


def _json(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def _when(value: Any) -> Any:
    """Timestamps as the API writes them (UTC, ISO 8601); SQLite hands back naive text."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _item(row: Any) -> dict[str, Any]:
    """The API's InitiativeOut, field for field (`tests/test_anchors.py` compares the two pages)."""
    (id_, slug, status, description, themes, org_id, org_slug, org_name, org_kind, created, updated,
     published, verified, stale, title, commune, c_name, postal_codes, epci, department, region, lat, lon,
     maturity, purpose, org_form, stance, needs, skills, normalised, goal, team, siren, rna, receipt) = row
    return {
        "id": id_, "slug": slug, "status": status, "description": description, "themes": _json(themes) or [],
        "organisation": {"id": org_id, "slug": org_slug, "name": org_name, "kind": org_kind} if org_id else None,
        "created_at": _when(created), "updated_at": _when(updated), "published_at": _when(published),
        "verified_at": _when(verified), "stale_since": _when(stale), "title": title, "commune": commune,
        "place": {"code": commune, "name": c_name, "postal_codes": _json(postal_codes) or [], "epci": epci,
                  "department": department, "region": region, "lat": lat, "lon": lon},
        "maturity": maturity, "economic_purpose": purpose, "org_form": org_form, "stance": stance,
        "needs": _json(needs) or [], "skills_needed": _json(skills) or [],
        "skills_normalised": _json(normalised) or [], "funding_goal_cents": goal, "team_size": team,
        "siren": siren, "rna": rna, "tax_receipt_eligible": bool(receipt),
    }


def hello_app() -> Litestar:
    @get("/hello", sync_to_thread=False)
    def hello() -> dict[str, str]:
        return {"hello": "world"}

    return Litestar([hello])


def bare_app(database_url: str | None = None) -> Litestar:
    # DATABASE_URL, or the embedded default, as the app reads it
    url = database_url or Settings.from_env().database_url
    state: dict[str, Any] = {}

    if url.startswith("postgresql"):
        import asyncpg

        async def start() -> None:
            state["pool"] = await asyncpg.create_pool(url.replace("postgresql+asyncpg", "postgresql"),
                                                      min_size=2, max_size=10)

        async def page(maturity: str) -> tuple[list[Any], int]:
            async with state["pool"].acquire() as connection:
                rows = await connection.fetch(PAGE_SQL_IDS_FIRST.format(p="$1"), maturity)
                total = await connection.fetchval(COUNT_SQL.format(p="$1"), maturity)
            return rows, total
    else:
        path = url.split("///", 1)[-1]

        async def start() -> None:
            state["db"] = sqlite3.connect(path, check_same_thread=False)

        async def page(maturity: str) -> tuple[list[Any], int]:
            db = state["db"]
            rows = db.execute(PAGE_SQL.format(p="?"), (maturity,)).fetchall()
            return rows, db.execute(COUNT_SQL.format(p="?"), (maturity,)).fetchone()[0]

    @get("/bare/initiatives")
    async def initiatives(maturity: str = "launch") -> Response[bytes]:
        rows, total = await page(maturity)
        body = {"items": [_item(r) for r in rows], "total": total, "page": 1, "page_size": 20}
        return Response(ENCODER.encode(body), media_type="application/json")

    return Litestar([initiatives], on_startup=[start])
