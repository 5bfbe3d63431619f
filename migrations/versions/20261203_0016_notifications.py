"""notifications: match events told to accounts, their email preferences, the outbox, saved searches, reverse alerts, listing freshness

Revision ID: 20261203_0016
Revises: 20261202_0006
Create Date: 2026-12-03 00:16:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '20261203_0016'
down_revision = '20261203_0015'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


LISTING_TABLES = ("initiatives", "support_providers", "takeover_opportunities", "volunteer_offers")
FRESHNESS = ("verified_at", "freshness_asked_at", "stale_at")


def upgrade() -> None:
    for table in LISTING_TABLES:
        with op.batch_alter_table(table) as batch:
            for column in FRESHNESS:
                batch.add_column(sa.Column(column, sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('match_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('link', sa.String(length=200), nullable=False),
        sa.Column('delivery', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['match_id'], ['matches.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_notifications_account', 'notifications', ['account_id', 'read_at'])
    op.create_index('ix_notifications_digest', 'notifications', ['delivery', 'emailed_at'])
    op.create_table(
        'notification_preferences',
        sa.Column('subscriber', sa.String(length=80), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('mode', sa.String(length=10), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('subscriber', 'kind'),
    )
    op.create_table(
        'outbox_mails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('template', sa.String(length=40), nullable=False),
        sa.Column('context', JSON, nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=80), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_outbox_mails_status', 'outbox_mails', ['status'])
    op.create_table(
        'saved_searches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('query', JSON, nullable=False),
        sa.Column('frequency', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('unsubscribed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_saved_searches_account_id', 'saved_searches', ['account_id'])
    op.create_table(
        'saved_search_hits',
        sa.Column('search_id', sa.Integer(), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['search_id'], ['saved_searches.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('search_id', 'listing_id'),
    )
    op.create_table(
        'reverse_alerts',
        sa.Column('initiative_id', sa.Integer(), nullable=False),
        sa.Column('candidate_kind', sa.String(length=20), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('initiative_id', 'candidate_kind', 'candidate_id'),
    )


def downgrade() -> None:
    op.drop_table('reverse_alerts')
    op.drop_table('saved_search_hits')
    op.drop_index('ix_saved_searches_account_id', table_name='saved_searches')
    op.drop_table('saved_searches')
    op.drop_index('ix_outbox_mails_status', table_name='outbox_mails')
    op.drop_table('outbox_mails')
    op.drop_table('notification_preferences')
    op.drop_index('ix_notifications_digest', table_name='notifications')
    op.drop_index('ix_notifications_account', table_name='notifications')
    op.drop_table('notifications')
    for table in LISTING_TABLES:
        with op.batch_alter_table(table) as batch:
            for column in FRESHNESS:
                batch.drop_column(column)
