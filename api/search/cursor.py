"""Opaque pagination cursors."""

from __future__ import annotations

import base64
import binascii

from api.errors import BadUserInput


def encode_offset(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind != "o":
            raise ValueError(kind)
        offset = int(value)
        if offset < 0:
            raise ValueError(value)
        return offset
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadUserInput("invalid cursor") from exc
