"""The print edition: the feature as paper documents, and their PDFs.

An edition of at most `print.volume_articles` articles prints as one
document, `dist/print/index.html`. A larger one prints as volumes
(`print_volumes`): each holds the articles of one section, at most
`volume_articles` of them (a longer section gets parts), at
`print/<section>/index.html`, `print/<section>/2/index.html` …; then
`print/index.html` is a contents page linking to them. Volumes and the
single document are rendered by the normal build from templates/print.html;
each article's body goes through `for_print` there: the web page's links and
anchors are made for paper (see its docstring; the rewrite itself is
paper.py), remembering rewritten blocks in the Jinja environment's
`PrintMemo`. `render_pdf` turns built HTML into `edition.pdf` beside it with
WeasyPrint (one per volume); `run` is `python build.py print [--pdf]`.
"""
from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import paper
from feature.core import urls
from feature.core.sectionparts import SectionPart, split_sections

PDF_NAME = "edition.pdf"
# PDF/UA-1: tagged PDF 1.7 with document language and title. WeasyPrint 70
# writes the structure tree; it does not check every PDF/UA rule itself.
PDF_VARIANT = "pdf/ua-1"
# print.css sets these for browsers printing the page; WeasyPrint lacks them
# and says so on every run. Anything else it says is reported.
_EXPECTED_WARNINGS = ("Ignored `line-break:",)


class Volume(SectionPart):
    """One printed volume of a split edition (paper calls a part 第2册)."""
    UNIT = "册"


@dataclass(frozen=True)
class PrintedPdf:
    """A PDF `print --pdf` made, as the 印刷版 page names it (printrun.link_pdfs)."""
    document: str           # the printed HTML: print/index.html or a volume's
    output_path: str        # beside it: print/edition.pdf, print/<section>/[n/]edition.pdf
    size: int               # bytes

    @property
    def size_label(self) -> str:
        return f"{self.size / 2**20:.1f} MB" if self.size >= 2**20 else f"{max(1, round(self.size / 1024))} KB"


def volume_size(site) -> int | None:
    """config `print.volume_articles`; None for a bare `site` (unit tests' stand-ins)."""
    return getattr(getattr(site, "print", None), "volume_articles", None)


_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_SCHEME = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


def body_links(body_html: str) -> tuple[str, ...]:
    """The hrefs of a body that may lead to another page of the site (external and
    same-page ones left out). A printed article names another article only
    through these (paper.elsewhere: 见分册《headline》): pagecache keys a volume
    by the headlines they lead to, not by every article's."""
    from html import unescape
    found = {unescape(next(g for g in m.groups() if g is not None)) for m in _HREF.finditer(body_html)}
    return tuple(sorted(h for h in found if h and not h.startswith("#") and not _SCHEME.match(h)))


def linked_paths(article, site_path: str, hrefs: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Output paths `article`'s body links to (`hrefs`: its body_links, if known)."""
    hrefs = body_links(article.body_html) if hrefs is None else hrefs
    targets = (urls.resolve_link(article.output_path, href, site_path) for href in hrefs)
    return tuple(sorted({t[0] for t in targets if t is not None and t[0] != article.output_path}))


def print_volumes(edition, config) -> list[Volume]:
    """The volumes of the print edition, in section order; [] when the whole
    edition fits in one (at most `volume_articles` articles): one document then."""
    return split_sections(edition, volume_size(config), Volume, urls.print_volume_path)


def for_print(html: str, article, edition, site, memo: PrintMemo | None = None) -> Markup:
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
    goes through BeautifulSoup instead, with the same rewrites (paper.py).

    `memo` is the Jinja environment's (`PrintMemo.for_print` is the filter);
    without one, nothing is remembered beyond this call.
    """
    html = str(html)
    if memo is None:
        memo = PrintMemo()
    places = memo.places_for(edition, site)
    by_path, volume_of = places.by_path, places.volume_of
    # The result is a function of the block, this article's place, the
    # paths → (position, volume) map and the headlines of the articles it
    # refers to in other volumes (checked on a hit): an edit re-renders the print
    # page (or volume), but only the changed article's block is rewritten again.
    key = (hashlib.sha1(html.encode("utf-8")).digest(), article.position, article.output_path,
           site.site_path, places.digest)
    hit = memo.get(key)
    if hit is not None and all(paper.elsewhere(article, by_path[path], volume_of) == said
                               for path, said in hit[1]):
        return Markup(hit[0])
    refs: list = []
    out = paper.rewrite_fast(html, article, by_path, site.site_path, volume_of, refs)
    if out is None:
        refs.clear()
        out = paper.rewrite_soup(html, article, by_path, site.site_path, volume_of, refs)
    memo.put(key, (out, tuple(refs)))
    return Markup(out)


@dataclass
class Places:
    """Where every article is printed, for one edition and volume size."""
    articles: tuple = ()
    size: int | None = None
    by_path: dict = field(default_factory=dict)      # output path → article
    volume_of: dict = field(default_factory=dict)    # output path → its Volume ({} when not split)
    digest: str = ""                                 # of paths, positions and volumes
    sections: Any = None                             # the edition's (their titles name volumes)
    listing: str = ""                                # the edition's (model.Edition.listing)


class PrintMemo:
    """What `for_print` remembers, for as long as one Jinja environment lives
    (render.make_environment makes one per environment; the filter is its bound
    `for_print`). The incremental builder keeps its environment across builds, so
    the preview server's warm rebuilds rewrite only changed blocks; a clean
    `pipeline.build` starts empty.

    It holds the rewritten blocks of the print pages (the document, or the
    volumes) for the last two editions; older ones are dropped, so it holds at
    most about two print editions' worth of text. A generation starts with each
    new edition (`places_for`), whose places it keeps too.
    """

    def __init__(self):
        self.current: dict = {}
        self.previous: dict = {}
        self.places = Places()
        self.edition = None             # the edition of the build rendering now
        self.rewrites = 0               # blocks rewritten rather than remembered (tests count them)

    def for_print(self, html: str, article, edition, site) -> Markup:
        """The Jinja filter: `for_print` with this memo."""
        return for_print(html, article, edition, site, self)

    def places_for(self, edition, site=None) -> Places:
        """Where `edition`'s articles are printed, worked out once per edition
        (not once per article or volume: that was O(N²))."""
        articles, size = edition.articles, volume_size(site)
        sections = getattr(edition, "sections", None)
        known, listing = self.places, getattr(edition, "listing", "")
        if listing:
            # The same listing places every article where it was (a body edit in the
            # preview): the old objects in `by_path` show the same headlines and positions.
            fresh = known.listing != listing or known.size != size
        else:
            fresh = known.articles is not articles or known.size != size or known.sections is not sections
        if fresh:
            volume_of = {a.output_path: v for v in print_volumes(edition, site) for a in v.articles}
            where = hashlib.sha1("\n".join(
                f"{a.output_path}\0{a.position}\0{volume_of[a.output_path].output_path if volume_of else ''}"
                f"\0{volume_of[a.output_path].label if volume_of else ''}" for a in articles).encode("utf-8"))
            self.places = Places(articles, size, {a.output_path: a for a in articles}, volume_of,
                                 where.hexdigest(), sections, listing)
        if edition is not self.edition:
            # A new build (the places may be kept): blocks it does not use again go
            # after the next one. Kept generation after generation instead, a
            # preview edit added a block each time: 33 KB an edit.
            self.edition = edition
            self.next_generation()
        return self.places

    def get(self, key):
        hit = self.current.get(key)
        if hit is None:
            hit = self.previous.get(key)
            if hit is not None:
                self.current[key] = hit
        return hit

    def put(self, key, value) -> None:
        self.rewrites += 1
        self.current[key] = value

    def next_generation(self) -> None:
        self.previous, self.current = self.current, {}


def memo_of(env) -> PrintMemo:
    """The memo behind an environment's `for_print` filter (render.make_environment)."""
    return env.filters["for_print"].__self__


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
    printed document: print/edition.pdf, or one per volume of a split edition,
    up to `--jobs` of them at once (`pdf_jobs`). A volume that fails is named and
    the others are still printed; the command then fails. It holds the output
    lock throughout (outputlock.py): no other build replaces what it prints."""
    from feature.cli import holding_output
    return holding_output(args, "print", _print)


def _print(args) -> int:
    from feature.cli import load_site_config, run_build
    from feature.commands.print_edition import as_last_built, link_pdfs
    from feature.output.write import verify_output
    args = as_last_built(args)          # the folder's own settings: never a different build
    if args is None:
        return 1
    status = run_build(args)
    if status or not args.pdf:
        return status
    out = args.out.resolve() if args.out else load_site_config(args).output_dir
    problems = verify_output(out)
    if problems:
        print(f"error: {out} is not a finished build ({'; '.join(problems[:3])}); run `python build.py build`, "
              f"then print again", file=sys.stderr)
        return 1
    documents = built_volumes(out) or [urls.PRINT]
    pages = size = 0
    failed, printed = [], []
    start = time.perf_counter()
    largest = max((out / rel).stat().st_size for rel in documents)
    for rel, result in render_pdfs(out, documents, pdf_jobs(getattr(args, "jobs", None), len(documents), largest)):
        if isinstance(result, str):
            print(f"error: {rel}: {result}", file=sys.stderr)
            failed.append(rel)
            continue
        for message in result.warnings:
            print(f"warning: {rel}: {message}", file=sys.stderr)
        print(f"printed {result.path} ({result.pages} pages, {result.size / 1024:.0f} KiB) "
              f"in {result.seconds:.1f} s")
        pages, size = pages + result.pages, size + result.size
        printed.append(PrintedPdf(rel, result.path.relative_to(out).as_posix(), result.size))
    if len(documents) > 1 and len(failed) < len(documents):
        print(f"printed {len(documents) - len(failed)} volumes, one PDF each beside its HTML under "
              f"{out / 'print'} ({pages} pages, {size / 1024 / 1024:.1f} MiB) in {time.perf_counter() - start:.1f} s")
    if printed:
        link_pdfs(args, out, printed)   # the 印刷版 page names them, with their sizes
    if failed:
        print(f"print failed: no PDF for {len(failed)} of {len(documents)} document(s)", file=sys.stderr)
        return 1
    return 0


# Peak resident memory of one WeasyPrint process: a fixed part plus so much per
# MiB of the HTML it prints, rounded up from what was measured (docs/print.md:
# a 50-article volume, 0.53-0.63 MB of HTML, peaked at 424-471 MiB RSS; a
# 3-7-article one, 40-93 KB, at 253-280 MiB). `pdf_jobs` starts no more at
# once than MemAvailable holds.
PDF_FIXED_MIB = 250
PDF_MIB_PER_HTML_MIB = 400


def pdf_jobs(requested: int | None, documents: int, largest_html: int = 0,
             available_mib: float | None = None) -> int:
    """How many PDFs to render at once: `--jobs` (default: one per CPU core), no
    more than there are documents, nor than the memory available (default:
    MemAvailable) holds for processes printing `largest_html` bytes each."""
    jobs = min(requested or os.cpu_count() or 1, documents)
    available = _available_mib() if available_mib is None else available_mib
    if available is not None:
        need = PDF_FIXED_MIB + PDF_MIB_PER_HTML_MIB * largest_html / 2**20
        jobs = min(jobs, int(available // need))
    return max(1, jobs)


def _available_mib() -> float | None:
    """MemAvailable of /proc/meminfo (Linux), in MiB; None where there is none."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def render_pdfs(out: Path, documents: list[str], jobs: int):
    """Yield (document, PdfResult or what went wrong) in the order of `documents`.

    With jobs > 1 each document is rendered in a process of its own, forked for
    it (so one volume's WeasyPrint memory is gone before the next starts), at
    most `jobs` at a time. A process that dies (killed, out of memory) is
    reported as that document's failure instead of hanging the command."""
    if jobs <= 1 or len(documents) <= 1:
        for rel in documents:
            yield rel, _render_document(out, rel)
        return
    from multiprocessing.connection import wait
    ctx = multiprocessing.get_context("fork")
    waiting, running, done, shown = list(documents), {}, {}, 0
    try:
        while shown < len(documents):
            while waiting and len(running) < jobs:
                rel = waiting.pop(0)
                reader, writer = ctx.Pipe(duplex=False)
                process = ctx.Process(target=_render_in_child, args=(out, rel, writer), daemon=True)
                process.start()
                writer.close()
                running[reader] = (rel, process)
            for reader in wait(list(running)):
                rel, process = running.pop(reader)
                try:
                    done[rel] = reader.recv()
                except EOFError:
                    process.join()
                    done[rel] = f"the PDF process ended without a result (exit code {process.exitcode})"
                reader.close()
                process.join()
            while shown < len(documents) and documents[shown] in done:
                yield documents[shown], done.pop(documents[shown])
                shown += 1
    finally:
        for reader, (_, process) in running.items():
            process.terminate()
            process.join()
            reader.close()


def _render_document(out: Path, rel: str) -> PdfResult | str:
    html_path = out / rel
    try:
        return render_pdf(html_path, html_path.parent / PDF_NAME)
    except Exception as exc:            # reported with the document's name; the others go on
        return f"{type(exc).__name__}: {exc}"


def _render_in_child(out: Path, rel: str, conn) -> None:
    conn.send(_render_document(out, rel))
    conn.close()


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
