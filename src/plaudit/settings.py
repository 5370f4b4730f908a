"""Configuration from `PLAUDIT_` environment variables; the defaults start a working server."""

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from plaudit.http.client_address import parse_networks

WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLAUDIT_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"),
        description="Where the SQLite database and other files live; kept 0700, its files 0600.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; defaults to a SQLite file in the data directory.",
    )
    db_lock_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description="Longest a request waits for a database lock, a pooled connection or a "
        "PostgreSQL server before it is answered 503 with Retry-After.",
    )
    host: str = Field(default="127.0.0.1", description="Address `plaudit serve` listens on.")
    port: int = Field(default=8000, description="Port `plaudit serve` listens on.")
    base_url: str | None = Field(
        default=None,
        description="Public address every URL Plaudit hands out starts with; "
        "defaults to http://HOST:PORT as `plaudit serve --host/--port` set them (localhost "
        "for a wildcard HOST such as 0.0.0.0 or ::).",
    )
    max_body_bytes: int = Field(
        default=5 * 1024 * 1024,
        description="Largest request body accepted, in bytes (413 past it).",
    )
    log_level: str = Field(default="info", description="Log level: debug, info, warning, error.")
    demo_org_name: str = Field(
        default="Plaudit Demo Academy", description="Name of the organization `plaudit init` makes."
    )
    worker_in_process: bool = Field(
        default=True,
        description="Run a background-job worker inside each server process; set false when "
        "separate `plaudit worker` processes run the jobs.",
    )
    page_view_flush_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="How often each server process writes the public page views it has "
        "counted, in one transaction (docs/adr/0011-batched-page-views.md).",
    )
    job_poll_seconds: float = Field(
        default=1.0, gt=0, description="How long an idle worker waits before looking for jobs."
    )
    job_lease_seconds: float = Field(
        default=60.0,
        gt=0,
        description="How long a claimed job stays locked to its worker, renewed while it runs; "
        "a job whose worker died is claimed again once its lease has run out.",
    )
    job_max_attempts: int = Field(
        default=5, ge=1, le=100, description="Runs a job gets before it is recorded as failed."
    )
    job_retry_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Wait before the first retry of a failed job; it doubles with each further "
        "attempt, up to an hour.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="Signs SSO codes and recipient sessions; generated once into the data "
        "directory when unset. Give every host the same one.",
    )
    sso_code_ttl_seconds: int = Field(
        default=3600, gt=0, description="How long an SSO link works (it works once)."
    )
    session_ttl_seconds: int = Field(
        default=86400, gt=0, description="How long a recipient stays signed in after an SSO link."
    )
    dashboard_session_hours: int = Field(
        default=12, gt=0, le=24 * 30, description="How long a team member stays signed in."
    )
    dashboard_lockout_attempts: int = Field(
        default=5, gt=0, description="Wrong passwords in a row that lock a team member out."
    )
    dashboard_lockout_minutes: int = Field(
        default=15, gt=0, description="How long a locked-out team member stays locked."
    )
    dashboard_import_max_bytes: int = Field(
        default=10 * 1024 * 1024,
        gt=0,
        description="Largest CSV or XLSX file the dashboard imports recipients from, in bytes.",
    )
    dashboard_import_max_rows: int = Field(
        default=50_000,
        gt=0,
        le=60_000,
        description="Most rows one dashboard import may hold (each row is one credential).",
    )
    sso_allow_hosts: str = Field(
        default="",
        description="Comma-separated hosts (`host` or `host:port`) of OpenID Connect providers "
        "the dashboard's single sign-on may reach over plain HTTP and on private, loopback or "
        "link-local addresses: for tests and private networks. Any other provider's discovery "
        "document, keys and token endpoint are fetched over HTTPS from public addresses only.",
    )
    designer_token_ttl_seconds: int = Field(
        default=3600,
        gt=0,
        description="How long a token from `POST /v1/designers/.../initialize` opens the "
        "design editor.",
    )
    pdf_bundle_sync_max: int = Field(
        default=50,
        ge=0,
        description="Most credentials `POST /v1/credentials/generate_pdf` renders while the "
        "client waits; larger requests run as a background job.",
    )
    render_workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        le=64,
        description="Worker processes that draw certificates, badges and previews; defaults to "
        "the number of cores. A design that crashes or outlasts its worker takes only that "
        "worker down.",
    )
    render_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Longest one drawing may take; past it its worker is killed and the "
        "built-in design is drawn instead.",
    )
    render_memory_mb: int = Field(
        default=1024,
        ge=256,
        description="Address space of each render worker process, in MiB.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis URL (redis:// or rediss://) for rate-limit counters shared by every "
        "process; in-process memory when unset.",
    )
    rate_limit_enabled: bool = Field(default=True, description="Whether requests are rate limited.")
    rate_limit: str = Field(
        default="2000 per 5 minutes", description="Requests per client IP, in a sliding window."
    )
    rate_limit_sso: str = Field(
        default="300 per 5 minutes",
        description="SSO link generations per client IP, on top of the general limit.",
    )
    rate_limit_failed_auth: str = Field(
        default="20 per 5 minutes",
        description="Failed authentications per client IP; past it the IP is refused until "
        "the window frees.",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated IPs or networks of reverse proxies whose X-Forwarded-For "
        "names the client; empty: the peer address is the client.",
    )
    env: Literal["development", "production"] = Field(
        default="development",
        description="production: every command that uses the secret refuses to run without a "
        "real PLAUDIT_SECRET_KEY (it encrypts the organizations' signing keys).",
    )
    sign_at_issuance: bool = Field(
        default=True,
        description="Sign each published credential (Open Badges 3.0, both proof formats) in "
        "the transaction that issues it; false: sign when first asked for.",
    )
    verify_workers: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Worker processes that examine credentials submitted to `POST /verify` "
        "(and `plaudit verify`); one that runs out of time is killed and replaced.",
    )
    verify_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description="Longest a worker may examine one submitted credential before it is "
        "killed; a request waits at most twice that in all. Past either, the answer is a "
        "failed verification saying so.",
    )
    verify_fetch: bool = Field(
        default=True,
        description="Whether `/verify` and `plaudit verify` fetch the did:web document (and "
        "the status list at the same address) of an issuer that is not this server's; false: "
        'such credentials read "could not be checked".',
    )
    verify_fetch_allow_hosts: str = Field(
        default="",
        description="Comma-separated hosts (`host` or `host:port`) that verification may fetch "
        "over plain HTTP and on private, loopback or link-local addresses: for tests and "
        "private deployments. Any other host is fetched over HTTPS from public addresses only.",
    )
    template_image_fetch_allow_hosts: str = Field(
        default="",
        description="Comma-separated hosts (`host` or `host:port`) from which a Credly badge "
        "template's `image` URL may be fetched over plain HTTP and on private, loopback or "
        "link-local addresses: for tests and private deployments. Any other image URL is "
        "fetched once, over HTTPS from public addresses only, at most 5 MB.",
    )
    verify_max_nodes: int = Field(
        default=5000,
        ge=100,
        description="Most JSON values (objects, arrays, strings, numbers...) a submitted "
        "credential may hold, checked before it is canonicalized; it may also nest at most "
        "32 levels deep.",
    )
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server the outbox sends recipients' mail through; unset: mail is "
        "kept in the database (state `held`) and sent once this is set.",
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_username: str | None = Field(
        default=None, description="SMTP login name; unset: no authentication."
    )
    smtp_password: SecretStr | None = Field(
        default=None, description="SMTP password (never logged)."
    )
    smtp_starttls: bool = Field(
        default=True,
        description="Upgrade the connection with STARTTLS before authenticating (refused "
        "mail if the server cannot); ignored with PLAUDIT_SMTP_TLS.",
    )
    smtp_tls: bool = Field(
        default=False, description="Connect over TLS from the start (SMTPS, usually port 465)."
    )
    smtp_from: str = Field(
        default="Plaudit <noreply@localhost>",
        description="The From address of recipients' mail; its domain ends every Message-ID.",
    )
    smtp_timeout_seconds: float = Field(
        default=10.0, gt=0, le=300, description="Longest wait for the SMTP server, per step."
    )
    mail_max_attempts: int = Field(
        default=12,
        ge=1,
        le=100,
        description="Sends a mail gets (after 4xx answers or lost connections) before it is "
        "recorded as a dead letter.",
    )
    mail_retry_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Wait before a mail's first retry; it doubles with each attempt (with "
        "random jitter), up to six hours.",
    )
    mail_accept_reminder_days: int = Field(
        default=7,
        ge=0,
        description="Remind the recipient of a badge still pending this many days after "
        "issue (once); 0: never.",
    )
    mail_expiry_reminder_days: int = Field(
        default=30,
        ge=0,
        description="Tell the recipient this many days before a credential expires (once per "
        "expiry date); 0: never.",
    )
    webhook_allow_hosts: str = Field(
        default="",
        description="Comma-separated hosts (`host` or `host:port`) webhooks may be POSTed to "
        "over plain HTTP and on private, loopback or link-local addresses: for tests and "
        "private networks. Any other webhook goes over HTTPS to public addresses only, "
        "checked when it is sent.",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=60,
        description="Longest wait for a webhook's receiver to connect and answer; longer is a "
        "failed attempt, retried.",
    )
    webhook_retry_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Wait before a webhook's first retry; it doubles with each attempt (with "
        "random jitter), up to twelve hours.",
    )
    webhook_give_up_hours: float = Field(
        default=600.0,
        gt=0,
        description="How long a webhook delivery is retried (until a 2xx answer) before it is "
        "recorded as a dead letter: 600 hours is 25 days.",
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'plaudit.db').resolve()}"

    @field_validator("rate_limit", "rate_limit_sso", "rate_limit_failed_auth")
    @classmethod
    def _rate(cls, value: str) -> str:
        # Imported when a rate is set: the limits package takes a tenth of a second to import.
        from limits import parse as parse_rate

        parse_rate(value)
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        parse_networks(value)
        return value

    @property
    def public_base_url(self) -> str:
        """PLAUDIT_BASE_URL, else where `plaudit serve` listens: a wildcard address (0.0.0.0,
        ::) is no address a browser can use, so it becomes localhost."""
        if self.base_url:
            return self.base_url.rstrip("/")
        host = self.host.strip("[]")
        if host in WILDCARD_HOSTS:
            host = "localhost"
        elif ":" in host:  # an IPv6 literal
            host = f"[{host}]"
        return f"http://{host}:{self.port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
