"""Shared pieces of the ``qawl bench`` commands.

Servers: ``meili_server`` (managed Meilisearch through ``indexer.meili.managed`` unless MEILI_URL)
and ``api_server`` (the API as a real uvicorn process on a free loopback port). Measurement: a
``/proc`` RSS sampler, percentiles, and ``HttpConn``, a minimal keep-alive HTTP/1.1 client on an
asyncio protocol + httptools, used as the one load generator for raw Meilisearch and the API alike
(requests are pre-built bytes, so the generator adds a few microseconds, not httpx's ~0.3 ms).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httptools
import httpx
import orjson
import typer

from indexer.meili.managed import ManagedMeilisearch, free_port
from indexer.models import Article
from indexer.readers import ReadError, read_articles

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
DEFAULT_CORPUS = SHARED_DATA / "saudinewsnet.jsonl.gz"
CLAIM_RETRIEVAL = SHARED_DATA / "claim-retrieval"

CorpusOpt = typer.Option(
    "--corpus", help="articles file (.jsonl.gz etc.); default ../shared/data/saudinewsnet.jsonl.gz"
)


class BenchError(RuntimeError):
    """A bench cannot run (bad input, feature missing); reported as JSON ``error`` + exit 1."""


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY).decode() + "\n")
    sys.stdout.flush()


def log(message: str) -> None:
    typer.echo(f"qawl bench: {message}", err=True)


def fail_input(message: str) -> typer.Exit:
    typer.echo(f"qawl: {message}", err=True)
    return typer.Exit(2)


def check_file(path: Path) -> Path:
    if not path.exists():
        raise fail_input(f"no such file or directory: {path}")
    return path


def read_corpus(
    path: Path, limit: int | None = None, skipped: list[str] | None = None
) -> Iterator[Article]:
    """Articles of ``path`` in file order, at most ``limit``; bad lines go to ``skipped``."""
    n = 0
    for item in read_articles(path):
        if limit is not None and n >= limit:
            return
        if isinstance(item, ReadError):
            if skipped is not None:
                skipped.append(str(item))
            continue
        n += 1
        yield item


# -- statistics -------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``values``; 0.0 for an empty list."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def summary_ms(latencies_s: list[float], elapsed_s: float | None = None) -> dict[str, float]:
    out = {
        "p50": round(percentile(latencies_s, 50) * 1000, 3),
        "p95": round(percentile(latencies_s, 95) * 1000, 3),
        "p99": round(percentile(latencies_s, 99) * 1000, 3),
    }
    if elapsed_s is not None:
        out["rps"] = round(len(latencies_s) / elapsed_s, 1) if elapsed_s > 0 else 0.0
    return out


# -- process memory ---------------------------------------------------------------------------
_STATUS_RE = re.compile(rb"^(VmHWM|VmRSS):\s+(\d+) kB", re.MULTILINE)


def proc_memory_kb(pid: int) -> dict[str, int]:
    """``{"VmHWM": kB, "VmRSS": kB}`` of a live process (empty when it is gone)."""
    try:
        data = Path(f"/proc/{pid}/status").read_bytes()
    except OSError:
        return {}
    return {m.group(1).decode(): int(m.group(2)) for m in _STATUS_RE.finditer(data)}


def proc_cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds a live process has used so far (``/proc/<pid>/stat``)."""
    if not pid:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class RssSampler:
    """Samples VmRSS/VmHWM of named pids every ``interval`` s; ``peak_mb()`` is the max seen.

    VmHWM is the kernel's own high-water mark, so a peak between samples is not lost; the VmRSS
    samples are kept as a cross-check.
    """

    def __init__(self, pids: dict[str, int | None], interval: float = 0.25) -> None:
        self.pids = {name: pid for name, pid in pids.items() if pid}
        self.interval = interval
        self.peak_kb: dict[str, int] = dict.fromkeys(self.pids, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss-sampler")

    def add(self, name: str, pid: int | None) -> None:
        if pid:
            self.pids[name] = pid
            self.peak_kb.setdefault(name, 0)

    def sample(self) -> None:
        for name, pid in list(self.pids.items()):
            mem = proc_memory_kb(pid)
            if mem:
                self.peak_kb[name] = max(
                    self.peak_kb.get(name, 0), mem.get("VmHWM", 0), mem.get("VmRSS", 0)
                )

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> RssSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def peak_mb(self) -> dict[str, float]:
        return {name: round(kb / 1024, 1) for name, kb in self.peak_kb.items()}


# -- servers ----------------------------------------------------------------------------------
@dataclass
class MeiliHandle:
    url: str
    key: str
    pid: int | None  # None for an external MEILI_URL
    data_dir: Path | None

    @property
    def host_port(self) -> tuple[str, int]:
        parsed = httpx.URL(self.url)
        return parsed.host, parsed.port or 80


@contextlib.contextmanager
def meili_server() -> Iterator[MeiliHandle]:
    """MEILI_URL when set (nothing started), else a managed Meilisearch removed on exit."""
    if os.environ.get("MEILI_URL"):
        yield MeiliHandle(
            os.environ["MEILI_URL"].rstrip("/"), os.environ.get("MEILI_MASTER_KEY", ""), None, None
        )
        return
    # hex key: a token_urlsafe key can start with "-", which Meilisearch's CLI takes for a flag
    managed = ManagedMeilisearch(master_key=secrets.token_hex(24))
    with managed:
        yield MeiliHandle(managed.url, managed.master_key, managed.pid, managed.data_dir)


def bench_prefix() -> str:
    """Index-name prefix of one run, so a shared MEILI_URL never sees clashes."""
    return f"bench{secrets.token_hex(4)}_"


@dataclass
class ApiHandle:
    url: str
    port: int
    pid: int
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


@contextlib.contextmanager
def api_server(
    meili: MeiliHandle,
    prefix: str,
    extra_env: dict[str, str] | None = None,
    workers: int = 1,
    timeout: float = 60.0,
    app: str = "api.app:create_app",
    app_dir: str | None = None,
) -> Iterator[ApiHandle]:
    """The API as its own uvicorn process (production settings: uvloop, httptools, no access log).

    Rate limits are lifted so the load is not throttled; QAWL_DATA_DIR is a fresh temp dir;
    ``app_dir`` (uvicorn's ``--app-dir``) imports the app from another checkout.
    """
    port = free_port()
    tmp = tempfile.TemporaryDirectory(prefix="qawl-bench-api-")
    env = dict(os.environ)
    env.update(
        {
            "MEILI_URL": meili.url,
            "MEILI_MASTER_KEY": meili.key,
            "QAWL_INDEX_PREFIX": prefix,
            "QAWL_ENV": "development",
            "QAWL_HOST": "127.0.0.1",
            "QAWL_PORT": str(port),
            "QAWL_DATA_DIR": tmp.name,
            "QAWL_RATE_LIMIT": "1000000000",
            "QAWL_ANON_RATE_LIMIT": "1000000000",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra_env or {})
    log_path = Path(tmp.name) / "api.log"
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    if app_dir is not None:
        cmd += ["--app-dir", app_dir]
    with log_path.open("ab") as log_fh:
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=REPO_ROOT,
            stdout=log_fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    handle = ApiHandle(f"http://127.0.0.1:{port}", port, proc.pid, log_path, env)
    try:
        _wait_http_ok(f"{handle.url}/healthz", proc, timeout, handle)
        yield handle
    finally:
        _stop(proc)
        tmp.cleanup()


def _wait_http_ok(
    url: str, proc: subprocess.Popen[bytes], timeout: float, handle: ApiHandle
) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=1.0) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise BenchError(f"the API process exited at start:\n{handle.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if client.get(url).status_code == 200:
                    return
            time.sleep(0.05)  # polling a starting process; there is no task to wait on
    raise BenchError(f"the API did not answer {url} within {timeout}s:\n{handle.log_tail()}")


def _stop(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # its own session: workers go too
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def dir_size_mb(path: Path) -> float:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
    return round(total / 1024 / 1024, 1)


# -- the load generator -----------------------------------------------------------------------
def build_request(
    method: str,
    host: str,
    port: int,
    target: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """One HTTP/1.1 keep-alive request as bytes (built once, sent many times)."""
    lines = [
        f"{method} {target} HTTP/1.1",
        f"Host: {host}:{port}",
        "Accept-Encoding: identity",
        "Connection: keep-alive",
    ]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head + (body or b"")


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.body: list[bytes] = []
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            if self.waiter and not self.waiter.done():
                self.waiter.set_exception(exc)

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        body, self.body = b"".join(self.body), []
        if self.waiter and not self.waiter.done():
            self.waiter.set_result((self.parser.get_status_code(), body))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter and not self.waiter.done():
            self.waiter.set_exception(ConnectionError(f"connection lost: {exc!r}"))


class HttpConn:
    """One persistent HTTP/1.1 connection; requests are sent one at a time."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._proto: _Protocol | None = None

    async def _connect(self) -> _Protocol:
        loop = asyncio.get_running_loop()
        _transport, proto = await loop.create_connection(_Protocol, self.host, self.port)
        return proto

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        if self._proto is None or self._proto.closed:
            self._proto = await self._connect()
        proto = self._proto
        proto.waiter = asyncio.get_running_loop().create_future()
        assert proto.transport is not None
        proto.transport.write(raw)
        return await proto.waiter

    def close(self) -> None:
        if self._proto is not None and self._proto.transport is not None:
            self._proto.transport.close()
        self._proto = None


@dataclass
class Target:
    """One thing to load: per query, the request(s) to send in order (a query may need several)."""

    name: str
    host: str
    port: int
    requests: list[list[bytes]]
    check: Callable[[int, bytes], str | None] = lambda status, body: (
        None if status == 200 else f"HTTP {status}"
    )
    errors: list[str] = field(default_factory=list)

    async def run_one(self, conn: HttpConn, i: int) -> float:
        start = time.perf_counter()
        for raw in self.requests[i]:
            status, body = await conn.send(raw)
            problem = self.check(status, body)
            if problem is not None and len(self.errors) < 20:
                self.errors.append(f"{problem}: {body[:300]!r}")
        return time.perf_counter() - start


def expect_json_without_errors(status: int, body: bytes) -> str | None:
    if status != 200:
        return f"HTTP {status}"
    if b'"errors"' in body[:200]:
        return "GraphQL errors"
    return None


async def run_sequential(
    targets: list[Target], indices: list[int]
) -> dict[str, tuple[list[float], float]]:
    """Concurrency 1, interleaved: query i goes to every target in turn (order rotated)."""
    conns = {t.name: HttpConn(t.host, t.port) for t in targets}
    lat: dict[str, list[float]] = {t.name: [] for t in targets}
    busy: dict[str, float] = {t.name: 0.0 for t in targets}
    try:
        for n, i in enumerate(indices):
            k = n % len(targets)
            for t in targets[k:] + targets[:k]:
                dt = await t.run_one(conns[t.name], i)
                lat[t.name].append(dt)
                busy[t.name] += dt
    finally:
        for c in conns.values():
            c.close()
    return {name: (lat[name], busy[name]) for name in lat}


async def run_concurrent(
    targets: list[Target], indices: list[int], concurrency: int, rounds: int = 4
) -> dict[str, tuple[list[float], float]]:
    """``concurrency`` clients per target; targets alternate in ``rounds`` chunks of the queries."""
    lat: dict[str, list[float]] = {t.name: [] for t in targets}
    elapsed: dict[str, float] = {t.name: 0.0 for t in targets}
    chunks = [indices[r::rounds] for r in range(rounds)]
    for r, chunk in enumerate(chunks):
        k = r % len(targets)
        for t in targets[k:] + targets[:k]:
            queue = iter(chunk)
            conns = [HttpConn(t.host, t.port) for _ in range(concurrency)]
            # connect first so that the timed part is requests only
            await asyncio.gather(*(c.send(t.requests[chunk[0]][0]) for c in conns))

            async def worker(conn: HttpConn, t: Target = t, queue: Iterator[int] = queue) -> None:
                for i in queue:
                    lat[t.name].append(await t.run_one(conn, i))

            start = time.perf_counter()
            await asyncio.gather(*(worker(c) for c in conns))
            elapsed[t.name] += time.perf_counter() - start
            for c in conns:
                c.close()
    return {name: (lat[name], elapsed[name]) for name in lat}


def run_async(coro: Any) -> Any:
    """Run on uvloop when available (lower load-generator overhead), else asyncio."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        return asyncio.run(coro)
    return uvloop.run(coro)


@contextlib.contextmanager
def env_overrides(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of the block, then restore them."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
