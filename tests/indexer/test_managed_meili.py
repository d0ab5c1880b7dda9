from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import httpx
import pytest

from indexer.meili.managed import (
    MEILI_SHA256,
    NPM_BINARY,
    ManagedMeilisearch,
    MeiliBinaryError,
    find_binary,
    verify_npm_binary,
)


def test_npm_binary_is_pinned_and_executable() -> None:
    path = find_binary({"PATH": "/nonexistent"})
    assert path == NPM_BINARY
    assert hashlib.sha256(path.read_bytes()).hexdigest() == MEILI_SHA256
    assert path.stat().st_mode & stat.S_IXUSR


def test_tampered_binary_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "meilisearch"
    fake.write_bytes(b"#!/bin/sh\necho pwned\n")
    with pytest.raises(MeiliBinaryError, match="sha256"):
        verify_npm_binary(fake)


def test_explicit_binary_must_exist() -> None:
    with pytest.raises(MeiliBinaryError, match="QAWL_MEILI_BIN"):
        find_binary({"QAWL_MEILI_BIN": "/nonexistent/meilisearch"})


def test_start_stop_on_free_port_with_key() -> None:
    with ManagedMeilisearch() as server:
        assert server.running
        assert httpx.get(f"{server.url}/health").json()["status"] == "available"
        # the generated master key is enforced
        assert httpx.get(f"{server.url}/indexes").status_code == 401
        ok = httpx.get(f"{server.url}/version", headers={"Authorization": f"Bearer {server.master_key}"})
        assert ok.json()["pkgVersion"] == "1.21.0"
        # ... and handed over in the environment, not on the world-readable command line
        assert server.pid is not None
        cmdline = Path(f"/proc/{server.pid}/cmdline").read_bytes()
        assert b"--db-path" in cmdline and server.master_key.encode() not in cmdline
        data_dir = server.data_dir
    assert not server.running
    assert data_dir is not None and not data_dir.exists()


def test_indexing_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QAWL_MEILI_MAX_INDEXING_MEMORY", raising=False)
    monkeypatch.delenv("QAWL_MEILI_MAX_INDEXING_THREADS", raising=False)
    default = ManagedMeilisearch()
    assert (default.max_indexing_memory, default.max_indexing_threads) == ("2 GiB", 2)
    monkeypatch.setenv("QAWL_MEILI_MAX_INDEXING_MEMORY", "8 GiB")
    monkeypatch.setenv("QAWL_MEILI_MAX_INDEXING_THREADS", "1")
    tuned = ManagedMeilisearch()
    assert (tuned.max_indexing_memory, tuned.max_indexing_threads) == ("8 GiB", 1)
    monkeypatch.setenv("QAWL_MEILI_MAX_INDEXING_THREADS", "zero")
    with pytest.raises(MeiliBinaryError, match="QAWL_MEILI_MAX_INDEXING_THREADS"):
        ManagedMeilisearch()
    monkeypatch.setenv("QAWL_MEILI_MAX_INDEXING_THREADS", "2")
    monkeypatch.setenv("QAWL_MEILI_MAX_INDEXING_MEMORY", "lots")
    with pytest.raises(MeiliBinaryError, match="QAWL_MEILI_MAX_INDEXING_MEMORY"):
        ManagedMeilisearch()
