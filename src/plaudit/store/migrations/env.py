"""Alembic environment: runs migrations on the connection `plaudit.store.migrate` hands in."""

from alembic import context
from sqlalchemy import text

from plaudit.store.tables import Base

# Serializes concurrent `upgrade`s of several processes or hosts on PostgreSQL.
MIGRATION_LOCK_KEY = 0x706C617564697401


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
