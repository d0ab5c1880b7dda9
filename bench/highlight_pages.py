"""The highlighter on real result pages: the page path against the token-by-token path.

    python bench/highlight_pages.py [--articles 3000] [--queries 1000] [--rounds 3]

Indexes the first N SaudiNewsNet articles into a managed Meilisearch (as ``qawl bench search``
does), runs the bench's sampled queries through ``api.search.keyword.execute`` and keeps, per
query, the claim texts of the result page and the query's terms. Then marks every page with
``Highlighter.mark_all`` (the page path: only the tokens that can match are analysed) and with
``Highlighter._mark_tokens`` (every distinct token analysed, the path pages that cannot be folded
in one go take), each pass starting from empty
process caches (token folds, per-query decisions) as a fresh API process would, and prints as JSON
the milliseconds per page of each (best of ``--rounds``), their ratio, and whether the marks are
identical on every page. Run from the repository root.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import api.search.highlight as hl
import api.search.keyword as keyword
from api.search.highlight import Highlighter, QueryTerms
from indexer.meili.client import MeiliClient
from indexer.meili.filters import equals
from indexer.text.stem import light_stem
from qawl.bench.common import DEFAULT_CORPUS, bench_prefix, meili_server, run_async
from qawl.bench.corpus_index import build_index
from qawl.bench.search import FIRST, sample_queries

Page = tuple[QueryTerms, list[str]]


async def result_pages(url: str, key: str, index: str, pairs: list[tuple[str, str | None]]) -> list[Page]:
    pages: list[Page] = []
    original = keyword._format_hits

    def keep(hits: list[dict[str, Any]], fmt: Any, prepared: keyword.PreparedQuery, strategy: Any) -> None:
        texts = [h["text"] for h in hits if isinstance(h.get("text"), str)]
        pages.append((keyword.terms_of(prepared), texts))

    keyword._format_hits = keep
    try:
        async with MeiliClient(url, key or None) as client:
            for query, source in pairs:
                base: dict[str, Any] = {"limit": FIRST, "attributesToRetrieve": ["text"]}
                if source:
                    base["filter"] = equals("source", source)
                await keyword.execute(client, index, base, query)
    finally:
        keyword._format_hits = original
    return pages


def _fresh() -> None:
    hl._token_folds.clear()
    hl._folded.clear()
    hl._memos.clear()


def timed(pages: list[Page], mark: Callable[[Highlighter, list[str]], list[str]]) -> tuple[float, list[list[str]]]:
    _fresh()
    out = []
    start = time.perf_counter()
    for terms, texts in pages:
        out.append(mark(Highlighter(terms, light_stem), texts))
    return 1000 * (time.perf_counter() - start) / max(1, len(pages)), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    prefix = bench_prefix()
    with meili_server() as meili:
        _report, docs = run_async(build_index(meili, prefix, DEFAULT_CORPUS, args.articles))
        pairs = sample_queries(docs, args.queries, 8)
        pages = asyncio.run(result_pages(meili.url, meili.key, f"{prefix}claims", pairs))
    best = {"page_path_ms": float("inf"), "token_path_ms": float("inf")}
    identical = True
    for _ in range(args.rounds):
        page_ms, by_page = timed(pages, Highlighter.mark_all)
        token_ms, by_token = timed(pages, lambda h, texts: h._mark_tokens(h.defused(texts)))
        identical = identical and by_page == by_token
        best["page_path_ms"] = min(best["page_path_ms"], page_ms)
        best["token_path_ms"] = min(best["token_path_ms"], token_ms)
    print(
        json.dumps(
            {
                "pages": len(pages),
                "texts": sum(len(t) for _, t in pages),
                "ms_per_page": {k: round(v, 3) for k, v in best.items()},
                "token_path_over_page_path": round(best["token_path_ms"] / best["page_path_ms"], 2),
                "identical_marks": identical,
                "articles": args.articles,
            }
        )
    )


if __name__ == "__main__":
    main()
