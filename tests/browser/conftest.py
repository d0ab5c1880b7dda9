"""Browser tests: Debian's headless Chromium drives the search page of a real `qawl dev`.

`qawl dev` runs as a subprocess with its own QAWL_DATA_DIR (so a fresh managed Meilisearch) and
`--seeds` pointing at a copy of seeds/ plus one hostile article. Nothing is downloaded: the
browser and driver are /usr/bin/chromium and /usr/bin/chromedriver (scripts/test-deps.sh).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from indexer.meili.managed import free_port
from tests.conftest import REPO, SEEDS

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = REPO / "test-output" / "browser"

# An article whose fields carry markup and script: the page must show it as text.
HOSTILE_ARTICLE: dict[str, Any] = {
    "id": "zz_hostile",
    "title": "<script>window.__qawlPwned = 1</script> خبر تجريبي",
    "body": (
        "قال المتحدث باسم وزارة الصحة إن 500 شخص أصيبوا "
        '<img src=x onerror="window.__qawlPwned = 2"> '
        "في المدينة &lt;script&gt;window.__qawlPwned = 3&lt;/script&gt; خلال الأسبوع الماضي."
    ),
    "url": "javascript:window.__qawlPwned = 4",
    "source": '<img src=x onerror="window.__qawlPwned = 5">مصدر تجريبي',
    "published_at": "2024-03-05T10:00:00Z",
    "language": "ar",
}


@dataclass
class DevServer:
    url: str
    data_dir: Path
    proc: subprocess.Popen[bytes]
    log: Path
    extra: dict[str, Any] = field(default_factory=dict)

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The public API, queried directly (to compare the page with it)."""
        response = httpx.post(
            f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=30
        )
        body: dict[str, Any] = response.json()
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def meilisearch_pids(self) -> list[int]:
        """This server's managed Meilisearch: its --db-path lies under our data dir."""
        marker = str(self.data_dir)
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if (
                argv
                and argv[0].endswith(b"meilisearch")
                and any(marker.encode() in a for a in argv)
            ):
                pids.append(int(entry.name))
        return pids

    def stop_meilisearch(self) -> None:
        pids = self.meilisearch_pids()
        assert pids, "the managed Meilisearch process was not found"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while self.meilisearch_pids() and time.monotonic() < deadline:
            time.sleep(0.05)  # waiting for a process to exit; there is nothing else to wait on


def _start_server(tmp: Path, seeds_dir: Path, extra_env: dict[str, str] | None = None) -> DevServer:
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"MEILI_URL", "MEILI_MASTER_KEY", "QAWL_API_KEYS"}
    }
    # one browser and the test's own API calls share 127.0.0.1: lift the anonymous rate limit
    env.update(
        QAWL_DATA_DIR=str(tmp / "data"),
        QAWL_ENV="development",
        QAWL_ANON_RATE_LIMIT="100000",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra_env or {})
    log = tmp / "qawl-dev.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "qawl", "dev", "--port", str(port), "--seeds", str(seeds_dir)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = DevServer(f"http://127.0.0.1:{port}", tmp / "data", proc, log)
    deadline = time.monotonic() + 90
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                tail = log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"qawl dev exited with {proc.returncode}:\n{tail}")
            try:
                if client.get(f"{server.url}/readyz").status_code == 200:
                    return server
            except httpx.HTTPError:
                pass
            time.sleep(0.1)  # polling a starting server's readiness endpoint
    _stop_server(server)
    raise RuntimeError(f"qawl dev not ready in 90 s:\n{log.read_text(errors='replace')[-3000:]}")


def _stop_server(server: DevServer) -> None:
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGINT)
        try:
            server.proc.wait(20)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait()
    for pid in server.meilisearch_pids():  # never leave our Meilisearch behind
        os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def seeds_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seeds")
    for path in SEEDS.iterdir():
        shutil.copy(path, folder / path.name)
    (folder / "zz_hostile.json").write_text(
        json.dumps(HOSTILE_ARTICLE, ensure_ascii=False), encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="session")
def dev_server(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Iterator[DevServer]:
    server = _start_server(tmp_path_factory.mktemp("qawl-dev"), seeds_dir)
    try:
        yield server
    finally:
        _stop_server(server)


@pytest.fixture
def fresh_server(
    tmp_path: Path, seeds_dir: Path, request: pytest.FixtureRequest
) -> Iterator[DevServer]:
    """A server of its own, for tests that break or configure it (indirect param: extra env)."""
    server = _start_server(tmp_path, seeds_dir, getattr(request, "param", None))
    try:
        yield server
    finally:
        _stop_server(server)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    assert CHROMIUM.exists() and CHROMEDRIVER.exists(), (
        "run scripts/test-deps.sh (Debian chromium, chromium-driver)"
    )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-extensions",
        "--lang=ar",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: WebDriver) -> Iterator[WebDriver]:
    browser.set_window_size(1280, 900)
    yield browser
    browser.get("about:blank")


def wait_for(driver: WebDriver, condition: Callable[[WebDriver], Any], timeout: float = 15) -> Any:
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition)


def wait_state(driver: WebDriver, *states: str, timeout: float = 15) -> str:
    """Wait until the page settles in one of ``states`` (body[data-state])."""
    state: str = wait_for(
        driver,
        lambda d: (s := d.execute_script("return document.body.dataset.state")) in states and s,
        timeout,
    )
    return state


def screenshot(driver: WebDriver, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if full_page:
        width = driver.get_window_size()["width"]
        height = int(driver.execute_script("return document.documentElement.scrollHeight"))
        original = driver.get_window_size()
        driver.set_window_size(width, min(max(height + 120, 600), 4000))
        driver.save_screenshot(str(path))
        driver.set_window_size(original["width"], original["height"])
    else:
        driver.save_screenshot(str(path))
    return path
