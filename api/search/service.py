"""SearchService: every read of claims and articles, for REST and GraphQL alike.

Pagination (see ``api/search/cursor.py``):

* A search with a keyword query is ranked by relevance and paged by offset. Meilisearch serves
  at most ``pagination.maxTotalHits`` (1,000 by default) hits of one search, so relevance results
  stop there - like GitHub's search API. ``totalCount`` stays exact beyond it (see below).
* A listing without a keyword query (the default order is newest first, or an explicit sort) is
  paged by keyset: the cursor holds the sort values of the last hit, the next page is a new search
  filtered to what comes after them (``published_ts < v OR (published_ts = v AND id > "last")``),
  so page 500 costs what page 1 costs and no setting has to be raised. The unique tie-breaker is
  ``id`` when the index declares it sortable; otherwise hits with equal sort values keep
  Meilisearch's internal order and the cursor counts how many of them were already served.
* ``estimatedTotalHits`` is capped at ``maxTotalHits``; when a total reaches the cap and the
  caller wants it, the exact count comes from the ``kind`` facet (facet counts are not capped).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from api.errors import BadUserInput, meili_errors
from api.metrics import MEILI_LATENCY
from api.search import keyword
from api.search.cursor import Keyset, SortValue, decode_cursor, encode_keyset, encode_offset
from api.search.fields import ARTICLE_FIELDS, CLAIM_FIELDS
from api.search.similar import SimilarClaims
from indexer.meili.client import MeiliClient
from indexer.meili.errors import MeiliApiError, MeiliError
from indexer.meili.filters import all_of, any_of, compare, quote

log = logging.getLogger("qawl.search")

Doc = dict[str, Any]

TOTAL_FACET = (
    "kind"  # every claim has exactly one kind: the sum of its facet counts is the exact total
)
ARTICLE_TOTAL_FACET = "language"  # likewise for articles


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool

    def meili(self) -> str:
        return f"{self.field}:{'desc' if self.descending else 'asc'}"


@dataclass
class ClaimQuery:
    query: str | None = None
    filter: str | None = None
    sort: Sequence[SortKey] | None = None  # None: relevance with a query, newest first without
    first: int = 20
    after: str | None = None
    facets: list[str] = field(default_factory=list)
    highlight: bool = True
    crop_length: int | None = None
    attributes: list[str] | None = None  # None: every client field
    exact_total: bool = True


@dataclass
class Page:
    hits: list[Doc]
    total: int
    start: int  # 0-based position of the first hit in the whole result list
    has_next: bool
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # the cursor after each hit of a keyset page; a relevance page's are its offsets, encoded
    # only when asked for (REST needs the last one only)
    keyset_cursors: list[str] | None = None

    @property
    def has_previous(self) -> bool:
        return self.start > 0

    @cached_property
    def cursors(self) -> list[str]:
        if self.keyset_cursors is not None:
            return self.keyset_cursors
        return [encode_offset(self.start + i + 1) for i in range(len(self.hits))]

    @property
    def end_cursor(self) -> str | None:
        if not self.hits:
            return None
        if self.keyset_cursors is not None:
            return self.keyset_cursors[-1]
        return encode_offset(self.start + len(self.hits))


@dataclass
class IndexInfo:
    """What the API needs to know about an index's settings (read once with the admin key)."""

    max_total_hits: int = 1000
    sortable_id: bool = False
    known: bool = False
    read_at: float = 0.0


NEWEST_FIRST = (SortKey("published_ts", True),)
INFO_TTL = 30.0


class SearchService:
    def __init__(
        self,
        client: MeiliClient,
        claims_index: str,
        articles_index: str,
        max_limit: int = 100,
        settings_client: MeiliClient | None = None,
    ) -> None:
        self.client = client
        self.settings_client = settings_client
        self.claims_index = claims_index
        self.articles_index = articles_index
        self.max_limit = max_limit
        self._info: dict[str, IndexInfo] = {}
        self.similar = SimilarClaims(
            client, claims_index, max_first=max_limit
        )  # "has this been said before?"

    # -- index settings ------------------------------------------------------------------------
    async def index_info(self, uid: str, refresh: bool = False) -> IndexInfo:
        """Cached for ``INFO_TTL`` seconds (settings change when the indexer re-applies them)."""
        info = self._info.get(uid)
        if (
            info is not None
            and info.known
            and not refresh
            and time.monotonic() - info.read_at < INFO_TTL
        ):
            return info
        info = IndexInfo(read_at=time.monotonic())
        if self.settings_client is not None:
            try:
                settings = await self.settings_client.get_settings(uid)
                info = IndexInfo(
                    max_total_hits=int(
                        (settings.get("pagination") or {}).get("maxTotalHits", 1000)
                    ),
                    sortable_id="id" in (settings.get("sortableAttributes") or []),
                    known=True,
                    read_at=time.monotonic(),
                )
            except MeiliError as exc:  # index not created yet, or Meilisearch down: retry next time
                log.debug("index settings of %s unavailable: %s", uid, exc)
        self._info[uid] = info
        return info

    # -- Meilisearch calls, timed ----------------------------------------------------------------
    async def _search(
        self, index: str, body: dict[str, Any], query: str | None, op: str
    ) -> dict[str, Any]:
        start = time.perf_counter()
        try:
            async with meili_errors():
                return await keyword.execute(self.client, index, body, query)
        finally:
            MEILI_LATENCY.labels(op).observe(time.perf_counter() - start)

    async def _raw(self, index: str, body: dict[str, Any], op: str) -> dict[str, Any]:
        start = time.perf_counter()
        try:
            async with meili_errors():
                return await self.client.search(index, body)
        finally:
            MEILI_LATENCY.labels(op).observe(time.perf_counter() - start)

    def _check_first(self, first: int) -> None:
        if not 0 <= first <= self.max_limit:
            raise BadUserInput(f"first/limit must be between 0 and {self.max_limit}")

    # -- searches ----------------------------------------------------------------------------------
    async def search_claims(self, q: ClaimQuery) -> Page:
        self._check_first(q.first)
        body: dict[str, Any] = {"attributesToRetrieve": q.attributes or CLAIM_FIELDS}
        if q.highlight and q.query:
            body["attributesToHighlight"] = ["text"]
            body["highlightPreTag"] = "<mark>"
            body["highlightPostTag"] = "</mark>"
            if q.crop_length:
                body["attributesToCrop"] = ["text"]
                body["cropLength"] = q.crop_length
        return await self._paged(
            self.claims_index,
            body,
            q.query,
            q.filter,
            q.sort,
            q.first,
            q.after,
            q.facets,
            q.exact_total,
            "claims",
        )

    async def search_articles(
        self,
        query: str | None,
        first: int,
        after: str | None = None,
        filter_expr: str | None = None,
        sort: Sequence[SortKey] | None = None,
        exact_total: bool = True,
    ) -> Page:
        self._check_first(first)
        body: dict[str, Any] = {"attributesToRetrieve": ARTICLE_FIELDS}
        return await self._paged(
            self.articles_index,
            body,
            query,
            filter_expr,
            sort,
            first,
            after,
            [],
            exact_total,
            "articles",
            total_facet=ARTICLE_TOTAL_FACET,
        )

    async def _paged(
        self,
        index: str,
        body: dict[str, Any],
        query: str | None,
        filter_expr: str | None,
        sort: Sequence[SortKey] | None,
        first: int,
        after: str | None,
        facets: list[str],
        exact_total: bool,
        op: str,
        total_facet: str | None = TOTAL_FACET,
    ) -> Page:
        cursor = decode_cursor(after)
        info = await self.index_info(index)
        try:
            return await self._paged_with(
                info,
                index,
                body,
                query,
                filter_expr,
                sort,
                first,
                cursor,
                facets,
                exact_total,
                op,
                total_facet,
            )
        except BadUserInput as exc:
            if not (
                info.sortable_id
                and isinstance(exc.__cause__, MeiliApiError)
                and exc.__cause__.code == "invalid_search_sort"
            ):
                raise
        # the index lost its ``id`` tie-breaker since we last looked: read the settings again
        info = await self.index_info(index, refresh=True)
        return await self._paged_with(
            info,
            index,
            body,
            query,
            filter_expr,
            sort,
            first,
            cursor,
            facets,
            exact_total,
            op,
            total_facet,
        )

    async def _paged_with(
        self,
        info: IndexInfo,
        index: str,
        body: dict[str, Any],
        query: str | None,
        filter_expr: str | None,
        sort: Sequence[SortKey] | None,
        first: int,
        cursor: int | Keyset,
        facets: list[str],
        exact_total: bool,
        op: str,
        total_facet: str | None,
    ) -> Page:
        keyset_mode = not (query and query.strip())
        if keyset_mode:
            keys = list(sort or NEWEST_FIRST)
            if info.sortable_id and keys[-1].field != "id":
                keys.append(SortKey("id", False))
            body = {**body, "sort": [k.meili() for k in keys]}
            for k in keys:
                if k.field not in body["attributesToRetrieve"]:
                    body["attributesToRetrieve"] = [*body["attributesToRetrieve"], k.field]
            return await self._keyset_page(
                index,
                body,
                query,
                filter_expr,
                keys,
                info,
                first,
                cursor,
                facets,
                exact_total,
                op,
                total_facet,
            )
        if isinstance(cursor, Keyset):
            raise BadUserInput("this cursor belongs to a listing without a query")
        if sort:
            body = {**body, "sort": [k.meili() for k in sort]}
        return await self._offset_page(
            index,
            body,
            query,
            filter_expr,
            info,
            first,
            cursor,
            facets,
            exact_total,
            op,
            total_facet,
        )

    async def _exact_total(
        self,
        index: str,
        query: str | None,
        filter_expr: str | None,
        total_facet: str | None,
        op: str,
    ) -> int | None:
        if total_facet is None:
            return None
        body: dict[str, Any] = {"limit": 0, "facets": [total_facet]}
        if filter_expr:
            body["filter"] = filter_expr
        res = await self._search(index, body, query, f"{op}_total")
        return sum((res.get("facetDistribution") or {}).get(total_facet, {}).values())

    async def _offset_page(
        self,
        index: str,
        body: dict[str, Any],
        query: str | None,
        filter_expr: str | None,
        info: IndexInfo,
        first: int,
        offset: int,
        facets: list[str],
        exact_total: bool,
        op: str,
        total_facet: str | None,
    ) -> Page:
        body = {**body, "limit": first, "offset": offset}
        if filter_expr:
            body["filter"] = filter_expr
        want = list(facets)
        if want and total_facet and total_facet not in want:
            want.append(total_facet)
        if want:
            body["facets"] = want
        res = await self._search(index, body, query, op)
        hits: list[Doc] = res["hits"]
        dist = res.get("facetDistribution") or {}
        total = int(res.get("estimatedTotalHits", res.get("totalHits", 0)))
        if total >= info.max_total_hits and exact_total:
            if want and total_facet:
                total = sum(dist.get(total_facet, {}).values())
            else:
                total = await self._exact_total(index, query, filter_expr, total_facet, op) or total
        # a federated (surface + stem) search may serve past maxTotalHits: go on while full
        return Page(
            hits=hits,
            total=total,
            start=offset,
            has_next=0 < len(hits) == first and offset + len(hits) < total,
            facets={k: v for k, v in dist.items() if k in facets},
        )

    async def _keyset_page(
        self,
        index: str,
        body: dict[str, Any],
        query: str | None,
        filter_expr: str | None,
        keys: list[SortKey],
        info: IndexInfo,
        first: int,
        cursor: int | Keyset,
        facets: list[str],
        exact_total: bool,
        op: str,
        total_facet: str | None,
    ) -> Page:
        if isinstance(cursor, int):
            if cursor:
                raise BadUserInput("this cursor belongs to a search with a query")
            position, skip, rest = 0, 0, filter_expr
        else:
            if len(cursor.values) != len(keys):
                raise BadUserInput("this cursor belongs to another sort order")
            position = cursor.position
            skip = 0 if info.sortable_id else cursor.ties
            rest = all_of([filter_expr, _after_filter(keys, cursor.values, info.sortable_id)])
        limit = min(
            first, info.max_total_hits - skip
        )  # a shorter page is fine; the next one goes on
        if limit <= 0 and first > 0:
            raise BadUserInput(
                f"more than {info.max_total_hits} hits share one sort value; "
                "narrow the filter to page further"
            )
        limit = max(limit, 0)
        page_body: dict[str, Any] = {**body, "limit": limit, "offset": skip}
        if rest:
            page_body["filter"] = rest
        want = list(facets)
        if want and total_facet and total_facet not in want:
            want.append(total_facet)
        separate_base = position > 0 and (want or exact_total)
        if want and not separate_base:
            page_body["facets"] = want
        calls = [self._search(index, page_body, query, op)]
        if separate_base:  # facets and totals describe the whole listing, not what is left of it
            base: dict[str, Any] = {"limit": 0}
            if filter_expr:
                base["filter"] = filter_expr
            base_facets = want or ([total_facet] if total_facet else [])
            if base_facets:
                base["facets"] = base_facets
            calls.append(self._search(index, base, query, f"{op}_facets"))
        results = await asyncio.gather(*calls)
        res = results[0]
        hits: list[Doc] = res["hits"]
        remaining = int(res.get("estimatedTotalHits", 0)) - skip  # hits after the cursor
        capped = int(res.get("estimatedTotalHits", 0)) >= info.max_total_hits
        if separate_base:
            base_res = results[1]
            dist = base_res.get("facetDistribution") or {}
            base_total = int(base_res.get("estimatedTotalHits", 0))
            if base_total >= info.max_total_hits and total_facet and total_facet in dist:
                base_total = sum(dist[total_facet].values())
            total = base_total
        else:
            dist = res.get("facetDistribution") or {}
            total = position + remaining
            if capped and exact_total:
                if total_facet and total_facet in dist:
                    total = sum(dist[total_facet].values())
                else:
                    total = (
                        await self._exact_total(index, query, filter_expr, total_facet, op) or total
                    )
        has_next = len(hits) < remaining if not capped else len(hits) == limit and limit > 0
        # cursors: sort values of each hit + how many hits in a row (from the cursor on) share them
        prev_values = cursor.values if isinstance(cursor, Keyset) else None
        ties = cursor.ties if isinstance(cursor, Keyset) else 0
        cursors: list[str] = []
        for i, hit in enumerate(hits):
            values = tuple(_sort_value(hit, k.field) for k in keys)
            ties = ties + 1 if values == prev_values else 1
            prev_values = values
            cursors.append(encode_keyset(Keyset(position + i + 1, values, ties)))
        return Page(
            hits=hits,
            total=max(total, position + len(hits)),
            start=position,
            has_next=has_next,
            facets={k: v for k, v in dist.items() if k in facets},
            keyset_cursors=cursors,
        )

    # -- by id -------------------------------------------------------------------------------------
    async def claims_by_ids(
        self, ids: list[str], attributes: list[str] | None = None
    ) -> dict[str, Doc]:
        return await self._by_ids(self.claims_index, ids, attributes or CLAIM_FIELDS)

    async def articles_by_ids(self, ids: list[str]) -> dict[str, Doc]:
        return await self._by_ids(self.articles_index, ids, ARTICLE_FIELDS)

    async def _by_ids(self, index: str, ids: list[str], fields: list[str]) -> dict[str, Doc]:
        """One request for many ids (an ``id IN`` filter search works with a search-only key)."""
        unique = list(dict.fromkeys(ids))
        if not unique:
            return {}
        res = await self._raw(
            index,
            {
                "q": "",
                "filter": any_of("id", unique),
                "limit": len(unique),
                "attributesToRetrieve": fields,
            },
            "by_ids",
        )
        return {hit["id"]: hit for hit in res["hits"]}

    async def claims_of_articles(
        self, article_ids: list[str], limit: int = 1000
    ) -> dict[str, list[Doc]]:
        """Claims of many articles in one request, each article's list in reading order."""
        return await self._claims_grouped(
            "article_id", article_ids, "sentence_index:asc", limit, limit, "article_claims"
        )

    async def article_claims(self, article_id: str, limit: int = 1000) -> list[Doc]:
        """An article's claims in reading order."""
        return (await self.claims_of_articles([article_id], limit)).get(article_id, [])

    async def claims_of_clusters(
        self, cluster_ids: list[str], per_cluster: int = 20
    ) -> dict[str, list[Doc]]:
        """Claims sharing a cluster id, for many clusters in one request."""
        limit = min(1000, per_cluster * len(set(cluster_ids)))
        return await self._claims_grouped(
            "cluster_id", cluster_ids, "checkworthiness:desc", limit, per_cluster, "clusters"
        )

    async def _claims_grouped(
        self, field: str, values: list[str], sort: str, limit: int, per_value: int, op: str
    ) -> dict[str, list[Doc]]:
        """Claims whose ``field`` is one of ``values``, in one request, grouped by that value."""
        unique = list(dict.fromkeys(values))
        out: dict[str, list[Doc]] = {v: [] for v in unique}
        if not unique:
            return out
        res = await self._raw(
            self.claims_index,
            {
                "q": "",
                "filter": any_of(field, unique),
                "sort": [sort],
                "limit": limit,
                "attributesToRetrieve": CLAIM_FIELDS,
            },
            op,
        )
        for hit in res["hits"]:
            bucket = out.setdefault(hit.get(field) or "", [])
            if len(bucket) < per_value:
                bucket.append(hit)
        return out

    async def ready(self) -> tuple[bool, str]:
        try:
            if not await self.client.health():
                return False, "meilisearch unreachable"
            for uid in (self.claims_index, self.articles_index):
                await self.client.search(uid, {"q": "", "limit": 0})
        except MeiliApiError as exc:
            return False, f"{exc.code}: {exc.message}"
        except MeiliError as exc:
            return False, str(exc)
        return True, "ok"


def _sort_value(hit: Doc, name: str) -> SortValue:
    value = hit.get(name)
    return value if value is None or isinstance(value, str | int | float) else str(value)


def _missing(name: str) -> str:
    return f"({name} IS NULL OR {name} NOT EXISTS)"


def _after_filter(keys: list[SortKey], values: tuple[SortValue, ...], unique_last: bool) -> str:
    """The hits that come after ``values`` in the order of ``keys``.

    Hits without a sort value come last in Meilisearch's order, both ascending and descending.
    With ``unique_last`` (an ``id`` tie-breaker) the bound is strict; otherwise hits equal to
    ``values`` are included and the caller skips the ones already served.
    """

    def cmp(name: str, op: str, value: SortValue) -> str:
        if isinstance(value, str):
            return f"{name} {op} {quote(value)}"
        assert value is not None
        return compare(name, op, value)

    def after(i: int) -> str | None:
        if i == len(keys):
            return None  # all equal
        key, value = keys[i], values[i]
        rest = after(i + 1)
        if value is None:
            same = _missing(key.field)
            return all_of([same, rest]) if rest else same
        beyond = cmp(key.field, "<" if key.descending else ">", value)
        equal = cmp(key.field, "=", value)
        if rest is None:
            options = [beyond] if unique_last else [beyond, equal]
        else:
            options = [beyond, f"{equal} AND ({rest})"]
        options.append(_missing(key.field))
        return " OR ".join(f"({o})" for o in options)

    return after(0) or ""
