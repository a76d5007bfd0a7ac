"""The print edition: the whole feature as one paper document, and its PDF.

`dist/print/index.html` is rendered by the normal build from
templates/print.html. Each article's body goes through `for_print` there: the
web page's links and anchors are made for paper (see its docstring).
`render_pdf` turns that built HTML into `dist/print/edition.pdf` with
WeasyPrint; `run` is `python build.py print [--pdf]`.
"""
from __future__ import annotations

import logging
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

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


def for_print(html: str, article, edition, site) -> Markup:
    """One article's rendered block (sidebar, body), rewritten for paper.

    On paper a link is only its text, so:
    - ids get a per-article prefix (`a2-`): the print page holds every article,
      and sentence, heading and footnote ids repeat between articles;
    - links to an article (or a place in one) point inside this document and
      get the class `page-ref`, which print.css turns into 见第 N 页;
    - links to other pages of the site (cover, sections) become plain text;
    - external links keep their address in `data-print-url`, printed after them;
    - footnote back-links (↩) go; headings move one level down (h2 → h3),
      under the article's own h2 headline.
    """
    from bs4 import BeautifulSoup
    from .links import _resolve

    soup = BeautifulSoup(str(html), "html.parser")
    prefix = f"a{article.position}-"
    by_path = {a.output_path: a for a in edition.articles}
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
        target = _resolve(article.output_path, a["href"], site.site_path)
        if target is None:
            _mark_external(a)
            continue
        path, anchor = target
        linked = by_path.get(path)
        if linked is None:
            a.unwrap()          # cover, section pages, files: nothing to point at on paper
            continue
        a["href"] = f"#a{linked.position}-{anchor}" if anchor else f"#{article_anchor(linked)}"
        inside_box = a.find_parent("aside") is not None
        if not inside_box and "footnote-ref" not in classes:
            a["class"] = [*classes, "page-ref"]
    for level in reversed(range(len(_HEADINGS))):
        for h in soup.find_all(_HEADINGS[level]):
            h.name = f"h{level + 2}"
    return Markup(str(soup))


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
    """`python build.py print [--pdf]`: the normal build, then the PDF from its print page."""
    from .cli import load_site_config, run_build
    status = run_build(args)
    if status or not args.pdf:
        return status
    out = args.out.resolve() if args.out else load_site_config(args).output_dir
    html_path = out / urls.PRINT
    result = render_pdf(html_path, html_path.parent / PDF_NAME)
    for message in result.warnings:
        print(f"warning: {urls.PRINT}: {message}", file=sys.stderr)
    print(f"printed {result.path} ({result.pages} pages, {result.size / 1024:.0f} KiB) "
          f"in {result.seconds:.1f} s")
    return 0
