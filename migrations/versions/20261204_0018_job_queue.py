"""job queue: procrastinate's tables, functions and triggers on PostgreSQL (nothing on SQLite)

On SQLite the jobs run in-process (market/notifications/scheduler.py). The schema is the one of the
procrastinate version pinned in requirements.txt; a later version's own migration scripts
(procrastinate/sql/migrations) go in a new revision.

Revision ID: 20261204_0018
Revises: 20261204_0017
Create Date: 2026-12-04 00:18:00
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.util import await_only

revision = '20261204_0018'
down_revision = '20261204_0017'
branch_labels = None
depends_on = None


def _run_script(sql: str) -> None:
    """Run a script of many statements (DO blocks, functions) in the migration's transaction: asyncpg's
    execute() without arguments sends it as one simple query, which a prepared statement cannot."""
    op.execute("SELECT 1")  # the transaction is open before the driver's connection is used directly
    driver = op.get_bind().connection.driver_connection
    await_only(driver.execute(sql))  # type: ignore[union-attr]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    _run_script(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _run_script("""
        DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,
            procrastinate_workers CASCADE;
        DO $$
        DECLARE f record;
        BEGIN
            FOR f IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                     JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\\_%'
            LOOP
                EXECUTE 'DROP FUNCTION ' || f.signature || ' CASCADE';
            END LOOP;
        END $$;
        DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type,
            procrastinate_job_status CASCADE;
    """)
