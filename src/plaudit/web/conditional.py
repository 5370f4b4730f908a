"""Conditional GET: whether the client's cached copy (If-None-Match) is still current."""

from fastapi import Request


def is_current(request: Request, etag: str) -> bool:
    """True when If-None-Match names `etag` (strong or weak) or is `*`: answer 304."""
    given = request.headers.get("if-none-match")
    if not given:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in given.split(",")}
    return "*" in tags or etag in tags
