"""`python build.py print --pdf` on the edition that prints as three volumes
(tests/support/volumes.py): one PDF per volume, read back with poppler, and the
contents page naming each with its size. The volumes' pages are
tests/build/test_print_volumes.py's."""
from __future__ import annotations

import contextlib
import io
import re

import pytest
from bs4 import BeautifulSoup

from feature.cli import main
from feature.printing.pdf import PDF_NAME
from tests.support import command_output, write_edition
from tests.support.volumes import CONFIG, FILES, VOLUMES


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    """The edition through `print --pdf`, and what it printed."""
    root = write_edition(tmp_path_factory.mktemp("volumes") / "edition", FILES, CONFIG)
    out = root / "dist"
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        assert main(["print", "--pdf", "--config", str(root / "config.yaml"), "--out", str(out)]) == 0
    return {"root": root, "out": out, "said": said.getvalue()}


def soup_of(split, rel: str) -> BeautifulSoup:
    return BeautifulSoup((split["out"] / rel).read_text(encoding="utf-8"), "html.parser")


def test_one_pdf_per_volume_beside_its_html(split):
    said = split["said"]
    assert "printed 3 volumes" in said
    assert not list((split["out"] / "print").glob("*.pdf"))     # no whole-edition PDF any more
    for rel, section, part, parts, headlines in VOLUMES:
        pdf = split["out"] / rel.replace("index.html", PDF_NAME)
        assert str(pdf) in said
        info = command_output("pdfinfo", str(pdf))
        assert re.search(r"Tagged:\s+yes", info) and re.search(r"\(A4\)", info)
        label = section if parts == 1 else f"{section} 第{part}册"
        assert re.search(rf"Title:\s+分册测试专题（印刷版 · {label}）", info)
        pages = [re.sub(r"\s+", "", p) for p in command_output("pdftotext", "-enc", "UTF-8", str(pdf), "-").split("\f")[:-1]]
        assert section in pages[0] and "分册测试专题" in pages[0]
        assert (f"第{part}册/共{parts}册" in pages[0]) == (parts > 1)
        everyone = ["第一篇报道", "第二篇报道", "第三篇报道", "港口建设提速", "老街的早晨"]
        # each article begins a page: the first headline on it (after the running head) is its own
        assert [min((h for h in everyone if h in page), key=page.find) for page in pages[2:]] == headlines
        assert len(pages) == 2 + len(headlines)                      # title, contents, one page each
    first = re.sub(r"\s+", "", command_output("pdftotext", "-enc", "UTF-8",
                                     str(split["out"] / "print/alpha" / PDF_NAME), "-"))
    assert "港口建设（见分册“百城提质”《港口建设提速》）" in first
    assert re.search(r"第二篇（见第(\d+)页）", first).group(1) == "4"


def test_the_contents_page_names_each_volumes_pdf_with_its_size(split):
    entries = soup_of(split, "print/index.html").select(".volume-entry")
    assert len(entries) == len(VOLUMES)
    for entry, (rel, *_) in zip(entries, VOLUMES):
        pdf = split["out"] / rel.replace("index.html", PDF_NAME)
        size = pdf.stat().st_size
        label = f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{round(size / 1024)} KB"
        link = entry.select_one("a.volume-pdf")
        assert (link["href"], link.get_text()) == (rel[len("print/"):].replace("index.html", PDF_NAME), f"PDF（{label}）")
