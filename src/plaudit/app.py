"""Builds the ASGI app: every dialect side by side over one core."""

from fastapi import FastAPI

from plaudit import __version__
from plaudit.dialects.accredible.router import router as accredible_router
from plaudit.http.docs import mount_docs
from plaudit.http.health import router as health_router
from plaudit.http.request_log import RequestLogMiddleware, configure_logging
from plaudit.settings import Settings, get_settings
from plaudit.store.db import Database


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
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
    )
    app.state.settings = settings
    app.state.database = database or Database(settings.resolved_database_url)
    app.add_middleware(RequestLogMiddleware)
    mount_docs(app)
    app.include_router(health_router)
    app.include_router(accredible_router)
    return app
