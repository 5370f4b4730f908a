"""Credentials for the dashboard's credential tests: issued through the API, read back from
the list page, and events recorded straight through the analytics service."""

import re
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select

from plaudit.services import analytics
from plaudit.store.db import Database
from plaudit.store.tables import Credential

_ROW_LINK = re.compile(r'<td><a href="/dashboard/credentials/(\d+)">')


def listed_ids(client: httpx.Client, query: str = "") -> list[int]:
    """The credential ids the list page shows for `query`, in its order."""
    answer = client.get(f"/dashboard/credentials{query}")
    assert answer.status_code == 200, answer.text
    return [int(found) for found in _ROW_LINK.findall(answer.text)]


def record_events(database: Database, credential_id: int, kind: str, count: int) -> None:
    """`count` events of `kind` for one credential, as its public page would record them."""
    with database.transaction() as session:
        credential = session.get(Credential, credential_id)
        assert credential is not None
        start = datetime.now(UTC) - timedelta(hours=1)
        for number in range(count):
            analytics.record(session, credential, kind, at=start + timedelta(seconds=number))


def credential_count(database: Database, organization_id: int) -> int:
    with database.session(readonly=True) as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(Credential)
                .where(Credential.organization_id == organization_id)
            )
            or 0
        )
