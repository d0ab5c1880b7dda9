"""Fixtures of the API tests: synthetic indexes (with and without an ``id`` tie-breaker)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from indexer.ingest import IndexNames
from tests.api import synthetic
from tests.conftest import Meili, api_settings, run


async def _build_both(meili: Meili) -> None:
    async with meili.client() as client:
        await synthetic.build(
            client, IndexNames("synid_claims", "synid_articles"), sortable_id=True
        )
        await synthetic.build(
            client, IndexNames("synnoid_claims", "synnoid_articles"), sortable_id=False
        )


@pytest.fixture(scope="session")
def synthetic_indexes(meili: Meili) -> None:
    run(_build_both(meili))


def _client(meili: Meili, prefix: str, data_dir: str) -> TestClient:
    # no in-process webhook worker: it would re-apply the default index settings over the test's
    return TestClient(
        create_app(
            api_settings(
                meili,
                prefix,
                QAWL_INLINE_WORKER=False,
                QAWL_DATA_DIR=data_dir,
                QAWL_ANON_RATE_LIMIT=10**9,
            )
        )
    )


@pytest.fixture(scope="session")
def sapi(
    meili: Meili, synthetic_indexes: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """API over the synthetic corpus; ``id`` is sortable (exact keyset tie-breaker)."""
    with _client(meili, "synid_", str(tmp_path_factory.mktemp("synid"))) as client:
        yield client


@pytest.fixture(scope="session")
def sapi_noid(
    meili: Meili, synthetic_indexes: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """API over the same corpus where ``id`` is not sortable (tie runs counted in the cursor)."""
    with _client(meili, "synnoid_", str(tmp_path_factory.mktemp("synnoid"))) as client:
        yield client
