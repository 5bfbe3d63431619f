"""correctness: the hash of the text each listing's embedding was made from

Revision ID: 20261202_0006
Revises: 20261202_0005
Create Date: 2026-12-02 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '20261202_0006'
down_revision = '20261202_0005'
branch_labels = None
depends_on = None

LISTING_TABLES = ("initiatives", "support_providers", "takeover_opportunities", "volunteer_offers")


def upgrade() -> None:
    for table in LISTING_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('embedding_text_hash', sa.String(length=64), nullable=True))


def downgrade() -> None:
    for table in LISTING_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('embedding_text_hash')
