"""Run Alembic migrations from code (`plaudit db upgrade`, `plaudit serve`, tests)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option(
        "file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(slug)s"
    )
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    _migrate(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    _migrate(engine, lambda config: command.downgrade(config, revision))


def _migrate(engine: Engine, step: Callable[[Config], None]) -> None:
    """One transaction for every pending revision. On SQLite, foreign keys are off meanwhile
    (a table rebuild drops the table, which would cascade to every row pointing at it) and are
    all checked before the commit."""
    config = alembic_config()
    with engine.connect() as connection, _foreign_keys_off(connection), connection.begin():
        config.attributes["connection"] = connection
        step(config)
        _check_foreign_keys(connection)


@contextmanager
def _foreign_keys_off(connection: Connection) -> Iterator[None]:
    if connection.dialect.name != "sqlite":
        yield
        return
    # Outside any transaction (SQLite ignores the pragma inside one): on the driver's own
    # connection, before SQLAlchemy begins.
    driver_connection = connection.connection.driver_connection
    assert driver_connection is not None
    driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        driver_connection.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"migration left rows with broken foreign keys: {broken[:10]}")
