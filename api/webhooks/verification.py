"""Standard Webhooks signatures with several secrets at once (rotation).

``webhook-signature`` is ``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``, possibly several
space-separated; a request is genuine when any of them matches any configured secret. The
``standardwebhooks`` package checks one secret and a fixed tolerance per ``Webhook``, so the
check is done here with its ``hmac_data`` on each candidate key.

A secret with the ``whsec_`` prefix is base64 (the Standard Webhooks form). A secret without it is
used as its UTF-8 bytes, and also base64-decoded when it is valid base64 (what a sender using the
``standardwebhooks`` library with that same string signs with).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import time
from collections.abc import Iterable, Mapping

from standardwebhooks.webhooks import hmac_data

TOLERANCE_S = 5 * 60


class SignatureError(Exception):
    """The request is not a genuine, fresh webhook; the message says why (safe to return)."""


def secret_keys(secrets: Iterable[str]) -> list[bytes]:
    keys: list[bytes] = []
    for secret in secrets:
        secret = secret.strip()
        if not secret:
            continue
        if secret.startswith("whsec_"):
            try:
                keys.append(base64.b64decode(secret.removeprefix("whsec_") + "==", validate=False))
            except (binascii.Error, ValueError) as exc:
                raise ValueError("a whsec_ webhook secret is not valid base64") from exc
            continue
        keys.append(secret.encode())
        try:
            decoded = base64.b64decode(secret + "=" * (-len(secret) % 4), validate=True)
        except (binascii.Error, ValueError):
            continue
        if decoded and decoded not in keys:
            keys.append(decoded)
    return [k for k in keys if k]


def verify(
    headers: Mapping[str, str],
    body: bytes,
    keys: list[bytes],
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_S,
) -> tuple[str, int]:
    """Check the signature headers: ``(webhook_id, timestamp)``, or ``SignatureError``."""
    msg_id = headers.get("webhook-id", "").strip()
    ts_raw = headers.get("webhook-timestamp", "").strip()
    sig_header = headers.get("webhook-signature", "").strip()
    missing = [
        n
        for n, v in (
            ("webhook-id", msg_id),
            ("webhook-timestamp", ts_raw),
            ("webhook-signature", sig_header),
        )
        if not v
    ]
    if missing:
        raise SignatureError(f"missing Standard Webhooks header(s): {', '.join(missing)}")
    if len(msg_id) > 256:
        raise SignatureError("webhook-id is too long")
    if not ts_raw.isdigit():
        raise SignatureError("webhook-timestamp must be integer seconds since the epoch")
    timestamp = int(ts_raw)
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError(
            f"webhook-timestamp is outside the accepted window of +/- {tolerance // 60} minutes"
        )
    if not keys:
        raise SignatureError("no webhook secret is configured (QAWL_WEBHOOK_SECRETS)")
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = [hmac_data(key, signed) for key in keys]
    for versioned in sig_header.split():
        version, _, sig_b64 = versioned.partition(",")
        if version != "v1" or not sig_b64:
            continue
        try:
            given = base64.b64decode(sig_b64, validate=True)
        except (binascii.Error, ValueError):
            continue
        if any(hmac.compare_digest(given, exp) for exp in expected):
            return msg_id, timestamp
    raise SignatureError(
        "no valid signature: webhook-signature does not match any configured secret"
    )
