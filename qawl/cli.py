"""The ``qawl`` command: dev, serve, index, extract (and eval/bench/reindex/jobs as they land)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer

from indexer.claims_import import is_claims_path, read_claims_files
from indexer.extract import claims_of_prepared, prepare_article
from indexer.ingest import IndexNames, IngestReport, ensure_indexes, index_articles, index_claims
from indexer.meili.client import MeiliClient
from indexer.meili.errors import MeiliError
from indexer.meili.managed import MeiliBinaryError, meilisearch_for
from indexer.models import Article
from indexer.readers import ReadError, expand_paths, read_articles
from indexer.settings import IndexerSettings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="qawl: Arabic news -> searchable claims.")
REPO_ROOT = Path(__file__).resolve().parents[1]


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"qawl: {message}", err=True)
    return typer.Exit(code)


def _check_paths(paths: list[Path]) -> list[Path]:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise fail(f"no such file or directory: {', '.join(missing)}")
    files = expand_paths(paths)
    if not files:
        raise fail("no article files found (.txt, .json, .jsonl, .jsonl.gz)")
    return files


def _read_all(files: list[Path], errors: list[str]) -> list[Article]:
    articles: list[Article] = []
    for path in files:
        for item in read_articles(path):
            if isinstance(item, ReadError):
                errors.append(str(item))
            else:
                articles.append(item)
    return articles


async def _index(
    url: str, key: str, files: list[Path], settings: IndexerSettings, progress: bool = True
) -> IngestReport:
    errors: list[str] = []
    claim_files = [f for f in files if is_claims_path(f)]  # verified claims: indexer/claims_import.py
    claims = read_claims_files(claim_files, errors)
    articles = _read_all([f for f in files if f not in claim_files], errors)
    async with MeiliClient(url, key or None, timeout=60) as client:
        names = IndexNames.from_settings(settings)
        await ensure_indexes(client, names)
        done = 0

        def on_batch(n_articles: int, n_claims: int) -> None:
            nonlocal done
            done += n_articles
            if progress:
                typer.echo(f"\r  extracted {done}/{len(articles)} articles", err=True, nl=False)

        report = await index_articles(
            client,
            names,
            articles,
            batch_size=settings.batch_size,
            on_batch=on_batch,
            workers=settings.extraction_workers,
        )
        if claims:
            imported = await index_claims(client, names, claims)
            report.claims += imported.claims
            report.failed_tasks += imported.failed_tasks
        if progress:
            typer.echo("", err=True)
    report.errors = errors + report.errors
    return report


def _summary(report: IngestReport) -> None:
    for err in report.errors:
        typer.echo(f"qawl: skipped {err}", err=True)
    for err in report.failed_tasks:
        typer.echo(f"qawl: Meilisearch task failed: {err}", err=True)
    typer.echo(
        f"indexed {report.articles} articles, {report.claims} claims"
        + (f", {len(report.errors)} input errors" if report.errors else ""),
        err=True,
    )


@app.command()
def index(paths: Annotated[list[Path], typer.Argument(help="article/claims files or folders")]) -> None:
    """Ingest articles and/or claims files into Meilisearch (MEILI_URL, or a managed one)."""
    files = _check_paths(paths)
    settings = IndexerSettings()
    if not settings.meili_url:
        typer.echo(
            "qawl: MEILI_URL is not set: indexing into a temporary managed Meilisearch (use `qawl dev` to serve it)",
            err=True,
        )
    try:
        with meilisearch_for(data_dir=None) as (url, key):
            report = asyncio.run(_index(url, key, files, settings))
    except (MeiliError, MeiliBinaryError) as exc:
        raise fail(str(exc), 1) from exc
    _summary(report)
    if report.failed_tasks:
        raise typer.Exit(1)
    if report.errors:
        raise typer.Exit(2)


@app.command()
def extract(paths: Annotated[list[Path], typer.Argument(help="article files or folders")]) -> None:
    """Print the claims of the given articles as JSON lines (no Meilisearch needed)."""
    files = _check_paths(paths)
    errors: list[str] = []
    out = sys.stdout.buffer
    for path in files:
        for item in read_articles(path):
            if isinstance(item, ReadError):
                errors.append(str(item))
                continue
            article = prepare_article(item)
            for claim in claims_of_prepared(article):
                out.write(orjson.dumps(claim.model_dump(mode="json")) + b"\n")
    out.flush()
    for err in errors:
        typer.echo(f"qawl: skipped {err}", err=True)
    if errors:
        raise typer.Exit(2)


def _serve(url: str, key: str, host: str, port: int) -> None:
    import uvicorn

    from api.app import create_app
    from api.settings import ApiSettings

    os.environ["MEILI_URL"] = url
    os.environ["MEILI_MASTER_KEY"] = key
    settings = ApiSettings()
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


@app.command()
def dev(
    port: Annotated[int, typer.Option(help="API port")] = int(os.environ.get("QAWL_PORT", "8000")),
    host: Annotated[str, typer.Option(help="API host")] = os.environ.get("QAWL_HOST", "127.0.0.1"),
    no_seeds: Annotated[bool, typer.Option("--no-seeds", help="do not index seeds/")] = False,
    seeds: Annotated[Path | None, typer.Option(help="index this folder instead of seeds/")] = None,
) -> None:
    """Managed Meilisearch (unless MEILI_URL), index seeds/, serve the API with GraphiQL."""
    os.environ.setdefault("QAWL_ENV", "development")
    settings = IndexerSettings()
    data_dir = settings.data_dir / "meili"
    try:
        with meilisearch_for(data_dir=data_dir) as (url, key):
            typer.echo(f"qawl: Meilisearch at {url}", err=True)
            if not no_seeds:
                report = asyncio.run(
                    _index(url, key, _check_paths([seeds or REPO_ROOT / "seeds"]), settings, progress=False)
                )
                _summary(report)
            typer.echo(
                f"qawl: GraphiQL at http://{host}:{port}/graphql  (search page: http://{host}:{port}/)", err=True
            )
            _serve(url, key, host, port)
    except (MeiliError, MeiliBinaryError) as exc:
        raise fail(str(exc), 1) from exc


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="API port")] = int(os.environ.get("QAWL_PORT", "8000")),
    host: Annotated[str, typer.Option(help="API host")] = os.environ.get("QAWL_HOST", "127.0.0.1"),
) -> None:
    """Serve the API only, against MEILI_URL."""
    url = os.environ.get("MEILI_URL")
    if not url:
        raise fail("MEILI_URL is not set (use `qawl dev` for a managed Meilisearch)")
    _serve(url, os.environ.get("MEILI_MASTER_KEY", ""), host, port)


# -- eval / bench: each command lives in its own module, imported only when it runs -----------
eval_app = typer.Typer(no_args_is_help=True, help="Quality evaluations; print one JSON object on stdout.")
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks; print one JSON object on stdout.")
app.add_typer(eval_app, name="eval")
app.add_typer(bench_app, name="bench")


def _register_optional(target: typer.Typer, module: str) -> None:
    """Modules expose ``register(app)``; a module not written yet simply adds nothing."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return
    mod.register(target)


for _module in ("qawl.evals.keyword", "qawl.evals.retrieval", "qawl.evals.detection"):
    _register_optional(eval_app, _module)
for _module in ("qawl.bench.ingest", "qawl.bench.search", "qawl.bench.webhook", "qawl.bench.similar"):
    _register_optional(bench_app, _module)
for _module in ("qawl.jobs",):
    _register_optional(app, _module)


def _exit_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so context managers stop the managed Meilisearch.

    uvicorn re-raises the signal it caught after its graceful shutdown; this handler turns it into
    SystemExit instead of an immediate death that would orphan the Meilisearch child.
    """
    import signal

    def _handler(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _handler)


def main() -> None:
    _exit_on_sigterm()
    app()
