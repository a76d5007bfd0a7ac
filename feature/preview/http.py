"""The preview's HTTP side: a tornado Application around python-livereload's handlers.

Routes (one port):
- `/livereload` — livereload's `LiveReloadHandler` (official-7 websocket protocol),
  subclassed only to refuse other origins and to catch up a page that
  connected after a build it did not see (see `ReloadHandler.on_message`);
- `/livereload.js` — livereload's bundled client (`LiveReloadJSHandler`), offline;
- `/__preview/client.js`, `/__preview/status` — our client (overlay, CSS swap,
  the page's build counters) and the state it shows;
- everything else — `SiteHandler`, the output folder through `locate()`.

All of it runs on the preview server's IOLoop thread, which is also where
build results are published (serve.py): so "serve a page with counter N",
"register a page's websocket" and "announce build N+1" are strictly ordered.

Every route answers only requests whose `Host` is `localhost` or the very IP
address the request came in on (`host_allowed`): a web page that points its
own name at 127.0.0.1 (DNS rebinding) gets 403, not the unpublished edition.
Bodies, headers, paths and websocket messages are bounded (`MAX_*`): an
oversized request is refused before it is read.
"""
from __future__ import annotations

import ipaddress
import json
import mimetypes
import re
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import escape, web
from tornado.websocket import WebSocketHandler

CLIENT_JS = Path(__file__).with_name("client.js")
STATUS_PATH = "/__preview/status"      # a reload "path" our livereload.js plugin consumes: fetch the status
PLUGIN_ID = "feature-preview"          # client.js's plugin; livereload.js sends its analyze() data in 'info'
TEXT_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".json": "application/json",
              ".xml": "application/xml", ".txt": "text/plain", ".svg": "image/svg+xml", ".webmanifest":
              "application/manifest+json"}
FINGERPRINT = re.compile(r"\.[0-9a-f]{10}\.(css|js)(\?|$)")      # assets.py's content-hashed names
MAX_BODY = 4096                        # the preview takes no uploads: GET, HEAD and a websocket
MAX_HEADER = 16 * 1024                 # request line and headers (tornado's default: 64 KiB)
MAX_PATH = 2048                        # the longest page path of a 10,000-article edition is ~60
MAX_MESSAGE = 64 * 1024                # a livereload.js message is ~300 bytes
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
    if len(encoded) > MAX_PATH:
        return 414, None
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
    try:                            # a name too long for the disk is simply not there
        if path.is_dir():
            if rest and not rest.endswith("/"):
                return 301, encoded + "/"   # relative links need the slash
            path = path / "index.html"
        real, root = path.resolve(strict=True), out_dir.resolve(strict=True)
    except (OSError, RuntimeError):
        return 404, None
    if not real.is_relative_to(root) or not real.is_file():
        return 404, None
    return 200, real


def host_allowed(host: str | None, local_address: str) -> bool:
    """Is `host` (a Host header) `localhost` or the IP address `local_address` the
    request came in on? The port is not compared (an SSH or adb tunnel may
    change it; a rebinding page keeps it anyway).

    A DNS rebinding attack makes the browser send the attacker's name, so only
    IP literals and `localhost` (which browsers resolve themselves) pass. An IP
    literal is compared with the connection's own local address, not with a
    list of the machine's addresses: with `--host 0.0.0.0` a phone that opens
    http://192.168.1.23:8000 comes in on 192.168.1.23 and sends that very Host,
    whatever addresses the machine has at that moment (Wi-Fi changes)."""
    if not host:
        return False
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name[1:].split("]", 1)[0] if name.startswith("[") else name
    if name.lower() == "localhost":
        return True
    try:
        asked = ipaddress.ip_address(name)
        here = ipaddress.ip_address(local_address.split("%", 1)[0])
    except ValueError:
        return False
    return _plain(asked) == _plain(here)


def _plain(address):
    """An IPv4 client of a dual-stack socket is seen as ::ffff:a.b.c.d."""
    return getattr(address, "ipv4_mapped", None) or address


def inject(html: bytes, snippet: bytes) -> bytes:
    at = html.lower().find(b"</head>")
    return html[:at] + snippet + html[at:] if at >= 0 else html + snippet


def reload_message(path: str) -> dict:
    """The message `LiveReloadHandler.reload_waiters(path)` broadcasts, for one page."""
    return {"command": "reload", "path": path, "liveCSS": True, "liveImg": True}


class ReloadHandler(LiveReloadHandler):
    """livereload's websocket handler; the handshake and `waiters` stay livereload's."""

    def initialize(self, preview):
        self.preview = preview

    def open(self, *args):
        self.set_nodelay(True)        # a reload is one small frame: never hold it back

    def check_origin(self, origin):
        # LiveReloadHandler accepts every origin; any web page could then listen
        # to the editor's saves. Back to tornado's rule: same origin only.
        return WebSocketHandler.check_origin(self, origin)

    def on_message(self, message):
        try:
            command = escape.json_decode(message)
            command.get("command")
        except (ValueError, AttributeError):
            return self.close(1003, "not a livereload message")     # livereload.js sends JSON objects
        super().on_message(message)   # 'hello' → handshake, 'info' → added to LiveReloadHandler.waiters
        if command.get("command") == "info" and self in LiveReloadHandler.waiters:
            seen = (command.get("plugins") or {}).get(PLUGIN_ID) or {}
            path = self.preview.catch_up(seen)
            if path:
                self.send_message(reload_message(path))


class _PreviewHandler(web.RequestHandler):
    def initialize(self, preview):
        self.preview = preview

    def compute_etag(self):
        return None                   # every answer is no-store or immutable: no revalidation

    def reply(self, status: int, data: bytes, ctype: str, cache: str = "no-store") -> None:
        self.set_status(status)
        self.set_header("Content-Type", ctype)
        self.set_header("Cache-Control", cache)      # a preview is never stale
        self.set_header("Content-Length", str(len(data)))
        if self.request.method != "HEAD":
            self.write(data)


class ClientHandler(_PreviewHandler):
    def get(self, route):
        if route == "client.js":
            return self.reply(200, CLIENT_JS.read_bytes(), content_type(".js"))
        if "/__preview/" + route == STATUS_PATH:
            return self.reply(200, json.dumps(self.preview.status(), ensure_ascii=False).encode(),
                              content_type(".json"))
        self.reply(404, b"404 Not Found\n", content_type(".txt"))

    head = get


class SiteHandler(_PreviewHandler):
    """The output folder, as the editor's browser sees it: with our client injected."""

    def get(self):
        preview = self.preview
        seq, good = preview.counters()   # before the file is read: the file is at least this new
        status, found = locate(preview.out_dir, preview.site_path, self.request.uri)
        if status == 301:
            self.set_header("Location", found)
            return self.reply(301, b"", "text/plain")
        data, suffix = b"", ""
        if status == 200:
            try:
                data, suffix = found.read_bytes(), found.suffix
            except OSError:           # swapped away between locate and read
                status = 404
        if status == 404:
            data, suffix = self._not_found_page(), ".html"
        elif status != 200:
            data, suffix = f"{status} {HTTPStatus(status).phrase}\n".encode(), ".txt"
        ctype = content_type(suffix)
        if ctype.startswith("text/html"):
            snippet = (f'<script src="/__preview/client.js" data-seq="{seq}" data-good="{good}" '
                       f'data-epoch="{preview.epoch}"></script>').encode()
            data = inject(data, snippet)
        # A fingerprinted name never changes content: let reloads skip it.
        cache = "max-age=31536000, immutable" if status == 200 and FINGERPRINT.search(self.request.uri) else "no-store"
        self.reply(status, data, ctype, cache)

    head = get

    def _not_found_page(self) -> bytes:
        try:
            return (self.preview.out_dir / "404.html").read_bytes()
        except OSError:
            return NO_BUILD_YET


class HostRefused(web.RequestHandler):
    """Any request with a Host this preview does not answer to (host_allowed)."""

    def prepare(self):
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("403 Forbidden: this preview answers only to localhost and the address it was "
                    "opened at, not to another name (Host header)\n")


class PreviewApplication(web.Application):
    def find_handler(self, request, **kwargs):
        try:
            local = request.connection.stream.socket.getsockname()[0]
        except (AttributeError, OSError):
            local = ""
        if not host_allowed(request.headers.get("Host"), local):
            return self.get_handler_delegate(request, HostRefused)
        return super().find_handler(request, **kwargs)


def make_app(preview) -> web.Application:
    ours = {"preview": preview}
    return PreviewApplication([
        (r"/livereload", ReloadHandler, ours),
        (r"/livereload\.js", LiveReloadJSHandler),
        (r"/__preview/(.*)", ClientHandler, ours),
        (r".*", SiteHandler, ours),
    ], log_function=lambda handler: None,       # the terminal is for build results
        websocket_max_message_size=MAX_MESSAGE)


def content_type(suffix: str) -> str:
    ctype = TEXT_TYPES.get(suffix) or mimetypes.guess_type("x" + suffix)[0] or "application/octet-stream"
    return f"{ctype}; charset=utf-8" if ctype.startswith("text/") or ctype.endswith(("json", "xml")) else ctype
