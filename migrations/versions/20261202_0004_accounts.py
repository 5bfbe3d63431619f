"""accounts: accounts, memberships, API tokens, the moderation log, web sessions and the store

Revision ID: 20261202_0004
Revises: 20261201_0003
Create Date: 2026-12-02 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)

revision = '20261202_0004'
down_revision = '20261201_0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('display_name', sa.String(length=120), nullable=True),
    sa.Column('platform_role', sa.String(length=20), nullable=True),
    sa.Column('created_at', TIME, nullable=False),
    sa.Column('last_login_at', TIME, nullable=True),
    sa.Column('erased_at', TIME, nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email'),
    )
    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('created_at', TIME, nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_id', 'organisation_id', name='uq_memberships_account_organisation'),
    )
    op.create_index('ix_memberships_account_id', 'memberships', ['account_id'])
    op.create_index('ix_memberships_organisation_id', 'memberships', ['organisation_id'])

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('created_at', TIME, nullable=False),
    sa.Column('last_used_at', TIME, nullable=True),
    sa.Column('expires_at', TIME, nullable=True),
    sa.Column('revoked_at', TIME, nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_api_tokens_account_id', 'api_tokens', ['account_id'])

    op.create_table('moderation_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_kind', sa.String(length=20), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('details', JSON, nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=20), nullable=True),
    sa.Column('at', TIME, nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['accounts.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_moderation_actions_listing', 'moderation_actions', ['listing_kind', 'listing_id'])
    op.create_index('ix_moderation_actions_actor_id', 'moderation_actions', ['actor_id'])
    op.create_index('ix_moderation_actions_at', 'moderation_actions', ['at'])

    # advanced-alchemy's SessionModelMixin (plus the account that signed in) and StoreModelMixin
    op.create_table('web_sessions',
    sa.Column('id', GUID(length=16), nullable=False),
    sa.Column('session_id', sa.String(length=255), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('expires_at', DateTimeUTC(timezone=True), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name='pk_web_sessions'),
    sa.UniqueConstraint('session_id', name='uq_web_sessions_session_id'),
    )
    op.create_index('ix_web_sessions_account_id', 'web_sessions', ['account_id'])
    op.create_index('ix_web_sessions_expires_at', 'web_sessions', ['expires_at'])
    op.create_table('store_items',
    sa.Column('id', GUID(length=16), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('namespace', sa.String(length=255), nullable=False),
    sa.Column('value', sa.LargeBinary(), nullable=False),
    sa.Column('expires_at', DateTimeUTC(timezone=True), nullable=False),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name='pk_store_items'),
    sa.UniqueConstraint('key', 'namespace', name='uq_store_items_key_namespace'),
    )
    op.create_index('ix_store_items_expires_at', 'store_items', ['expires_at'])


def downgrade() -> None:
    for table in ('store_items', 'web_sessions', 'moderation_actions', 'api_tokens', 'memberships', 'accounts'):
        op.drop_table(table)
