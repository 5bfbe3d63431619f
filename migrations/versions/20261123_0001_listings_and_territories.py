"""listings and territories

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 16:24:29.009243
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
LISTINGS = {  # table -> its title column, for full-text search
    "initiatives": "title",
    "support_providers": "name",
    "takeover_opportunities": "title",
    "volunteer_offers": "title",
}

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('communes',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('parent_code', sa.String(length=5), nullable=True),
    sa.Column('postal_codes', JSON, nullable=False),
    sa.Column('epci_code', sa.String(length=9), nullable=True),
    sa.Column('department_code', sa.String(length=3), nullable=False),
    sa.Column('region_code', sa.String(length=3), nullable=False),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_communes_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_communes_epci_code'), ['epci_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_communes_parent_code'), ['parent_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_communes_region_code'), ['region_code'], unique=False)

    op.create_table('epcis',
    sa.Column('code', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('nature', sa.String(length=10), nullable=True),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('regions',
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('departments',
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('region_code', sa.String(length=3), nullable=False),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_departments_region_code'), ['region_code'], unique=False)

    op.create_table('initiatives',
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('maturity', sa.String(length=20), nullable=False),
    sa.Column('economic_purpose', sa.String(length=20), nullable=False),
    sa.Column('org_form', sa.String(length=30), nullable=False),
    sa.Column('stance', sa.String(length=20), nullable=False),
    sa.Column('needs', JSON, nullable=False),
    sa.Column('skills_needed', JSON, nullable=False),
    sa.Column('skills_normalised', JSON, nullable=False),
    sa.Column('funding_goal_cents', sa.BigInteger(), nullable=True),
    sa.Column('team_size', sa.Integer(), nullable=True),
    sa.Column('siren', sa.String(length=9), nullable=True),
    sa.Column('rna', sa.String(length=10), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('themes', JSON, nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('contact_phone', sa.String(length=30), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['commune_code'], ['communes.code'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiatives_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiatives_maturity'), ['maturity'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiatives_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiatives_status'), ['status'], unique=False)

    op.create_table('support_providers',
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('area', JSON, nullable=False),
    sa.Column('maturities', JSON, nullable=False),
    sa.Column('economic_purposes', JSON, nullable=False),
    sa.Column('org_forms', JSON, nullable=False),
    sa.Column('stances', JSON, nullable=False),
    sa.Column('offers', JSON, nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('free_of_charge', sa.Boolean(), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('themes', JSON, nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('contact_phone', sa.String(length=30), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    with op.batch_alter_table('support_providers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_providers_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_providers_status'), ['status'], unique=False)

    op.create_table('takeover_opportunities',
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('actor_org_form', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('radius_km', sa.Integer(), nullable=False),
    sa.Column('min_maturity', sa.String(length=20), nullable=False),
    sa.Column('economic_purposes', JSON, nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('themes', JSON, nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('contact_phone', sa.String(length=30), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['commune_code'], ['communes.code'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    with op.batch_alter_table('takeover_opportunities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_takeover_opportunities_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_takeover_opportunities_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_takeover_opportunities_status'), ['status'], unique=False)

    op.create_table('volunteer_offers',
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('business_name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('skills', JSON, nullable=False),
    sa.Column('skills_normalised', JSON, nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('remote_ok', sa.Boolean(), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('radius_km', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('themes', JSON, nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('contact_phone', sa.String(length=30), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['commune_code'], ['communes.code'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    with op.batch_alter_table('volunteer_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_offers_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_offers_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_offers_status'), ['status'], unique=False)

    op.create_table('support_provider_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=12), nullable=False),
    sa.Column('code', sa.String(length=9), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['support_providers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('support_provider_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_provider_areas_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index('ix_support_provider_areas_scope_code', ['scope', 'code'], unique=False)

    _create_search()


def _create_search() -> None:
    """PostgreSQL: generated, GIN-indexed tsvector per listing table. SQLite: one FTS5 table."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        op.execute(
            "CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
            "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$"
        )
        for table, title in LISTINGS.items():
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
                f"setweight(to_tsvector('french'::regconfig, f_unaccent(coalesce({title}, ''))), 'A') || "
                f"setweight(to_tsvector('french'::regconfig, f_unaccent(coalesce(search_text, ''))), 'B')) STORED"
            )
            op.execute(f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE listing_fts USING fts5(kind UNINDEXED, listing_id UNINDEXED, title, body, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS listing_fts")
    with op.batch_alter_table('support_provider_areas', schema=None) as batch_op:
        batch_op.drop_index('ix_support_provider_areas_scope_code')
        batch_op.drop_index(batch_op.f('ix_support_provider_areas_provider_id'))

    op.drop_table('support_provider_areas')
    with op.batch_alter_table('volunteer_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_offers_status'))
        batch_op.drop_index(batch_op.f('ix_volunteer_offers_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_offers_commune_code'))

    op.drop_table('volunteer_offers')
    with op.batch_alter_table('takeover_opportunities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_takeover_opportunities_status'))
        batch_op.drop_index(batch_op.f('ix_takeover_opportunities_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_takeover_opportunities_commune_code'))

    op.drop_table('takeover_opportunities')
    with op.batch_alter_table('support_providers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_providers_status'))
        batch_op.drop_index(batch_op.f('ix_support_providers_organisation_id'))

    op.drop_table('support_providers')
    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiatives_status'))
        batch_op.drop_index(batch_op.f('ix_initiatives_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_initiatives_maturity'))
        batch_op.drop_index(batch_op.f('ix_initiatives_commune_code'))

    op.drop_table('initiatives')
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_departments_region_code'))

    op.drop_table('departments')
    op.drop_table('regions')
    op.drop_table('organisations')
    op.drop_table('epcis')
    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_communes_region_code'))
        batch_op.drop_index(batch_op.f('ix_communes_parent_code'))
        batch_op.drop_index(batch_op.f('ix_communes_epci_code'))
        batch_op.drop_index(batch_op.f('ix_communes_department_code'))

    op.drop_table('communes')
