"""Corpus statistics of the claims index (document frequencies), kept by the indexer for BM25.

Similar-claim matching re-ranks Meilisearch candidates with BM25, which needs corpus-wide
statistics Meilisearch does not expose: how many claims contain each term (``df``), how many
claims there are (``N``) and their total length. The indexer keeps them up to date in a small
Meilisearch index beside the claims index (``<claims>_stats``): one document per term
``{id: hash(term), term, df}`` plus one ``{id: "__totals", n, length}``. The API reads only the
rows of the query's terms (one search with an ``id IN [...]`` filter, fine for a search-only key).

A claim's terms are the light-stemmed, normalized words of its text and title (``claim_terms``);
the API scores with exactly the same function.

Updates are read-modify-write: run one indexer at a time per index (as ``qawl index`` does), or
call ``rebuild_stats`` after concurrent writes.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from indexer.index_settings import FilterableAttributes, FilterableFeatures, FilterFeatures
from indexer.meili.client import MeiliClient
from indexer.meili.filters import any_of
from indexer.text.stem import stem_text

TOTALS_ID = "__totals"
STATS_SETTINGS: dict[str, Any] = {
    "searchableAttributes": [],
    # looked up by id only: no range structures, no facet-search databases to build
    "filterableAttributes": [
        FilterableAttributes(
            attribute_patterns=["id"],
            features=FilterableFeatures(facet_search=False, filter=FilterFeatures(comparison=False)),
        ).to_meili()
    ],
    "displayedAttributes": ["id", "term", "df", "n", "length"],
    "pagination": {"maxTotalHits": 100_000},
}
_WRITE_BATCH = 20_000


def stats_index_name(claims_index: str) -> str:
    return f"{claims_index}_stats"


def term_id(term: str) -> str:
    return hashlib.sha1(term.encode("utf-8"), usedforsecurity=False).hexdigest()[:20]


def claim_terms(doc: Mapping[str, Any]) -> list[str]:
    """The terms BM25 counts for one claim document (or ``Claim`` dump): stems of text + title.

    A document built by the indexer carries its ``text_stem`` (``stem_text(text)``): it is reused
    instead of stemming the text again; the title, shared by an article's claims, is stemmed once.
    """
    stored = doc.get("text_stem")
    terms = stored.split() if isinstance(stored, str) else stem_text(str(doc.get("text") or "")).split()
    title = doc.get("title")
    if title:
        terms.extend(title_terms(str(title)))
    return terms


@lru_cache(maxsize=8192)  # the API's similar-claim scoring keeps its own per-claim cache on top
def title_terms(title: str) -> tuple[str, ...]:
    """The BM25 terms an article title adds to each of its claims."""
    return tuple(stem_text(title).split())


class StatsDelta:
    """Changes to the statistics collected while indexing, applied once at the end."""

    def __init__(self) -> None:
        self.df: Counter[str] = Counter()
        self.n = 0
        self.length = 0

    def add(self, terms: list[str]) -> None:
        self.df.update(set(terms))
        self.n += 1
        self.length += len(terms)

    def remove(self, terms: list[str]) -> None:
        self.df.subtract(set(terms))
        self.n -= 1
        self.length -= len(terms)

    def merge(self, other: StatsDelta) -> None:
        self.df.update(other.df)  # Counter.update adds (negative counts included)
        self.n += other.n
        self.length += other.length

    def take(self) -> StatsDelta:
        """Move the collected changes out, leaving this delta empty."""
        out = StatsDelta()
        out.merge(self)
        self.df, self.n, self.length = Counter(), 0, 0
        return out

    def __bool__(self) -> bool:
        return bool(self.n or self.length or any(self.df.values()))


_READY: set[tuple[str, str]] = set()  # (meilisearch url, stats index) with settings applied


async def ensure_stats_index(client: MeiliClient, uid: str) -> None:
    """Create the stats index and apply its settings once per process (not a task per event)."""
    key = (client.url, uid)
    if key in _READY and await client.get_index(uid) is not None:
        return
    if await client.get_index(uid) is None:
        await client.create_index(uid)
    await client.update_settings(uid, STATS_SETTINGS)
    _READY.add(key)


async def _current(client: MeiliClient, uid: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        res = await client.fetch_documents(
            uid, ids=chunk, limit=len(chunk), fields=["id", "term", "df", "n", "length"]
        )
        out.update({d["id"]: d for d in res.get("results", [])})
    return out


async def apply_delta(client: MeiliClient, claims_index: str, delta: StatsDelta) -> None:
    """Add ``delta`` to the stored statistics and wait until they are written."""
    for task in await enqueue_delta(client, claims_index, delta):
        await client.wait_for_task(task, timeout=900)


async def enqueue_delta(client: MeiliClient, claims_index: str, delta: StatsDelta) -> list[int]:
    """Send the writes that add ``delta`` to the stored statistics; their task uids (a bulk
    ingestion waits for them together with its last batches)."""
    if not delta:
        return []
    uid = stats_index_name(claims_index)
    await ensure_stats_index(client, uid)
    changed = {t: d for t, d in delta.df.items() if d}
    ids = {term_id(t): t for t in changed}
    current = await _current(client, uid, [*ids, TOTALS_ID])
    totals = current.get(TOTALS_ID, {"n": 0, "length": 0})
    docs: list[dict[str, Any]] = [
        {
            "id": TOTALS_ID,
            "n": max(0, int(totals.get("n", 0)) + delta.n),
            "length": max(0, int(totals.get("length", 0)) + delta.length),
        }
    ]
    gone: list[str] = []
    for tid, term in ids.items():
        df = int(current.get(tid, {}).get("df", 0)) + changed[term]
        if df > 0:
            docs.append({"id": tid, "term": term, "df": df})
        elif tid in current:
            gone.append(tid)
    tasks = [
        await client.add_documents(uid, docs[i : i + _WRITE_BATCH])
        for i in range(0, len(docs), _WRITE_BATCH)
    ]
    if gone:
        tasks.append(await client.delete_documents(uid, gone))
    return tasks


async def fetch_claim_terms(
    client: MeiliClient,
    claims_index: str,
    *,
    ids: Iterable[str] | None = None,
    filter_expr: str | None = None,
) -> dict[str, list[str]]:
    """Terms of the claims currently stored (by ids or by filter): what a replacement removes."""
    if await client.get_index(claims_index) is None:
        return {}
    fields = ["id", "text", "text_stem", "title"]
    out: dict[str, list[str]] = {}
    if ids is not None:
        id_list = list(dict.fromkeys(ids))
        for start in range(0, len(id_list), 1000):
            chunk = id_list[start : start + 1000]
            res = await client.fetch_documents(
                claims_index, filter_expr=any_of("id", chunk), limit=len(chunk), fields=fields
            )
            out.update({d["id"]: claim_terms(d) for d in res.get("results", [])})
        return out
    offset = 0
    while True:
        res = await client.fetch_documents(
            claims_index, filter_expr=filter_expr, limit=1000, offset=offset, fields=fields
        )
        batch = res.get("results", [])
        out.update({d["id"]: claim_terms(d) for d in batch})
        offset += len(batch)
        if not batch or offset >= int(res.get("total", 0)):
            return out


async def rebuild_stats(client: MeiliClient, claims_index: str) -> StatsDelta:
    """Recompute the statistics from every stored claim (after deletions done elsewhere)."""
    uid = stats_index_name(claims_index)
    await client.delete_index(uid)
    delta = StatsDelta()
    for terms in (await fetch_claim_terms(client, claims_index)).values():
        delta.add(terms)
    if delta:
        await apply_delta(client, claims_index, delta)
    else:
        await ensure_stats_index(client, uid)
    return delta
