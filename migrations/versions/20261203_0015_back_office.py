"""back office: published snapshots of listings, reports, suspended accounts, reconciliation runs

Revision ID: 20261203_0015
Revises: 20261202_0006
Create Date: 2026-12-03 00:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '20261203_0015'
down_revision = '20261202_0006'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        'listing_snapshots',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('listing_kind', sa.String(length=20), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('data', JSON, nullable=False),
        sa.Column('taken_at', DateTimeUTC(timezone=True), nullable=False),
        sa.UniqueConstraint('listing_kind', 'listing_id', name='uq_listing_snapshots_listing'),
    )
    op.create_table(
        'listing_reports',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('listing_kind', sa.String(length=20), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('reporter_id', sa.Integer(), sa.ForeignKey('accounts.id', ondelete='SET NULL'), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_at', DateTimeUTC(timezone=True), nullable=False),
        sa.Column('resolved_at', DateTimeUTC(timezone=True), nullable=True),
        sa.Column('resolution', sa.String(length=20), nullable=True),
    )
    op.create_index('ix_listing_reports_listing', 'listing_reports', ['listing_kind', 'listing_id'])
    op.create_table(
        'reconcile_runs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('started_at', DateTimeUTC(timezone=True), nullable=False),
        sa.Column('finished_at', DateTimeUTC(timezone=True), nullable=False),
        sa.Column('outcomes', JSON, nullable=False),
    )
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('suspended_at', DateTimeUTC(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('suspended_at')
    op.drop_table('reconcile_runs')
    op.drop_index('ix_listing_reports_listing', table_name='listing_reports')
    op.drop_table('listing_reports')
    op.drop_table('listing_snapshots')
