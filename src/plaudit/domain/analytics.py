"""Analytics events: what can happen to a credential in public, and where."""

import re

from plaudit.domain.errors import Invalid

VIEW = "view"
SHARE = "share"
DOWNLOAD = "download"
LINK_CLICK = "link_click"
EVENT_KINDS = (VIEW, SHARE, DOWNLOAD, LINK_CLICK)

# Where it happened: `linkedin`, `twitter`, `pdf`, `badge`, `course_link`...
_CHANNEL = re.compile(r"[a-z0-9_]{1,64}")


def check_event(kind: str, channel: str | None) -> None:
    if kind not in EVENT_KINDS:
        raise Invalid(fields={"kind": [f"must be one of: {', '.join(EVENT_KINDS)}"]})
    if channel is not None and not _CHANNEL.fullmatch(channel):
        raise Invalid(fields={"channel": ["is invalid"]})
