"""The durable webhook queue: one SQLite file (WAL) under ``QAWL_DATA_DIR``.

Tables:
- ``jobs``: one row per accepted event (or admin re-index), ``seq`` gives arrival order,
  ``webhook_id`` is unique so a redelivered webhook maps to the job already accepted.
- ``dead_letters``: jobs that kept failing, with their last error (``qawl jobs --failed``).
- ``article_state``: the version (``updated_at``) last applied per article, with a tombstone for
  deletes, so older events are skipped and a delete is never undone by a late edit.
- ``control``: the re-index pause lease (workers claim nothing while it is held).

Workers claim jobs with a lease (``lease_owner``/``lease_until``) inside ``BEGIN IMMEDIATE``: a
worker that dies (SIGKILL) leaves ``running`` jobs whose lease expires, or whose owner process is
gone, and they are claimed again. Jobs of one article run one at a time, in arrival order.
Several processes (the API's in-process worker, ``qawl worker``) can share the file.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

JobStatus = Literal["queued", "running", "done", "failed", "skipped"]
TERMINAL: frozenset[str] = frozenset({"done", "failed", "skipped"})
QUEUE_FILE = "queue.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    webhook_id TEXT UNIQUE,
    kind TEXT NOT NULL,
    article_id TEXT,
    version REAL,
    payload BLOB NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    next_run_at REAL NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until REAL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, next_run_at, seq);
CREATE INDEX IF NOT EXISTS jobs_article ON jobs(article_id, seq);
CREATE TABLE IF NOT EXISTS dead_letters (
    job_id TEXT PRIMARY KEY,
    error TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    failed_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS article_state (
    article_id TEXT PRIMARY KEY,
    version REAL NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    applied_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS article_state_applied ON article_state(applied_at);
CREATE TABLE IF NOT EXISTS control (
    key TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    until REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Job:
    id: str
    seq: int
    kind: str
    article_id: str | None
    version: float | None
    payload: dict[str, Any]
    status: str
    attempts: int
    error: str | None
    webhook_id: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0

    def public(self) -> dict[str, Any]:
        """The ``GET /v1/jobs/{id}`` shape."""
        out: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.error:
            out["error"] = self.error
        return out


@dataclass(frozen=True)
class ArticleState:
    article_id: str
    version: float
    deleted: bool
    applied_at: float


def process_owner() -> str:
    """``host:pid:nonce``; the nonce tells a restarted process (same pid in a container) apart."""
    return f"{socket.gethostname()}:{os.getpid()}:{_NONCE}"


_NONCE = uuid.uuid4().hex[:8]


def _owner_is_dead(owner: str) -> bool:
    """True when ``owner`` names a process on this host that no longer runs (or an older us)."""
    host, _, rest = owner.partition(":")
    pid_s, _, nonce = rest.partition(":")
    if host != socket.gethostname() or not pid_s.isdigit():
        return False  # another machine/container: only its lease expiry tells
    pid = int(pid_s)
    if pid == os.getpid():
        return nonce != _NONCE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class JobQueue:
    """Thread-safe access to the queue file; call from async code via ``asyncio.to_thread``."""

    def __init__(self, path: Path | str, *, lease_seconds: float = 15.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lease_seconds = lease_seconds
        self.owner = process_owner()
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: a 202 means the event is on disk, even across a power cut
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=30000")
        for stmt in filter(None, (s.strip() for s in _SCHEMA.split(";"))):
            self._db.execute(stmt)

    @classmethod
    def in_dir(cls, data_dir: Path | str, **kwargs: Any) -> JobQueue:
        return cls(Path(data_dir) / QUEUE_FILE, **kwargs)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextlib.contextmanager
    def _tx(self, immediate: bool = True) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- producers -----------------------------------------------------------------------------
    def enqueue(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        webhook_id: str | None = None,
        article_id: str | None = None,
        version: float | None = None,
        status: str = "queued",
    ) -> tuple[str, bool]:
        """Persist a job; returns ``(job_id, created)``. A known ``webhook_id`` returns its job."""
        now = time.time()
        job_id = uuid.uuid4().hex
        with self._tx() as db:
            if webhook_id is not None:
                row = db.execute(
                    "SELECT id FROM jobs WHERE webhook_id = ?", (webhook_id,)
                ).fetchone()
                if row:
                    return str(row[0]), False
            db.execute(
                "INSERT INTO jobs (id, webhook_id, kind, article_id, version, payload, status, "
                "lease_owner, lease_until, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    job_id,
                    webhook_id,
                    kind,
                    article_id,
                    version,
                    orjson.dumps(payload),
                    status,
                    self.owner if status == "running" else None,
                    now + self.lease_seconds if status == "running" else None,
                    now,
                    now,
                ),
            )
        return job_id, True

    # -- workers -------------------------------------------------------------------------------
    def claim(
        self, limit: int, kinds: tuple[str, ...] = ("upsert", "delete", "fetch")
    ) -> list[Job]:
        """Lease up to ``limit`` runnable jobs: queued and due, or running with a dead lease.

        A job is runnable only when no earlier job of the same article is unfinished, so the jobs
        of one article never run concurrently or out of arrival order.
        """
        now = time.time()
        marks = ",".join("?" * len(kinds))
        with self._tx() as db:
            if self._paused(db, now):
                return []
            self._reclaim(db, now)
            rows = db.execute(
                f"""SELECT j.seq FROM jobs j
                    WHERE j.status = 'queued' AND j.next_run_at <= ? AND j.kind IN ({marks})
                      AND NOT EXISTS (
                        SELECT 1 FROM jobs e
                        WHERE e.article_id = j.article_id AND e.seq < j.seq
                          AND e.status IN ('queued', 'running'))
                    ORDER BY j.seq LIMIT ?""",
                (now, *kinds, limit),
            ).fetchall()
            seqs = [r[0] for r in rows]
            if not seqs:
                return []
            qmarks = ",".join("?" * len(seqs))
            db.execute(
                f"UPDATE jobs SET status='running', lease_owner=?, lease_until=?, updated_at=? "
                f"WHERE seq IN ({qmarks})",
                (self.owner, now + self.lease_seconds, now, *seqs),
            )
            got = db.execute(f"SELECT * FROM jobs WHERE seq IN ({qmarks}) ORDER BY seq", seqs)
            return [_job(r, got.description) for r in got.fetchall()]

    def _reclaim(self, db: sqlite3.Connection, now: float) -> None:
        """Running jobs whose lease expired or whose owner process died go back to queued."""
        rows = db.execute(
            "SELECT seq, kind, lease_owner, lease_until FROM jobs WHERE status = 'running'"
        ).fetchall()
        for seq, kind, owner, until in rows:
            if owner == self.owner:
                continue
            if (until is not None and until < now) or (owner and _owner_is_dead(owner)):
                if kind == "reindex":  # a re-index is not resumed: report it interrupted
                    db.execute(
                        "UPDATE jobs SET status='failed', error=?, lease_owner=NULL, updated_at=? "
                        "WHERE seq=?",
                        ("interrupted (the process running it stopped)", now, seq),
                    )
                else:
                    db.execute(
                        "UPDATE jobs SET status='queued', lease_owner=NULL, lease_until=NULL, "
                        "updated_at=? WHERE seq=?",
                        (now, seq),
                    )

    def reclaim(self) -> None:
        with self._tx() as db:
            self._reclaim(db, time.time())

    def renew(self, job_ids: list[str]) -> None:
        """Extend the leases of jobs this process is working on (heartbeat)."""
        if not job_ids:
            return
        now = time.time()
        marks = ",".join("?" * len(job_ids))
        with self._tx() as db:
            db.execute(
                "UPDATE jobs SET lease_until=? WHERE status='running' AND lease_owner=? "
                f"AND id IN ({marks})",
                (now + self.lease_seconds, self.owner, *job_ids),
            )

    def finish(
        self,
        job_id: str,
        status: JobStatus,
        error: str | None = None,
        state: ArticleState | None = None,
        attempts: int | None = None,
    ) -> None:
        """Mark a job done/skipped/failed; with ``state``, record the article version applied."""
        now = time.time()
        with self._tx() as db:
            db.execute(
                "UPDATE jobs SET status=?, error=?, attempts=COALESCE(?, attempts), "
                "lease_owner=NULL, "
                "lease_until=NULL, updated_at=? WHERE id=?",
                (status, error, attempts, now, job_id),
            )
            if state is not None:
                self._record(db, state, now)
            if status == "failed":
                row = db.execute("SELECT attempts FROM jobs WHERE id=?", (job_id,)).fetchone()
                db.execute(
                    "INSERT OR REPLACE INTO dead_letters (job_id, error, attempts, failed_at) "
                    "VALUES (?,?,?,?)",
                    (job_id, error or "failed", row[0] if row else 0, now),
                )

    def finish_many(self, done: list[tuple[str, ArticleState]]) -> None:
        """Mark jobs done and record their article versions, in one transaction."""
        now = time.time()
        with self._tx() as db:
            for job_id, state in done:
                db.execute(
                    "UPDATE jobs SET status='done', error=NULL, lease_owner=NULL, "
                    "lease_until=NULL, "
                    "updated_at=? WHERE id=?",
                    (now, job_id),
                )
                self._record(db, state, now)

    def retry_later(self, job_id: str, error: str, delay: float, *, count: bool = True) -> int:
        """Back to queued after ``delay`` s; ``count`` adds an attempt. Returns the attempts."""
        now = time.time()
        with self._tx() as db:
            db.execute(
                "UPDATE jobs SET status='queued', error=?, attempts=attempts+?, next_run_at=?, "
                "lease_owner=NULL, lease_until=NULL, updated_at=? WHERE id=?",
                (error, int(count), now + delay, now, job_id),
            )
            row = db.execute("SELECT attempts FROM jobs WHERE id=?", (job_id,)).fetchone()
        return int(row[0]) if row else 0

    # -- article versions ----------------------------------------------------------------------
    @staticmethod
    def _record(db: sqlite3.Connection, state: ArticleState, now: float) -> None:
        db.execute(
            "INSERT INTO article_state (article_id, version, deleted, applied_at) "
            "VALUES (?,?,?,?) ON CONFLICT(article_id) DO UPDATE SET "
            "version=MAX(version, excluded.version), deleted=CASE WHEN excluded.version >= "
            "version THEN excluded.deleted ELSE deleted END, applied_at=excluded.applied_at",
            (state.article_id, state.version, int(state.deleted), now),
        )

    def article_states(self, article_ids: list[str]) -> dict[str, ArticleState]:
        out: dict[str, ArticleState] = {}
        with self._lock:
            for i in range(0, len(article_ids), 500):
                chunk = article_ids[i : i + 500]
                rows = self._db.execute(
                    "SELECT article_id, version, deleted, applied_at FROM article_state "
                    f"WHERE article_id IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
                out.update({r[0]: ArticleState(r[0], r[1], bool(r[2]), r[3]) for r in rows})
        return out

    def article_state(self, article_id: str) -> ArticleState | None:
        with self._lock:
            row = self._db.execute(
                "SELECT article_id, version, deleted, applied_at FROM article_state "
                "WHERE article_id=?",
                (article_id,),
            ).fetchone()
        return ArticleState(row[0], row[1], bool(row[2]), row[3]) if row else None

    def applied_since(self, since: float) -> list[ArticleState]:
        with self._lock:
            rows = self._db.execute(
                "SELECT article_id, version, deleted, applied_at FROM article_state "
                "WHERE applied_at >= ? ORDER BY applied_at",
                (since,),
            ).fetchall()
        return [ArticleState(r[0], r[1], bool(r[2]), r[3]) for r in rows]

    # -- pause lease (re-index) ----------------------------------------------------------------
    def _paused(self, db: sqlite3.Connection, now: float) -> bool:
        row = db.execute("SELECT until FROM control WHERE key='pause'").fetchone()
        return bool(row and row[0] > now)

    def paused(self) -> bool:
        with self._lock:
            return self._paused(self._db, time.time())

    def acquire_pause(self, owner: str, seconds: float) -> bool:
        """Take (or extend, for the same owner) the pause lease; False if someone else holds it."""
        now = time.time()
        with self._tx() as db:
            row = db.execute("SELECT owner, until FROM control WHERE key='pause'").fetchone()
            if row and row[0] != owner and row[1] > now:
                return False
            db.execute(
                "INSERT OR REPLACE INTO control (key, owner, until) VALUES ('pause', ?, ?)",
                (owner, now + seconds),
            )
        return True

    def release_pause(self, owner: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM control WHERE key='pause' AND owner=?", (owner,))

    def running_count(self, kinds: tuple[str, ...] = ("upsert", "delete", "fetch")) -> int:
        """Jobs running under a live lease (a dead worker's jobs are reclaimed first)."""
        marks = ",".join("?" * len(kinds))
        with self._tx() as db:
            self._reclaim(db, time.time())
            row = db.execute(
                f"SELECT COUNT(*) FROM jobs WHERE status='running' AND kind IN ({marks})",
                kinds,
            ).fetchone()
        return int(row[0])

    # -- reading -------------------------------------------------------------------------------
    def get(self, job_id: str) -> Job | None:
        with self._lock:
            cur = self._db.execute("SELECT * FROM jobs WHERE id=?", (job_id,))
            row = cur.fetchone()
            return _job(row, cur.description) if row else None

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall()
        return {str(s): int(n) for s, n in rows}

    def pending(self) -> int:
        """Jobs not finished yet (queued or running)."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM jobs WHERE status IN ('queued','running')"
            ).fetchone()
        return int(row[0])

    def dead_letters(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT d.job_id, j.kind, j.article_id, d.attempts, d.error, d.failed_at "
                "FROM dead_letters d JOIN jobs j ON j.id = d.job_id WHERE j.status = 'failed' "
                "ORDER BY d.failed_at"
            ).fetchall()
        keys = ("id", "kind", "article_id", "attempts", "error", "failed_at")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def retry(self, job_id: str) -> bool:
        """Put a failed (dead-lettered) job back in the queue; False when there is none."""
        now = time.time()
        with self._tx() as db:
            cur = db.execute(
                "UPDATE jobs SET status='queued', attempts=0, error=NULL, next_run_at=0, "
                "updated_at=? "
                "WHERE id=? AND status='failed' AND kind != 'reindex'",
                (now, job_id),
            )
            if cur.rowcount:
                db.execute("DELETE FROM dead_letters WHERE job_id=?", (job_id,))
        return bool(cur.rowcount)

    def prune(self, older_than_s: float) -> int:
        """Forget finished jobs (not dead letters) older than ``older_than_s`` seconds."""
        cutoff = time.time() - older_than_s
        with self._tx() as db:
            cur = db.execute(
                "DELETE FROM jobs WHERE status IN ('done','skipped') AND updated_at < ?", (cutoff,)
            )
        return int(cur.rowcount)


def _job(row: tuple[Any, ...], description: Any) -> Job:
    rec = {d[0]: v for d, v in zip(description, row, strict=True)}
    return Job(
        id=rec["id"],
        seq=rec["seq"],
        kind=rec["kind"],
        article_id=rec["article_id"],
        version=rec["version"],
        payload=orjson.loads(rec["payload"]),
        status=rec["status"],
        attempts=rec["attempts"],
        error=rec["error"],
        webhook_id=rec["webhook_id"],
        created_at=rec["created_at"],
        updated_at=rec["updated_at"],
    )
