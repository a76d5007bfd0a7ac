"""The print edition: the feature as paper documents, and their PDFs.

An edition of at most `print.volume_articles` articles prints as one
document, `dist/print/index.html`. A larger one prints as volumes
(`print_volumes`): each holds the articles of one section, at most
`volume_articles` of them (a longer section gets parts), at
`print/<section>/index.html`, `print/<section>/2/index.html` …; then
`print/index.html` is a contents page linking to them. Volumes and the
single document are rendered by the normal build from templates/print.html;
each article's body goes through `for_print` there: the web page's links and
anchors are made for paper (see its docstring). `render_pdf` turns built
HTML into `edition.pdf` beside it with WeasyPrint (one per volume); `run` is
`python build.py print [--pdf]`.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import urls

PDF_NAME = "edition.pdf"
# PDF/UA-1: tagged PDF 1.7 with document language and title. WeasyPrint 70
# writes the structure tree; it does not check every PDF/UA rule itself.
PDF_VARIANT = "pdf/ua-1"
_HEADINGS = ("h1", "h2", "h3", "h4", "h5")
_ID_REFS = ("aria-labelledby", "aria-describedby", "data-sentence")
# print.css sets these for browsers printing the page; WeasyPrint lacks them
# and says so on every run. Anything else it says is reported.
_EXPECTED_WARNINGS = ("Ignored `line-break:",)


def article_anchor(article) -> str:
    return f"article-{article.position}"


@dataclass(frozen=True)
class Volume:
    """One printed volume of a split edition: `part` of `parts` of a section."""
    section: Any                    # model.Section
    part: int                       # 1-based
    parts: int
    articles: tuple                 # model.Article, reading order
    output_path: str

    @property
    def label(self) -> str:
        """How paper names it: '要闻', or '要闻 第2册' when the section has parts."""
        return self.section.title if self.parts == 1 else f"{self.section.title} 第{self.part}册"


def volume_size(site) -> int | None:
    """config `print.volume_articles`; None for a bare `site` (unit tests' stand-ins)."""
    return getattr(getattr(site, "print", None), "volume_articles", None)


def print_volumes(edition, config) -> list[Volume]:
    """The volumes of the print edition, in section order; [] when the whole
    edition fits in one (at most `volume_articles` articles): one document then."""
    size = volume_size(config)
    if size is None or len(edition.articles) <= size:
        return []
    out = []
    for section in edition.sections:
        articles = section.articles
        parts = -(-len(articles) // size)
        for i in range(parts):
            out.append(Volume(section, i + 1, parts, articles[i * size:(i + 1) * size],
                              urls.print_volume_path(section.key, i + 1)))
    return out


def for_print(html: str, article, edition, site) -> Markup:
    """One article's rendered block (sidebar, body), rewritten for paper.

    On paper a link is only its text, so:
    - ids get a per-article prefix (`a2-`): the print page holds many articles,
      and sentence, heading and footnote ids repeat between articles;
    - links to an article (or a place in one) printed in the same document
      point inside it and get the class `page-ref`, which print.css turns
      into 见第 N 页;
    - links to an article printed in another volume (a split edition) become
      a `volume-ref` span naming that volume and headline (见分册“…”《…》);
    - links to other pages of the site (cover, sections) become plain text;
    - external links keep their address in `data-print-url`, printed after them;
    - footnote back-links (↩) go; headings move one level down (h2 → h3),
      under the article's own h2 headline.

    The block is our own generated HTML, so one pass over its tags does it
    (linear, ~50× faster than a parse tree, which took 8–25 ms per article);
    anything unusual (comments, scripts, unquoted attributes, nested links)
    goes through BeautifulSoup instead, with the same rewrites.
    """
    html = str(html)
    by_path = _articles_by_path(edition, site)
    volume_of = _by_path.volume_of
    # The result is a function of the block, this article's place, the
    # paths → (position, volume) map and the headlines of the articles it
    # refers to in other volumes (checked on a hit): an edit re-renders the print
    # page (or volume), but only the changed article's block is rewritten again (see _Memo).
    key = (hashlib.sha1(html.encode("utf-8")).digest(), article.position, article.output_path,
           site.site_path, _by_path.digest)
    hit = _memo.get(key)
    if hit is not None and all(_elsewhere(article, by_path[path], volume_of) == said
                               for path, said in hit[1]):
        return Markup(hit[0])
    refs: list = []
    out = _for_print_fast(html, article, by_path, site.site_path, volume_of, refs)
    if out is None:
        refs.clear()
        out = _for_print_soup(html, article, by_path, site.site_path, volume_of, refs)
    _memo.put(key, (out, tuple(refs)))
    return Markup(out)


class _Memo:
    """Rewritten blocks of the print pages (the document, or the volumes)
    rendered in this process for the last two editions (the preview server's
    warm builder); older ones are dropped, so it holds at most about two print
    editions' worth of text. A generation starts with each new edition
    (`_articles_by_path`)."""

    def __init__(self):
        self.current: dict = {}
        self.previous: dict = {}

    def get(self, key):
        hit = self.current.get(key)
        if hit is None:
            hit = self.previous.get(key)
            if hit is not None:
                self.current[key] = hit
        return hit

    def put(self, key, value) -> None:
        self.current[key] = value

    def next_generation(self) -> None:
        self.previous, self.current = self.current, {}


_memo = _Memo()


@dataclass
class _Places:
    """Where every article is printed, for one edition and volume size."""
    articles: tuple = ()
    size: int | None = None
    by_path: dict = field(default_factory=dict)      # output path → article
    volume_of: dict = field(default_factory=dict)    # output path → its Volume ({} when not split)
    digest: str = ""                                 # of paths, positions and volumes
    sections: Any = None                             # the edition's (their titles name volumes)


_by_path = _Places()


def _articles_by_path(edition, site=None) -> dict:
    """output path → article (and, in `_by_path.volume_of`, the volume that prints
    it), built once per edition (not once per article or volume: that was O(N²))."""
    global _by_path
    articles, size = edition.articles, volume_size(site)
    sections = getattr(edition, "sections", None)
    if _by_path.articles is not articles or _by_path.size != size or _by_path.sections is not sections:
        volume_of = {a.output_path: v for v in print_volumes(edition, site) for a in v.articles}
        where = hashlib.sha1("\n".join(
            f"{a.output_path}\0{a.position}\0{volume_of[a.output_path].output_path if volume_of else ''}"
            f"\0{volume_of[a.output_path].label if volume_of else ''}" for a in articles).encode("utf-8"))
        _by_path = _Places(articles, size, {a.output_path: a for a in articles}, volume_of, where.hexdigest(),
                           sections)
        _memo.next_generation()
    return _by_path.by_path


def _elsewhere(article, linked, volume_of: dict | None, refs: list | None = None) -> str | None:
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


_UNUSUAL = ("<!", "<?", "<script", "<style", "<textarea", "<title")
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


def _for_print_fast(html: str, article, by_path: dict, site_path: str,
                    volume_of: dict | None = None, refs: list | None = None) -> str | None:
    """The rewrite as a few linear regex passes over our own generated HTML;
    None when the block holds anything it is not sure of."""
    from bisect import bisect_left
    from html import unescape
    from .links import _resolve

    lowered = html.lower()
    if any(u in lowered for u in _UNUSUAL) or "<A" in html or "</A" in html or _ODD_ATTR.search(html):
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
        target = _resolve(article.output_path, href, site_path)
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
        elsewhere = _elsewhere(article, linked, volume_of, refs)
        if elsewhere is not None:
            return f'<span class="volume-ref" data-print-ref="{_attr(elsewhere)}">{inner}</span>'
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


def _for_print_soup(html: str, article, by_path: dict, site_path: str,
                    volume_of: dict | None = None, refs: list | None = None) -> str:
    """The same rewrite on a parse tree: for blocks the fast pass declines."""
    from bs4 import BeautifulSoup
    from .links import _resolve

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
        target = _resolve(article.output_path, a["href"], site_path)
        if target is None:
            _mark_external(a)
            continue
        path, anchor = target
        linked = by_path.get(path)
        if linked is None:
            a.unwrap()          # cover, section pages, files: nothing to point at on paper
            continue
        elsewhere = _elsewhere(article, linked, volume_of, refs)
        if elsewhere is not None:
            a.name, a.attrs = "span", {"class": ["volume-ref"], "data-print-ref": elsewhere}
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


@dataclass
class PdfResult:
    path: Path
    pages: int
    size: int
    seconds: float
    warnings: list[str] = field(default_factory=list)


def render_pdf(html_path: Path, pdf_path: Path) -> PdfResult:
    """The built print HTML → a tagged PDF with embedded subset fonts.

    Written to a temporary name and renamed, so a reader never opens half a
    PDF. Only local files are read: no network at build time."""
    import weasyprint
    start = time.perf_counter()
    warnings = _WarningLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(warnings)
    try:
        local_only = weasyprint.URLFetcher(allowed_protocols={"file", "data"})
        document = weasyprint.HTML(filename=str(html_path), url_fetcher=local_only).render()
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        partial = pdf_path.with_name(f".{pdf_path.name}.{os.getpid()}.part")
        try:
            document.write_pdf(partial, pdf_variant=PDF_VARIANT)
            os.replace(partial, pdf_path)
        finally:
            partial.unlink(missing_ok=True)
    finally:
        logger.removeHandler(warnings)
    return PdfResult(pdf_path, len(document.pages), pdf_path.stat().st_size,
                     time.perf_counter() - start, warnings.messages)


class _WarningLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if not message.startswith(_EXPECTED_WARNINGS):
            self.messages.append(message)


def run(args) -> int:
    """`python build.py print [--pdf]`: the normal build, then a PDF beside each
    printed document: print/edition.pdf, or one per volume of a split edition."""
    from .cli import load_site_config, run_build
    status = run_build(args)
    if status or not args.pdf:
        return status
    out = args.out.resolve() if args.out else load_site_config(args).output_dir
    documents = built_volumes(out) or [urls.PRINT]
    pages = size = 0
    start = time.perf_counter()
    for rel in documents:
        html_path = out / rel
        result = render_pdf(html_path, html_path.parent / PDF_NAME)
        for message in result.warnings:
            print(f"warning: {rel}: {message}", file=sys.stderr)
        print(f"printed {result.path} ({result.pages} pages, {result.size / 1024:.0f} KiB) "
              f"in {result.seconds:.1f} s")
        pages, size = pages + result.pages, size + result.size
    if len(documents) > 1:
        print(f"printed {len(documents)} volumes, one PDF each beside its HTML under {out / 'print'} "
              f"({pages} pages, {size / 1024 / 1024:.1f} MiB) in {time.perf_counter() - start:.1f} s")
    return 0


_VOLUME_LINK = re.compile(r'<a class="volume-link" href="([^"]+)"')


def built_volumes(out: Path) -> list[str]:
    """Output paths of the volumes a built split edition lists on print/index.html, in
    its order; [] when the print edition is one document."""
    import html
    import posixpath
    try:
        contents = (out / urls.PRINT).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    folder = posixpath.dirname(urls.PRINT)
    return [posixpath.normpath(posixpath.join(folder, html.unescape(href)))
            for href in _VOLUME_LINK.findall(contents)]
