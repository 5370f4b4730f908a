"""v2 search's `recipient_opened` and `recipient_engaged` come from what the signed-in
recipient did on the credential's public page; visitors' views do not count."""

import httpx

from tests.accredible.helpers import create_group, issue
from tests.support.live_server import LiveServer
from tests.web.helpers import signed_in_browser


def activity(api: httpx.Client, group_id: int) -> dict[int, tuple[bool, bool]]:
    response = api.post("/v2/credentials/search", json={"query": {"group.id": group_id}})
    assert response.status_code == 200, response.text
    return {
        item["id"]: (item["recipient_opened"], item["recipient_engaged"])
        for item in response.json()["credentials"]
    }


def test_opened_and_engaged_follow_the_recipients_own_actions(
    api: httpx.Client, http: httpx.Client, live_server: LiveServer
) -> None:
    group_id = create_group(api)["id"]
    untouched, viewed, downloaded = (issue(api, group_id) for _ in range(3))
    assert http.get(untouched["url"]).status_code == 200  # a visitor, not the recipient
    with signed_in_browser(api, live_server, viewed["id"]) as recipient:
        assert recipient.get(viewed["url"]).status_code == 200
    with signed_in_browser(api, live_server, downloaded["id"]) as recipient:
        assert recipient.get(downloaded["url"]).status_code == 200
        assert recipient.get(f"{downloaded['url']}/go/pdf").status_code == 303

    assert activity(api, group_id) == {
        untouched["id"]: (False, False),
        viewed["id"]: (True, False),
        downloaded["id"]: (True, True),
    }
