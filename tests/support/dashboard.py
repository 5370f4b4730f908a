"""Team members made straight through the store, and browsers-in-a-client signed in as them."""

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from plaudit.dashboard import passwords
from plaudit.domain.values import normalize_email
from plaudit.store.db import Database
from plaudit.store.org_tables import TeamMember

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


@dataclass(frozen=True)
class Member:
    organization_id: int
    member_id: int
    email: str
    password: str
    role: str


@functools.cache
def _password_hash(password: str) -> str:
    """argon2id is slow on purpose (a second or more on a busy machine): the members a test
    process makes with one password share its hash, made once."""
    return passwords.hash_password(password)


def make_member(
    database: Database,
    organization_id: int,
    role: str = "owner",
    *,
    email: str | None = None,
    password: str = PASSWORD,
) -> Member:
    with database.transaction() as session:
        member = TeamMember(
            organization_id=organization_id,
            name=f"{role.title()} Person",
            email=email or f"{role}-{organization_id}@example.org",
            role=role,
            password_hash=_password_hash(password),
        )
        member.email_normalized = normalize_email(member.email)
        session.add(member)
        session.flush()
        return Member(organization_id, member.id, member.email, password, role)


def sign_in(client: httpx.Client, member: Member) -> httpx.Response:
    """Signs `client` in as `member` through the sign-in form; the answer to the form."""
    return client.post(
        "/dashboard/sign-in", data={"email": member.email, "password": member.password}
    )


@contextmanager
def signed_in_client(base_url: str, member: Member) -> Iterator[httpx.Client]:
    """A client of its own (its own cookies), signed in as `member`."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        answer = sign_in(client, member)
        assert answer.status_code == 303, answer.text
        yield client


def form_token(client: httpx.Client, path: str = "/dashboard") -> str:
    """The CSRF token of a page's forms, as a browser would find it."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = _CSRF.search(page.text)
    assert found is not None, "no form token on the page"
    return found.group(1)


def session_form_token(client: httpx.Client, secret: bytes) -> str:
    """The form token of `client`'s session, computed as the server does: for a member whose
    pages carry no form (a viewer), to show that a valid token does not lift the role check."""
    from types import SimpleNamespace

    from plaudit.dashboard.guard import csrf_token

    return csrf_token(secret, SimpleNamespace(token=client.cookies["plaudit_dashboard"]))  # type: ignore[arg-type]
