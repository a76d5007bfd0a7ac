"""Which output file gets which Cache-Control and Content-Type: one set of rules
for every host.

`_headers` (postprocess), the nginx block (deploy.nginx_location) and the
headers of each object uploaded to object storage (publish/s3.py) all come
from here, so a page never revalidates on one host and sticks for a year on
another.
"""
from __future__ import annotations

import mimetypes
import re

from feature.core import urls

CACHE_FOREVER = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"          # keep a copy, but ask the host (ETag) before using it
HASHED_FOLDER = "media"
HASHED_FOLDERS = (HASHED_FOLDER, urls.SHARE)     # share/<content key[:20]>.png: render/sharing.py
# assets.py puts sha256[:10] before .css/.js; photos.py names every file in media/
# <name>-<sha256[:10]>-<width>.jpg (.webp, .avif); share images are named by their
# content key. All change name whenever their bytes change.
# Matched against a URL path (nginx) or "/" + an output path (is_fingerprinted).
FINGERPRINT = (r"(?:\.[0-9a-f]{10}\.(?:css|js)|/media/[^/]+-[0-9a-f]{10}-[0-9]+\.(?:jpg|webp|avif)"
               r"|/share/[0-9a-f]{20}\.png)$")
_FINGERPRINTED = re.compile(FINGERPRINT)
# Types labelled utf-8 besides text/html (nginx's charset_types takes this list as it is).
CHARSET_TYPES = "text/xml text/plain text/css application/javascript application/json application/atom+xml"
# The types nginx's mime.types gives our files; Python's table disagrees on some
# (.js is text/javascript there, .xml application/xml), and every host must agree.
_TYPES = {".html": "text/html", ".css": "text/css", ".js": "application/javascript",
          ".json": "application/json", ".xml": "text/xml", ".txt": "text/plain",
          ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
          ".svg": "image/svg+xml", ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon",
          ".woff": "font/woff", ".woff2": "font/woff2", ".pdf": "application/pdf"}
_CHARSET = frozenset(["text/html", *CHARSET_TYPES.split()])
# Types a host's own table may lack (Debian's nginx before 1.24 has no avif in
# mime.types): the nginx block (publish/folder.nginx_location) declares them itself.
DECLARED_TYPES = (".avif", ".webp")


def is_fingerprinted(path: str) -> bool:
    """A file whose name changes with its bytes (output path, e.g. 'static/style.15b409cd9e.css')."""
    return _FINGERPRINTED.search("/" + path) is not None


def cache_control(path: str) -> str:
    return CACHE_FOREVER if is_fingerprinted(path) else REVALIDATE


def content_type(path: str) -> str:
    """'index.html' → 'text/html; charset=utf-8'; 'media/x.jpg' → 'image/jpeg'."""
    dot = path.rfind(".")
    suffix = path[dot:].lower() if dot > path.rfind("/") else ""
    kind = _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind in _CHARSET else kind


def headers_file(paths: list[str], site_path: str = "/") -> str:
    """A `_headers` file (Netlify, Cloudflare Pages) whose rules never overlap.

    Hosts disagree on overlapping rules (one keeps the more specific value,
    another joins both with a comma, so `no-cache` would win over a year), so
    each path gets exactly one rule: every fingerprinted file by name, every
    other top-level file or folder revalidated."""
    hashed = tuple(folder + "/" for folder in HASHED_FOLDERS)
    fingerprinted = sorted(p for p in paths if is_fingerprinted(p) and not p.startswith(hashed))
    rules = [(site_path + p, CACHE_FOREVER) for p in fingerprinted]
    rules += [(f"{site_path}{folder}/*", CACHE_FOREVER) for folder in HASHED_FOLDERS]
    plain = sorted({_top_rule(p) for p in paths if not is_fingerprinted(p) and not p.startswith(hashed)})
    rules += [(site_path, REVALIDATE)] + [(site_path + p, REVALIDATE) for p in plain]
    lines = ["# Written by build.py: fingerprinted assets are immutable, everything else revalidates."]
    for path, value in rules:
        lines += [path, f"  Cache-Control: {value}"]
    return "\n".join(lines) + "\n"


def _top_rule(path: str) -> str:
    """'fupin/a/index.html' → 'fupin/*'; 'static/x.png' stays exact (static/ also holds fingerprinted files)."""
    head, sep, _ = path.partition("/")
    return path if not sep or head == "static" else f"{head}/*"
