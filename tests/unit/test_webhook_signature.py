"""The webhook signature recipe (notifications/webhook_signature.py) that receivers follow."""

from plaudit.notifications.webhook_signature import signature, verify


def test_the_signature_recipe_refuses_a_changed_body_an_old_timestamp_and_a_wrong_key() -> None:
    key, body, now = b"whsec_test", b'{"id":"1"}', 1_700_000_000
    header = signature(key, now, body)
    assert header.startswith("v1=") and len(header) == 3 + 64
    assert verify(key, header, str(now), body, now=now + 10)
    assert verify(key, f"v1=00, {header}", str(now), body, now=now)
    assert not verify(key, header, str(now), body + b" ", now=now)
    assert not verify(b"whsec_other", header, str(now), body, now=now)
    assert not verify(key, header, str(now), body, now=now + 301)
    assert not verify(key, header, "yesterday", body, now=now)
