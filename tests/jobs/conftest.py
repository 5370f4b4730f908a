"""Every test here starts and ends with no job due, and leaves none of its own test jobs."""

from collections.abc import Iterator

import pytest
from sqlalchemy import delete

from plaudit.settings import Settings
from plaudit.store.db import Database
from plaudit.store.jobs_tables import Job
from tests.support.jobs import drain

TEST_KINDS = "test.%"


@pytest.fixture(autouse=True)
def no_jobs_left_behind(database: Database, settings: Settings) -> Iterator[None]:
    drain(database, settings)
    yield
    with database.transaction() as session:
        session.execute(delete(Job).where(Job.kind.like(TEST_KINDS)))
    drain(database, settings)
