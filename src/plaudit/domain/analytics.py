"""Analytics events: what can happen to a credential in public, and where."""

import re

from plaudit.domain.errors import Invalid

VIEW = "view"
SHARE = "share"
DOWNLOAD = "download"
LINK_CLICK = "link_click"
# Someone verified the credential through this server: its page's live verification, or a
# copy submitted to /verify that its issuer's key proves to be this credential.
VERIFY = "verify"
EVENT_KINDS = (VIEW, SHARE, DOWNLOAD, LINK_CLICK, VERIFY)
# What a recipient does with a credential beyond opening it (a verification is not that: the
# credential page runs one as it opens).
ENGAGING = (SHARE, DOWNLOAD, LINK_CLICK)

# Where a share went on LinkedIn: its feed, or the credential added to the person's profile
# (what the dashboard counts as "added to LinkedIn").
LINKEDIN = "linkedin"
LINKEDIN_PROFILE = "linkedin_profile"

# Where it happened: `linkedin`, `twitter`, `pdf`, `badge`, `course_link`...
_CHANNEL = re.compile(r"[a-z0-9_]{1,64}")


def check_event(kind: str, channel: str | None) -> None:
    if kind not in EVENT_KINDS:
        raise Invalid(fields={"kind": [f"must be one of: {', '.join(EVENT_KINDS)}"]})
    if channel is not None and not _CHANNEL.fullmatch(channel):
        raise Invalid(fields={"channel": ["is invalid"]})
