"""matches: stored text embeddings of the listings, matches as relationships and their history

Revision ID: 20261201_0003
Revises: 20261201_0002
Create Date: 2026-12-01 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
LISTINGS = ("initiatives", "support_providers", "takeover_opportunities", "volunteer_offers")

revision = '20261201_0003'
down_revision = '20261201_0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in LISTINGS:
        # plain ALTER TABLE ADD COLUMN on both databases (nullable, no table rebuild on SQLite)
        op.add_column(table, sa.Column('embedding', sa.LargeBinary(), nullable=True))
        op.add_column(table, sa.Column('embedding_model', sa.String(length=200), nullable=True))

    op.create_table('matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('candidate_kind', sa.String(length=20), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('components', JSON, nullable=False),
    sa.Column('reasons', JSON, nullable=False),
    sa.Column('missing', JSON, nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('initiative_interest_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('candidate_interest_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('initiative_id', 'candidate_kind', 'candidate_id', name='uq_matches_pair')
    )
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.create_index('ix_matches_candidate', ['candidate_kind', 'candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matches_status'), ['status'], unique=False)

    op.create_table('match_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=12), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('match_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_events_match_id'), ['match_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('match_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_events_match_id'))

    op.drop_table('match_events')
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matches_status'))
        batch_op.drop_index('ix_matches_candidate')

    op.drop_table('matches')
    for table in LISTINGS:
        # SQLite 3.35+ drops a column in place; PostgreSQL keeps its generated search_vector
        op.drop_column(table, 'embedding_model')
        op.drop_column(table, 'embedding')
