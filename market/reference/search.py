"""French full-text search with one results contract on PostgreSQL and SQLite.

Both sides fold accents and case, drop French stop words, and treat each query word as a prefix
that must be present (AND). A trailing plural 's' of a long query word is dropped first, so
"vélos" finds "vélo" and "épiceries" finds "épicerie solidaire". A query word is matched by its
Snowball French stem ("jardinage" finds "jardins"), unless that stem is so short that it joins
other words (SHORT_STEM): "aide" and "aidants" share « aid », "café" and "cafard" « caf »; such a
word is matched on its own letters, so "aide" finds "aides" and "aider" but not "aidants".
- PostgreSQL: each listing table has two generated, GIN-indexed columns, `search_vector` (french
  configuration: stems) and `search_words` (simple configuration: the words), on unaccented text,
  the title weighted A and the body B; ranked by ts_rank.
- SQLite: the FTS5 table `listing_fts` holds the same text, stemmed (title, body) and as words
  (title_words, body_words), folded in Python; ranked by bm25 with the title weighted 5:1.
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


# A stem this short names no single family of words: the word itself is matched instead.
SHORT_STEM = 3


def stem_text(raw: str) -> str:
    """Folded, stemmed text without stop words, as SQLite's FTS table stores it."""
    return " ".join(stem(w) for w in words(raw) if w not in FRENCH_STOP_WORDS)


def word_text(raw: str) -> str:
    """Folded words without stop words, as SQLite's FTS table stores them beside the stems."""
    return " ".join(w for w in words(raw) if w not in FRENCH_STOP_WORDS)


def by_stem(word: str) -> bool:
    return len(stem(word)) > SHORT_STEM


def _fts5_query(query: SearchQuery) -> str:
    return " AND ".join(f'{{title body}} : "{stem(w)}"*' if by_stem(w) else f'{{title_words body_words}} : "{w}"*'
                        for w in query.words)


def _tsquery(query_words: list[str]) -> str:
    return " & ".join(f"{w}:*" for w in query_words)


async def index_listing(session: AsyncSession, kind: str, listing_id: int, title: str, body: str) -> None:
    """Keep SQLite's FTS row of a listing in step (PostgreSQL computes its own column)."""
    if db_dialect(session) != "sqlite":
        return
    await session.execute(
        text("DELETE FROM listing_fts WHERE kind = :kind AND listing_id = :id"), {"kind": kind, "id": listing_id}
    )
    await session.execute(
        text("INSERT INTO listing_fts (kind, listing_id, title, body, title_words, body_words) "
             "VALUES (:kind, :id, :title, :body, :title_words, :body_words)"),
        {"kind": kind, "id": listing_id, "title": stem_text(title), "body": stem_text(body),
         "title_words": word_text(title), "body_words": word_text(body)},
    )


def apply_search(stmt: Select[Any], model: Any, kind: str, query: SearchQuery, dialect: str) -> tuple[Select[Any], Any]:
    """Restrict `stmt` to listings matching `query`; return it with a rank expression (higher = better)."""
    if dialect == "postgresql":
        rank: ColumnElement[Any] | None = None
        stemmed = [w for w in query.words if by_stem(w)]
        plain = [w for w in query.words if not by_stem(w)]
        for config, column_name, chosen in (("french", "search_vector", stemmed), ("simple", "search_words", plain)):
            if not chosen:
                continue
            tsquery = func.to_tsquery(config, _tsquery(chosen))
            vector: ColumnElement[Any] = literal_column(f"{model.__tablename__}.{column_name}")
            stmt = stmt.where(vector.op("@@")(tsquery))
            rank = func.ts_rank(vector, tsquery) if rank is None else rank + func.ts_rank(vector, tsquery)
        return stmt, rank
    hits = (
        text(
            "SELECT listing_id, -bm25(listing_fts, 0.0, 0.0, 5.0, 1.0, 5.0, 1.0) AS score FROM listing_fts "
            "WHERE listing_fts MATCH :fts AND kind = :kind"
        )
        .bindparams(fts=_fts5_query(query), kind=kind)
        .columns(column("listing_id", Integer), column("score", Float))
        .subquery("hits")
    )
    stmt = stmt.join(hits, hits.c.listing_id == model.id)
    return stmt, hits.c.score
