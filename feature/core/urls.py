"""Where every page lives: the one place mapping sources to URLs and files.

Links inside pages are relative and name `index.html` explicitly, so one
build works at a domain root, under any subpath, and opened from disk.
Absolute URLs (canonical, sitemap, feed) come from `base_url`.
"""
from __future__ import annotations

import functools
import posixpath
import re
from urllib.parse import unquote, urlsplit

COVER = "index.html"
NOT_FOUND = "404.html"
FIGURES = "figures/index.html"
PRINT = "print/index.html"
SEARCH_INDEX = "search/index.json"
FAVICON = "favicon.svg"             # drawn from the newspaper's name when config.yaml names no favicon
LONG_IMAGE = "long-image.png"     # beside an article's page (`print --long-images`)
MEDIA = "media"         # resized photos (photos.py)
SHARE = "share"         # share cards and posters (render/sharing.py)
STATIC = "static"       # static/ as published, CSS and JS names fingerprinted (assets.py)


def generated_folders() -> frozenset[str]:
    """The top-level folders a build writes besides the sections' own: no
    section key may be one of them (config.py). tests/unit/core/test_config.py checks
    that a full build writes no other."""
    return frozenset(path.split("/")[0] for path in (FIGURES, PRINT, SEARCH_INDEX, MEDIA + "/", STATIC + "/",
                                                                 SHARE + "/"))


def section_path(key: str) -> str:
    return f"{key}/index.html"


def article_path(section: str, slug: str) -> str:
    return f"{section}/{slug}/index.html"


def long_image_path(article_path: str) -> str:
    """The 长图 of the article at 'fupin/zongshu/index.html': 'fupin/zongshu/long-image.png'."""
    return posixpath.join(posixpath.dirname(article_path), LONG_IMAGE)


def print_volume_path(section: str, part: int = 1) -> str:
    """A volume of a split print edition: 'print/yaowen/index.html', then 'print/yaowen/2/index.html'."""
    return _part_path(PRINT, section, part)


def figures_part_path(section: str, part: int = 1) -> str:
    """A section's 数说 page of a split edition: 'figures/yaowen/index.html', then 'figures/yaowen/2/index.html'."""
    return _part_path(FIGURES, section, part)


def _part_path(index: str, section: str, part: int) -> str:
    folder = index.rsplit("/", 1)[0]
    return f"{folder}/{section}/index.html" if part == 1 else f"{folder}/{section}/{part}/index.html"


def pretty_url(output_path: str) -> str:
    """'fupin/zongshu/index.html' → 'fupin/zongshu/' (what readers share)."""
    if output_path == "index.html":
        return ""
    if output_path.endswith("/index.html"):
        return output_path[: -len("index.html")]
    return output_path


@functools.lru_cache(maxsize=4096)
def relative(from_path: str, to_path: str) -> str:
    """Link from one output file to another: 'fupin/a/index.html' → '../../index.html'.

    Pages call this ~40 times each (nav, footer, assets), so it is cached
    (a pure function of two strings; bounded, so a long preview session
    cannot grow it) and plain paths skip posixpath.relpath (which asks the
    OS for the working directory twice per call)."""
    target, _, anchor = to_path.partition("#")
    rel = _relpath(target or from_path, posixpath.dirname(from_path))
    return rel + (f"#{anchor}" if anchor else "")


def _relpath(path: str, start: str) -> str:
    """posixpath.relpath(path, start or "."), without its abspath calls when
    both are plain relative paths (no empty, '.' or '..' segment)."""
    path_parts, start_parts = path.split("/"), start.split("/") if start else []
    if not _plain_parts(path_parts) or not _plain_parts(start_parts):
        return posixpath.relpath(path, start or ".")
    common = 0
    for a, b in zip(path_parts, start_parts):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start_parts) - common) + path_parts[common:]) or "."


def _plain_parts(parts: list[str]) -> bool:
    return "" not in parts and "." not in parts and ".." not in parts


def absolute(site_origin: str, site_path: str, output_path: str) -> str:
    """Canonical address: 'https://x.cn/specials/2019/fupin/zongshu/'."""
    return f"{site_origin}{site_path}{pretty_url(output_path)}"


# A link urlsplit would read as a bare path (and #fragment): no scheme (no
# colon), no query, no //host, nothing it strips (leading controls and
# spaces, tabs and newlines anywhere).
_PLAIN = re.compile(r"(?![/]{2})[^\x00-\x20:?][^:?\t\r\n]*\Z")


def resolve_link(page: str, url: str, site_path: str) -> tuple[str, str] | None:
    """(output file, anchor) a link points at, or None for external links."""
    if _PLAIN.match(url):           # most links: split as urlsplit would, without its work
        raw_path, _, fragment = url.partition("#")
    else:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("mailto:", "tel:", "data:")):
            return None
        raw_path, fragment = parts.path, parts.fragment
    path = unquote(raw_path) if "%" in raw_path else raw_path      # (unquote's own test, without the call)
    if path.startswith("/"):
        if not path.startswith(site_path):
            return None
        target = path[len(site_path):]
    elif path:
        target = _join(page, path)
    else:
        target = page
    if target in ("", "."):
        target = "index.html"
    elif path.endswith("/"):
        target = target.rstrip("/") + "/index.html"
    return target, unquote(fragment) if "%" in fragment else fragment


def _join(page: str, path: str) -> str:
    """normpath(join(dirname(page), path)), with plain links ('../../x/index.html',
    'a/index.html') done by dropping folders instead of normpath's general walk."""
    folders = page.split("/")[:-1]
    parts = path.split("/")
    up = 0
    while up < len(parts) and parts[up] == "..":
        up += 1
    rest = parts[up:]
    if up > len(folders) or not _plain(folders) or not _plain(rest):
        return posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    return "/".join(folders[:len(folders) - up] + rest) or "."


def _plain(parts: list[str]) -> bool:
    return "" not in parts and "." not in parts and ".." not in parts
