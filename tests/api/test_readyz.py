from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from indexer.ingest import IndexNames, ensure_indexes
from indexer.meili.managed import ManagedMeilisearch
from tests.conftest import Meili, api_settings, run


def test_readyz_follows_meilisearch(tmp_path) -> None:  # type: ignore[no-untyped-def]
    server = ManagedMeilisearch(data_dir=tmp_path / "m")
    server.start()
    try:
        m = Meili(server.url, server.master_key, server)

        async def setup() -> None:
            async with m.client() as c:
                await ensure_indexes(c, IndexNames("r_claims", "r_articles"))

        run(setup())
        with TestClient(create_app(api_settings(m, "r_"))) as client:
            assert client.get("/readyz").status_code == 200
            server.stop()
            resp = client.get("/readyz")
            assert resp.status_code == 503
            assert resp.json()["status"] == "unavailable"
            server.start()  # same port, same data dir
            assert client.get("/readyz").status_code == 200
    finally:
        server.cleanup()


def test_readyz_503_when_indexes_missing(meili: Meili, prefix: str) -> None:
    with TestClient(create_app(api_settings(meili, prefix))) as client:
        resp = client.get("/readyz")
        assert resp.status_code == 503
        assert "index" in resp.json()["reason"]
