"""One article's rendered HTML rewritten for paper: the rewrite behind `forprint.for_print`.

Kept apart from forprint.py because it is a different kind of code: forprint.py
decides where an article is printed and remembers rewritten blocks; this
module is the HTML surgery on one block, in two interchangeable forms — a
linear regex pass over our own generated HTML (`rewrite_fast`) and the same
rewrite on a BeautifulSoup tree (`rewrite_soup`) for anything unusual. They
must give the same markup (tests/system/test_print_pdf.py compares them), so they
sit side by side here. Nothing in this module remembers anything between
calls.

What the rewrite does is described in `forprint.for_print`.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from html import unescape

from feature.core.urls import resolve_link

_HEADINGS = ("h1", "h2", "h3", "h4", "h5")
_ID_REFS = ("aria-labelledby", "aria-describedby", "data-sentence")


def article_anchor(article) -> str:
    return f"article-{article.position}"


def elsewhere(article, linked, volume_of: dict | None, refs: list | None = None) -> str | None:
    """What paper says for a link to `linked` when another volume prints it; None if this
    one does. `refs` collects (path, what was said), to check a remembered block against."""
    if not volume_of:
        return None
    there = volume_of.get(linked.output_path)
    if there is None or there is volume_of.get(article.output_path):
        return None
    said = f"见分册“{there.label}”《{linked.headline}》"
    if refs is not None:
        refs.append((linked.output_path, said))
    return said


# Tags the fast pass leaves to the parser, in any ASCII case: what
# `any(u in html.lower() for u in …)` found, without lowering the whole block
# (0.07 -> 0.02 ms a block). Only İ and K (Kelvin) lower to ASCII letters, to
# "i̇" and "k": neither can complete one of these names, so the match is the same.
_UNUSUAL = re.compile(r"<(?:!|\?|script|style|textarea|title)", re.I | re.A)
# A "<" that does not open a plain tag (name, then attributes in double quotes or
# bare): comments, quirks, single-quoted or unquoted values. Leave those to the parser.
_ODD_ATTR = re.compile(r"""<(?![a-zA-Z][a-zA-Z0-9]*(?:\s+[^\s"'<>/=]+(?:="[^"<>]*")?)*\s*/?>"""
                       r"""|/[a-zA-Z][a-zA-Z0-9]*\s*>)""")
_ID_ATTR = re.compile(r'(<[a-zA-Z][^<>]*?\sid=")', re.I)
_REF_ATTR = re.compile(r'(\s(?:aria-labelledby|aria-describedby|data-sentence)=")([^"]*)"', re.I)
_HEADING_TAG = re.compile(r"<(/?)[hH]([1-5])(?=[\s/>])")
_LINK = re.compile(r"<a(\s[^<>]*)?>(.*?)</a\s*>", re.S)
_ATTR = re.compile(r'([^\s"\'<>/=]+)(?:\s*=\s*"([^"]*)")?')
_ASIDE = re.compile(r"<(/?)aside(?=[\s>])", re.I)
_TAGS = re.compile(r"<[^<>]*>")


class _Declined(Exception):
    """The fast pass met HTML it does not handle: use the parser."""


def rewrite_fast(html: str, article, by_path: dict, site_path: str,
                 volume_of: dict | None = None, refs: list | None = None) -> str | None:
    """The rewrite as a few linear regex passes over our own generated HTML;
    None when the block holds anything it is not sure of."""
    if _UNUSUAL.search(html) or "<A" in html or "</A" in html or _ODD_ATTR.search(html):
        return None
    prefix = f"a{article.position}-"
    html = _ID_ATTR.sub(lambda m: m.group(1) + prefix, html)
    html = _REF_ATTR.sub(lambda m: f'{m.group(1)}{" ".join(prefix + r for r in unescape(m.group(2)).split())}"',
                         html)
    html = _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)
    # Where boxes open and close: a link inside <aside> gets no page reference.
    edges, depth = [], 0
    for m in _ASIDE.finditer(html):
        depth += -1 if m.group(1) else 1
        edges.append((m.start(), depth))
    if depth:
        return None
    starts = [at for at, _ in edges]

    def in_box(at: int) -> bool:
        i = bisect_left(starts, at)
        return i > 0 and edges[i - 1][1] > 0

    def link(m) -> str:
        raw, inner = m.group(1) or "", m.group(2)
        if "<a" in inner or raw.rstrip().endswith("/"):
            raise _Declined
        attrs = [(k.lower(), None if v is None else unescape(v)) for k, v in _ATTR.findall(raw)]
        values = dict(attrs)
        if len(values) != len(attrs):
            raise _Declined
        href = values.get("href")
        if href is None:
            return m.group(0)
        classes = (values.get("class") or "").split()
        if "footnote-backref" in classes:
            return ""
        target = resolve_link(article.output_path, href, site_path)
        if target is None:
            shown = re.sub(r"^(mailto|tel):", "", href.strip())
            text = unescape(_TAGS.sub("", inner))
            if shown.rstrip("/") == text.strip().rstrip("/") or "data-print-url" in values:
                return m.group(0)
            return f'<a{raw} data-print-url="{_attr(shown)}">{inner}</a>'
        path, anchor = target
        linked = by_path.get(path)
        if linked is None:
            return inner            # cover, section pages, files: nothing to point at on paper
        said = elsewhere(article, linked, volume_of, refs)
        if said is not None:
            return f'<span class="volume-ref" data-print-ref="{_attr(said)}">{inner}</span>'
        values["href"] = f"#a{linked.position}-{anchor}" if anchor else f"#{article_anchor(linked)}"
        if not in_box(m.start()) and "footnote-ref" not in classes:
            values["class"] = " ".join([*classes, "page-ref"])
            if "class" not in dict(attrs):
                attrs.append(("class", None))
        shown_attrs = "".join(f" {k}" if values[k] is None else f' {k}="{_attr(values[k])}"' for k, _ in attrs)
        return f"<a{shown_attrs}>{inner}</a>"

    try:
        return _LINK.sub(link, html)
    except _Declined:
        return None


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def rewrite_soup(html: str, article, by_path: dict, site_path: str,
                 volume_of: dict | None = None, refs: list | None = None) -> str:
    """The same rewrite on a parse tree: for blocks the fast pass declines."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    prefix = f"a{article.position}-"
    for el in soup.find_all(id=True):
        el["id"] = prefix + el["id"]
    for attr in _ID_REFS:
        for el in soup.find_all(attrs={attr: True}):
            el[attr] = " ".join(prefix + ref for ref in el[attr].split())
    for a in soup.find_all("a", href=True):
        classes = a.get("class") or []
        if "footnote-backref" in classes:
            a.decompose()
            continue
        target = resolve_link(article.output_path, a["href"], site_path)
        if target is None:
            _mark_external(a)
            continue
        path, anchor = target
        linked = by_path.get(path)
        if linked is None:
            a.unwrap()          # cover, section pages, files: nothing to point at on paper
            continue
        said = elsewhere(article, linked, volume_of, refs)
        if said is not None:
            a.name, a.attrs = "span", {"class": ["volume-ref"], "data-print-ref": said}
            continue
        a["href"] = f"#a{linked.position}-{anchor}" if anchor else f"#{article_anchor(linked)}"
        inside_box = a.find_parent("aside") is not None
        if not inside_box and "footnote-ref" not in classes:
            a["class"] = [*classes, "page-ref"]
    for level in reversed(range(len(_HEADINGS))):
        for h in soup.find_all(_HEADINGS[level]):
            h.name = f"h{level + 2}"
    return str(soup)


def _mark_external(a) -> None:
    href = a["href"].strip()
    shown = re.sub(r"^(mailto|tel):", "", href)
    if shown.rstrip("/") != a.get_text().strip().rstrip("/"):
        a["data-print-url"] = shown
