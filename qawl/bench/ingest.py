"""``qawl bench ingest``: the corpus end to end into a fresh Meilisearch via ``index_articles``.

Timed from the first read of the corpus to the moment every Meilisearch task has succeeded (then
checked: the claims index holds exactly the claims extracted). Extraction runs in ``--workers``
processes (default one per core, ``indexer.extraction_pool``); this process gathers the documents
in spools and pushes them once extraction is done (``indexer.spool``): ``seconds_to_enqueued`` is
when the last batch was extracted and handed over, ``seconds_meili_tail`` the rest (the push and
Meilisearch's indexing);
``sentences_per_s`` is per CPU-second of extraction (one core), ``sentences_per_s_wall`` the
end-to-end rate. Sentences are counted afterwards, outside the timed window. Peak RSS: the kernel's
VmHWM of this process (reading + pushing) and of Meilisearch, sampled from ``/proc`` while it runs
(each extraction worker holds ~150 MB more).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from indexer.extraction_pool import default_workers
from indexer.ingest import IndexNames, ensure_indexes, index_articles
from indexer.meili.client import MeiliClient
from qawl.bench.common import (
    DEFAULT_CORPUS,
    MeiliHandle,
    RssSampler,
    bench_prefix,
    check_file,
    dir_size_mb,
    emit,
    log,
    meili_server,
    proc_cpu_seconds,
    read_corpus,
    run_async,
)
from qawl.bench.corpus_index import drop_indexes, names_for


def count_sentences(corpus: Path, articles: int | None) -> int | None:
    """Sentences the extractor sees (cleaned body, split as the pipeline splits), or None."""
    try:
        from indexer.text.clean import clean_body
        from indexer.text.sentences import split_sentences
    except (
        ImportError
    ):  # the extractor moved these: report no sentence rate rather than a wrong one
        return None
    return sum(
        sum(1 for _ in split_sentences(clean_body(a.body))) for a in read_corpus(corpus, articles)
    )


async def _ingest(
    meili: MeiliHandle,
    names: IndexNames,
    corpus: Path,
    articles: int | None,
    skipped: list[str],
    workers: int,
) -> dict[str, Any]:
    async with MeiliClient(meili.url, meili.key or None, timeout=120) as client:
        meili_cpu0, own_cpu0 = proc_cpu_seconds(meili.pid), time.process_time()
        start = time.perf_counter()
        last_enqueued = start

        def on_batch(_a: int, _c: int) -> None:
            nonlocal last_enqueued
            last_enqueued = time.perf_counter()

        await ensure_indexes(client, names)
        report = await index_articles(
            client,
            names,
            read_corpus(corpus, articles, skipped),
            on_batch=on_batch,
            workers=workers,
        )
        searchable = time.perf_counter()
        meili_cpu1, own_cpu1 = proc_cpu_seconds(meili.pid), time.process_time()
        stats = await client.stats(names.claims)
        probe = await client.search(names.claims, {"q": "", "limit": 1})
        global_stats = await client.request("GET", "/stats")
    return {
        "report": report,
        "seconds_to_searchable": searchable - start,
        "seconds_to_enqueued": last_enqueued - start,
        "extraction_seconds": report.extraction_cpu_seconds or None,
        "meili_cpu_seconds": None
        if meili_cpu0 is None or meili_cpu1 is None
        else meili_cpu1 - meili_cpu0,
        "own_cpu_seconds": own_cpu1 - own_cpu0,
        "claims_in_index": stats.get("numberOfDocuments"),
        "claims_searchable": bool(probe.get("hits")),
        "database_size": global_stats.get("databaseSize")
        if isinstance(global_stats, dict)
        else None,
    }


def run_ingest_bench(corpus: Path, articles: int | None, workers: int = 0) -> dict[str, Any]:
    workers = workers or default_workers()
    prefix = bench_prefix()
    names = names_for(prefix)
    skipped: list[str] = []
    with (
        meili_server() as meili,
        RssSampler({"qawl": _self_pid(), "meilisearch": meili.pid}) as rss,
    ):
        log(f"ingesting {'all' if articles is None else articles} articles of {corpus} ...")
        try:
            res = run_async(_ingest(meili, names, corpus, articles, skipped, workers))
            disk_mb = (
                dir_size_mb(meili.data_dir)
                if meili.data_dir
                else round((res["database_size"] or 0) / 2**20, 1)
            )
        finally:
            run_async(drop_indexes(meili, prefix))
    report = res["report"]
    log("counting sentences (outside the timed window) ...")
    sentences = count_sentences(corpus, articles)
    seconds = res["seconds_to_searchable"]
    extraction = res["extraction_seconds"]
    peaks = rss.peak_mb()
    return {
        "articles": report.articles,
        "claims": report.claims,
        "seconds_to_searchable": round(seconds, 2),
        "sentences_per_s": round(sentences / extraction, 1) if sentences and extraction else None,
        "sentences_per_s_wall": round(sentences / seconds, 1) if sentences and seconds else None,
        "extraction_workers": workers,
        "meili_disk_mb": disk_mb,
        "peak_rss_mb": peaks.get("qawl"),
        "peak_rss_mb_by_process": peaks,
        "meili_peak_rss_mb": peaks.get("meilisearch"),
        "articles_per_s": round(report.articles / seconds, 1) if seconds else None,
        "articles_per_s_extraction": round(report.articles / extraction, 1) if extraction else None,
        "extraction_seconds": round(extraction, 2) if extraction is not None else None,
        "seconds_to_enqueued": round(res["seconds_to_enqueued"], 2),
        "seconds_meili_tail": round(seconds - res["seconds_to_enqueued"], 2),
        # where the CPU went (the run is CPU-bound on small machines): extraction processes,
        # Meilisearch, and this process (reading, pushing); their sum over the cores is a floor
        "cpu_seconds": {
            "extraction": round(extraction, 1) if extraction is not None else None,
            "meilisearch": _round(res["meili_cpu_seconds"]),
            "ingest_process": _round(res["own_cpu_seconds"]),
            "cores": default_workers(),
        },
        "sentences": sentences,
        "claims_in_index": res["claims_in_index"],
        "claims_searchable": res["claims_searchable"],
        "skipped_input_lines": len(skipped),
        "failed_tasks": len(report.failed_tasks),
        "meili_disk_measured": "du of the data dir"
        if meili.data_dir
        else "GET /stats databaseSize",
        "peak_rss_mb_is": "VmHWM of the ingesting qawl process; meili_peak_rss_mb is Meilisearch's",
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _self_pid() -> int:
    import os

    return os.getpid()


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest(
        corpus: Annotated[
            Path, typer.Option(help="articles file; default ../shared/data/saudinewsnet.jsonl.gz")
        ] = DEFAULT_CORPUS,
        articles: Annotated[
            int | None, typer.Option(min=1, help="only the first N articles (default: all)")
        ] = None,
        queries: Annotated[
            int | None, typer.Option(hidden=True, help="unused (accepted for a uniform CLI)")
        ] = None,
        workers: Annotated[
            int, typer.Option(min=0, max=64, help="extraction processes (0: one per core)")
        ] = 0,
    ) -> None:
        """Whole corpus -> fresh Meilisearch: seconds to searchable, rates, disk, peak RSS."""
        check_file(corpus)
        out = run_ingest_bench(corpus, articles, workers)
        emit(out)
        if out["failed_tasks"]:
            raise typer.Exit(1)
