"""The preview server under load: 200 concurrent clients on loopback while the
article is saved and rebuilt 20 times.

Every article page embeds its build's marker (the text edited per rebuild:
版本N), so a response can be checked for being whole (one marker,
ends with </html>) and of one version; each client's versions never go
backwards. No 5xx, no connection error, no truncated or mixed page; the
server's memory and thread count settle back. Bounded: 20 rebuilds, at most
~60 s, a 10 s timeout per request.

Three processes, so none starves another of its GIL: the server is the
editor's own command (`build.py serve`), measured alone (its RSS and threads
from /proc); the 200 clients run in a child process; this one only saves the
file and polls the server's status, as an editor's save and browser would.
"""
from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support import ROOT, article

CLIENTS = 200
REBUILDS = 20
FILLER = "".join(f"第{k}段，内容足够长，页面有些分量。\n\n" for k in range(60))
PATHS = ["alpha/one/index.html", "alpha/one/index.html", "alpha/one/", "index.html",
         "alpha/index.html", "search/index.json", "beta/three/index.html"]
# The article's own text, tags dropped: a regex, not a parser, so that 200
# clients in one process spend their GIL on requests, not on parsing.
STORY = re.compile(r'<article class="story">(.*?)</article>', re.S)
TAG = re.compile(r"<[^>]+>")


def body(version: int) -> str:
    return f"版本{version}：开头一段。\n\n" + FILLER + f"版本{version}：结尾一段。\n"


class ServeProcess:
    """`build.py serve --port 0` on a fixture edition, read through /proc and its status route."""

    def __init__(self, root: Path):
        self.root = root
        self.log = root / "serve.log"             # its log, shown when a test fails
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(ROOT / "build.py"), "serve", "--config", str(root / "config.yaml"),
                 "--port", "0"], cwd=root, stderr=log, stdout=log)
        deadline = time.monotonic() + 60
        while not (match := re.search(r"Preview: http://127\.0\.0\.1:(\d+)/", self.log.read_text())):
            assert self.proc.poll() is None and time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.05)
        self.port = int(match.group(1))

    def status(self) -> dict:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", "/__preview/status")
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def proc_status(self, field: str) -> int:
        text = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(rf"{field}:\s+(\d+)", text).group(1))

    def sockets(self) -> int:
        count = 0
        for fd in Path(f"/proc/{self.proc.pid}/fd").iterdir():
            try:
                count += os.readlink(fd).startswith("socket:")
            except FileNotFoundError:           # closed while we looked
                pass
        return count

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        print(f"\n--- build.py serve said:\n{self.log.read_text()}")


@pytest.fixture
def preview(make_edition):
    root = make_edition({
        "content/alpha/one.md": article("第一篇", "alpha", body=body(0)),
        "content/alpha/two.md": article("第二篇", "alpha", body="第二篇正文。\n"),
        "content/beta/three.md": article("第三篇", "beta", body="第三篇正文。\n"),
    })
    server = ServeProcess(root)
    yield server
    server.stop()


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
            story = STORY.search(text)
            found = {int(v) for v in re.findall(r"版本(\d+)", TAG.sub("", story.group(1)) if story else "")}
            if len(found) != 1:
                self.problems.append(f"{path}: versions mixed in one page: {sorted(found)}")
            elif self.versions and min(found) < self.versions[-1]:
                self.problems.append(f"{path}: went back from 版本{self.versions[-1]} to 版本{min(found)}")
            else:
                self.versions.append(found.pop())


def rebuild(preview: ServeProcess, version: int, start: float) -> int:
    """Save version N, wait until the server has built it; the server's RSS (KiB) then."""
    seq = preview.status()["seq"]
    (preview.root / "content/alpha/one.md").write_text(
        article("第一篇", "alpha", body=body(version)), encoding="utf-8")
    deadline = time.monotonic() + 15
    while not ((now := preview.status())["seq"] > seq and now["good"] == now["seq"]) \
            and time.monotonic() < deadline:
        time.sleep(0.01)
    assert now["good"] == now["seq"] > seq, f"rebuild {version} did not finish: {now}"
    assert time.monotonic() - start < 90, "load test over its time bound"
    return preview.proc_status("VmRSS")


def wait_for_clients(preview: ServeProcess) -> None:
    """Until the server holds all the clients' connections (its fds: sockets), at most 30 s."""
    deadline = time.monotonic() + 30
    while preview.sockets() < CLIENTS and time.monotonic() < deadline:
        time.sleep(0.1)
    assert preview.sockets() >= CLIENTS, f"only {preview.sockets()} of {CLIENTS} clients connected in 30 s"
    time.sleep(0.5)                       # all fetching before the first save


def run_clients(port: int, count: int, stop, results) -> None:
    """The child process: `count` clients until `stop`, then each one's (requests, versions, problems)."""
    local_stop = threading.Event()
    clients = [Client(n, port, local_stop) for n in range(count)]
    with ThreadPoolExecutor(max_workers=count) as pool:
        for c in clients:
            pool.submit(c.run)
        stop.wait(120)
        local_stop.set()
    results.put([(c.requests, c.versions, c.problems) for c in clients])


def test_two_hundred_clients_during_twenty_rebuilds(preview):
    spawn = multiprocessing.get_context("spawn")     # no fork of a threaded pytest
    stop, results = spawn.Event(), spawn.Queue()
    load = spawn.Process(target=run_clients, args=(preview.port, CLIENTS, stop, results), daemon=True)
    baseline_threads = preview.proc_status("Threads")
    load.start()
    try:
        wait_for_clients(preview)
        start = time.monotonic()
        rss_start = preview.proc_status("VmRSS")
        rss_after = [rebuild(preview, version, start) for version in range(1, REBUILDS + 1)]
        time.sleep(0.3)
    finally:
        stop.set()                        # a failed rebuild must not leave 200 clients looping
    clients = results.get(timeout=60)
    load.join(10)
    elapsed = time.monotonic() - start
    problems = [p for _, _, found in clients for p in found]
    requests = sum(n for n, _, _ in clients)
    last = max(v for _, versions, _ in clients for v in versions)
    print(f"\nserve load: {CLIENTS} clients, {requests} requests in {elapsed:.1f} s during "
          f"{REBUILDS} rebuilds, {len(problems)} problems, server RSS {rss_start // 1024} → "
          f"{rss_after[-1] // 1024} MiB (after rebuild 10: {rss_after[9] // 1024} MiB)")
    assert problems == []
    assert requests > 2 * CLIENTS and last == REBUILDS
    assert sum(len(set(versions)) > 1 for _, versions, _ in clients) > CLIENTS // 2   # most saw pages change
    # Memory settles: the second half of the rebuilds adds little to the first.
    assert rss_after[-1] - rss_after[9] < 16 * 1024, rss_after
    deadline = time.monotonic() + 10
    while preview.proc_status("Threads") > baseline_threads and time.monotonic() < deadline:
        time.sleep(0.05)
    assert preview.proc_status("Threads") <= baseline_threads
