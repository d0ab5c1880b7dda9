"""Building Meilisearch filter expressions from typed values, never by pasting user text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_ATTRIBUTE = re.compile(r"^[a-z_]+$")


def quote(value: str) -> str:
    """A Meilisearch string literal: double-quoted with backslash and quote escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _attr(name: str) -> str:
    if not _ATTRIBUTE.match(name):
        raise ValueError(f"not a filterable attribute name: {name!r}")
    return name


def any_of(attribute: str, values: Sequence[str]) -> str | None:
    """``attribute IN ["a", "b"]`` (OR within a list), or None for an empty list."""
    if not values:
        return None
    return f"{_attr(attribute)} IN [{', '.join(quote(v) for v in values)}]"


def equals(attribute: str, value: str | bool) -> str:
    if isinstance(value, bool):
        return f"{_attr(attribute)} = {'true' if value else 'false'}"
    return f"{_attr(attribute)} = {quote(value)}"


def compare(attribute: str, op: str, value: float) -> str:
    if op not in {">", ">=", "<", "<=", "="}:
        raise ValueError(f"bad operator {op!r}")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("number must be finite")
    return f"{_attr(attribute)} {op} {value!r}"


def all_of(parts: Iterable[str | None]) -> str | None:
    """AND of the non-empty parts, each parenthesised."""
    kept = [p for p in parts if p]
    if not kept:
        return None
    return " AND ".join(f"({p})" for p in kept)
