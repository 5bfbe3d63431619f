"""French full-text search with one results contract on PostgreSQL and SQLite.

Both sides fold accents and case, drop French stop words, stem with the Snowball French
stemmer, and treat each query word as a prefix that must be present (AND). A trailing plural
's' of a long query word is dropped first, so "vélos" finds "vélo" and "épiceries" finds
"épicerie solidaire".
- PostgreSQL: each listing table has a generated `search_vector` (french configuration on
  unaccented text, title weighted A and body B), GIN-indexed; ranked by ts_rank.
- SQLite: the FTS5 table `listing_fts` holds the same text, folded and stemmed in Python;
  ranked by bm25 with the title weighted 5:1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, column, func, literal_column, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from market.db import dialect as db_dialect
from matching.text import FRENCH_STOP_WORDS, stem, words


@dataclass(frozen=True)
class SearchQuery:
    words: tuple[str, ...]

    @classmethod
    def parse(cls, raw: str) -> SearchQuery:
        kept = []
        for word in words(raw):
            if word in FRENCH_STOP_WORDS:
                continue
            if len(word) > 4 and word.endswith(("s", "x")) and not word.endswith("ss"):
                word = word[:-1]
            kept.append(word)
        return cls(tuple(dict.fromkeys(kept)))

    def __bool__(self) -> bool:
        return bool(self.words)


def stem_text(raw: str) -> str:
    """Folded, stemmed text without stop words, as SQLite's FTS table stores it."""
    return " ".join(stem(w) for w in words(raw) if w not in FRENCH_STOP_WORDS)


def _fts5_query(query: SearchQuery) -> str:
    return " AND ".join(f'"{stem(w)}"*' for w in query.words)


def _tsquery(query: SearchQuery) -> str:
    return " & ".join(f"{w}:*" for w in query.words)


async def index_listing(session: AsyncSession, kind: str, listing_id: int, title: str, body: str) -> None:
    """Keep SQLite's FTS row of a listing in step (PostgreSQL computes its own column)."""
    if db_dialect(session) != "sqlite":
        return
    await session.execute(
        text("DELETE FROM listing_fts WHERE kind = :kind AND listing_id = :id"), {"kind": kind, "id": listing_id}
    )
    await session.execute(
        text("INSERT INTO listing_fts (kind, listing_id, title, body) VALUES (:kind, :id, :title, :body)"),
        {"kind": kind, "id": listing_id, "title": stem_text(title), "body": stem_text(body)},
    )


def apply_search(stmt: Select[Any], model: Any, kind: str, query: SearchQuery, dialect: str) -> tuple[Select[Any], Any]:
    """Restrict `stmt` to listings matching `query`; return it with a rank expression (higher = better)."""
    if dialect == "postgresql":
        tsquery = func.to_tsquery("french", _tsquery(query))
        vector: ColumnElement[Any] = literal_column(f"{model.__tablename__}.search_vector")
        rank = func.ts_rank(vector, tsquery)
        return stmt.where(vector.op("@@")(tsquery)), rank
    hits = (
        text(
            "SELECT listing_id, -bm25(listing_fts, 0.0, 0.0, 5.0, 1.0) AS score FROM listing_fts "
            "WHERE listing_fts MATCH :fts AND kind = :kind"
        )
        .bindparams(fts=_fts5_query(query), kind=kind)
        .columns(column("listing_id", Integer), column("score", Float))
        .subquery("hits")
    )
    stmt = stmt.join(hits, hits.c.listing_id == model.id)
    return stmt, hits.c.score
