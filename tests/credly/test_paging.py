"""Credly's list metadata: page URLs keep the request's other parameters."""

from starlette.datastructures import URL

from plaudit.dialects.credly.paging import PageRequest, list_metadata, page_request


def test_the_middle_page_links_both_ways_and_keeps_the_filter() -> None:
    url = URL("http://plaudit.test/v1/organizations/o/badges?filter=state::accepted&page=2")
    metadata = list_metadata(url, page_request("2"), count=50, total_count=120)
    assert metadata["count"] == 50
    assert metadata["total_pages"] == 3
    assert metadata["per"] == 50
    assert metadata["previous_page_url"] == (
        "http://plaudit.test/v1/organizations/o/badges?filter=state%3A%3Aaccepted&page=1"
    )
    assert metadata["next_page_url"].endswith("page=3")


def test_an_empty_list_has_no_pages() -> None:
    metadata = list_metadata(URL("http://plaudit.test/v1/x"), PageRequest(page=1), 0, 0)
    assert metadata == {
        "count": 0,
        "current_page": 1,
        "total_count": 0,
        "total_pages": 0,
        "per": 50,
        "previous_page_url": None,
        "next_page_url": None,
    }
