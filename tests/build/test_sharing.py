"""What a page shows when it is shared or bookmarked: its description (the
lede, or the body's opening), its images (the share card, the first photo) and the tab icon."""
import hashlib
import json
import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from feature.cli import main
from feature.markup.enrich import EXCERPT_CHARS, opening_excerpt
from tests.support import FIXTURE_CONFIG, SHARED_CONFIG, article, jpeg

ATOM = "{http://www.w3.org/2005/Atom}"
LONG = ("周口港是河南省第一个内河港口，二〇一九年完成投资二十一亿元，新建泊位十二个，货物吞吐量比上年增长三成。"
        "港区道路、仓储和铁路专用线同步建设，临港产业园引进企业四十家。"
        "沙颍河航道整治工程也已开工，建成后千吨级货船可以从周口港直达淮河，再经淮河进入长江。")


def page(root, rel):
    return BeautifulSoup((root / "dist" / rel).read_text(encoding="utf-8"), "html.parser")


def meta(soup) -> dict:
    return {m.get("property") or m.get("name"): m["content"] for m in soup.select("meta[content]")}


def test_opening_excerpt_ends_a_sentence_within_the_limit():
    assert opening_excerpt([("", "短短一段。")]) == "短短一段。"
    cut = opening_excerpt([("", LONG)])
    assert cut == LONG[:LONG.index("四十家。") + 4] and len(cut) <= EXCERPT_CHARS
    assert opening_excerpt([("", "一" * 200 + "。")]) == "一" * (EXCERPT_CHARS - 1) + "…"
    assert opening_excerpt([("小标题", ""), ("小标题", "第二段才有字。")]) == "第二段才有字。"
    assert opening_excerpt([]) == ""


@pytest.fixture
def built(make_edition):
    def build(files, config=SHARED_CONFIG, base_url=None):
        root = make_edition(files, config=config)
        args = ["build", "--config", str(root / "config.yaml")] + (["--base-url", base_url] if base_url else [])
        assert main(args) == 0
        return root
    return build


def test_an_article_without_lede_is_described_by_its_opening(built):
    root = built({"content/alpha/port.md": article("周口港通江达海", "alpha", body=LONG + "\n\n第二段。\n"),
                  "content/alpha/bare.md": article("只有标题", "alpha", body="")})
    expected = LONG[:LONG.index("四十家。") + 4]
    soup = page(root, "alpha/port/index.html")
    tags = meta(soup)
    assert tags["description"] == tags["og:description"] == tags["twitter:description"] == expected
    assert json.loads(soup.find("script", type="application/ld+json").string)["description"] == expected
    feed = ET.parse(root / "dist/feed.xml").getroot()
    summaries = {e.find(f"{ATOM}title").text: e.find(f"{ATOM}summary").text for e in feed.findall(f"{ATOM}entry")}
    assert summaries == {"周口港通江达海": expected, "只有标题": "只有标题"}    # never an empty <summary>


def test_a_lede_stays_the_description(built):
    root = built({"content/alpha/port.md": article("周口港", "alpha", body=LONG + "\n", lede="导语一句。")})
    assert meta(page(root, "alpha/port/index.html"))["og:description"] == "导语一句。"


PHOTO_BODY = "开头一段。\n\n![周口港码头](dock.jpg \"周口港码头｜摄影 张三\")\n\n![第二张](river.jpg)\n"


@pytest.mark.parametrize("base_url, prefix", [(None, "../../"), ("https://news.example.cn/x/", "https://news.example.cn/x/")])
def test_an_article_is_shared_with_its_card_and_its_first_photo(built, base_url, prefix):
    dock = jpeg(1600, 900)
    root = built({"content/alpha/port.md": article("周口港", "alpha", body=PHOTO_BODY, lede="导语。"),
                  "content/alpha/dock.jpg": dock, "content/alpha/river.jpg": jpeg(900, 600)}, base_url=base_url)
    soup = page(root, "alpha/port/index.html")
    tags = meta(soup)
    card = tags["og:image"]
    assert re.fullmatch(re.escape(prefix) + r"share/[0-9a-f]{20}\.png", card)
    assert tags["twitter:image"] == card and tags["twitter:card"] == "summary_large_image"
    assert (tags["og:image:width"], tags["og:image:height"], tags["og:image:type"]) == ("1200", "630", "image/png")
    assert tags["og:image:alt"] == "分享卡片：周口港，测试日报，测试专题"
    photo = f"{prefix}media/dock-{hashlib.sha256(dock).hexdigest()[:10]}-1200.jpg"
    assert json.loads(soup.find("script", type="application/ld+json").string)["image"] == [card, photo]
    square = soup.select_one('meta[itemprop="image"]')["content"]
    assert square != card and square.startswith(prefix + "share/")
    sizes = {Image.open(root / "dist" / url.removeprefix(prefix)).size for url in (card, square)}
    assert sizes == {(1200, 630), (600, 600)}


def test_without_cards_the_first_photo_is_the_share_image(built):
    dock = jpeg(1600, 900)
    root = built({"content/alpha/port.md": article("周口港", "alpha", body=PHOTO_BODY, lede="导语。"),
                  "content/alpha/dock.jpg": dock, "content/alpha/river.jpg": jpeg(900, 600),
                  "content/alpha/plain.md": article("没有照片", "alpha", lede="导语。")},
                 config=FIXTURE_CONFIG)
    url = f"../../media/dock-{hashlib.sha256(dock).hexdigest()[:10]}-1200.jpg"
    soup = page(root, "alpha/port/index.html")
    tags = meta(soup)
    assert tags["og:image"] == tags["twitter:image"] == url and tags["twitter:card"] == "summary_large_image"
    assert json.loads(soup.find("script", type="application/ld+json").string)["image"] == [url]
    plain = meta(page(root, "alpha/plain/index.html"))
    assert plain["twitter:card"] == "summary" and "og:image" not in plain and "twitter:image" not in plain
    assert not (root / "dist/share").exists()


PAGES = {"index.html": "favicon.svg", "alpha/one/index.html": "../../favicon.svg",
         "print/index.html": "../favicon.svg", "figures/index.html": "../favicon.svg", "404.html": "/favicon.svg"}


def test_every_page_names_the_icon_drawn_from_the_newspapers_name(built):
    root = built({"content/alpha/one.md": article("一篇", "alpha", lede="导语。")})
    for rel, href in PAGES.items():
        icons = page(root, rel).select('link[rel="icon"]')
        assert [(i["href"], i["type"]) for i in icons] == [(href, "image/svg+xml")], rel
    svg = (root / "dist/favicon.svg").read_text(encoding="utf-8")
    ET.fromstring(svg)                                            # well-formed
    assert ">测</text>" in svg                                    # 测试日报
    assert "/favicon.svg\n  Cache-Control: no-cache" in (root / "dist/_headers").read_text()


def test_a_favicon_named_in_config_is_used_instead(built):
    config = FIXTURE_CONFIG + "favicon: logo.png\n"
    root = built({"content/alpha/one.md": article("一篇", "alpha", lede="导语。"), "static/logo.png": jpeg(64, 64)},
                 config=config)
    for rel, href in PAGES.items():
        expected = href.replace("favicon.svg", "static/logo.png")
        assert [i["href"] for i in page(root, rel).select('link[rel="icon"]')] == [expected], rel
    assert not (root / "dist/favicon.svg").exists() and (root / "dist/static/logo.png").is_file()


def test_a_favicon_that_is_not_in_static_is_an_error(make_edition, capsys):
    root = make_edition({"content/alpha/one.md": article("一篇", "alpha")}, config=FIXTURE_CONFIG + "favicon: logo.png\n")
    assert main(["build", "--config", str(root / "config.yaml")]) == 1
    assert capsys.readouterr().err.startswith(
        "config.yaml:13: error: favicon `logo.png` is not a file in static/ (write its name there, e.g. "
        "`favicon: logo.png`; leave it out for one drawn from the newspaper's name)\n")
