"""Single sign-on with SAML 2.0 against an IdP the tests run with pysaml2 (its key made at test
time): a signed response signs in (a just-in-time member the first time, the same one after),
and an unsigned, tampered, expired, other-audience or replayed response does not. The settings
page takes the IdP's metadata pasted or uploaded and shows Plaudit's SP addresses."""

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import func, select

from plaudit.dashboard import sso_connections
from plaudit.dashboard.sso_connections import ConnectionForm
from plaudit.server_secret import server_secret
from plaudit.settings import Settings
from plaudit.store.dashboard_tables import DashboardSession, SsoConnection
from plaudit.store.db import Database
from plaudit.store.org_tables import TeamMember
from tests.support.dashboard import form_token, make_member, signed_in_client
from tests.support.live_server import LiveServer
from tests.support.saml_idp import Answer, IdentityProvider, Posted, read_form, running_idp
from tests.support.tenants import Tenant

pytestmark = pytest.mark.skipif(
    not Path("/usr/bin/xmlsec1").exists(), reason="xmlsec1 (Debian package) is not installed"
)


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IdentityProvider]:
    with running_idp(tmp_path_factory.mktemp("idp")) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh_answer(idp: IdentityProvider) -> None:
    idp.answer = Answer()


@pytest.fixture
def domain() -> str:
    return f"t{uuid4().hex[:12]}.example.org"


@pytest.fixture
def connection(
    database: Database, settings: Settings, tenant: Tenant, idp: IdentityProvider, domain: str
) -> str:
    with database.transaction() as session:
        made = sso_connections.create(
            session,
            tenant.organization_id,
            "saml",
            ConnectionForm(
                name="Campus IdP",
                default_role="viewer",
                allowed_domains=domain,
                metadata=idp.metadata,
            ),
            granter_role="owner",
            server_secret=server_secret(settings),
            allowed_hosts=frozenset(),
        )
        return str(made.uuid)


def at_idp(browser: httpx.Client, connection: str) -> Posted:
    """Starts a sign-in and follows it to the IdP: the form its page has the browser post."""
    started = browser.get(f"/dashboard/sso/{connection}/start?next=/dashboard")
    assert started.status_code == 303, started.text
    page = httpx.get(started.headers["location"], timeout=30)
    assert page.status_code == 200, page.text
    return read_form(page.text)


def post(browser: httpx.Client, posted: Posted) -> httpx.Response:
    return browser.post(posted.action, data=posted.fields)


def post_and_finish(browser: httpx.Client, posted: Posted, connection: str) -> httpx.Response:
    """Posts the IdP's answer, then follows Plaudit's redirect to the finishing GET."""
    answered = post(browser, posted)
    assert answered.status_code == 303, answered.text
    assert answered.headers["location"] == f"/dashboard/sso/{connection}/saml/finish"
    return browser.get(answered.headers["location"])


def test_a_signed_response_signs_in_a_new_member_then_the_same_one(
    live_server: LiveServer,
    idp: IdentityProvider,
    database: Database,
    tenant: Tenant,
    connection: str,
    domain: str,
) -> None:
    idp.answer = Answer(email=f"ada@{domain}", name="Ada Lovelace")
    for _ in range(2):
        with httpx.Client(base_url=live_server.base_url, timeout=30) as browser:
            posted = at_idp(browser, connection)
            assert posted.action == f"{live_server.base_url}/dashboard/sso/{connection}/acs"
            signed = post_and_finish(browser, posted, connection)
            assert signed.status_code == 303, signed.text
            assert signed.headers["location"] == "/dashboard"
            assert "plaudit_sso" not in browser.cookies  # used up
            page = browser.get("/dashboard")
            assert page.status_code == 200 and "Ada Lovelace" in page.text
            assert "(viewer)" in page.text

    with database.session(readonly=True) as session:
        members = session.scalars(
            select(TeamMember).where(TeamMember.email_normalized == f"ada@{domain}")
        ).all()
        assert [(m.organization_id, m.role) for m in members] == [
            (tenant.organization_id, "viewer")
        ]
        vias = session.scalars(
            select(DashboardSession.via).where(DashboardSession.team_member_id == members[0].id)
        ).all()
        assert vias == ["saml", "saml"]


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer(sign_assertion=False), "Signature missing"),
        (Answer(tamper=True), "Failed to verify signature"),
        (Answer(lifetime_minutes=-10), "Condition not OK"),
        (Answer(audience="https://another-sp.example/metadata"), "AudienceRestrictions"),
        (Answer(email="someone@elsewhere.example"), "does not accept addresses"),
    ],
    ids=["unsigned", "tampered", "expired", "other-audience", "domain-not-allowed"],
)
def test_a_response_that_fails_a_check_signs_nobody_in(
    live_server: LiveServer,
    idp: IdentityProvider,
    database: Database,
    connection: str,
    domain: str,
    answer: Answer,
    reason: str,
) -> None:
    if answer.email == Answer().email:
        answer.email = f"eve@{domain}"
    idp.answer = answer
    with httpx.Client(base_url=live_server.base_url, timeout=30) as browser:
        refused = post(browser, at_idp(browser, connection))
        if refused.status_code == 303:  # a good response: who may sign in is decided next
            refused = browser.get(refused.headers["location"])
        assert refused.status_code == 403
        assert reason in refused.text
        assert "plaudit_dashboard" not in browser.cookies
        assert browser.get("/dashboard").status_code == 303
    with database.session(readonly=True) as session:
        made = session.scalar(
            select(func.count()).select_from(TeamMember).where(TeamMember.email == answer.email)
        )
        assert made == 0


def test_a_replayed_response_is_refused(
    live_server: LiveServer, idp: IdentityProvider, connection: str, domain: str
) -> None:
    idp.answer = Answer(email=f"bob@{domain}")
    with httpx.Client(base_url=live_server.base_url, timeout=30) as browser:
        posted = at_idp(browser, connection)
        assert post_and_finish(browser, posted, connection).status_code == 303
    with httpx.Client(base_url=live_server.base_url, timeout=30) as attacker:
        replayed = post(attacker, posted)
        assert replayed.status_code == 403
        assert "already finished" in replayed.text
        assert "plaudit_dashboard" not in attacker.cookies


def test_a_response_signs_in_only_the_browser_that_started_the_sign_in(
    live_server: LiveServer, idp: IdentityProvider, connection: str, domain: str
) -> None:
    """Login CSRF: Mallory starts a sign-in, gets her own signed response, and has Alice's
    browser post it (a cross-site form). The response is good, but Alice's browser did not
    start that request: it is not signed in as Mallory. Mallory's own browser still is."""
    idp.answer = Answer(email=f"mallory@{domain}")
    with (
        httpx.Client(base_url=live_server.base_url, timeout=30) as mallory,
        httpx.Client(base_url=live_server.base_url, timeout=30) as alice,
    ):
        posted = at_idp(mallory, connection)
        alice.get(f"/dashboard/sso/{connection}/start")  # a sign-in of her own, not finished
        refused = post_and_finish(alice, posted, connection)
        assert refused.status_code == 403
        assert "not started in this browser" in refused.text
        assert "plaudit_dashboard" not in alice.cookies
        assert alice.get("/dashboard").status_code == 303

        finished = mallory.get(f"/dashboard/sso/{connection}/saml/finish")
        assert finished.status_code == 303 and finished.headers["location"] == "/dashboard"
        assert "plaudit_dashboard" in mallory.cookies
        again = mallory.get(f"/dashboard/sso/{connection}/saml/finish")
        assert again.status_code == 403  # taken up once


def test_a_response_to_a_request_never_sent_is_refused(
    live_server: LiveServer, idp: IdentityProvider, connection: str, domain: str
) -> None:
    """A response must answer a request of this connection: one made for another connection
    (another SP) is refused, even signed by the same IdP."""
    idp.answer = Answer(email=f"carol@{domain}")
    with httpx.Client(base_url=live_server.base_url, timeout=30) as browser:
        posted = at_idp(browser, connection)
        forged = Posted(posted.action.replace(connection, str(uuid4())), posted.fields)
        assert post(browser, forged).status_code == 404
        garbage = post(browser, Posted(posted.action, {"SAMLResponse": "bm90IHhtbA=="}))
        assert garbage.status_code == 403


def test_the_settings_page_takes_pasted_or_uploaded_metadata_and_shows_the_sp(
    live_server: LiveServer, idp: IdentityProvider, database: Database, tenant: Tenant
) -> None:
    owner = make_member(database, tenant.organization_id, "owner")
    with signed_in_client(live_server.base_url, owner) as browser:
        token = form_token(browser, "/dashboard/settings/sso/new?protocol=saml")
        fields = {"csrf_token": token, "protocol": "saml", "name": "Shibboleth"}
        bad = browser.post(
            "/dashboard/settings/sso/new",
            data={**fields, "default_role": "issuer", "metadata": "<not-metadata/>"},
        )
        assert bad.status_code == 422
        assert 'id="metadata-error"' in bad.text and "identity provider" in bad.text

        uploaded = browser.post(
            "/dashboard/settings/sso/new",
            data={**fields, "default_role": "issuer", "allowed_domains": "example.edu"},
            files={"metadata_file": ("idp.xml", idp.metadata.encode(), "application/xml")},
        )
        assert uploaded.status_code == 303, uploaded.text
        edit = uploaded.headers["location"].split("?")[0]
        key = edit.rsplit("/", 1)[1]
        page = browser.get(edit)
        sp_base = f"{live_server.base_url}/dashboard/sso/{key}"
        assert f"{sp_base}/metadata" in page.text and f"{sp_base}/acs" in page.text
        assert f"{sp_base}/start" in page.text

        pasted = browser.post(
            "/dashboard/settings/sso/new",
            data={**fields, "default_role": "viewer", "metadata": idp.metadata},
        )
        assert pasted.status_code == 303

    metadata = httpx.get(f"{sp_base}/metadata", timeout=30)
    assert metadata.status_code == 200
    assert metadata.headers["content-type"].startswith("application/samlmetadata+xml")
    assert f'entityID="{sp_base}/metadata"' in metadata.text
    assert f'Location="{sp_base}/acs"' in metadata.text
    with database.session(readonly=True) as session:
        saved = session.scalar(select(SsoConnection).where(SsoConnection.uuid == UUID(key)))
        assert saved is not None
        assert saved.settings["idp_entity_id"] == f"{idp.base_url}/idp"
        assert saved.allowed_domains == ["example.edu"] and saved.default_role == "issuer"
