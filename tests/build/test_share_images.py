"""Share cards and 数字海报 as the build makes them (render/sharing.py, build/images.py):
every page's card and square card, a poster per key figure whose QR code (read
back with zxing-cpp) opens the figure's sentence, a missing glyph as an error
at its file and line, the same bytes from every build, each image drawn once."""
from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from PIL import Image

from feature.build.incremental import IncrementalBuilder
from feature.cli import main
from tests.support import SHARED_CONFIG, article, write_edition
from tests.support.edits import Edition, clean_build, tree

SITE = "https://news.example.cn/specials/x/"
FIGURES = {
    "content/alpha/port.md": article(
        "周口港通江达海", "alpha", deck="——内河航运综述", reporter="记者 张三 李四",
        body="周口港今年完成吞吐量2100万吨，同比增长21.99%。\n\n## 港口建设\n\n新建泊位12个，总投资3.6亿元。\n"),
    "content/beta/green.md": article(
        "以绿荫城", "beta", reporter="记者 王五",
        figures=[{"figure": "30公里", "label": "沙颍河两岸绿道"}],
        body="沙颍河两岸绿道长30公里。\n\n城区水面面积增加到1.7万亩。\n"),
}


def soup(dist: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((dist / rel).read_text(encoding="utf-8"), "html.parser")


def qr_text(png: Path) -> list[str]:
    return [c.text for c in zxingcpp.read_barcodes(Image.open(png)) if c.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Built once: the tests only read it."""
    root = write_edition(tmp_path_factory.mktemp("share") / "edition", FIGURES, SHARED_CONFIG)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["build", "--config", str(root / "config.yaml"), "--base-url", SITE]) == 0
    return root / "dist"


def test_every_page_has_a_card_and_a_square_card_and_every_figure_a_poster(site):
    # Every page a reader shares: not the 404 page, nor the print edition (made for paper).
    pages = sorted(rel for rel in (p.relative_to(site).as_posix() for p in site.rglob("*.html"))
                   if rel != "404.html" and not rel.startswith("print/"))
    cards, squares = set(), set()
    for rel in pages:
        page = soup(site, rel)
        cards.add(page.select_one('meta[property="og:image"]')["content"].removeprefix(SITE))
        squares.add(page.select_one('meta[itemprop="image"]')["content"].removeprefix(SITE))
    posters = {a["href"].removeprefix("../../") for rel in ("alpha/port/index.html", "beta/green/index.html")
               for a in soup(site, rel).select("a.poster-link")}
    assert len(pages) == 6 and len(cards) == len(squares) == 6      # cover, 2 sections, 2 articles, 数说
    assert len(posters) == 2 + 1        # the port story's sidebar ranks two figures; one curated
    made = {p.relative_to(site).as_posix() for p in (site / "share").iterdir()}
    assert made == cards | squares | posters
    for rel, size in [*((c, (1200, 630)) for c in cards), *((s, (600, 600)) for s in squares),
                      *((p, (1080, 1440)) for p in posters)]:
        assert re.fullmatch(r"share/[0-9a-f]{20}\.png", rel)
        with Image.open(site / rel) as image:
            assert (image.format, image.size) == ("PNG", size), rel
    headers = (site / "_headers").read_text()
    assert "/specials/x/share/*\n  Cache-Control: public, max-age=31536000, immutable" in headers


def test_each_posters_qr_code_opens_the_sentence_its_figure_comes_from(site):
    checked = 0
    for rel in ("alpha/port/index.html", "beta/green/index.html"):
        page = soup(site, rel)
        for item in page.select(".key-figures li"):
            figure = item.find("data").get_text()
            link = item.select_one("a.poster-link")
            assert link.has_attr("download") and figure in link["aria-label"] and link.get_text() == "海报"
            [url] = qr_text((site / rel).parent / link["href"])
            page_url, _, anchor = url.partition("#")
            assert page_url == SITE + rel.removesuffix("index.html")
            assert item.a["href"] == f"#{anchor}"                     # where the sidebar link lands
            assert figure in page.find(id=anchor).get_text()
            checked += 1
    assert checked == 3
    # 数说 offers the same posters.
    offered = {a["href"].removeprefix("../") for a in soup(site, "figures/index.html").select("a.poster-link")}
    linked = {a["href"].removeprefix("../../") for rel in ("alpha/port/index.html", "beta/green/index.html")
              for a in soup(site, rel).select("a.poster-link")}
    assert offered == linked


def test_without_a_host_the_qr_code_holds_the_path_and_the_build_says_so(make_edition, capsys):
    root = make_edition({"content/beta/green.md": FIGURES["content/beta/green.md"]}, SHARED_CONFIG)
    assert main(["build", "--config", str(root / "config.yaml")]) == 0
    assert "QR codes hold only the path" in capsys.readouterr().err
    [link] = soup(root / "dist", "beta/green/index.html").select("a.poster-link")
    [url] = qr_text(root / "dist/beta/green" / link["href"])
    assert re.fullmatch(r"/beta/green/#.+", url)


def test_a_character_the_font_lacks_fails_the_build_at_its_file_and_line(make_edition, capsys):
    # 𪚥 (U+2A6A5) is in no Noto CJK SC face: it would be drawn as a box.
    files = {"content/alpha/odd.md": article("周口𪚥港", "alpha"),
             "content/beta/green.md": article("以绿荫城", "beta",
                                               body="第一段。\n\n沙颍河两岸绿道长30公里，有𠀀树。\n")}
    root = make_edition(files, SHARED_CONFIG)
    for extra in ([], ["--no-cache"]):
        assert main(["build", "--config", str(root / "config.yaml"), *extra]) == 1
        err = capsys.readouterr().err
        assert ("content/alpha/odd.md:2: error: share card: the font Noto Serif CJK SC Bold has no glyph for "
                "“𪚥”（U+2A6A5）: it would be drawn as a box") in err, err
        assert "content/beta/green.md:7: error: poster: the font Noto Serif CJK SC Regular has no glyph for “𠀀”（U+20000）" in err
        assert err.count("error:") == 2
    assert not (root / "dist").exists()


def test_images_are_the_same_bytes_from_every_build_and_drawn_once(tmp_path):
    edition = Edition(tmp_path / "edition", SHARED_CONFIG)
    first, _ = clean_build(edition.root, tmp_path / "one")
    shared = {rel: data for rel, data in first.items() if rel.startswith("share/")}
    assert len(shared) > 10

    # Drawn again in two worker processes (jobs=2, 16 images or more): the same bytes.
    out, cache = tmp_path / "out", edition.root / ".cache/build/share"
    IncrementalBuilder(edition.root / "config.yaml", out, jobs=2).build()
    assert tree(out) == first
    assert {p.name for p in cache.iterdir()} == {Path(rel).name for rel in shared}

    # A body edit away from the figures changes no image: nothing is drawn.
    changed = edition.apply("body", 0, "补充一句")
    stamps = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    builder = IncrementalBuilder(edition.root / "config.yaml", out)
    builder.build(changed)
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == stamps
    expected, _ = clean_build(edition.root, tmp_path / "ref")
    assert tree(out) == expected

    # A headline edit draws that article's cards and posters, nothing else.
    before = {rel for rel in tree(out) if rel.startswith("share/")}
    changed = edition.apply("headline", 0, "新")
    builder.build(changed)
    expected, _ = clean_build(edition.root, tmp_path / "ref")
    got = tree(out)
    assert got == expected
    new = {rel for rel in got if rel.startswith("share/")} - before
    page = BeautifulSoup(got["alpha/a0/index.html"].decode(), "html.parser")
    own = {page.select_one('meta[property="og:image"]')["content"], page.select_one('meta[itemprop="image"]')["content"],
           *(a["href"] for a in page.select("a.poster-link"))}
    assert new == {u.removeprefix("../../") for u in own}
    assert {p.name for p in cache.iterdir()} - set(stamps) == {Path(rel).name for rel in new}


def test_share_config_is_checked(make_edition, capsys):
    root = make_edition({"content/alpha/one.md": article("一篇", "alpha")},
                        config=SHARED_CONFIG + "share:\n  cards: yes please\n  poster: false\n")
    assert main(["build", "--config", str(root / "config.yaml")]) == 1
    err = capsys.readouterr().err
    assert "config.yaml:12: error: `share` takes `cards`, `posters`, `fonts` (did you mean \"posters\"?)" in err


def test_a_machine_without_the_cjk_faces_is_told_what_to_install(make_edition, capsys):
    # A fonts folder without Noto CJK stands for a machine without fonts-noto-cjk
    # (fontconfig would answer with a fallback face, which the name check refuses alike).
    root = make_edition({"content/alpha/one.md": article("一篇", "alpha"), "nofonts/readme.txt": "no fonts here"},
                        config=SHARED_CONFIG + "share:\n  fonts: nofonts\n")
    for extra in ([], ["--no-cache"]):
        assert main(["build", "--config", str(root / "config.yaml"), *extra]) == 1
        err = capsys.readouterr().err
        assert err.startswith("config.yaml: error: share images: no CJK font for share images: Noto Serif CJK SC "
                              "Bold, Noto Serif CJK SC Regular, Noto Sans CJK SC Bold, Noto Sans CJK SC Regular not "
                              f"found in {root / 'nofonts'}; install Debian's fonts-noto-cjk"), err
        assert "Traceback" not in err
    assert not (root / "dist").exists()
