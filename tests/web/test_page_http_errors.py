"""A page route's deliberate HTTP answers (an oversized body's 413) are not logged as failures."""

import logging

import httpx
import pytest


def test_an_oversized_upload_answers_413_without_an_error_log(
    http: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="plaudit.web"):
        response = http.post(
            "/verify",
            files={"file": ("big.png", b"\x89PNG" + b"\0" * (6 * 1024 * 1024), "image/png")},
        )
    assert response.status_code == 413
    assert not [r for r in caplog.records if "unhandled" in r.getMessage()]
