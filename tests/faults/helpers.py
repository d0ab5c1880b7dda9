"""Real-process helpers for the fault tests: the API as a subprocess, signed events, a fake CMS."""

from __future__ import annotations

import base64
import gzip
import itertools
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from standardwebhooks.webhooks import Webhook

from indexer.extract import extract_claims, prepare_article
from indexer.meili.managed import free_port
from indexer.models import Article
from indexer.queue import JobQueue
from indexer.readers import article_from_obj
from tests.conftest import REPO, SHARED_DATA

CORPUS = SHARED_DATA / "saudinewsnet.jsonl.gz"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(
    secret: str, body: bytes, msg_id: str | None = None, when: datetime | None = None
) -> dict[str, str]:
    when = when or datetime.now(UTC)
    msg_id = msg_id or f"msg_{secrets.token_hex(8)}"
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, when, body.decode()),
    }


@dataclass
class ApiProcess:
    """``python -m qawl serve`` on a free port (the in-process webhook worker included)."""

    meili_url: str
    meili_key: str
    prefix: str
    data_dir: Path
    secret: str
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("QAWL_", "MEILI_"))}
        env.update(
            {
                "MEILI_URL": self.meili_url,
                "MEILI_MASTER_KEY": self.meili_key,
                "QAWL_ENV": "development",
                "QAWL_INDEX_PREFIX": self.prefix,
                "QAWL_DATA_DIR": str(self.data_dir),
                "QAWL_WEBHOOK_SECRETS": self.secret,
                "QAWL_ANON_RATE_LIMIT": "10000000",
                "QAWL_RATE_LIMIT": "10000000",
                "QAWL_LOG_LEVEL": "WARNING",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 60.0) -> ApiProcess:
        self.port = self.port or free_port()
        log = (self.data_dir / "api.log").open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "qawl", "serve", "--port", str(self.port)],
            env=self.env(),
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the API exited at start:\n" + self.log_tail())
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)  # waiting for a starting process: nothing to wait on but its port
        raise RuntimeError("the API did not start:\n" + self.log_tail())

    def log_tail(self) -> str:
        return (self.data_dir / "api.log").read_text(errors="replace")[-3000:]

    def kill(self) -> None:
        if self.proc is not None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def queue(self) -> JobQueue:
        return JobQueue.in_dir(self.data_dir)


def corpus_articles(n: int, skip: int = 0) -> list[Article]:
    """``n`` SaudiNewsNet articles that yield at least one claim (bodies capped for speed)."""
    out: list[Article] = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        for line in itertools.islice(fh, skip, None):
            try:
                article = article_from_obj(json.loads(line))
            except ValueError:
                continue
            paragraphs = [p for p in article.body.split("\n") if p.strip()][:6]
            article = article.model_copy(update={"body": "\n".join(paragraphs)})
            if extract_claims(prepare_article(article)):
                out.append(article)
            if len(out) == n:
                break
    return out


def edited(article: Article, n: int, when: datetime) -> Article:
    """Version ``n`` of an article: one sentence with a number added, ``updated_at`` = ``when``."""
    body = article.body + f"\nوقال المتحدث إن عدد المستفيدين بلغ {1000 + n} شخص في النسخة {n}."
    return article.model_copy(
        update={"body": body, "updated_at": when, "title": f"{article.title} ({n})"}
    )


def expected_claim_ids(article: Article) -> set[str]:
    return {c.id for c in extract_claims(prepare_article(article))}


def event_body(kind: str, article: Article | None, article_id: str, when: datetime) -> bytes:
    data: dict[str, Any] = article.model_dump(mode="json") if article else {"id": article_id}
    if article is None:
        data["updated_at"] = when.isoformat()
    return json.dumps(
        {"type": kind, "timestamp": when.isoformat(), "data": data}, ensure_ascii=False
    ).encode()


BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
