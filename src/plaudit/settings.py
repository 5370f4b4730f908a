"""Configuration from `PLAUDIT_` environment variables; the defaults start a working server."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLAUDIT_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"), description="Where the SQLite database and other files live."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; defaults to a SQLite file in the data directory.",
    )
    host: str = Field(default="127.0.0.1", description="Address `plaudit serve` listens on.")
    port: int = Field(default=8000, description="Port `plaudit serve` listens on.")
    base_url: str | None = Field(
        default=None,
        description="Public address every URL Plaudit hands out starts with; "
        "defaults to http://HOST:PORT.",
    )
    max_body_bytes: int = Field(
        default=5 * 1024 * 1024,
        description="Largest request body accepted, in bytes (413 past it).",
    )
    log_level: str = Field(default="info", description="Log level: debug, info, warning, error.")
    demo_org_name: str = Field(
        default="Plaudit Demo Academy", description="Name of the organization `plaudit init` makes."
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'plaudit.db').resolve()}"

    @property
    def public_base_url(self) -> str:
        if self.base_url:
            return self.base_url.rstrip("/")
        return f"http://{self.host}:{self.port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
