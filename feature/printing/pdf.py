"""PDFs of the print edition: WeasyPrint turns a built print document into
`edition.pdf` beside it (one per volume), several side by side as memory allows.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

PDF_NAME = "edition.pdf"
# PDF/UA-1: tagged PDF 1.7 with document language and title. WeasyPrint 70
# writes the structure tree; it does not check every PDF/UA rule itself.
PDF_VARIANT = "pdf/ua-1"
# print.css sets these for browsers printing the page; WeasyPrint lacks them
# and says so on every run. Anything else it says is reported.
_EXPECTED_WARNINGS = ("Ignored `line-break:",)


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
