"""Where every page lives: the one place mapping sources to URLs and files.

Links inside pages are relative and name `index.html` explicitly, so one
build works at a domain root, under any subpath, and opened from disk.
Absolute URLs (canonical, sitemap, feed) come from `base_url`.
"""
from __future__ import annotations

import posixpath

COVER = "index.html"
NOT_FOUND = "404.html"
FIGURES = "figures/index.html"
PRINT = "print/index.html"
SEARCH_INDEX = "search/index.json"


def section_path(key: str) -> str:
    return f"{key}/index.html"


def article_path(section: str, slug: str) -> str:
    return f"{section}/{slug}/index.html"


def pretty_url(output_path: str) -> str:
    """'fupin/zongshu/index.html' → 'fupin/zongshu/' (what readers share)."""
    if output_path == "index.html":
        return ""
    if output_path.endswith("/index.html"):
        return output_path[: -len("index.html")]
    return output_path


def relative(from_path: str, to_path: str) -> str:
    """Link from one output file to another: 'fupin/a/index.html' → '../../index.html'."""
    target, _, anchor = to_path.partition("#")
    rel = posixpath.relpath(target or from_path, posixpath.dirname(from_path) or ".")
    return rel + (f"#{anchor}" if anchor else "")


def absolute(site_origin: str, site_path: str, output_path: str) -> str:
    """Canonical address: 'https://x.cn/specials/2019/fupin/zongshu/'."""
    return f"{site_origin}{site_path}{pretty_url(output_path)}"
