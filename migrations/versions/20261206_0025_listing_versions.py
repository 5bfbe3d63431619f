"""listing versions: a counter per kind of listing, moved by the database itself (triggers) on every
insert, update, delete (and, on PostgreSQL, truncate) of the kind's table. The ranking cache and the
candidate pools read it before every ranking instead of an aggregate over the published rows, which
grew with the base (1.4 ms per kind for 4,000 rows, 4 ms a matches request at 12,000 listings; ten
times that at national scale). A write that is rolled back takes its increment with it.

Revision ID: 20261206_0025
Revises: 20261205_0024
Create Date: 2026-12-06 00:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '20261206_0025'
down_revision = '20261205_0024'
branch_labels = None
depends_on = None

TABLES = {"initiatives": "initiative", "support_providers": "support_provider",
          "takeover_opportunities": "takeover", "volunteer_offers": "volunteer_offer"}
BUMP = ("INSERT INTO listing_versions (kind, version) VALUES ({kind}, 1) "
        "ON CONFLICT (kind) DO UPDATE SET version = listing_versions.version + 1")


def upgrade() -> None:
    op.create_table("listing_versions", sa.Column("kind", sa.String(30), primary_key=True),
                    sa.Column("version", sa.BigInteger(), nullable=False))
    op.bulk_insert(sa.table("listing_versions", sa.column("kind"), sa.column("version")),
                   [{"kind": kind, "version": 1} for kind in TABLES.values()])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION bump_listing_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   + BUMP.format(kind="TG_ARGV[0]") + "; RETURN NULL; END $$")
        for table, kind in TABLES.items():
            op.execute(f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION bump_listing_version('{kind}')")
        return
    for table, kind in TABLES.items():  # SQLite: row triggers only
        for event in ("insert", "update", "delete"):
            op.execute(f"CREATE TRIGGER {table}_version_{event} AFTER {event.upper()} ON {table} "
                       f"BEGIN {BUMP.format(kind=repr(kind))}; END")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_version ON {table}")
        else:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_version_{event}")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS bump_listing_version()")
    op.drop_table("listing_versions")
