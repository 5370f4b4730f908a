"""Persistence: tables, engine and sessions, repositories, Alembic migrations."""
