"""Every page loads instantly: HTML + CSS + scripts at most 40 KB gzip-compressed, nothing from elsewhere.

Measured on the built files (gzip level 9 is what static hosts serve, or close).
Images and the search index (fetched only when a reader searches) are not
part of a page's weight.
"""
from __future__ import annotations

import gzip
import posixpath
import re

BUDGET = 40 * 1024
_STYLESHEET = re.compile(r'<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"')
_SCRIPT = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"')
_REF = re.compile(r'\b(?:src|href|srcset|action|data-index)="([^"]*)"')


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def page_weight(files: dict[str, bytes], path: str) -> dict[str, int]:
    """gzip bytes of a page and of every stylesheet and script it loads."""
    html = files[path].decode("utf-8")
    weight = {path: gz(files[path])}
    for ref in _STYLESHEET.findall(html) + _SCRIPT.findall(html):
        # The 404 page links from the site root (it is served at any depth); base_url is `/` here.
        target = ref.lstrip("/") if ref.startswith("/") else posixpath.normpath(
            posixpath.join(posixpath.dirname(path), ref))
        weight[target] = gz(files[target])
    return weight


def test_every_page_is_under_40_kb_gzipped(real_site, capsys):
    _, result = real_site
    pages = sorted(p for p in result.files if p.endswith(".html"))
    report = {p: page_weight(result.files, p) for p in pages}
    with capsys.disabled():
        print("\npage weight (gzip, HTML + CSS + JS):")
        for p, parts in report.items():
            detail = ", ".join(f"{posixpath.basename(k)} {v}" for k, v in parts.items())
            print(f"  {sum(parts.values()) / 1024:5.1f} KB  {p}  ({detail})")
    heavy = {p: sum(parts.values()) for p, parts in report.items() if sum(parts.values()) > BUDGET}
    assert not heavy, heavy
    assert len(pages) >= 7


def test_no_page_refers_to_another_site(real_site):
    _, result = real_site
    for path, data in result.files.items():
        if not path.endswith(".html"):
            continue
        html = data.decode("utf-8")
        for ref in _REF.findall(html):
            # Links readers follow may leave (e.g. a source cited in the text); what loads may not.
            assert not re.match(r"^(https?:)?//", ref) or _is_plain_link(html, ref), f"{path}: {ref}"
        assert "@import" not in html and "fonts.googleapis" not in html


def _is_plain_link(html: str, ref: str) -> bool:
    """True when `ref` appears only as an <a href> or a canonical/alternate <link>."""
    uses = re.findall(r'<(\w+)\b[^>]*?(?:src|href|srcset)="' + re.escape(ref) + '"[^>]*>', html)
    loads = [u for u in uses if u not in ("a", "link")]
    heavy_links = re.findall(r'<link\b[^>]*rel="(?:stylesheet|preload|modulepreload|icon)"[^>]*href="'
                             + re.escape(ref) + '"', html)
    return not loads and not heavy_links


def test_css_asks_for_no_web_fonts_or_remote_files(real_site):
    out, _ = real_site
    for css in (out / "static").glob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@font-face" not in text or "url(" not in text, css.name
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), css.name
