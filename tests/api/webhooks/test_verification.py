"""Standard Webhooks verification with several secrets (checked against the reference signer)."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook

from api.webhooks.verification import SignatureError, secret_keys, verify

WHSEC = "whsec_" + base64.b64encode(b"k" * 32).decode()
PLAIN = "a-plain-shared-secret-for-tests"


def headers(
    secret: str, body: bytes, when: datetime | None = None, msg_id: str = "msg_1"
) -> dict[str, str]:
    when = when or datetime.now(UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, when, body.decode()),
    }


def test_any_configured_secret_verifies() -> None:
    keys = secret_keys([WHSEC, "whsec_" + base64.b64encode(b"new" * 11).decode()])
    body = b'{"type": "article.deleted"}'
    assert verify(headers(WHSEC, body), body, keys)[0] == "msg_1"


def test_plain_secret_is_used_as_its_bytes() -> None:
    import hashlib
    import hmac

    body = b"{}"
    now = int(time.time())
    sig = base64.b64encode(
        hmac.new(PLAIN.encode(), f"m.{now}.".encode() + body, hashlib.sha256).digest()
    ).decode()
    hdrs = {
        "webhook-id": "m",
        "webhook-timestamp": str(now),
        "webhook-signature": f"v2,xx v1,{sig}",
    }
    assert verify(hdrs, body, secret_keys([PLAIN])) == ("m", now)


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda h, b: ({**h, "webhook-signature": "v1,AAAA"}, b), "no valid signature"),
        (lambda h, b: (h, b + b" "), "no valid signature"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "webhook-id"}, b), "webhook-id"),
        (lambda h, b: ({**h, "webhook-timestamp": "soon"}, b), "integer"),
        (lambda h, b: ({**h, "webhook-timestamp": str(int(time.time()) - 301)}, b), "window"),
        (lambda h, b: ({**h, "webhook-timestamp": str(int(time.time()) + 301)}, b), "window"),
    ],
)
def test_refusals_say_why(change, words) -> None:  # type: ignore[no-untyped-def]
    body = b'{"x": 1}'
    hdrs, data = change(headers(WHSEC, body), body)
    with pytest.raises(SignatureError, match=words):
        verify(hdrs, data, secret_keys([WHSEC]))


def test_no_secret_configured_refuses() -> None:
    body = b"{}"
    with pytest.raises(SignatureError, match="no webhook secret"):
        verify(headers(WHSEC, body), body, [])
