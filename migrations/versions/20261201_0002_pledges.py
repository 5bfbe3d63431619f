"""pledges, their refunds and the Stripe events applied once; reçu fiscal eligibility of initiatives

Revision ID: 20261201_0002
Revises: 0001
Create Date: 2026-12-01 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '20261201_0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax_receipt_eligible', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    op.create_table('pledges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('display_name', sa.String(length=120), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('payment_intent_id', sa.String(length=255), nullable=True),
    sa.Column('charge_id', sa.String(length=255), nullable=True),
    sa.Column('refunded_cents', sa.BigInteger(), nullable=False, server_default='0'),
    sa.Column('disputed', sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column('failure_reason', sa.String(length=100), nullable=True),
    sa.Column('stripe_reference', sa.String(length=32), nullable=False),
    sa.Column('receipt_token', sa.String(length=64), nullable=False),
    sa.Column('receipt_emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount_cents > 0', name='ck_pledges_amount_positive'),
    sa.CheckConstraint('refunded_cents >= 0 AND refunded_cents <= amount_cents', name='ck_pledges_refund_bounds'),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('payment_intent_id'),
    sa.UniqueConstraint('receipt_token'),
    sa.UniqueConstraint('stripe_reference')
    )
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledges_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledges_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledges_charge_id'), ['charge_id'], unique=False)

    op.create_table('pledge_refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('stripe_refund_id', sa.String(length=255), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name='ck_pledge_refunds_amount_positive'),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('stripe_refund_id')
    )
    with op.batch_alter_table('pledge_refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_refunds_pledge_id'), ['pledge_id'], unique=False)

    op.create_table('stripe_events',
    sa.Column('id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('stripe_events')
    with op.batch_alter_table('pledge_refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledge_refunds_pledge_id'))

    op.drop_table('pledge_refunds')
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledges_charge_id'))
        batch_op.drop_index(batch_op.f('ix_pledges_status'))
        batch_op.drop_index(batch_op.f('ix_pledges_initiative_id'))

    op.drop_table('pledges')
    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.drop_column('tax_receipt_eligible')
