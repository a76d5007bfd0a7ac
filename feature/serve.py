"""`python build.py serve`: build, serve the output folder, rebuild on save, reload the browser.

Three threads share one `PreviewServer`:
- the watcher (watch.py) turns file events into coalesced batches;
- the rebuild loop runs `IncrementalBuilder.build(changed)` per batch and
  publishes the outcome under a build counter (`seq`; `good` = the last
  build that succeeded);
- the HTTP server serves the output folder with a small client script
  injected into HTML. The client long-polls `/__preview/wait`, which answers
  as soon as `seq` moves past what the page has seen. A page carries the
  counters of the moment it was read, so a build that finished while it was
  loading is caught by its first poll: no save is ever lost, unlike
  python-livereload's websocket with its 3-second reload window.

A failed build leaves the last good output in place (write.py swaps folders
atomically), prints its errors, and sends them to the client as an overlay.
The client script lives beside this module, never in static/, so it cannot
ship in a production build.
"""
from __future__ import annotations

import json
import mimetypes
import re
import secrets
import sys
import threading
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote

from .diagnostics import BuildError
from .incremental import IncrementalBuilder
from .watch import Batch, SourceWatcher
from .write import OutputRefused

POLL_TIMEOUT = 25.0      # seconds a long-poll waits before answering "nothing new"


class PreviewServer:
    def __init__(self, config_path: Path, out_dir: Path | None = None, base_url: str | None = None,
                 host: str = "127.0.0.1", port: int = 8000, log=sys.stderr, window: float | None = None):
        self.config_path = Path(config_path).resolve()
        self.out_override = Path(out_dir).resolve() if out_dir else None
        self.base_url = base_url
        self.host, self.port, self.log = host, port, log
        self.builder = IncrementalBuilder(self.config_path, self.out_override, base_url)
        root = self.config_path.parent
        self.watcher = SourceWatcher(self.config_path, [root / "content", root / "templates", root / "static"],
                                     **({"window": window} if window is not None else {}))
        self.epoch = secrets.token_hex(4)      # a restarted server makes open pages reload
        self.builds = 0                        # build attempts, the initial one included
        self.reloads = 0                       # good rebuilds announced to browsers
        self.seq = 0                           # completed build attempts
        self.good = 0                          # seq of the build now in the output folder
        self.errors: list[str] = []            # of the latest attempt; [] when it succeeded
        self._css_only: dict[int, bool] = {}   # good seq → only stylesheets changed
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._http: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self.out_dir, self.site_path = self._site_location()

    # ---- life cycle -------------------------------------------------------
    def start(self) -> str:
        """Build once, then serve and watch in background threads; return the URL."""
        self.watcher.start()          # before the first build: saves made during it count
        self._rebuild(None)
        self._http = _HTTPServer((self.host, self.port), PreviewHandler)
        self._http.preview = self
        self.port = self._http.server_address[1]
        for target in (self._http.serve_forever, self._rebuild_loop):
            t = threading.Thread(target=target, daemon=True, name=f"preview-{target.__name__}")
            t.start()
            self._threads.append(t)
        return self.url

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}{self.site_path}"

    def stop(self) -> None:
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()   # wake long-polls so their threads end
        self.watcher.stop()
        if self._http:
            self._http.shutdown()
            self._http.server_close()
        for t in self._threads:
            t.join(timeout=5)

    # ---- building -------------------------------------------------------
    def _rebuild_loop(self) -> None:
        while not self._stopping.is_set():
            batch = self.watcher.next_batch()
            if batch is None:
                return
            self._rebuild(batch)

    def _rebuild(self, batch: Batch | None) -> bool:
        changed = None if batch is None or batch.everything else set(batch.paths)
        self.builds += 1
        start = time.perf_counter()
        errors, result = [], None
        try:
            result = self.builder.build(changed)
        except BuildError as exc:
            errors = [str(d) for d in exc.diagnostics if d.severity == "error"] or [str(exc)]
        except OutputRefused as exc:
            errors = [f"error: {exc}"]
        except Exception as exc:        # a bug must not kill the preview: show it, keep serving
            traceback.print_exc(file=self.log)
            errors = [_describe_crash(exc)]
        ms = (time.perf_counter() - start) * 1000
        if not errors and batch and batch.everything:
            self.out_dir, self.site_path = self._site_location()   # config may move them
        with self._cond:
            self.seq += 1
            self.errors = errors
            if not errors:
                self.good = self.seq
                self._css_only[self.seq] = self._stylesheets_only(batch)
                if batch is not None:
                    self.reloads += 1
            self._cond.notify_all()
        self._report(batch, errors, result, ms)
        return not errors

    def _stylesheets_only(self, batch: Batch | None) -> bool:
        static = self.config_path.parent / "static"
        return bool(batch and not batch.everything and batch.paths and all(
            p.suffix == ".css" and p.is_relative_to(static) for p in batch.paths))

    def _site_location(self) -> tuple[Path, str]:
        from .config import load_config
        try:
            config = load_config(self.config_path).with_overrides(base_url=self.base_url)
        except BuildError:
            return self.out_override or self.config_path.parent / "dist", "/"
        return self.out_override or config.output_dir, config.site_path

    def _report(self, batch, errors, result, ms) -> None:
        when = time.strftime("%H:%M:%S")
        what = "built" if batch is None else "rebuilt"
        if batch is not None:
            names = sorted(_shown(p, self.config_path.parent) for p in batch.paths)
            what += f" after {', '.join(names[:3])}{' …' if len(names) > 3 else ''}"
        if errors:
            for line in errors:
                print(line, file=self.log)
            print(f"[{when}] build failed: {len(errors)} error(s); still serving the last good build",
                  file=self.log, flush=True)
            return
        for w in result.warnings:
            print(str(w), file=self.log)
        written = result.written or {}
        print(f"[{when}] {what} in {ms:.0f} ms ({written.get('written', 0)} written, "
              f"{written.get('linked', 0)} unchanged)", file=self.log, flush=True)

    # ---- what the client polls ------------------------------------------
    def wait_for_news(self, seq: int, good: int, epoch: str, timeout: float = POLL_TIMEOUT) -> dict:
        """Answer at once if the client is behind, else when the next build completes."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while (seq == self.seq and epoch == self.epoch and not self._stopping.is_set()
                   and time.monotonic() < deadline):
                self._cond.wait(max(0.0, deadline - time.monotonic()))
            css_only = all(flag for s, flag in self._css_only.items() if good < s <= self.good)
            return {"epoch": self.epoch, "seq": self.seq, "good": self.good,
                    "errors": list(self.errors), "css_only": css_only and self.good > good}

    def counters(self) -> tuple[int, int]:
        """(seq, good) as of now; read before the file, so the file is at least this new."""
        with self._cond:
            return self.seq, self.good


# ---- HTTP -------------------------------------------------------------------
CLIENT_JS = Path(__file__).with_name("serve_client.js")
TEXT_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".json": "application/json",
              ".xml": "application/xml", ".txt": "text/plain", ".svg": "image/svg+xml", ".webmanifest":
              "application/manifest+json"}
FINGERPRINT = re.compile(r"\.[0-9a-f]{10}\.(css|js)(\?|$)")      # assets.py's content-hashed names
NO_BUILD_YET = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>预览</title></head>'
                '<body><p>还没有成功的构建：修正错误并保存后，页面会自动刷新。</p></body></html>').encode()


def locate(out_dir: Path, site_path: str, target: str) -> tuple[int, Path | str | None]:
    """Request target → (200, file) | (301, new location) | (4xx, None).

    Only regular files inside the output folder are ever answered; the target
    is decoded once, and any `.`/`..` segment is refused before touching disk.
    """
    if not target.startswith("/") or target.startswith("//"):
        return 400, None            # absolute-form, `*`, or a scheme-relative trick
    encoded = target.split("?", 1)[0].split("#", 1)[0]
    raw = unquote(encoded, errors="replace")
    if "\x00" in raw or "\\" in raw:
        return 400, None
    if not raw.startswith(site_path):
        return (301, site_path) if raw in ("/", site_path.rstrip("/")) else (404, None)
    rest = raw[len(site_path):]
    parts = [p for p in rest.split("/") if p]
    if any(p in (".", "..") for p in rest.split("/")):
        return 403, None
    if any(p.startswith(".") for p in parts):
        return 404, None            # the build's marker file, staging leftovers
    path = out_dir.joinpath(*parts)
    if path.is_dir():
        if rest and not rest.endswith("/"):
            return 301, encoded + "/"   # relative links need the slash
        path = path / "index.html"
    try:
        real, root = path.resolve(strict=True), out_dir.resolve(strict=True)
    except OSError:
        return 404, None
    if not real.is_relative_to(root) or not real.is_file():
        return 404, None
    return 200, real


def inject(html: bytes, snippet: bytes) -> bytes:
    at = html.lower().find(b"</head>")
    return html[:at] + snippet + html[at:] if at >= 0 else html + snippet


class PreviewHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "feature-preview"
    # Headers and body go out in two writes; with Nagle on, the body waits for
    # the browser's delayed ACK (~40 ms a request). Measured: it doubled the reload.
    disable_nagle_algorithm = True
    server: "_HTTPServer"

    def do_GET(self):
        self._answer(head=False)

    def do_HEAD(self):
        self._answer(head=True)

    def log_message(self, *args):
        pass                          # the terminal is for build results

    def _answer(self, head: bool) -> None:
        preview = self.server.preview
        if self.path.startswith("/__preview/"):
            return self._preview_endpoint(preview, head)
        seq, good = preview.counters()
        status, found = locate(preview.out_dir, preview.site_path, self.path)
        if status == 301:
            return self._send(301, b"", "text/plain", head, {"Location": found})
        data, suffix = b"", ""
        if status == 200:
            try:
                data, suffix = found.read_bytes(), found.suffix
            except OSError:           # swapped away between locate and read
                status = 404
        if status == 404:
            data, suffix = self._not_found_page(preview), ".html"
        elif status != 200:
            data, suffix = f"{status} {HTTPStatus(status).phrase}\n".encode(), ".txt"
        ctype = _content_type(suffix)
        # A fingerprinted name never changes content: let reloads skip it.
        cache = "max-age=31536000, immutable" if status == 200 and FINGERPRINT.search(self.path) else None
        if ctype.startswith("text/html"):
            snippet = (f'<script src="/__preview/client.js" data-seq="{seq}" data-good="{good}" '
                       f'data-epoch="{preview.epoch}"></script>').encode()
            data = inject(data, snippet)
        self._send(status, data, ctype, head, {"Cache-Control": cache} if cache else None)

    def _not_found_page(self, preview: PreviewServer) -> bytes:
        try:
            return (preview.out_dir / "404.html").read_bytes()
        except OSError:
            return NO_BUILD_YET

    def _preview_endpoint(self, preview: PreviewServer, head: bool) -> None:
        route, _, query = self.path.partition("?")
        if route == "/__preview/client.js":
            return self._send(200, CLIENT_JS.read_bytes(), _content_type(".js"), head)
        if route != "/__preview/wait":
            return self._send(404, b"404 Not Found\n", _content_type(".txt"), head)
        q = {k: v[-1] for k, v in parse_qs(query).items()}
        try:
            seq, good = int(q.get("seq", "-1")), int(q.get("good", "-1"))
        except ValueError:
            return self._send(400, b"400 Bad Request\n", _content_type(".txt"), head)
        news = preview.wait_for_news(seq, good, q.get("epoch", ""))
        self._send(200, json.dumps(news, ensure_ascii=False).encode(), _content_type(".json"), head)

    def _send(self, status: int, data: bytes, ctype: str, head: bool, extra: dict | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            extra = {"Cache-Control": "no-store", **(extra or {})}     # a preview is never stale
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            if not head:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _content_type(suffix: str) -> str:
    ctype = TEXT_TYPES.get(suffix) or mimetypes.guess_type("x" + suffix)[0] or "application/octet-stream"
    return f"{ctype}; charset=utf-8" if ctype.startswith("text/") or ctype.endswith(("json", "xml")) else ctype


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    preview: PreviewServer


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _describe_crash(exc: BaseException) -> str:
    """file:line of the innermost frame in our package, so the overlay says where."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/feature/" in f.filename] or frames
    where = f"{ours[-1].filename}:{ours[-1].lineno}: " if ours else ""
    return f"{where}error: {type(exc).__name__}: {exc} (a bug in the generator, not in your text)"


def serve(config_path: Path, out_dir: Path | None, base_url: str | None, host: str, port: int) -> int:
    """The CLI entry: run until Ctrl+C."""
    server = PreviewServer(config_path, out_dir, base_url, host, port)
    try:
        url = server.start()
    except OSError as exc:
        server.stop()
        print(f"error: cannot listen on {host}:{port} ({exc.strerror}); try --port {port + 1}", file=sys.stderr)
        return 1
    print(f"Preview: {url}  (watching content/, templates/, static/, config.yaml; Ctrl+C stops)",
          file=sys.stderr, flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"note: listening on {host}: anyone on this network can open the preview", file=sys.stderr)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("stopping the preview", file=sys.stderr)
    finally:
        server.stop()
    return 0
