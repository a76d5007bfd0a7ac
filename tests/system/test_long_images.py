"""`print --long-images`: one 长图 per article, 1080 px wide, offered by the article
and print pages, drawn again only when its article changed, with a QR code to
the article; the folder verifies after it, and the next build takes it away."""
from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from PIL import Image

from feature.cli import main
from feature.core.diagnostics import Diagnostics
from feature.output.links import check_links
from feature.output.write import verify_output
from tests.support import article, jpeg, write_edition

BASE = "https://news.example.cn/specials/x/"
FILES = {
    "content/alpha/one.md": article("港口建设提速", "alpha", reporter="记者 张三", body=(
        "周口港完成投资21.99亿元，货物吞吐量增长87.21%。\n\n"
        "![码头上的集装箱](dock.jpg \"周口港码头｜摄影 张三\")\n\n新建标准化厂房120万平方米。\n")),
    "content/alpha/dock.jpg": jpeg(1600, 1000),
    "content/beta/two.md": article("老街的早晨", "beta", body="老街醒得早，全市贫困发生率降至0.81%。\n",
                                   reporter="记者 李四"),
}
ARTICLES = {"alpha/one/index.html": "alpha/one/long-image.png", "beta/two/index.html": "beta/two/long-image.png"}


def files_of(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def long_images(root, capsys, *extra) -> tuple[int, str, str]:
    code = main(["print", "--long-images", "--config", str(root / "config.yaml"), *extra])
    said = capsys.readouterr()
    return code, said.out, said.err


def build_and_print(root: Path) -> str:
    """The edition built for production, then `print --long-images`: what it said."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(["build", "--config", str(root / "config.yaml"), "--base-url", BASE]) == 0
        code = main(["print", "--long-images", "--config", str(root / "config.yaml")])
    assert code == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def printed_once(tmp_path_factory):
    """For the tests that only look (WeasyPrint takes a second an edition)."""
    root = write_edition(tmp_path_factory.mktemp("long") / "edition", FILES)
    return root, root / "dist", build_and_print(root)


@pytest.fixture
def printed(printed_once, tmp_path):
    """For the tests that print or build again: a copy (copy2 keeps the times, so dist/ verifies)."""
    root, _, out = printed_once
    shutil.copytree(root, tmp_path / "edition", symlinks=True)
    return tmp_path / "edition", tmp_path / "edition" / "dist", out


def test_one_png_per_article_1080_wide_with_the_article_set_in_it(printed_once):
    _, dist, out = printed_once
    assert "long images: 2 of 2 articles, 2 drawn, 0 unchanged" in out
    heights = {}
    for page, png in ARTICLES.items():
        image = Image.open(dist / png)
        assert (image.format, image.width) == ("PNG", 1080)
        heights[page] = image.height
    # Masthead, headline, byline, a sentence, figures, QR: about 1,100 px; a photo 984 × 615 more.
    assert 900 < heights["beta/two/index.html"] < 1600
    assert heights["alpha/one/index.html"] > heights["beta/two/index.html"] + 615
    # Besides any share cards and posters (share/).
    assert sorted(rel for rel in (p.relative_to(dist).as_posix() for p in dist.rglob("*.png"))
                  if not rel.startswith("share/")) == sorted(ARTICLES.values())


def test_the_qr_code_at_the_end_is_the_articles_address(printed_once):
    _, dist, _ = printed_once
    for page, png in ARTICLES.items():
        image = Image.open(dist / png).convert("RGB")
        foot = image.crop((0, image.height - 500, image.width, image.height))
        assert [code.text for code in zxingcpp.read_barcodes(foot)] == [BASE + page.removesuffix("index.html")]


def test_the_photo_is_drawn_from_its_jpeg(printed_once):
    _, dist, _ = printed_once
    image = Image.open(dist / ARTICLES["alpha/one/index.html"]).convert("RGB")
    # jpeg() is one flat red: a band of it across the column is the photo, set full width.
    rows = [y for y in range(0, image.height, 4)
            if sum(1 for x in range(60, 1020, 20) if _reddish(image.getpixel((x, y)))) == 48]
    assert len(rows) * 4 > 500                           # about 984 × 615 px of photo


def _reddish(pixel) -> bool:
    r, g, b = pixel
    return abs(r - 180) < 12 and g < 60 and b < 60


def test_article_and_print_pages_offer_them_and_every_link_resolves(printed_once):
    _, dist, _ = printed_once
    assert verify_output(dist) == []
    files = files_of(dist)
    problems = Diagnostics()
    checked = check_links(files, {}, problems, "/specials/x/")
    assert problems.items == [] and checked > 50
    printed_page = BeautifulSoup(files["print/index.html"], "html.parser")
    offered = [a["href"] for a in printed_page.select(".long-image a[download]")]
    assert offered == ["../" + png for png in ARTICLES.values()]
    for page, png in ARTICLES.items():
        link = BeautifulSoup(files[page], "html.parser").select_one(".long-image a")
        assert (link["href"], link["type"]) == ("long-image.png", "image/png")
        size = len(files[png])
        label = link.parent.get_text()
        assert re.search(r"（PNG，\d+ KB）", label) and f"{round(size / 1024)} KB" in label


def test_a_second_run_draws_nothing_and_an_edit_draws_that_article_alone(printed, capsys):
    root, dist, _ = printed
    first = files_of(dist)
    code, out, _ = long_images(root, capsys)
    assert code == 0 and "2 drawn" not in out and "0 drawn, 2 unchanged" in out
    assert files_of(dist) == first
    path = root / "content/beta/two.md"
    path.write_text(path.read_text(encoding="utf-8").replace("老街醒得早", "老街醒得很早"), encoding="utf-8")
    code, out, _ = long_images(root, capsys)
    assert code == 0 and "1 drawn, 1 unchanged" in out
    again = files_of(dist)
    assert again[ARTICLES["alpha/one/index.html"]] == first[ARTICLES["alpha/one/index.html"]]
    assert again[ARTICLES["beta/two/index.html"]] != first[ARTICLES["beta/two/index.html"]]


def test_drawn_again_without_the_cache_the_bytes_are_the_same(printed, capsys):
    root, dist, _ = printed
    first = files_of(dist)
    for cached in (root / ".cache/long-images").iterdir():
        cached.unlink()
    code, out, _ = long_images(root, capsys)
    assert code == 0 and "2 drawn" in out
    assert files_of(dist) == first


def test_the_next_build_takes_them_away_and_pages_offer_none(printed, capsys):
    root, dist, _ = printed
    assert main(["build", "--config", str(root / "config.yaml"), "--base-url", BASE]) == 0
    files = files_of(dist)
    assert not [rel for rel in files if rel.endswith(".png") and not rel.startswith("share/")]
    assert not [rel for rel, data in files.items() if rel.endswith(".html") and b"long-image" in data]
    assert verify_output(dist) == []


def test_an_article_that_cannot_be_drawn_is_named_and_the_others_are_offered(make_edition, capsys):
    root = make_edition({**FILES, "content/beta/two.md": article("老街的早晨", "beta", body="老街&#x2A6A5;醒得早。\n")})
    code, _, err = long_images(root, capsys, "--base-url", BASE)
    assert code == 1
    assert "content/beta/two.md: error: long image: the font" in err and "U+2A6A5" in err
    dist = root / "dist"
    assert verify_output(dist) == []
    assert (dist / ARTICLES["alpha/one/index.html"]).is_file()
    assert not (dist / ARTICLES["beta/two/index.html"]).exists()
    assert b"long-image" not in (dist / "beta/two/index.html").read_bytes()


def test_without_a_host_the_image_has_no_qr_code_and_says_why(make_edition, capsys):
    root = make_edition(FILES)
    code, _, err = long_images(root, capsys)
    assert code == 0
    assert "names no host, so the long images carry no QR code" in err
    image = Image.open(root / "dist" / ARTICLES["beta/two/index.html"]).convert("RGB")
    assert zxingcpp.read_barcodes(image) == []
