"""Import verified claims: JSONL, schema.org ClaimReview JSON-LD, and the CheckThat! TSV collection.

- JSONL ``{id, text, title?, claimant?, date?, rating?, url?, language?}`` — a file named
  ``*.claims.jsonl[.gz]``, or any ``.jsonl`` whose objects carry ``"kind": "verified"``.
- ``.jsonld``: one ClaimReview object, a list of them, or ``{"@graph": [...]}``.
- ``.tsv`` with a header (``vclaim_id, vclaim, title``: CheckThat! 2021 2A ``vclaims``), used by
  ``qawl eval retrieval``.

Every problem is yielded as a ``ReadError`` (file + line) and reading goes on.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from indexer.models import Claim, stable_id
from indexer.readers import ReadError, iter_json_objects

_ID = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
CLAIM_SUFFIXES = (".claims.jsonl", ".claims.jsonl.gz", ".jsonld")


def is_claims_path(path: Path) -> bool:
    """Claims by name (``*.claims.jsonl``, ``.jsonld``) or a ``.jsonl`` of verified claims."""
    if path.name.endswith(CLAIM_SUFFIXES):
        return True
    if path.name.endswith((".jsonl", ".jsonl.gz")):
        return _first_object_is_verified(path)
    return False


def _first_object_is_verified(path: Path) -> bool:
    try:
        for _, obj in iter_json_objects(path):
            return isinstance(obj, dict) and obj.get("kind") == "verified"
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile):
        return False
    return False


def _str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):  # schema.org Person/Organization/Rating objects
        value = value.get("name") or value.get("alternateName")
    if isinstance(value, list):
        value = next((v for v in (_str(x) for x in value) if v), None)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: Any) -> datetime | None:
    text = _str(value)
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"date: not an ISO-8601 date: {text!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _claim_id(given: Any, *fallback: str | None) -> str:
    if given not in (None, ""):
        text = str(given)
        if not _ID.match(text):
            raise ValueError(f"id: {text!r} must be 1-200 characters of A-Z a-z 0-9 _ -")
        return text
    return stable_id(*(f for f in fallback if f))


def _validate(data: dict[str, Any]) -> Claim:
    try:
        return Claim.model_validate(data)
    except ValidationError as exc:
        raise ValueError(
            "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        ) from exc


def claim_from_obj(obj: Any) -> Claim:
    """A verified ``Claim`` from one JSONL object; raises ``ValueError``."""
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    text = _str(obj.get("text"))
    if not text:
        raise ValueError("claim has no text")
    kind = obj.get("kind", "verified")
    if kind != "verified":
        raise ValueError(f'kind must be "verified" in a claims file, got {kind!r}')
    url = _str(obj.get("url"))
    return _validate(
        {
            "id": _claim_id(obj.get("id"), url, text),
            "kind": "verified",
            "text": text,
            "title": _str(obj.get("title")),
            "claimant": _str(obj.get("claimant")),
            "published_at": _date(obj.get("date") or obj.get("published_at")),
            "rating": _str(obj.get("rating")),
            "url": url,
            "source": _str(obj.get("source")),
            "language": _str(obj.get("language")) or "ar",
        }
    )


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    return set(kind) if isinstance(kind, list) else {str(kind)}


def claim_from_claimreview(obj: Any) -> Claim:
    """A verified ``Claim`` from one schema.org ClaimReview object; raises ``ValueError``."""
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    if "ClaimReview" not in _types(obj):
        raise ValueError(f"expected @type ClaimReview, got {obj.get('@type')!r}")
    text = _str(obj.get("claimReviewed"))
    if not text:
        raise ValueError("ClaimReview has no claimReviewed text")
    item_obj, rating_obj = obj.get("itemReviewed"), obj.get("reviewRating")
    item: dict[str, Any] = item_obj if isinstance(item_obj, dict) else {}
    rating: dict[str, Any] = rating_obj if isinstance(rating_obj, dict) else {}
    url = _str(obj.get("url"))
    given = obj.get("identifier") or obj.get("@id")
    if isinstance(given, str) and not _ID.match(given):
        given = stable_id(given)  # @id is usually a URL: keep it stable, but a valid document id
    return _validate(
        {
            "id": _claim_id(given, url, text),
            "kind": "verified",
            "text": text,
            "title": _str(obj.get("name") or obj.get("headline")),
            "claimant": _str(item.get("author")),
            "published_at": _date(item.get("datePublished") or obj.get("datePublished")),
            "rating": _str(rating.get("alternateName")) or _str(rating.get("ratingValue")),
            "url": url,
            "source": _str(obj.get("author")),
            "language": _str(obj.get("inLanguage")) or "ar",
        }
    )


def _claimreviews(data: Any) -> Iterator[tuple[int, Any]]:
    items = data.get("@graph", [data]) if isinstance(data, dict) else data
    if not isinstance(items, list):
        items = [items]
    yield from enumerate(items, 1)


def read_claims(path: Path) -> Iterator[Claim | ReadError]:
    """Verified claims of one file; each bad line/item is a ``ReadError`` and reading goes on."""
    if not path.is_file():
        yield ReadError(str(path), None, "no such file")
        return
    try:
        if path.name.endswith(".jsonld"):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                yield ReadError(str(path), exc.lineno, f"invalid JSON: {exc.msg}")
                return
            for item_no, item in _claimreviews(data):  # "line" = item number in the document
                try:
                    yield claim_from_claimreview(item)
                except ValueError as exc:
                    yield ReadError(str(path), item_no, str(exc))
        elif path.name.endswith(".tsv"):
            yield from _read_tsv(path)
        else:
            for lineno, obj in iter_json_objects(path):
                if isinstance(obj, ValueError):
                    yield ReadError(str(path), lineno, str(obj))
                    continue
                try:
                    yield claim_from_obj(obj)
                except ValueError as exc:
                    yield ReadError(str(path), lineno, str(exc))
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
        yield ReadError(str(path), None, f"unreadable: {exc}")


def read_claims_files(paths: list[Path], errors: list[str]) -> list[Claim]:
    """Claims of several files; each problem appended to ``errors`` as ``file:line: message``."""
    out: list[Claim] = []
    for path in paths:
        for item in read_claims(path):
            if isinstance(item, ReadError):
                errors.append(str(item))
            else:
                out.append(item)
    return out


def _read_tsv(path: Path) -> Iterator[Claim | ReadError]:
    """CheckThat! vclaims TSV: ``vclaim_id, vclaim, title`` (``id, text, title`` also accepted)."""
    csv.field_size_limit(10_000_000)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        for row in reader:
            try:
                yield claim_from_obj(
                    {
                        "id": row.get("vclaim_id") or row.get("id"),
                        # a few CheckThat! rows keep the claim only in the third column
                        "text": row.get("vclaim")
                        or row.get("text")
                        or row.get("text_unknown_field")
                        or row.get("title"),
                        "title": row.get("title"),
                    }
                )
            except ValueError as exc:
                yield ReadError(str(path), reader.line_num, str(exc))
