"""search by words beside stems: a query word whose stem is too short is matched on its own letters

Revision ID: 20261204_0023
Revises: 20261204_0019
Create Date: 2026-12-04 00:23:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from market.reference.search import stem_text, word_text

revision = '20261204_0023'
down_revision = '20261204_0019'
branch_labels = None
depends_on = None

LISTINGS = {  # table -> (kind, its title column)
    "initiatives": ("initiative", "title"),
    "support_providers": ("support_provider", "name"),
    "takeover_opportunities": ("takeover", "title"),
    "volunteer_offers": ("volunteer_offer", "title"),
}
FTS = ("CREATE VIRTUAL TABLE listing_fts USING fts5(kind UNINDEXED, listing_id UNINDEXED, title, body{extra}, "
       "tokenize = 'unicode61 remove_diacritics 2')")


def _refill(with_words: bool) -> None:
    bind = op.get_bind()
    words_columns, words_values = (", title_words, body_words", ", :title_words, :body_words") if with_words else ("", "")
    insert = sa.text(f"INSERT INTO listing_fts (kind, listing_id, title, body{words_columns}) "
                     f"VALUES (:kind, :id, :title, :body{words_values})")
    for table, (kind, title) in LISTINGS.items():
        for listing_id, name, body in bind.execute(sa.text(f"SELECT id, {title}, search_text FROM {table}")).all():
            bind.execute(insert, {"kind": kind, "id": listing_id, "title": stem_text(name or ""),
                                  "body": stem_text(body or ""), "title_words": word_text(name or ""),
                                  "body_words": word_text(body or "")})


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, (_, title) in LISTINGS.items():
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN search_words tsvector GENERATED ALWAYS AS ("
                f"setweight(to_tsvector('simple'::regconfig, f_unaccent(coalesce({title}, ''))), 'A') || "
                f"setweight(to_tsvector('simple'::regconfig, f_unaccent(coalesce(search_text, ''))), 'B')) STORED"
            )
            op.execute(f"CREATE INDEX ix_{table}_search_words ON {table} USING gin (search_words)")
        return
    op.execute("DROP TABLE IF EXISTS listing_fts")
    op.execute(FTS.format(extra=", title_words, body_words"))
    _refill(with_words=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in LISTINGS:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_words")
            op.execute(f"ALTER TABLE {table} DROP COLUMN search_words")
        return
    op.execute("DROP TABLE IF EXISTS listing_fts")
    op.execute(FTS.format(extra=""))
    _refill(with_words=False)
