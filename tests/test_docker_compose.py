"""No Docker engine runs here: check the compose file's pins, wiring and healthchecks by parsing it."""

from __future__ import annotations

import re

import yaml

from indexer.meili.managed import MEILI_VERSION
from tests.conftest import REPO


def _compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())  # type: ignore[no-any-return]


def test_meilisearch_image_pinned_to_the_tested_version() -> None:
    meili = _compose()["services"]["meilisearch"]
    image = meili["image"]
    assert re.fullmatch(r"getmeili/meilisearch:v1\.21\.\d+", image)
    assert image.endswith(MEILI_VERSION)
    assert "healthcheck" in meili and meili["volumes"]
    assert "${MEILI_MASTER_KEY:?" in meili["environment"]["MEILI_MASTER_KEY"]  # no default secret


def test_api_and_worker_wired_to_healthy_meilisearch() -> None:
    services = _compose()["services"]
    for name in ("api", "worker"):
        svc = services[name]
        assert svc["build"] == "."
        assert svc["depends_on"]["meilisearch"]["condition"] == "service_healthy"
        assert svc["environment"]["MEILI_URL"] == "http://meilisearch:7700"
        assert svc["environment"]["QAWL_ENV"] == "production"
    assert "healthcheck" in services["api"]
    assert (REPO / "Dockerfile").is_file()
