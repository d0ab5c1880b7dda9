"""Documents held in a temporary file until a bulk ingestion's extraction is done.

A bulk ingestion (``index_articles`` with extraction workers) used to push each batch as soon as it
was extracted, so Meilisearch indexed while the workers extracted: on 2 cores the two competed for
the CPU and Meilisearch indexed many mid-sized batches. Holding the documents until extraction is
done and pushing them as a few large tasks (Meilisearch batches the tasks of an index that wait in
its queue) measured, on the whole SaudiNewsNet corpus (`qawl bench ingest`, same period): less CPU
for both extraction and Meilisearch, an index of ~2.1 GB on disk instead of ~3.2 GB and a peak
Meilisearch RSS of ~2.5 GB instead of ~4.1 GB (see bench/RESULTS.md).

The documents are written as JSON lines (orjson) to an anonymous temporary file, so memory stays
flat whatever the archive's size; ``payloads`` reads them back as JSON arrays of at most
``max_bytes`` (under Meilisearch's 100 MB default payload limit).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

import orjson

PUSH_BYTES = 48 * 1024 * 1024


class DocumentSpool:
    """An append-only file of JSON documents, read back as JSON-array payloads."""

    def __init__(self) -> None:
        # closed by close() / the with block: the spool outlives this call
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="qawl-spool-")  # noqa: SIM115

    def add(self, docs: Iterable[dict[str, Any]]) -> None:
        for doc in docs:
            self._file.write(orjson.dumps(doc))
            self._file.write(b"\n")

    def payloads(self, max_bytes: int = PUSH_BYTES) -> Iterator[bytes]:
        """The spooled documents in order, as JSON arrays of at most ``max_bytes`` (a single
        document larger than that is a payload of its own)."""
        self._file.flush()
        self._file.seek(0)
        parts: list[bytes] = []
        size = 2
        for line in self._file:
            doc = line.rstrip(b"\n")
            if parts and size + len(doc) + 1 > max_bytes:
                yield b"[" + b",".join(parts) + b"]"
                parts, size = [], 2
            parts.append(doc)
            size += len(doc) + 1
        if parts:
            yield b"[" + b",".join(parts) + b"]"

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> DocumentSpool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
