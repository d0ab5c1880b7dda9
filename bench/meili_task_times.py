"""Where Meilisearch's indexing time goes: index the first N SaudiNewsNet articles into a fresh
managed Meilisearch with the project's settings and print, as JSON, the summed task durations by
index and task type. ``--articles-proximity`` / ``--facet-search`` override those two settings to
compare (run each variant a few times: the machine is noisy).

    python bench/meili_task_times.py [--articles 2000] [--articles-proximity byWord] \
        [--facet-search true]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import itertools
import json
import re
import secrets
from collections import defaultdict
from pathlib import Path
from typing import Any

import indexer.ingest as ingest
from indexer.ingest import IndexNames, ensure_indexes, index_articles
from indexer.meili.client import MeiliClient
from indexer.meili.managed import ManagedMeilisearch
from indexer.readers import article_from_obj

REPO = Path(__file__).resolve().parents[1]
_DURATION = re.compile(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?")


def seconds(iso: str | None) -> float:
    m = _DURATION.fullmatch(iso or "")
    if not m:
        return 0.0
    h, mi, s = m.groups()
    return int(h or 0) * 3600 + int(mi or 0) * 60 + float(s or 0)


async def measure(url: str, key: str, corpus: Path, n: int, workers: int) -> dict[str, Any]:
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        articles = []
        for line in itertools.islice(fh, n):
            try:
                articles.append(article_from_obj(json.loads(line)))
            except ValueError:
                continue
    async with MeiliClient(url, key, timeout=600) as client:
        names = IndexNames("t_claims", "t_articles")
        await ensure_indexes(client, names)
        report = await index_articles(client, names, articles, workers=workers)
        tasks = await client.request("GET", "/tasks", params={"limit": 1000})
    by: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for task in tasks["results"]:
        slot = by[f"{task.get('indexUid')} {task['type']}"]
        slot[0] += 1
        slot[1] += seconds(task.get("duration"))
    return {
        "articles": report.articles,
        "claims": report.claims,
        "task_seconds": {k: round(v[1], 2) for k, v in sorted(by.items()) if v[1] >= 0.05},
        "total_task_seconds": round(sum(v[1] for v in by.values()), 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--corpus", type=Path, default=REPO.parent / "shared" / "data" / "saudinewsnet.jsonl.gz"
    )
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--articles-proximity", choices=["byWord", "byAttribute"])
    ap.add_argument("--claims-proximity", choices=["byWord", "byAttribute"])
    ap.add_argument("--facet-search", choices=["true", "false"])
    ap.add_argument(
        "--no-prefix-search",
        choices=["articles", "claims", "both"],
        help="disable prefix search (its indexing-time databases) on these indexes",
    )
    ap.add_argument(
        "--comparison-everywhere",
        action="store_true",
        help="enable range comparisons on every filterable attribute (Meilisearch's default)",
    )
    ap.add_argument(
        "--function-stop-words",
        action="store_true",
        help="Arabic function words (في، من، على ...) as stop words of both indexes",
    )
    ap.add_argument(
        "--claims-without-title",
        action="store_true",
        help="the claims index without the article title among its searchable attributes",
    )
    args = ap.parse_args()
    if args.claims_without_title:
        searchable = [a for a in ingest.CLAIMS.searchable_attributes if a != "title"]
        ingest.CLAIMS = ingest.CLAIMS.model_copy(update={"searchable_attributes": searchable})
    if args.function_stop_words:
        from indexer.index_settings import ARABIC_FUNCTION_WORDS

        for name in ("ARTICLES", "CLAIMS"):
            declared = getattr(ingest, name)
            words = list(dict.fromkeys([*declared.stop_words, *ARABIC_FUNCTION_WORDS]))
            setattr(ingest, name, declared.model_copy(update={"stop_words": words}))
    # the variants replace the declared settings for this run only
    if args.articles_proximity:
        ingest.ARTICLES = ingest.ARTICLES.model_copy(
            update={"proximity_precision": args.articles_proximity}
        )
    if args.claims_proximity:
        ingest.CLAIMS = ingest.CLAIMS.model_copy(
            update={"proximity_precision": args.claims_proximity}
        )
    if args.facet_search:
        on = args.facet_search == "true"
        ingest.ARTICLES = ingest.ARTICLES.model_copy(update={"facet_search": on})
        ingest.CLAIMS = ingest.CLAIMS.model_copy(update={"facet_search": on})
    if args.no_prefix_search:
        if args.no_prefix_search in ("articles", "both"):
            ingest.ARTICLES = ingest.ARTICLES.model_copy(update={"prefix_search": "disabled"})
        if args.no_prefix_search in ("claims", "both"):
            ingest.CLAIMS = ingest.CLAIMS.model_copy(update={"prefix_search": "disabled"})
    if args.comparison_everywhere:
        for name in ("ARTICLES", "CLAIMS"):
            declared = getattr(ingest, name)
            setattr(ingest, name, declared.model_copy(update={"comparable_attributes": declared.filterable_attributes}))
    meili = ManagedMeilisearch(master_key=secrets.token_hex(24))
    with meili:
        out = asyncio.run(
            measure(meili.url, meili.master_key, args.corpus, args.articles, args.workers)
        )
    out["settings"] = {
        "articles_proximity": ingest.ARTICLES.proximity_precision,
        "claims_proximity": ingest.CLAIMS.proximity_precision,
        "facet_search": ingest.CLAIMS.facet_search,
        "stop_words": len(ingest.CLAIMS.stop_words),
        "prefix_search": {"articles": ingest.ARTICLES.prefix_search, "claims": ingest.CLAIMS.prefix_search},
        "comparable": {
            "articles": ingest.ARTICLES.comparable_attributes,
            "claims": ingest.CLAIMS.comparable_attributes,
        },
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
