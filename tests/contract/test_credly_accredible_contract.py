"""The rules that live once in the core (duplicates, expiry defaults, archived templates,
revocation, deletion) give the same decision through Accredible and Credly, whichever dialect
made the template, issued the badge or acts on it. Each rule is written once and runs over
every dialect, and over every pair where two take part (badgr-server's drift: STYLE.md)."""

import json
from datetime import date
from itertools import count, product
from typing import Any

import httpx
import pytest

from plaudit.store.db import Database
from tests.accredible.helpers import unique_email
from tests.contract.dialects import DIALECTS, Badge, Credly, Dialect, Template, Tenancy
from tests.support.tenants import Tenant

PAIRS = [pytest.param(a, b, id=f"{a}-then-{b}") for a, b in product(sorted(DIALECTS), repeat=2)]
_names = count(1)


@pytest.fixture
def tenancy(http: httpx.Client, database: Database, tenant: Tenant) -> Tenancy:
    return Tenancy(http, database, tenant)


def _dialect(tenancy: Tenancy, name: str) -> Dialect:
    dialect: Dialect = DIALECTS[name](tenancy)
    return dialect


def _template(
    maker: Dialect, *, duplicates: bool = False, expiry_years: int | None = None
) -> Template:
    return maker.create_template(
        f"contract-{next(_names)}", duplicates=duplicates, expiry_years=expiry_years
    )


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _signed(http: httpx.Client, badge: Badge) -> dict[str, Any]:
    response = http.get(f"/c/{badge.encoded_id}/credential.json")
    assert response.status_code == 200, response.text
    return response.json()


def _status_check(http: httpx.Client, signed: dict[str, Any]) -> str:
    """What an independent verifier reads from the status list: passed or failed."""
    response = http.post(
        "/verify", content=json.dumps(signed), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    return next(c["outcome"] for c in response.json()["checks"] if c["name"] == "status")


# --- duplicates ------------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_the_same_email_twice_to_one_template_is_refused(
    tenancy: Tenancy, first: str, second: str
) -> None:
    one, other = _dialect(tenancy, first), _dialect(tenancy, second)
    template = _template(one)
    email = unique_email()
    assert not one.issue(template, email).refused
    again = other.issue(template, email.upper())
    assert again.refused and again.status == 422
    assert not other.issue(template, unique_email()).refused


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_the_same_earner_id_twice_to_one_template_is_refused(
    tenancy: Tenancy, first: str, second: str
) -> None:
    """Credly's `issuer_earner_id` is Accredible's `recipient.id`: one badge per template."""
    one, other = _dialect(tenancy, first), _dialect(tenancy, second)
    template = _template(one)
    earner = f"earner-{next(_names)}"
    assert not one.issue(template, unique_email(), earner_id=earner).refused
    again = other.issue(template, unique_email(), earner_id=earner)
    assert again.refused and again.status == 422
    allowing = _template(one, duplicates=True)
    assert not one.issue(allowing, unique_email(), earner_id=earner).refused
    assert not other.issue(allowing, unique_email(), earner_id=earner).refused


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_the_same_email_twice_is_allowed_when_the_template_allows_duplicates(
    tenancy: Tenancy, first: str, second: str
) -> None:
    one, other = _dialect(tenancy, first), _dialect(tenancy, second)
    template = _template(one, duplicates=True)
    email = unique_email()
    earlier, later = one.issue(template, email), other.issue(template, email)
    assert earlier.badge and later.badge and earlier.badge != later.badge


# --- expiry ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("maker", "issuer"), PAIRS)
def test_the_templates_default_expiry_applies_unless_the_request_says_otherwise(
    tenancy: Tenancy, maker: str, issuer: str
) -> None:
    dialect = _dialect(tenancy, issuer)
    template = _template(_dialect(tenancy, maker), duplicates=True, expiry_years=2)
    default = dialect.issue(template, unique_email())
    assert default.issued_on is not None
    assert default.expires_on == _years_later(default.issued_on, 2)
    assert dialect.issue(template, unique_email(), "never").expires_on is None
    chosen = date(2031, 5, 6)
    assert dialect.issue(template, unique_email(), chosen).expires_on == chosen
    lasting = _template(_dialect(tenancy, maker))
    assert dialect.issue(lasting, unique_email()).expires_on is None


# --- archived templates ----------------------------------------------------------------------


@pytest.mark.parametrize(("maker", "issuer"), PAIRS)
def test_an_archived_template_issues_nothing_until_unarchived(
    tenancy: Tenancy, maker: str, issuer: str
) -> None:
    """Only Credly archives; the refusal holds in both dialects."""
    credly, dialect = Credly(tenancy), _dialect(tenancy, issuer)
    template = _template(_dialect(tenancy, maker))
    credly.archive(template)
    refused = dialect.issue(template, unique_email())
    assert refused.refused and refused.status == 422
    response = tenancy.http.put(
        f"{credly.base}/badge_templates/{template.uuid}/unarchive", headers=credly.headers
    )
    assert response.status_code == 200, response.text
    assert not dialect.issue(template, unique_email()).refused


# --- revocation and deletion -----------------------------------------------------------------


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_a_badge_revoked_through_one_dialect_is_revoked_for_both(
    tenancy: Tenancy, first: str, second: str
) -> None:
    http = tenancy.http
    issuer, revoker = _dialect(tenancy, first), _dialect(tenancy, second)
    badge = issuer.issue(_template(issuer), unique_email()).badge
    assert badge is not None
    signed = _signed(http, badge)
    assert _status_check(http, signed) == "passed"
    assert revoker.revoke(badge) == 200
    assert issuer.revoke(badge) == 200  # a retried revoke: the same answer
    # Both still show it; Credly's state says revoked (Accredible has no such field).
    assert issuer.found(badge) and revoker.found(badge)
    credly = Credly(tenancy)
    state = http.get(f"{credly.base}/badges/{badge.uuid}", headers=credly.headers)
    assert state.json()["data"]["state"] == "revoked"
    # The public page, the status list and the OB 2.0 assertion agree.
    page = http.get(f"/c/{badge.encoded_id}")
    assert page.status_code == 200 and "Revoked" in page.text
    assert _status_check(http, signed) == "failed"
    assert http.get(f"/api/v1/obi/badgeassertions/{badge.uuid}").status_code == 410


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_a_badge_deleted_through_one_dialect_is_gone_from_both(
    tenancy: Tenancy, first: str, second: str
) -> None:
    http = tenancy.http
    issuer, deleter = _dialect(tenancy, first), _dialect(tenancy, second)
    badge = issuer.issue(_template(issuer), unique_email()).badge
    assert badge is not None
    signed = _signed(http, badge)
    assert deleter.delete(badge) in {200, 204}
    assert not issuer.found(badge) and not deleter.found(badge)
    assert issuer.delete(badge) == 404 and deleter.delete(badge) == 404
    # The public page is gone, and what was signed fails its status check.
    assert http.get(f"/c/{badge.encoded_id}").status_code in {404, 410}
    assert _status_check(http, signed) == "failed"
    assert http.get(f"/api/v1/obi/badgeassertions/{badge.uuid}").status_code == 410
