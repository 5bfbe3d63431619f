"""decline reasons on matches and their events; the stored matching settings

Revision ID: 20261204_0017
Revises: 20261203_0016
Create Date: 2026-12-04 00:17:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '20261204_0017'
down_revision = '20261203_0016'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('matches') as batch:
        batch.add_column(sa.Column('decline_reason', sa.String(length=20), nullable=True))
    with op.batch_alter_table('match_events') as batch:
        batch.add_column(sa.Column('reason', sa.String(length=20), nullable=True))
    op.create_table(
        'matching_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('weights', JSON, nullable=False),
        sa.Column('floor', sa.Integer(), nullable=False),
        sa.Column('based_on', sa.Integer(), nullable=False),
        sa.Column('restored_from', sa.Integer(), nullable=True),
        sa.Column('changed_by', sa.Integer(), nullable=True),
        sa.Column('changed_by_name', sa.String(length=200), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['changed_by'], ['accounts.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('based_on'),
    )


def downgrade() -> None:
    op.drop_table('matching_settings')
    with op.batch_alter_table('match_events') as batch:
        batch.drop_column('reason')
    with op.batch_alter_table('matches') as batch:
        batch.drop_column('decline_reason')
