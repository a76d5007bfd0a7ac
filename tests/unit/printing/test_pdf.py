"""`print --pdf` renders volumes side by side: how many at once, order, and a volume that fails.

WeasyPrint itself is stood in for here (tests/system/test_print_pdf.py and
tests/system/test_print_volumes_pdf.py render real PDFs, through the same code).
"""
from __future__ import annotations

import os
from argparse import Namespace
from types import SimpleNamespace
from pathlib import Path

import pytest

from feature.commands import build, print_edition
from feature.printing import pdf
from feature.printing.pdf import PDF_NAME, PdfResult, pdf_jobs, render_pdfs


def test_jobs_default_to_the_cores_and_never_exceed_the_documents():
    assert pdf_jobs(None, 100, available_mib=1e9) == min(os.cpu_count() or 1, 100)
    assert pdf_jobs(8, 3, available_mib=1e9) == 3
    assert pdf_jobs(4, 10, available_mib=1e9) == 4
    assert pdf_jobs(0, 1, available_mib=1e9) == 1


def test_jobs_are_bounded_by_the_memory_available():
    volume = 600_000                       # a 50-article volume's HTML
    need = pdf.PDF_FIXED_MIB + pdf.PDF_MIB_PER_HTML_MIB * volume / 2**20
    assert pdf_jobs(8, 20, volume, available_mib=3 * need + 1) == 3
    assert pdf_jobs(8, 20, volume, available_mib=need / 2) == 1          # always at least one


def _fake_render(html_path: Path, pdf_path: Path) -> PdfResult:
    """Stands in for WeasyPrint: 'bad' raises, 'dies' ends its process, 'slow' takes longer."""
    name = html_path.parent.name
    if name == "bad":
        raise ValueError("no such font")
    if name == "dies":
        os._exit(9)
    if name == "slow":
        import time
        time.sleep(0.2)     # the others, started after it, finish first
    pdf_path.write_bytes(b"%PDF-1.7 " + name.encode())
    return PdfResult(pdf_path, 1, pdf_path.stat().st_size, 0.0, [f"from {name}"])


@pytest.fixture
def volumes(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "render_pdf", _fake_render)
    names = ["slow", "bad", "a", "dies", "b"]
    for name in names:
        (tmp_path / "print" / name).mkdir(parents=True)
        (tmp_path / "print" / name / "index.html").write_text("<p>卷</p>", encoding="utf-8")
    return tmp_path, [f"print/{n}/index.html" for n in names]


def finished(out: Path) -> None:
    """`out` as a build leaves it: its marker lists every file with digest and size."""
    from feature.core.files import digest_of
    from feature.output.write import write_manifest
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    write_manifest(out, {rel: digest_of(data) for rel, data in files.items()},
                   {rel: len(data) for rel, data in files.items()})


@pytest.mark.parametrize("jobs", [1, 3])
def test_results_come_in_document_order_and_failures_name_their_volume(volumes, jobs):
    out, documents = volumes
    if jobs == 1:       # in this process: a dying render would end the test run itself
        documents = [d for d in documents if "dies" not in d]
    got = list(render_pdfs(out, documents, jobs))
    assert [rel for rel, _ in got] == documents
    results = dict(got)
    assert results["print/bad/index.html"] == "ValueError: no such font"
    if jobs > 1:
        assert "ended without a result (exit code 9)" in results["print/dies/index.html"]
    for name in ("slow", "a", "b"):
        assert results[f"print/{name}/index.html"].warnings == [f"from {name}"]
        assert (out / "print" / name / PDF_NAME).read_bytes() == b"%PDF-1.7 " + name.encode()


def test_the_command_prints_the_other_volumes_names_the_failed_one_and_fails(volumes, monkeypatch, capsys):
    out, documents = volumes
    finished(out)                                   # print reads only a finished build
    # The volumes, in their sections' order (config's), as the manifest holds them.
    sections = [SimpleNamespace(key=n) for n in ("slow", "bad", "a", "dies", "b")]
    monkeypatch.setattr(print_edition, "load_site_config", lambda args: SimpleNamespace(sections=sections, output_dir=out))
    monkeypatch.setattr(build, "run", lambda args: 0)
    monkeypatch.setattr(print_edition, "as_last_built", lambda args: args)      # no build, no marker here
    linked = []
    monkeypatch.setattr(print_edition, "link_made", lambda args, out, pdfs, images: linked.extend(pdfs))
    assert print_edition.run(Namespace(pdf=True, out=out, jobs=2)) == 1
    assert [(p.document, p.output_path) for p in linked] == [
        (f"print/{n}/index.html", f"print/{n}/{PDF_NAME}") for n in ("slow", "a", "b")]
    said = capsys.readouterr()
    printed = [line for line in said.out.splitlines() if line.startswith("printed ")]
    assert [line.split()[1] for line in printed[:3]] == [str(out / "print" / n / PDF_NAME) for n in ("slow", "a", "b")]
    assert printed[3].startswith("printed 3 volumes")
    assert "error: print/bad/index.html: ValueError: no such font" in said.err
    assert "error: print/dies/index.html: the PDF process ended without a result" in said.err
    assert "warning: print/a/index.html: from a" in said.err
    assert said.err.rstrip().endswith("print failed: no PDF for 2 of 5 document(s)")
