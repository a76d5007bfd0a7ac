#!/usr/bin/env python3
"""Save-to-visible latency of the live preview, measured in a real browser.

usage: python benchmarks/preview_latency.py [--articles N] [--saves 20] [--css]

--articles 0 (default) copies this edition (config.yaml, content/, templates/,
static/) into a temp folder; N > 0 generates N synthetic articles with
benchmarks/corpus.py. Then it runs `python build.py serve` as its own
process, opens one article in Debian's Chromium, and saves that article
--saves times, half a second apart, each save adding a new first paragraph.

Latency of one save = from just before the file is written to the first
animation frame of the reloaded page that shows the new paragraph, both on
the machine's wall clock (Python time.time() and the page's Date.now()).
It is split at the moment livereload's reload message reaches the page
(server side: coalescing + rebuild + announce; browser side: reload + paint).
Prints median and worst, and the server's own rebuild times.

--css saves static/style.css instead (a new custom property each time) and
measures until the page's computed style has it, without a page reload.
"""
from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from feature.core import urls                           # noqa: E402
from feature.core.diagnostics import Diagnostics         # noqa: E402
from feature.edition.load import find_sources, parse_article  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Every document notes when it first painted with its content.
SHOWN_AT = "addEventListener('DOMContentLoaded', () => requestAnimationFrame(() => { window.__shownAt = Date.now(); }));"
# When livereload's reload message arrived (livereload.js takes window.WebSocket
# when it starts); kept in sessionStorage, because the page then reloads.
MESSAGE_AT = """(() => {
  const Socket = window.WebSocket;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => {
        if (String(e.data).includes('"reload"')) sessionStorage.setItem("messageAt", String(Date.now()));
      });
    }
  };
})();"""


def make_site(n: int, where: Path) -> Path:
    site = where / "site"
    if n == 0:
        site.mkdir()
        shutil.copy(ROOT / "config.yaml", site)
        for name in ("content", "templates", "static"):
            shutil.copytree(ROOT / name, site / name)
        return site
    from corpus import write_edition
    return write_edition(n, site)


def pick_article(site: Path) -> tuple[Path, str]:
    """The middle article: its source and its page's path."""
    sources = find_sources(site / "content")
    source = sources[len(sources) // 2]
    rel = source.relative_to(site / "content")
    article = parse_article(source.read_bytes(), rel, str(rel), Diagnostics())
    return source, urls.article_path(article.section, article.slug)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(site: Path, port: int) -> tuple[subprocess.Popen, list[str]]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)],
                            cwd=site, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    ready = threading.Event()

    def read():
        for line in proc.stderr:
            lines.append(line.rstrip())
            if line.startswith("Preview:"):
                ready.set()
    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(300):
        proc.kill()
        sys.exit("the preview server did not start:\n" + "\n".join(lines))
    return proc, lines


def with_first_paragraph(text: str, paragraph: str) -> str:
    end = text.index("\n---", 3) + len("\n---\n")
    return text[:end] + "\n" + paragraph + "\n\n" + text[end:]


def measure(page, source: Path, original: str, saves: int) -> tuple[list[float], list[float]]:
    """(save → visible, save → livereload message) per save, in ms."""
    from playwright.sync_api import expect
    latencies, messages = [], []
    for i in range(saves):
        marker = f"预览延迟测试第{i + 1}次保存。"
        text = with_first_paragraph(original, marker)
        saved = time.time()
        source.write_text(text, encoding="utf-8")
        expect(page.get_by_text(marker)).to_be_visible(timeout=30_000)
        page.wait_for_function("window.__shownAt !== undefined")
        latencies.append(page.evaluate("window.__shownAt") - saved * 1000)
        messages.append(float(page.evaluate("sessionStorage.getItem('messageAt')")) - saved * 1000)
        print(f"save {i + 1}: {latencies[-1]:.0f} ms (message after {messages[-1]:.0f} ms)",
              file=sys.stderr, flush=True)
        time.sleep(0.5)
    return latencies, messages


def measure_css(page, css: Path, saves: int) -> list[float]:
    """Save → the new rule applies, in the same document (no reload), in ms."""
    original = css.read_text(encoding="utf-8")
    page.evaluate("window.__sameDocument = true")
    latencies = []
    for i in range(saves):
        saved = time.time()
        css.write_text(original + f"\n:root {{ --bench-save: {i + 1}; }}\n", encoding="utf-8")
        page.wait_for_function(
            "getComputedStyle(document.documentElement).getPropertyValue('--bench-save').trim() === "
            f"'{i + 1}' && (window.__cssAt = Date.now())", polling="raf", timeout=30_000)
        latencies.append(page.evaluate("window.__cssAt") - saved * 1000)
        if not page.evaluate("window.__sameDocument === true"):
            sys.exit("the page reloaded on a stylesheet-only save")
        print(f"css save {i + 1}: {latencies[-1]:.0f} ms", file=sys.stderr, flush=True)
        time.sleep(0.5)
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=0, help="0: this edition; N: N synthetic articles")
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--css", action="store_true", help="save static/style.css instead of an article")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory(prefix="preview-bench-") as tmp:
        site = make_site(args.articles, Path(tmp))
        source, page_path = pick_article(site)
        original = source.read_text(encoding="utf-8")
        port = free_port()
        started = time.perf_counter()
        proc, log = start_server(site, port)
        first_build = time.perf_counter() - started
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.add_init_script(SHOWN_AT)
                page.add_init_script(MESSAGE_AT)
                page.goto(f"http://127.0.0.1:{port}/{page_path}")
                page.wait_for_function("window.LiveReload && window.LiveReload.connector.protocol >= 7")
                if args.css:
                    source = site / "static/style.css"
                    latencies, messages = measure_css(page, source, args.saves), []
                else:
                    latencies, messages = measure(page, source, original, args.saves)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(10)
    builds = [int(m.group(1)) for line in log if (m := re.search(r"rebuilt after .* in (\d+) ms", line))]
    articles = len(find_sources(ROOT / "content")) if args.articles == 0 else args.articles
    print(f"edition: {articles} articles; saved {source.relative_to(site)} {args.saves} times "
          f"(server start incl. first build: {first_build:.1f} s)")
    print(f"save → visible: median {statistics.median(latencies):.0f} ms, worst {max(latencies):.0f} ms, "
          f"best {min(latencies):.0f} ms")
    if messages:
        after = [v - m for v, m in zip(latencies, messages)]
        print(f"save → livereload message: median {statistics.median(messages):.0f} ms; "
              f"message → visible: median {statistics.median(after):.0f} ms")
    if builds:
        print(f"server rebuild: median {statistics.median(builds):.0f} ms, worst {max(builds):.0f} ms "
              f"({len(builds)} rebuilds)")
    print("all (ms): " + " ".join(f"{x:.0f}" for x in latencies))
    return 0


if __name__ == "__main__":
    sys.exit(main())
