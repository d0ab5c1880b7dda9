"""Opaque pagination cursors: offsets for relevance pages, keysets for sorted listings.

Both kinds are base64url text; clients must treat them as opaque.

* ``o:N`` - the N-th hit (1-based) of a relevance-ranked search. Meilisearch serves at most
  ``pagination.maxTotalHits`` hits of one search, so relevance pagination ends there.
* ``k:{json}`` - a keyset position in a sorted listing: the sort values of the last hit seen
  (``v``), how many hits at the end of the page share exactly those values (``t``, only used
  when the listing has no unique tie-breaker) and the 1-based position of that hit (``p``). The
  next page is a fresh search filtered to "after these values", so it never needs an offset past
  ``maxTotalHits`` and deep pages cost the same as the first one.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

import orjson

from api.errors import BadUserInput

SortValue = str | int | float | None


@dataclass(frozen=True)
class Keyset:
    position: int
    values: tuple[SortValue, ...]
    ties: int = 0


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(cursor: str) -> str:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()


def encode_offset(offset: int) -> str:
    return _b64(f"o:{offset}".encode())


def encode_keyset(keyset: Keyset) -> str:
    return _b64(
        b"k:" + orjson.dumps({"p": keyset.position, "v": list(keyset.values), "t": keyset.ties})
    )


def decode_cursor(cursor: str | None) -> int | Keyset:
    """An offset (``int``, 0 for no cursor) or a ``Keyset``; anything else is BAD_USER_INPUT."""
    if not cursor:
        return 0
    try:
        raw = _unb64(cursor)
        kind, _, value = raw.partition(":")
        if kind == "o":
            offset = int(value)
            if offset < 0:
                raise ValueError(value)
            return offset
        if kind == "k":
            data: Any = orjson.loads(value)
            position, values, ties = int(data["p"]), data["v"], int(data["t"])
            if position < 1 or ties < 0 or not isinstance(values, list):
                raise ValueError(value)
            if not all(v is None or isinstance(v, str | int | float) for v in values):
                raise ValueError(value)
            return Keyset(position, tuple(values), ties)
        raise ValueError(kind)
    except (
        ValueError,
        KeyError,
        TypeError,
        binascii.Error,
        UnicodeDecodeError,
        orjson.JSONDecodeError,
    ) as exc:
        raise BadUserInput("invalid cursor") from exc


def decode_offset(cursor: str | None) -> int:
    """An offset cursor only (for callers that do not page by keyset)."""
    decoded = decode_cursor(cursor)
    if isinstance(decoded, Keyset):
        raise BadUserInput("invalid cursor")
    return decoded
