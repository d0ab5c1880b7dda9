"""Read articles (and imported verified claims) from files.

Formats: ``.txt`` (one article; first line is the title when a blank line follows it; id = file
stem), ``.json`` (an object or a list), ``.jsonl`` and ``.jsonl.gz`` (one object a line). Objects
are qawl articles ``{id, title, body, url, source, published_at, updated_at?, language}`` or the
SaudiNewsNet shape ``{id?, source, url, date_extracted, title, author, content}``. Verified claims
(``*.claims.jsonl`` or objects with ``"kind": "verified"``) and ClaimReview JSON-LD (``.jsonld``)
are read by ``indexer.claims_import``.

A bad line or file is reported as a ``ReadError`` naming the file and line; reading goes on.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from indexer.models import Article, stable_id

ARTICLE_SUFFIXES = (".txt", ".json", ".jsonl", ".jsonl.gz", ".jsonld")


@dataclass(frozen=True)
class ReadError:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


def _first(obj: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = obj.get(key)
        if value not in (None, ""):
            return value
    return None


def article_from_obj(obj: Any) -> Article:
    """Build an ``Article`` from a qawl or SaudiNewsNet object; raises ``ValueError``."""
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    body = _first(obj, "body", "content", "text")
    if not isinstance(body, str) or not body.strip():
        raise ValueError("article has no body/content text")
    url = _first(obj, "url", "link")
    art_id = _first(obj, "id")
    if art_id is None:
        art_id = stable_id(url) if url else stable_id(body)
    published = _first(obj, "published_at", "date", "date_extracted", "published")
    if isinstance(published, str) and len(published) == 19 and published[10] == " ":
        published = published.replace(" ", "T")  # SaudiNewsNet "YYYY-MM-DD hh:mm:ss"
    data = {
        "id": str(art_id),
        "title": _first(obj, "title") or "",
        "body": body,
        "url": url,
        "source": _first(obj, "source"),
        "author": _first(obj, "author"),
        "published_at": published,
        "updated_at": _first(obj, "updated_at", "modified"),
        "language": _first(obj, "language") or "ar",
    }
    try:
        return Article.model_validate(data)
    except ValidationError as exc:
        raise ValueError("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())) from exc


def article_from_txt(path: Path, text: str) -> Article:
    lines = text.replace("\r\n", "\n").split("\n")
    title = ""
    if len(lines) >= 3 and lines[0].strip() and not lines[1].strip():
        title, body = lines[0].strip(), "\n".join(lines[2:])
    else:
        body = text
    if not body.strip():
        raise ValueError("empty article")
    return Article(id=stable_id(path.stem) if not _id_ok(path.stem) else path.stem, title=title, body=body)


def _id_ok(value: str) -> bool:
    return bool(value) and len(value) <= 200 and all(c.isascii() and (c.isalnum() or c in "_-") for c in value)


def is_claims_file(path: Path) -> bool:
    return path.name.endswith((".claims.jsonl", ".claims.jsonl.gz", ".jsonld"))


def iter_json_objects(path: Path) -> Iterator[tuple[int | None, Any]]:
    """(line number, object) for .json/.jsonl/.jsonl.gz; raises ValueError per bad line via a tuple."""
    name = path.name
    if name.endswith((".jsonl", ".jsonl.gz")):
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield lineno, json.loads(line)
                except json.JSONDecodeError as exc:
                    yield lineno, ValueError(f"invalid JSON: {exc.msg} (column {exc.colno})")
    else:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            yield exc.lineno, ValueError(f"invalid JSON: {exc.msg}")
            return
        if isinstance(data, list):
            for i, obj in enumerate(data):
                yield i + 1, obj  # "line" = item number for JSON arrays
        else:
            yield None, data


def read_articles(path: Path) -> Iterator[Article | ReadError]:
    """Articles of one file; each problem is yielded as a ``ReadError`` and reading goes on."""
    if not path.is_file():
        yield ReadError(str(path), None, "no such file")
        return
    if not path.name.endswith(ARTICLE_SUFFIXES):
        yield ReadError(str(path), None, f"unsupported file type (expected one of {', '.join(ARTICLE_SUFFIXES)})")
        return
    try:
        if path.suffix == ".txt":
            try:
                yield article_from_txt(path, path.read_text(encoding="utf-8"))
            except (ValueError, ValidationError) as exc:
                yield ReadError(str(path), None, str(exc))
            return
        for lineno, obj in iter_json_objects(path):
            if isinstance(obj, ValueError):
                yield ReadError(str(path), lineno, str(obj))
                continue
            try:
                yield article_from_obj(obj)
            except ValueError as exc:
                yield ReadError(str(path), lineno, str(exc))
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
        yield ReadError(str(path), None, f"unreadable: {exc}")


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; directories expanded to the supported files in them, sorted."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(ARTICLE_SUFFIXES)))
        else:
            out.append(path)
    return out
