"""Webhook routes in-process: event -> job -> searchable; admin re-index needs the admin scope."""

from __future__ import annotations

import base64
import json
import secrets
import time
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from tests.conftest import Meili, api_settings
from tests.faults.helpers import sign

SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
BODY = "قال وزير المالية إن العجز بلغ 5 مليارات ريال في العام الماضي."


def wait_job(client: TestClient, job_id: str, headers: dict[str, str] | None = None) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + 60
    while (job := client.get(f"/v1/jobs/{job_id}", headers=headers).json())["status"] in {
        "queued",
        "running",
    }:
        assert time.monotonic() < deadline, job
        time.sleep(0.02)  # polling the job status
    return job  # type: ignore[no-any-return]


def test_event_to_searchable_and_admin_reindex(meili: Meili, prefix: str, tmp_path: Path) -> None:
    settings = api_settings(
        meili,
        prefix,
        QAWL_DATA_DIR=str(tmp_path),
        QAWL_WEBHOOK_SECRETS=SECRET,
        QAWL_API_KEYS="read:read-key-0123456789abcdef,admin:admin-key-0123456789abcdef",
    )
    read = {"authorization": "Bearer read-key-0123456789abcdef"}
    admin = {"authorization": "Bearer admin-key-0123456789abcdef"}
    with TestClient(create_app(settings)) as client:
        body = json.dumps(
            {
                "type": "article.published",
                "timestamp": "2024-01-01T00:00:00Z",
                "data": {"id": "r-1", "title": "العجز", "body": BODY},
            },
            ensure_ascii=False,
        ).encode()
        resp = client.post("/v1/webhooks/articles", content=body, headers=sign(SECRET, body))
        assert resp.status_code == 202, resp.text
        assert wait_job(client, resp.json()["job_id"], read) == {
            "id": resp.json()["job_id"],
            "status": "done",
        }
        found = client.get("/v1/claims", params={"q": "العجز"}, headers=read).json()
        assert [c["article_id"] for c in found["claims"]] == ["r-1"]

        assert client.post("/v1/admin/reindex").status_code == 401
        assert client.post("/v1/admin/reindex", headers=read).status_code == 403
        started = client.post("/v1/admin/reindex", headers=admin)
        assert started.status_code == 202, started.text
        assert wait_job(client, started.json()["job_id"], read)["status"] == "done"
        again = client.get("/v1/claims", params={"q": "العجز"}, headers=read).json()
        assert [c["id"] for c in again["claims"]] == [c["id"] for c in found["claims"]]
