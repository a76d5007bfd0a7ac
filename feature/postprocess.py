"""Stage 5, post-process: files made from the whole edition, not one page.

An ordered tuple of plain functions, each `(edition, config) → {path: bytes}`;
no plugin bus. They run in memory, before the output folder is touched.
"""
from __future__ import annotations

import json
from xml.sax.saxutils import escape

from .config import Config
from .model import Edition
from .search import build_search_index
from . import urls


def sitemap(edition: Edition, config: Config) -> dict[str, bytes]:
    paths = [urls.COVER, *(s.output_path for s in edition.sections),
             *(a.output_path for a in edition.articles), urls.FIGURES]
    entries = "".join(
        f"  <url><loc>{escape(urls.absolute(config.site_origin, config.site_path, p))}</loc></url>\n"
        for p in paths)
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
           f"{entries}</urlset>\n")
    return {"sitemap.xml": xml.encode("utf-8")}


def robots(edition: Edition, config: Config) -> dict[str, bytes]:
    loc = urls.absolute(config.site_origin, config.site_path, "sitemap.xml")
    return {"robots.txt": f"User-agent: *\nAllow: /\nSitemap: {loc}\n".encode("utf-8")}


def atom_feed(edition: Edition, config: Config) -> dict[str, bytes]:
    def link(path: str) -> str:
        return escape(urls.absolute(config.site_origin, config.site_path, path), {'"': "&quot;"})
    updated = _iso(config.date)
    entries = []
    for a in edition.articles:
        authors = "".join(f"<author><name>{escape(str(r))}</name></author>" for r in a.byline)
        entries.append(
            f"<entry><title>{escape(a.headline)}</title><link href=\"{link(a.output_path)}\"/>"
            f"<id>{link(a.output_path)}</id><updated>{_iso(a.date or config.date)}</updated>"
            f"{authors}<summary>{escape(a.lede or a.deck)}</summary></entry>\n")
    xml = ('<?xml version="1.0" encoding="utf-8"?>\n'
           f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{escape(config.language)}">\n'
           f"<title>{escape(config.title)}</title><id>{link(urls.COVER)}</id>"
           f'<link href="{link(urls.COVER)}"/><link rel="self" href="{link("feed.xml")}"/>'
           f"<updated>{updated}</updated>\n{''.join(entries)}</feed>\n")
    return {"feed.xml": xml.encode("utf-8")}


def search_index(edition: Edition, config: Config) -> dict[str, bytes]:
    index = build_search_index(edition)
    return {urls.SEARCH_INDEX: json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")}


def _iso(date: str) -> str:
    """Atom wants a full timestamp; editors write 2019-08-01 or 2019-08."""
    parts = (date or "1970-01-01").split("-") + ["01", "01"]
    year, month, day = parts[0], parts[1], parts[2]
    return f"{year}-{month.zfill(2)}-{day.zfill(2)}T00:00:00+08:00"


STEPS = (sitemap, robots, atom_feed, search_index)
