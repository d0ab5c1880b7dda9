"""Extraction throughput on SaudiNewsNet, one core: prints JSON {articles, sentences, claims,
cpu_seconds, wall_seconds, sentences_per_s (per CPU-second), wall_sentences_per_s}.

    python scripts/extract_throughput.py [--corpus ../shared/data/saudinewsnet.jsonl.gz] \
        [--articles 1000] [--documents]

``--documents`` times what a bulk ingestion's workers do per article (``extract_documents``:
cleaning, claims, and the article and claim documents with their stems) instead of the claims
alone. On a VM whose speed drifts, compare two checkouts by instructions instead of seconds:
``PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null python
scripts/extract_throughput.py --articles 150 --documents`` prints nearly the same count
("Collected", within ~0.01 %) run after run; ``PYTHONPATH=<other checkout>`` runs that checkout's
code with this script.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

from indexer.extract import extract_claims
from indexer.extraction_pool import extract_documents
from indexer.readers import article_from_obj
from indexer.text.clean import clean_body
from indexer.text.sentences import split_sentences

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--corpus", type=Path, default=REPO.parent / "shared" / "data" / "saudinewsnet.jsonl.gz"
    )
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--documents", action="store_true", help="time extract_documents (bulk ingestion)")
    args = ap.parse_args()
    articles = []
    with gzip.open(args.corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            try:
                articles.append(article_from_obj(json.loads(line)))
            except ValueError:
                continue
            if len(articles) >= args.articles:
                break
    extract_claims(articles[0])  # load the model and gazetteer outside the timing
    sentences = sum(len(split_sentences(clean_body(a.body))) for a in articles)
    start, cpu_start = time.perf_counter(), time.process_time()
    if args.documents:
        claims = sum(len(item.claims) for item in extract_documents(articles).items)
    else:
        claims = sum(len(extract_claims(a)) for a in articles)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    # sentences_per_s: per CPU-second of this (single-threaded) process, i.e. one core even on a
    # busy machine; wall_sentences_per_s is the wall-clock rate of this run
    print(
        json.dumps(
            {
                "articles": len(articles),
                "sentences": sentences,
                "claims": claims,
                "cpu_seconds": round(cpu, 2),
                "wall_seconds": round(seconds, 2),
                "sentences_per_s": round(sentences / cpu, 1),
                "wall_sentences_per_s": round(sentences / seconds, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
