"""Hostile text in every field an editor or config can set stays text, everywhere.

One edition carries `<script>`, `"onmouseover=`, `javascript:` URLs and HTML
in alt text in its headline, deck, byline, lede, pull quote, figure label,
section title and config values; it is built with an absolute --base-url so
the sitemap exists. Each surface is parsed (BeautifulSoup, xml.etree, json),
never only string-matched: no element with an on* attribute, no script but
ours (JSON-LD and the fingerprinted search.js), no javascript: URL, and the
original text comes back intact where the surface carries it.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from feature.cli import main
from tests.support import SHARED_CONFIG, article

EVIL = '<script>alert(1)</script>"onmouseover="alert(2)\'><img src=x onerror=alert(3)>'
HEADLINE = f"标题{EVIL}"
DECK = f"——副题{EVIL}"
LEDE = f"导语{EVIL}。"
QUOTE = f"“引语{EVIL}”"
REPORTER = ("首席记者</span><script>alert(4)</script>", 'x" onmouseover="alert(5)')
SECTION_TITLE = f"第一部分{EVIL}"
LABEL = f"资金{EVIL}"
SITE_TITLE = f"专题{EVIL}"
BASE = "https://example.cn/specials/x/"
BODY = """投资21.99亿元。

[点我](javascript:alert(6)) [再点](java&#x09;script:alert(7)) [三点](JAVASCRIPT:alert(8))

段落{: onclick="alert(9)" }

![<img src=x onerror=alert(10)>"onmouseover="alert(11)](dock.jpg "说明<script>alert(16)</script>")

<script>alert(12)</script>

<a href="javascript:alert(13)" onmouseover="alert(14)">原始 HTML</a>
"""
CONFIG = (SHARED_CONFIG
          .replace("title: 测试专题", f"title: {json.dumps(SITE_TITLE, ensure_ascii=False)}")
          .replace("subtitle: 小型测试版", f"subtitle: {json.dumps(EVIL)}\ndescription: {json.dumps(EVIL)}")
          .replace("newspaper: 测试日报", f"newspaper: {json.dumps('日报' + EVIL, ensure_ascii=False)}")
          .replace("title: 第一部分", f"title: {json.dumps(SECTION_TITLE, ensure_ascii=False)}\n"
                                      f"    description: {json.dumps(EVIL)}")
          + 'print:\n  paper: "A4; } </style><script>alert(15)</script><style>"\n')


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from tests.support import write_edition
    root = write_edition(tmp_path_factory.mktemp("evil") / "edition", {
        "content/alpha/evil.md": article(
            HEADLINE, "alpha", body=BODY, deck=DECK, lede=LEDE, pull_quote=QUOTE, slug="evil",
            byline=[{"title": REPORTER[0], "name": REPORTER[1]}],
            figures=[{"figure": "21.99亿元", "label": LABEL}]),
        "content/beta/plain.md": article("普通标题", "beta", body="[回到](../../alpha/evil/index.html)\n"),
        "content/alpha/dock.jpg": _jpeg(),
    }, config=CONFIG)
    assert main(["build", "--config", str(root / "config.yaml"), "--base-url", BASE]) == 0
    return root / "dist"


def _jpeg() -> bytes:
    import io
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (800, 500), "gray").save(out, "JPEG")
    return out.getvalue()


def soup_of(site, rel):
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


def text(el) -> str:
    return re.sub(r"\s+", "", el.get_text())


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def assert_inert(soup, site):
    """The page's own rules: no handler, no foreign script, no script URL."""
    ours = {p.name for p in (site / "static").iterdir() if re.fullmatch(r"search\.[0-9a-f]+\.js", p.name)}
    assert ours, "fingerprinted search.js not found"
    for el in soup.find_all(True):
        for attr, value in el.attrs.items():
            assert not attr.lower().startswith("on"), f"{el.name} has {attr}"
            if attr.lower() in ("href", "src", "action", "formaction", "xlink:href", "data-print-url"):
                assert not re.sub(r"[\x00-\x20]", "", value).lower().startswith(("javascript:", "vbscript:")), el
    for script in soup.find_all("script"):
        if script.get("type") == "application/ld+json":
            json.loads(script.string)
        else:
            assert script.get("src", "").split("/")[-1] in ours, script
    assert not soup.find_all(["iframe", "object", "embed", "img"], src=re.compile("^x$"))


HTML_PAGES = ["index.html", "alpha/index.html", "beta/index.html", "alpha/evil/index.html",
              "beta/plain/index.html", "figures/index.html", "print/index.html", "404.html"]


@pytest.mark.parametrize("rel", HTML_PAGES)
def test_every_page_is_inert(site, rel):
    assert_inert(soup_of(site, rel), site)


def test_article_page_shows_the_text_as_typed(site):
    soup = soup_of(site, "alpha/evil/index.html")
    assert text(soup.find("h1", class_="headline")) == squash(HEADLINE)
    assert text(soup.find("p", class_="deck")) == squash(DECK)
    assert text(soup.find(class_="reporter-title")) == squash(REPORTER[0])
    assert text(soup.find(class_="reporter-name")) == squash(REPORTER[1])
    assert text(soup.find(class_="lede")) == squash(LEDE)
    assert text(soup.find(class_="pull-quote")) == squash(QUOTE)
    assert squash(SECTION_TITLE) in text(soup.find("nav", class_="breadcrumb"))
    assert soup.title.get_text() == f"{HEADLINE} · {SITE_TITLE}"
    links = {a.get_text(): a.get("href") for a in soup.select(".story-body a")}
    assert links.get("点我") is None and links.get("再点") is None and links.get("三点") is None


def test_alt_text_and_caption_stay_text(site):
    soup = soup_of(site, "alpha/evil/index.html")
    img = soup.select_one(".story-body figure img")
    assert img["alt"] == '<img src=x onerror=alert(10)>"onmouseover="alert(11)'
    assert "<script>alert(16)</script>" in img.find_parent("figure").get_text()


def test_sidebar_label(site):
    soup = soup_of(site, "alpha/evil/index.html")
    aside = soup.find("aside", class_="key-figures")
    assert aside.find("data").get_text() == "21.99亿元"
    assert aside.find(class_="figure-label").get_text() == LABEL
    figures = soup_of(site, "figures/index.html")
    assert LABEL in [el.get_text() for el in figures.find_all(class_="figure-label")]


def test_open_graph_and_meta(site):
    soup = soup_of(site, "alpha/evil/index.html")
    meta = {m.get("property") or m.get("name"): m.get("content") for m in soup.find_all("meta") if m.get("content")}
    assert meta["og:title"] == HEADLINE
    assert meta["twitter:title"] == HEADLINE
    assert meta["og:description"] == LEDE
    assert meta["og:site_name"] == "日报" + EVIL
    assert meta["article:section"] == SECTION_TITLE
    assert meta["og:url"] == BASE + "alpha/evil/"


def test_json_ld_parses_to_the_original_values(site):
    data = [json.loads(s.string) for s in soup_of(site, "alpha/evil/index.html").find_all(
        "script", type="application/ld+json")]
    assert len(data) == 1
    news = data[0]
    assert news["headline"] == HEADLINE
    assert news["alternativeHeadline"] == DECK.lstrip("—")
    assert news["description"] == LEDE
    assert news["author"] == [{"@type": "Person", "name": REPORTER[1], "jobTitle": REPORTER[0]}]
    assert news["articleSection"] == SECTION_TITLE
    assert news["isPartOf"]["name"] == SITE_TITLE
    cover = json.loads(soup_of(site, "index.html").find("script", type="application/ld+json").string)
    assert cover["name"] == SITE_TITLE
    assert HEADLINE in [item["name"] for item in cover["itemListElement"]]
    raw = (site / "alpha/evil/index.html").read_text()
    assert raw.count("</script>") == raw.count("<script")      # no value closed the element early


ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_is_well_formed_with_the_text_intact(site):
    feed = ET.parse(site / "feed.xml").getroot()
    assert feed.find(f"{ATOM}title").text == SITE_TITLE
    entry = next(e for e in feed.findall(f"{ATOM}entry") if e.find(f"{ATOM}title").text == HEADLINE)
    assert entry.find(f"{ATOM}summary").text == LEDE
    assert entry.find(f"{ATOM}author/{ATOM}name").text == REPORTER[1]      # the person; no title in <name>
    assert entry.find(f"{ATOM}link").get("href") == BASE + "alpha/evil/"
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "日报" + EVIL


def test_sitemap_is_well_formed(site):
    urlset = ET.parse(site / "sitemap.xml").getroot()
    locs = [el.text for el in urlset.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert BASE + "alpha/evil/" in locs and all(loc.startswith(BASE) for loc in locs)


def test_search_index_keeps_text_as_data(site):
    index = json.loads((site / "search/index.json").read_text())
    doc = next(d for d in index["docs"] if d["url"] == "alpha/evil/index.html")
    assert doc["headline"] == HEADLINE
    assert doc["section"] == SECTION_TITLE
    texts = [b[0] for b in doc["blocks"]]
    assert DECK in texts and LEDE in texts
    assert "说明<script>alert(16)</script>" in texts          # a caption is text, shown by textContent
    assert not any("alert(12)" in t or "alert(14)" in t for t in texts)   # raw HTML was left out


def test_print_edition(site):
    soup = soup_of(site, "print/index.html")
    heads = [text(h) for h in soup.find_all("h2", class_="headline")]
    assert squash(HEADLINE) in heads
    assert squash(LABEL) in [text(el) for el in soup.find_all(class_="figure-label")]
    style = soup.find("style").string
    assert "<" not in style or "&lt;" in style        # paper size cannot close <style>
    assert text(soup.find(class_="edition-title")) == squash(SITE_TITLE)


def test_nothing_runs_in_a_browser(site, browser, serve_folder):
    """The last word: Chromium opens the pages and runs a search for the hostile text."""
    url = serve_folder(site)
    page = browser.new_page()
    fired = []
    page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
    for rel in ["alpha/evil/index.html", "index.html", "print/index.html", "figures/index.html"]:
        page.goto(url + rel)
        page.hover("h1") if page.locator("h1").count() else None
    page.goto(url + "alpha/evil/index.html")
    page.fill("#search-q", "onerror=alert")
    page.wait_for_selector(".search-results li, .search-status:not(:empty)", state="attached")
    page.hover(".search-results")
    page.close()
    assert fired == []
