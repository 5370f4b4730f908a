"""The public page reads its credential with Core statements (`public_credentials.read`): the
page shows exactly what the ORM rows (`public_credentials.find`) show, for three statements;
its view is written later (tests/web/test_page_views.py)."""

from datetime import date

import httpx
from sqlalchemy import select

from plaudit.services import public_credentials
from plaudit.store.db import Database
from plaudit.store.group_tables import SkillCategory
from plaudit.store.tables import Achievement, Credential
from plaudit.web import credential_links, credential_view
from plaudit.web.credential_access import Visit
from tests.accredible.helpers import create_group, issue
from tests.support.statements import counting_queries, of_view_batch
from tests.web.helpers import full_credential
from tests.web.test_credential_page import give_status_entry

BASE_URL = "https://plaudit.example"
TARGETS = ("pdf", "badge", "linkedin-profile", "linkedin", "x", "course", "issuer")


def with_skill_category(database: Database, credential_id: int) -> None:
    with database.transaction() as session:
        credential = session.get(Credential, credential_id)
        assert credential is not None
        achievement = session.get(Achievement, credential.achievement_id)
        assert achievement is not None
        achievement.skill_category_id = session.scalars(select(SkillCategory.id)).first()


def test_the_read_shows_what_the_orm_rows_show(api: httpx.Client, database: Database) -> None:
    credential = full_credential(api, expired_on="2030-01-01", grade="A")
    with_skill_category(database, credential["id"])
    for revoked in (False, True):
        give_status_entry(database, credential["id"], revoke=revoked)
        with database.session(readonly=True) as session:
            found = public_credentials.find(session, credential["encoded_id"])
            read = public_credentials.read(session, credential["encoded_id"])
        assert read.revoked is revoked
        for by_recipient in (False, True):
            shown, expected = Visit(read, by_recipient), Visit(found, by_recipient)
            today = date(2026, 6, 1)
            assert credential_view.context(shown, BASE_URL, today=today) == credential_view.context(
                expected, BASE_URL, today=today
            )
        for target in TARGETS:
            assert credential_links.destination(
                read, target, BASE_URL
            ) == credential_links.destination(found, target, BASE_URL)
    assert "skill_category" in repr(credential_view.context(shown, BASE_URL, today=today))


def test_a_page_view_costs_three_statements_and_writes_nothing(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    credential = full_credential(api)
    with counting_queries(database) as statements:
        assert http.get(credential["url"]).status_code == 200
    # Nothing but, should the shared server's interval end meanwhile, its batch of views.
    page = [statement for statement in statements if not of_view_batch(statement)]
    # The credential with its group, issuer, department and revocation; evidence; references.
    assert len(page) == 3, statements
    assert all(statement.lstrip().startswith("SELECT") for statement in page)


def test_a_page_without_evidence_or_references_costs_one_statement(
    api: httpx.Client, http: httpx.Client, database: Database
) -> None:
    credential = issue(api, create_group(api)["id"])
    for _ in range(2):  # the first read of a server opens its connection; later ones reuse it
        with counting_queries(database) as statements:
            assert http.get(credential["url"]).status_code == 200
        page = [statement for statement in statements if not of_view_batch(statement)]
        # Whether it has evidence items and references comes with the credential's row.
        assert len(page) == 1, statements
