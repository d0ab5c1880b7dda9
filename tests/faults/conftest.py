"""Fault tests: their own Meilisearch (it gets stopped and restarted) and API subprocesses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.meili.managed import ManagedMeilisearch


@pytest.fixture
def own_meili(tmp_path: Path) -> Iterator[ManagedMeilisearch]:
    """A Meilisearch only this test uses, with a fixed port and data dir so it can restart."""
    server = ManagedMeilisearch(data_dir=tmp_path / "meili")
    server.start()
    try:
        yield server
    finally:
        server.cleanup()
