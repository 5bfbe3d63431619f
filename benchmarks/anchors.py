"""The two anchors the load benchmark measures the bourse against, in the same run and server:

- `hello_app`: a Litestar hello-world (the framework's floor);
- `bare_app`: the browse of a page of 20 published initiatives of one maturity, the count of them and
  their JSON, with the SQL written by hand and run through the driver alone (asyncpg, or sqlite3 for
  the embedded default), no ORM, no service layer: what the bourse would cost with no layer of its own.

Served by uvicorn as factories: `uvicorn --factory benchmarks.anchors:hello_app` (DATABASE_URL for bare_app).
"""

from __future__ import annotations

import sqlite3
from typing import Any

import msgspec
from litestar import Litestar, Response, get

from market.config import Settings

COLUMNS = (
    "i.id, i.slug, i.title, i.description, i.themes, i.commune_code, c.name, c.department_code, "
    "c.lat, c.lon, i.maturity, i.economic_purpose, i.org_form, i.stance, i.needs, i.skills_needed, "
    "i.funding_goal_cents, i.team_size, i.published_at"
)
PAGE_SQL = (
    f"SELECT {COLUMNS} FROM initiatives i JOIN communes c ON c.code = i.commune_code "
    "WHERE i.status = 'published' AND i.maturity = {p} ORDER BY i.published_at DESC, i.id DESC LIMIT 20"
)
# PostgreSQL: the shape the bourse's browse takes there (market/listings/service.py `_ids_first`): the
# page's 20 ids from the listing table alone, then the communes joined to those rows only
PAGE_SQL_IDS_FIRST = (
    f"SELECT {COLUMNS} "
    "FROM (SELECT id, published_at FROM initiatives WHERE status = 'published' AND maturity = {p} "
    "ORDER BY published_at DESC, id DESC LIMIT 20) page "
    "JOIN initiatives i ON i.id = page.id JOIN communes c ON c.code = i.commune_code "
    "ORDER BY page.published_at DESC, page.id DESC"
)
COUNT_SQL = "SELECT count(*) FROM initiatives WHERE status = 'published' AND maturity = {p}"
ENCODER = msgspec.json.Encoder()


def _as_list(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def _item(row: Any) -> dict[str, Any]:
    return {
        "id": row[0], "slug": row[1], "title": row[2], "description": row[3], "themes": _as_list(row[4]),
        "commune": row[5], "place": {"code": row[5], "name": row[6], "department": row[7], "lat": row[8],
                                     "lon": row[9]},
        "maturity": row[10], "economic_purpose": row[11], "org_form": row[12], "stance": row[13],
        "needs": _as_list(row[14]), "skills_needed": _as_list(row[15]), "funding_goal_cents": row[16],
        "team_size": row[17], "published_at": str(row[18]),
    }


def hello_app() -> Litestar:
    @get("/hello", sync_to_thread=False)
    def hello() -> dict[str, str]:
        return {"hello": "world"}

    return Litestar([hello])


def bare_app() -> Litestar:
    url = Settings.from_env().database_url  # DATABASE_URL, or the embedded default, as the app reads it
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
