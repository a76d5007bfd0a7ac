"""`print` never replaces a production build with a different one: it builds the
output folder again with the settings recorded in its marker, or refuses; after
`--pdf` the 印刷版 page names the PDF, and the next build takes both away."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from feature.cli import main
from feature.core.config import load_config
from feature.build.pipeline import build
from feature.output.write import OUTPUT_MARKER, read_manifest, read_settings
from tests.support import article

BASE = "https://news.example.cn/specials/x/"
FILES = {"content/alpha/one.md": article("港口建设提速", "alpha", body="周口港建设提速。\n", reporter="记者 张三"),
         "content/beta/two.md": article("老街的早晨", "beta", body="老街醒得早。\n", reporter="记者 李四")}


def files_of(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def production(make_edition, capsys):
    """An edition built for production: `build --base-url https://…` into dist/."""
    root = make_edition(FILES)
    assert main(["build", "--config", str(root / "config.yaml"), "--base-url", BASE]) == 0
    capsys.readouterr()
    return root, root / "dist"


def test_print_pdf_after_a_production_build_keeps_its_sitemap_and_canonical_links(production, capsys):
    root, dist = production
    before = files_of(dist)
    assert main(["print", "--pdf", "--config", str(root / "config.yaml")]) == 0
    err = capsys.readouterr().err
    assert (f"note: {dist} was built with --base-url {BASE}; printing builds it with the same "
            f"(config.yaml says /)\n") in err
    assert (dist / "sitemap.xml").read_bytes() == before["sitemap.xml"]
    page = BeautifulSoup((dist / "alpha/one/index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select_one('link[rel="canonical"]')["href"] == BASE + "alpha/one/"
    after = files_of(dist)
    # Nothing of the build changed but the 印刷版 page (it names the PDF now) and the marker.
    changed = {rel for rel in before.keys() & after.keys() if before[rel] != after[rel]}
    assert changed == {"print/index.html", OUTPUT_MARKER}
    assert after.keys() - before.keys() == {"print/edition.pdf"}
    assert read_settings(dist).base_url == BASE


def test_print_without_pdf_keeps_the_production_build_too(production):
    root, dist = production
    before = files_of(dist)
    assert main(["print", "--config", str(root / "config.yaml")]) == 0
    assert files_of(dist) == before


def test_a_folder_that_does_not_say_how_it_was_built_is_refused(production, capsys):
    root, dist = production
    marker = json.loads((dist / OUTPUT_MARKER).read_text())
    del marker["settings"]                      # as builds wrote it before settings were recorded
    (dist / OUTPUT_MARKER).write_text(json.dumps(marker))
    before = files_of(dist)
    assert main(["print", "--pdf", "--config", str(root / "config.yaml")]) == 1
    assert capsys.readouterr().err == (
        f"error: {dist} does not record the settings it was built with, so printing could replace it with a "
        f"different build; build it again (`python build.py build`, with --base-url https://… if it is served "
        f"from there), then print\n")
    assert files_of(dist) == before


def test_an_explicit_base_url_is_built_as_asked(production, capsys):
    root, dist = production
    assert main(["print", "--config", str(root / "config.yaml"), "--base-url", "/"]) == 0
    assert f"note: {dist} was built with base_url {BASE}; rebuilding it with --base-url / as asked\n" \
        in capsys.readouterr().err
    assert not (dist / "sitemap.xml").exists() and read_settings(dist).base_url == "/"


def test_the_print_page_names_the_pdf_and_the_next_build_takes_both_away(production, tmp_path):
    root, dist = production
    assert main(["print", "--pdf", "--config", str(root / "config.yaml")]) == 0
    pdf = dist / "print/edition.pdf"
    soup = BeautifulSoup((dist / "print/index.html").read_text(encoding="utf-8"), "html.parser")
    size = pdf.stat().st_size
    label = f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{round(size / 1024)} KB"
    link = soup.select_one(".title-pdf a")
    assert (link["href"], link["type"], link.get_text()) == ("edition.pdf", "application/pdf", f"下载 PDF（{label}）")
    assert "print/edition.pdf" in read_manifest(dist)            # the marker knows it: no stale file later
    # The next build is the build again: byte for byte what a clean build gives, no PDF.
    assert main(["build", "--config", str(root / "config.yaml"), "--base-url", BASE]) == 0
    clean = tmp_path / "clean"
    build(load_config(root / "config.yaml").with_overrides(base_url=BASE), clean)
    assert files_of(dist) == files_of(clean)
    assert main(["build", "--config", str(root / "config.yaml"), "--base-url", BASE]) == 0
    assert files_of(dist) == files_of(clean)                     # the spare it staged in held no PDF either
