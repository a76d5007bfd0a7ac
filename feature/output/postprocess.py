"""The site steps: files made from the whole edition, not one page.

Plain functions, each `(edition, config) → {path: bytes}`; build/stages.py
lists them in order (and says which read article bodies). They run before the
output folder is touched.
"""
from __future__ import annotations

import uuid
from xml.sax.saxutils import escape

from feature.core.config import Config
from feature.core.model import Edition
from feature.core import urls
from feature.render.assets import collect_assets
from feature.render.pages import figures_pages, pages_of

from .headers import headers_file
from .search import index_files


def sitemap(edition: Edition, config: Config) -> dict[str, bytes]:
    # The sitemap protocol requires absolute URLs: without an origin in
    # base_url there is no valid sitemap to write (the CLI warns).
    if not config.site_origin:
        return {}
    paths = [urls.COVER, *(s.output_path for s in edition.sections),
             *(a.output_path for a in edition.articles),
             *(p.output_path for p in figures_pages(edition, config))]
    entries = "".join(
        f"  <url><loc>{escape(urls.absolute(config.site_origin, config.site_path, p))}</loc></url>\n"
        for p in paths)
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
           f"{entries}</urlset>\n")
    return {"sitemap.xml": xml.encode("utf-8")}


def robots(edition: Edition, config: Config) -> dict[str, bytes]:
    text = "User-agent: *\nAllow: /\n"
    if config.site_origin:
        text += f"Sitemap: {urls.absolute(config.site_origin, config.site_path, 'sitemap.xml')}\n"
    return {"robots.txt": text.encode("utf-8")}


def atom_feed(edition: Edition, config: Config) -> dict[str, bytes]:
    def link(path: str) -> str:
        # Relative links resolve against the feed's own URL (it sits at the site root).
        href = (urls.absolute(config.site_origin, config.site_path, path) if config.site_origin
                else path)
        return escape(href, {'"': "&quot;"})

    def entry_id(path: str) -> str:
        # Stable wherever the edition is hosted: moving it does not duplicate entries in readers.
        return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{config.newspaper}|{config.title}|{path}"))

    updated = _iso(config.date)
    entries = []
    for a in edition.articles:
        authors = "".join(f"<author><name>{escape(r.name)}</name></author>" for r in a.byline)
        entries.append(
            f"<entry><title>{escape(a.headline)}</title><link href=\"{link(a.output_path)}\"/>"
            f"<id>{entry_id(a.output_path)}</id><updated>{_iso(a.date or config.date)}</updated>"
            f"{authors}<summary>{escape(a.description or a.deck or a.headline)}</summary></entry>\n")
    xml = ('<?xml version="1.0" encoding="utf-8"?>\n'
           f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{escape(config.language)}">\n'
           f"<title>{escape(config.title)}</title><id>{entry_id(urls.COVER)}</id>"
           f"<author><name>{escape(config.newspaper or config.title)}</name></author>"
           f'<link href="{link(urls.COVER)}"/><link rel="self" href="{link("feed.xml")}"/>'
           f"<updated>{updated}</updated>\n{''.join(entries)}</feed>\n")
    return {"feed.xml": xml.encode("utf-8")}


def favicon(edition: Edition, config: Config) -> dict[str, bytes]:
    """A tab icon drawn from the newspaper's name (周 for 周口日报), unless config.yaml
    names a file of static/ (then that one is linked and this writes nothing)."""
    if config.favicon:
        return {}
    name = config.newspaper or config.title
    glyph = next((ch for ch in name if ch.isalnum()), "报")
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
           '<rect width="64" height="64" rx="12" fill="#a4161a"/>'
           '<text x="32" y="45" font-size="40" text-anchor="middle" fill="#fffdf8" '
           'font-family="Noto Serif CJK SC, Source Han Serif SC, Songti SC, serif">'
           f"{escape(glyph)}</text></svg>\n")
    return {urls.FAVICON: svg.encode("utf-8")}


def search_index(edition: Edition, config: Config) -> dict[str, bytes]:
    """search/index.json, and its shards for a large edition (search.py)."""
    return index_files(edition)


def _iso(date: str) -> str:
    """Atom wants a full timestamp; editors write 2019-08-01 or 2019-08."""
    parts = (date or "1970-01-01").split("-") + ["01", "01"]
    year, month, day = parts[0], parts[1], parts[2]
    return f"{year}-{month.zfill(2)}-{day.zfill(2)}T00:00:00+08:00"


def cache_headers(edition: Edition, config: Config) -> dict[str, bytes]:
    """`_headers` for Netlify-style hosts: fingerprinted assets cached a year, the rest revalidated."""
    assets = collect_assets(config.static_dir)
    generated = ["robots.txt", "feed.xml", urls.SEARCH_INDEX] + (["sitemap.xml"] if config.site_origin else []) \
        + ([] if config.favicon else [urls.FAVICON])
    paths = [p.output_path for p in pages_of(edition, config)] + list(assets.files) + generated
    return {"_headers": headers_file(paths, config.site_path).encode("utf-8")}
