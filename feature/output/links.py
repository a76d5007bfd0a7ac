"""Every internal link and anchor must resolve, or the build fails.

A regex pass instead of a full HTML parser: it runs over every page of a
10,000-article archive on each build, and our templates quote attributes.
"""
from __future__ import annotations

import html
import re

from feature.core.diagnostics import Diagnostics
from feature.core.urls import resolve_link

_REF = re.compile(r'\s(?:href|src)="([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')



def check_links(files: dict[str, bytes], sources: dict[str, str], problems: Diagnostics,
                site_path: str = "/") -> int:
    """Report links to missing files or anchors; return how many links were checked.

    `sources` names the file an editor should fix for each page (the article's
    Markdown, or the template of a generated page)."""
    ids = {}
    checked = 0
    pages = {p: d.decode("utf-8") for p, d in files.items() if p.endswith(".html")}
    for path, text in pages.items():
        ids[path] = {html.unescape(i) for i in _ID.findall(text)}
    for path, text in pages.items():
        for raw in _REF.findall(text):
            target = resolve_link(path, html.unescape(raw), site_path)
            if target is None:
                continue
            checked += 1
            file, anchor = target
            where = sources.get(path, path)
            if file not in files:
                problems.error(where, 0, f"link to missing page `{raw}` (on page {path})")
            elif anchor and anchor not in ids.get(file, set()):
                problems.error(where, 0, f"link to missing anchor `{raw}` (on page {path})")
    return checked


def page_facts(path: str, text: str, site_path: str = "/") -> tuple[frozenset[str], frozenset[tuple[str, str]], int]:
    """What `check_links` needs from one page: its ids, the distinct (file, anchor)
    targets of its internal links, and how many links it has. The incremental
    build keeps these per page content, so unchanged pages are never re-scanned."""
    ids = frozenset(_unescaped(_quoted_values(text, 'id="')))
    refs = _unescaped(_quoted_values(text, 'href="', 'src="'))
    targets = [t for t in (resolve_link(path, raw, site_path) for raw in refs) if t is not None]
    return ids, frozenset(targets), len(targets)


def _quoted_values(text: str, name: str, other: str | None = None) -> list[str]:
    """`_ID.findall(text)` (name 'id="'), `_REF.findall(text)` (names 'href="', 'src="'):
    each value of `name"…"` that follows a whitespace character, left to right
    without overlaps. The regexes start with a space class, which the regex engine tries
    at every character of a Chinese page; str.find jumps (half the time)."""
    out, find = [], text.find
    a, b = find(name, 1), find(other, 1) if other else -1
    while a >= 0 or b >= 0:
        at, size = (a, len(name)) if b < 0 or 0 <= a < b else (b, len(other))
        start = at + 1
        if text[at - 1].isspace():          # what \s matches (both are Py_UNICODE_ISSPACE)
            close = find('"', at + size)
            if close < 0:
                break
            out.append(text[at + size:close])
            start = close + 1
        if 0 <= a < start:
            a = find(name, start)
        if 0 <= b < start:
            b = find(other, start)
    return out


def _unescaped(values: list[str]) -> list[str]:
    """html.unescape of each value; most pages have no & in any id or link."""
    return values if "&" not in "".join(values) else [html.unescape(v) for v in values]


# Any quoting, any case: a body is the editor's Markdown rendered, raw HTML included
# (unlike the pages _REF scans, whose templates quote every attribute).
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_SCHEME = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


def body_links(body_html: str) -> tuple[str, ...]:
    """The hrefs of a body that may lead to another page of the site (external and
    same-page ones left out). A printed article names another article only
    through these (paper.elsewhere: 见分册《headline》): build/keys.py keys a volume
    by the headlines they lead to, not by every article's."""
    # Most bodies link nowhere. Lowering a body and one substring test is 4x
    # faster than the case-insensitive scan, and as exact: every character
    # `href` matches under re.I lowers to h, r, e or f.
    if "href" not in body_html.lower():
        return ()
    found = {html.unescape(next(g for g in m.groups() if g is not None)) for m in _HREF.finditer(body_html)}
    return tuple(sorted(h for h in found if h and not h.startswith("#") and not _SCHEME.match(h)))
