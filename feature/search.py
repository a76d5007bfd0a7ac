"""The static search index: every paragraph's text with the anchor it sits under.

Chinese has no spaces, and word segmenters split a query differently from the
indexed text (Pagefind misses 绿水青山 that way). Matching normalised
substrings in the browser has no segmentation at all, so any 2–6 character
phrase or figure such as 21.99亿元 finds its article: recall is 100% by
construction, and the test suite measures it on sampled phrases.
"""
from __future__ import annotations

import re
import unicodedata

from .model import Edition

_BLOCK = re.compile(r"<(p|h[2-4]|li|blockquote)\b([^>]*)>(.*?)</\1>", re.S)
_ID = re.compile(r'\sid="([^"]+)"')
_TAG = re.compile(r"<[^>]+>")


def normalise(text: str) -> str:
    """What both index and query go through (the browser does the same in search.js)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def build_search_index(edition: Edition) -> dict:
    import html
    docs = []
    for a in edition.articles:
        blocks = []
        anchor = ""
        for tag, attrs, inner in _BLOCK.findall(a.body_html):
            found = _ID.search(attrs) or _ID.search(inner)
            if tag.startswith("h") and found:
                anchor = found.group(1)
            text = html.unescape(_TAG.sub("", inner)).strip()
            if text:
                blocks.append([found.group(1) if found and not tag.startswith("h") else anchor, text])
        docs.append({
            "url": a.output_path, "headline": a.headline,
            "section": edition.section(a.section).title,
            "byline": " ".join(str(r) for r in a.byline), "blocks": blocks,
        })
    return {"version": 1, "docs": docs}
