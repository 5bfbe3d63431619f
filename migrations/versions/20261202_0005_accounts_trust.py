"""accounts trust: verified addresses, single-use email links, verified personal-data links,
organisation owners, invitations, a default organisation

Revision ID: 20261202_0005
Revises: 20261202_0004
Create Date: 2026-12-02 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

TIME = sa.DateTime(timezone=True)

revision = '20261202_0005'
down_revision = '20261202_0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('email_verified_at', TIME, nullable=True))
        batch.add_column(sa.Column('default_organisation_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_accounts_default_organisation', 'organisations',
                                 ['default_organisation_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('memberships') as batch:
        batch.add_column(sa.Column('owner', sa.Boolean(), nullable=False, server_default=sa.false()))
    # accounts made before addresses were confirmed: their first member of each organisation owns it
    op.execute("UPDATE memberships SET owner = true WHERE id IN "
               "(SELECT min(id) FROM memberships GROUP BY organisation_id)")

    op.create_table('login_counters',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('last_at', sa.Float(), nullable=False),
    sa.Column('locked_until', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key'),
    )

    op.create_table('email_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', TIME, nullable=False),
    sa.Column('expires_at', TIME, nullable=False),
    sa.Column('used_at', TIME, nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_email_tokens_account_id', 'email_tokens', ['account_id'])

    op.create_table('personal_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_at', TIME, nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subject', 'subject_id', name='uq_personal_links_subject'),
    )
    op.create_index('ix_personal_links_account_id', 'personal_links', ['account_id'])

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('owner', sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', TIME, nullable=False),
    sa.Column('expires_at', TIME, nullable=False),
    sa.Column('answered_at', TIME, nullable=True),
    sa.Column('accepted', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['accounts.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_invitations_email', 'invitations', ['email'])
    op.create_index('ix_invitations_organisation_id', 'invitations', ['organisation_id'])


def downgrade() -> None:
    for table in ('invitations', 'personal_links', 'email_tokens', 'login_counters'):
        op.drop_table(table)
    with op.batch_alter_table('memberships') as batch:
        batch.drop_column('owner')
    with op.batch_alter_table('accounts') as batch:
        batch.drop_constraint('fk_accounts_default_organisation', type_='foreignkey')
        batch.drop_column('default_organisation_id')
        batch.drop_column('email_verified_at')
