"""The preview server under load: 200 concurrent clients on loopback while the
article is saved and rebuilt 20 times.

Every article page embeds its build's marker (the text edited per rebuild:
版本N), so a response can be checked for being whole (parses, one marker,
ends with </html>) and of one version; each client's versions never go
backwards. No 5xx, no connection error, no truncated or mixed page; the
server's memory and thread count settle back. Bounded: 20 rebuilds, at most
~60 s, a 10 s timeout per request.
"""
from __future__ import annotations

import http.client
import io
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from bs4 import BeautifulSoup
from livereload.handlers import LiveReloadHandler

from feature.serve import PreviewServer
from tests.conftest import article

CLIENTS = 200
REBUILDS = 20
FILLER = "".join(f"第{k}段，内容足够长，页面有些分量。\n\n" for k in range(60))
PATHS = ["alpha/one/index.html", "alpha/one/index.html", "alpha/one/", "index.html",
         "alpha/index.html", "search/index.json", "beta/three/index.html"]


def body(version: int) -> str:
    return f"版本{version}：开头一段。\n\n" + FILLER + f"版本{version}：结尾一段。\n"


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


@pytest.fixture
def preview(make_edition):
    root = make_edition({
        "content/alpha/one.md": article("第一篇", "alpha", body=body(0)),
        "content/alpha/two.md": article("第二篇", "alpha", body="第二篇正文。\n"),
        "content/beta/three.md": article("第三篇", "beta", body="第三篇正文。\n"),
    })
    LiveReloadHandler.waiters.clear()
    server = PreviewServer(root / "config.yaml", port=0, log=io.StringIO(), window=0.05)
    server.start()
    server.root = root
    yield server
    server.stop()
    LiveReloadHandler.waiters.clear()


class Client:
    """One of the 200: fetches pages in a loop on its own keep-alive connection."""

    def __init__(self, n: int, port: int, stop: threading.Event):
        self.n, self.port, self.stop = n, port, stop
        self.versions: list[int] = []
        self.problems: list[str] = []
        self.requests = 0

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        i = self.n
        while not self.stop.is_set():
            path = PATHS[i % len(PATHS)]
            i += 1
            try:
                conn.request("GET", "/" + path)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.problems.append(f"{path}: {type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                continue
            self.requests += 1
            self.check(path, response.status, data)
        conn.close()

    def check(self, path: str, status: int, data: bytes) -> None:
        if status != 200:
            self.problems.append(f"{path}: HTTP {status}")
            return
        if path.endswith(".json"):
            return
        text = data.decode("utf-8")
        if not text.rstrip().endswith("</html>"):
            self.problems.append(f"{path}: truncated ({len(data)} bytes)")
        if path.startswith("alpha/one"):
            soup = BeautifulSoup(text, "html.parser")
            found = {int(v) for v in re.findall(r"版本(\d+)", soup.select_one("article.story").get_text())}
            if len(found) != 1:
                self.problems.append(f"{path}: versions mixed in one page: {sorted(found)}")
            elif self.versions and min(found) < self.versions[-1]:
                self.problems.append(f"{path}: went back from 版本{self.versions[-1]} to 版本{min(found)}")
            else:
                self.versions.append(found.pop())


def test_two_hundred_clients_during_twenty_rebuilds(preview):
    port = preview.port
    stop = threading.Event()
    clients = [Client(n, port, stop) for n in range(CLIENTS)]
    baseline_threads = threading.active_count()
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for c in clients:
            pool.submit(c.run)
        time.sleep(0.5)                   # all connected and fetching before the first save
        rss_start = rss_kib()
        rss_after = []
        for version in range(1, REBUILDS + 1):
            seq = preview.seq
            (preview.root / "content/alpha/one.md").write_text(
                article("第一篇", "alpha", body=body(version)), encoding="utf-8")
            deadline = time.monotonic() + 15
            while not (preview.seq > seq and preview.good == preview.seq) and time.monotonic() < deadline:
                time.sleep(0.01)
            assert preview.good == preview.seq > seq, f"rebuild {version} did not finish: {preview.status()}"
            rss_after.append(rss_kib())
            assert time.monotonic() - start < 90, "load test over its time bound"
        time.sleep(0.3)
        stop.set()
    elapsed = time.monotonic() - start
    problems = [p for c in clients for p in c.problems]
    requests = sum(c.requests for c in clients)
    last = max(v for c in clients for v in c.versions)
    print(f"\nserve load: {CLIENTS} clients, {requests} requests in {elapsed:.1f} s during "
          f"{REBUILDS} rebuilds, {len(problems)} problems, RSS {rss_start // 1024} → "
          f"{rss_after[-1] // 1024} MiB (after rebuild 10: {rss_after[9] // 1024} MiB)")
    assert problems == []
    assert requests > 2 * CLIENTS and last == REBUILDS
    assert sum(len(set(c.versions)) > 1 for c in clients) > CLIENTS // 2   # most saw pages change
    # Memory settles: the second half of the rebuilds adds little to the first.
    assert rss_after[-1] - rss_after[9] < 40 * 1024, rss_after
    deadline = time.monotonic() + 10
    while threading.active_count() > baseline_threads and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() <= baseline_threads
