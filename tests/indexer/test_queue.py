"""The SQLite job queue: dedupe, per-article order, leases after a crash, retries, dead letters."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from indexer.queue import ArticleState, JobQueue


def test_enqueue_dedupes_by_webhook_id_and_survives_reopen(tmp_path: Path) -> None:
    q = JobQueue.in_dir(tmp_path)
    job, created = q.enqueue("upsert", {"a": 1}, webhook_id="msg_1", article_id="x", version=1.0)
    again, created2 = q.enqueue("upsert", {"a": 2}, webhook_id="msg_1", article_id="x", version=2.0)
    assert created and not created2 and again == job
    q.close()
    reopened = JobQueue.in_dir(tmp_path)
    stored = reopened.get(job)
    assert stored is not None and stored.payload == {"a": 1} and stored.status == "queued"
    assert reopened.get("missing") is None
    assert reopened._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_one_article_at_a_time_in_arrival_order(tmp_path: Path) -> None:
    q = JobQueue.in_dir(tmp_path)
    a1, _ = q.enqueue("upsert", {}, article_id="a", version=1)
    a2, _ = q.enqueue("upsert", {}, article_id="a", version=2)
    b1, _ = q.enqueue("delete", {}, article_id="b", version=1)
    first = q.claim(10)
    assert [j.id for j in first] == [a1, b1]  # a2 waits for a1
    assert q.claim(10) == []
    q.finish(a1, "done", state=ArticleState("a", 1, False, time.time()))
    assert [j.id for j in q.claim(10)] == [a2]


def test_jobs_of_a_killed_worker_are_claimed_again(tmp_path: Path) -> None:
    code = (
        "import sys; from indexer.queue import JobQueue; "
        "q = JobQueue(sys.argv[1], lease_seconds=3600);"
        "print(len(q.claim(5)))"
    )
    q = JobQueue.in_dir(tmp_path)
    ids = [q.enqueue("upsert", {}, article_id=f"a{i}", version=1)[0] for i in range(3)]
    out = subprocess.run(
        [sys.executable, "-c", code, str(q.path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        env=os.environ.copy(),
    )
    assert out.stdout.strip() == "3"
    assert q.counts() == {"running": 3}
    # the other process is gone: its long leases do not hold the jobs hostage
    assert sorted(j.id for j in q.claim(5)) == sorted(ids)


def test_expired_lease_is_reclaimed_and_renew_keeps_it(tmp_path: Path) -> None:
    q = JobQueue.in_dir(tmp_path, lease_seconds=0.2)
    job, _ = q.enqueue("upsert", {}, article_id="a", version=1)
    other = JobQueue.in_dir(tmp_path, lease_seconds=0.2)
    other.owner = "elsewhere:1:x"  # another machine: only the lease tells
    assert [j.id for j in other.claim(1)] == [job]
    other.renew([job])
    assert q.claim(1) == []
    deadline = time.monotonic() + 5
    while not (got := q.claim(1)):
        assert time.monotonic() < deadline
        time.sleep(0.05)  # waiting for the lease to expire is the point of this test
    assert [j.id for j in got] == [job]


def test_retry_backoff_dead_letters_and_manual_retry(tmp_path: Path) -> None:
    q = JobQueue.in_dir(tmp_path)
    job, _ = q.enqueue("fetch", {"url": "http://cms/x"}, article_id="a", version=1)
    assert q.claim(1)
    assert q.retry_later(job, "CMS 503", delay=60) == 1
    assert q.claim(1) == []  # not due yet
    q.finish(job, "failed", "gave up: CMS 503", attempts=5)
    dead = q.dead_letters()
    assert [(d["id"], d["error"], d["attempts"]) for d in dead] == [(job, "gave up: CMS 503", 5)]
    assert q.get(job).public() == {"id": job, "status": "failed", "error": "gave up: CMS 503"}  # type: ignore[union-attr]
    assert q.retry(job) and not q.retry(job)
    assert q.dead_letters() == [] and [j.id for j in q.claim(1)] == [job]


def test_pause_lease_blocks_claims(tmp_path: Path) -> None:
    q = JobQueue.in_dir(tmp_path)
    q.enqueue("upsert", {}, article_id="a", version=1)
    assert q.acquire_pause("r1", 30)
    assert not q.acquire_pause("r2", 30)
    assert q.paused() and q.claim(1) == []
    q.release_pause("r1")
    assert len(q.claim(1)) == 1


def test_article_state_never_goes_back(tmp_path: Path) -> None:
    q = JobQueue.in_dir(tmp_path)
    j1, _ = q.enqueue("delete", {}, article_id="a", version=5)
    j2, _ = q.enqueue("upsert", {}, article_id="a", version=3)
    q.finish_many([(j1, ArticleState("a", 5, True, 0))])
    q.finish_many([(j2, ArticleState("a", 3, False, 0))])
    state = q.article_state("a")
    assert state is not None and state.version == 5 and state.deleted


def test_cli_lists_and_retries_dead_letters(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from qawl.cli import app

    q = JobQueue.in_dir(tmp_path)
    job, _ = q.enqueue("fetch", {"url": "http://cms/x"}, article_id="a", version=1)
    q.claim(1)
    q.finish(job, "failed", "the CMS answered 404")
    q.close()
    monkeypatch.setenv("QAWL_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    listed = runner.invoke(app, ["jobs", "--failed"])
    assert listed.exit_code == 0, listed.output
    dead = [(d["id"], d["error"]) for d in json.loads(listed.stdout)]
    assert dead == [(job, "the CMS answered 404")]
    assert runner.invoke(app, ["jobs", "--retry", job]).exit_code == 0
    assert runner.invoke(app, ["jobs", "--retry", job]).exit_code == 2  # no longer failed
    assert json.loads(runner.invoke(app, ["jobs"]).stdout)["counts"] == {"queued": 1}
