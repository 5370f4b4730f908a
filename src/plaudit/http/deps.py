"""FastAPI dependencies shared by the dialects."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from plaudit.settings import Settings
from plaudit.store.db import Database

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_database(request: Request) -> Database:
    return request.app.state.database


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """A session for this request; the handler commits, anything uncommitted is rolled back."""
    database = get_database(request)
    with database.session(readonly=request.method in READ_METHODS) as session:
        yield session


DbSession = Annotated[Session, Depends(get_session)]
AppSettings = Annotated[Settings, Depends(get_settings)]
