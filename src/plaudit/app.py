"""Builds the ASGI app: every dialect side by side over one core."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from plaudit import __version__
from plaudit.dashboard import passwords
from plaudit.dialects.accredible.credentials import reads_router as accredible_reads_router
from plaudit.dialects.accredible.openapi import describe_answers
from plaudit.dialects.accredible.router import router as accredible_router
from plaudit.dialects.credly.router import router as credly_router
from plaudit.dialects.openedx.router import router as openedx_router
from plaudit.http.database_ping import DatabasePing
from plaudit.http.docs import mount_docs
from plaudit.http.health import route as health_route
from plaudit.http.loop_reads import LoopReads
from plaudit.http.method_not_allowed import install_method_not_allowed
from plaudit.http.rate_limit import RateLimits
from plaudit.http.render_slots import set_slots
from plaudit.http.request_log import RequestLogMiddleware, configure_logging
from plaudit.http.unavailable import install_handlers
from plaudit.jobs.in_process import worker_lifespan
from plaudit.openbadges.credly_aliases import router as ob2_credly_aliases_router
from plaudit.openbadges.hosted import router as ob2_hosted_router
from plaudit.render import isolation
from plaudit.server_secret import refuse_insecure_secret, server_secret
from plaudit.services.remote_issuers import FetchPolicy, RemoteIssuers
from plaudit.services.verification_workers import Limits, VerificationWorkers
from plaudit.settings import Settings, get_settings
from plaudit.store.db import Database
from plaudit.web import page_views
from plaudit.web.credential_page import router as credential_page_router
from plaudit.web.pages import compile_templates
from plaudit.web.rendered_pages import RenderedPages
from plaudit.web.router import router as web_router


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The in-process job worker; the verification workers (started on first use) stop with
    the app. Page templates are compiled, and the sign-in's decoy hash made (off the event
    loop), before the first request."""
    compile_templates()
    await run_in_threadpool(passwords.decoy)
    async with worker_lifespan(app), page_views.flushing(app):
        try:
            yield
        finally:
            app.state.verification_workers.close()
            app.state.remote_issuers.close()
            app.state.database_ping.close()
            app.state.loop_reads.close()
            app.state.database.group_commit.close()  # its thread starts with the first create


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    refuse_insecure_secret(settings)
    configure_logging(settings.log_level)
    app = FastAPI(
        title="Plaudit",
        version=__version__,
        description="Self-hosted digital credentials. Speaks Accredible's Credential API.",
        # API clients authenticate with a header a browser cannot forge cross-site, and some
        # send JSON without a Content-Type.
        strict_content_type=False,
        max_body_size=settings.max_body_bytes,
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    _configure_rendering(settings)
    app.state.database = database or Database(
        settings.resolved_database_url, lock_timeout_seconds=settings.db_lock_timeout_seconds
    )
    app.state.database_ping = DatabasePing(app.state.database)
    app.state.loop_reads = LoopReads(app.state.database)
    app.state.page_views = page_views.PageViews(app.state.database)
    app.state.rendered_pages = RenderedPages()
    app.state.server_secret = server_secret(settings)
    app.state.rate_limits = RateLimits(settings)
    app.state.verification_workers = VerificationWorkers(Limits.of(settings))
    app.state.remote_issuers = RemoteIssuers(FetchPolicy.of(settings))
    app.add_middleware(RequestLogMiddleware)
    install_handlers(app)
    install_method_not_allowed(app)
    mount_docs(app, describe_answers)
    app.router.routes.append(health_route)
    # The most frequent reads first: FastAPI tries an included router's routes one by one, and
    # matching the public page behind ~170 others cost more CPU than answering it.
    app.include_router(accredible_reads_router)
    app.include_router(credential_page_router)
    app.include_router(accredible_router)
    app.include_router(credly_router)
    app.include_router(openedx_router)
    app.include_router(ob2_hosted_router)
    app.include_router(ob2_credly_aliases_router)
    app.include_router(web_router)
    return app


def _configure_rendering(settings: Settings) -> None:
    isolation.configure_from(settings)
    set_slots(settings.render_workers)
