"""The real Zhoukou edition, built end to end and read back with BeautifulSoup."""
import posixpath
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup




def soup(out, rel):
    return BeautifulSoup((out / rel).read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def site(real_site):
    out, result = real_site
    return out, result


def test_every_article_page_has_headline_deck_and_byline(site):
    out, result = site
    headlines = {a.headline for a in result.edition.articles}
    assert headlines == {"让千万人民过上富裕幸福的生活", "“百城提质” 三川蝶变"}
    for a in result.edition.articles:
        page = soup(out, a.output_path)
        assert page.html["lang"] == "zh-CN"
        assert page.h1.get_text() == a.headline
        assert len(page.find_all("h1")) == 1
        assert page.select_one(".deck").get_text() == a.deck if a.deck else True
        byline = page.select_one(".byline").get_text(" ", strip=True)
        assert byline == " ".join(str(r) for r in a.byline) and byline
    zongshu = next(a for a in result.edition.articles if a.slug == "zongshu")
    assert zongshu.deck == "——全市推进脱贫攻坚工作综述"
    assert [str(r) for r in zongshu.byline] == ["首席记者 李凤霞"]


def test_toc_anchors_exist_and_are_chinese(site):
    out, result = site
    for a in result.edition.articles:
        page = soup(out, a.output_path)
        links = page.select("nav.toc a")
        assert len(links) >= 2
        for link in links:
            target = unquote(link["href"][1:])
            heading = page.find(id=target)
            assert heading is not None and heading.name in ("h2", "h3")
            assert heading.get_text() == link.get_text()
            assert any("\u4e00" <= ch <= "\u9fff" for ch in target)


def test_prev_next_chain_covers_every_article_in_reading_order(site):
    out, result = site
    ordered = [a.output_path for a in result.edition.articles]
    chain, current = [], ordered[0]
    while current:
        chain.append(current)
        nxt = soup(out, current).select_one("a[rel=next]")
        current = posixpath.normpath(posixpath.join(posixpath.dirname(current), nxt["href"])) if nxt else None
    assert chain == ordered
    assert soup(out, ordered[0]).select_one("a[rel=prev]") is None


def test_every_internal_href_resolves_to_a_file_and_anchor(site):
    out, _ = site
    checked = 0
    for page_path in out.rglob("*.html"):
        rel = page_path.relative_to(out).as_posix()
        page = BeautifulSoup(page_path.read_text(encoding="utf-8"), "html.parser")
        for el in page.find_all(href=True) + page.find_all(src=True):
            url = el.get("href") or el.get("src")
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or rel == "404.html":
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path))) \
                if parts.path else rel
            if parts.path.endswith("/") or target == ".":
                target = posixpath.join(target, "index.html")
            assert (out / target).is_file(), f"{rel}: {url}"
            if parts.fragment:
                assert BeautifulSoup((out / target).read_text(encoding="utf-8"), "html.parser") \
                    .find(id=unquote(parts.fragment)), f"{rel}: {url}"
            checked += 1
    assert checked > 150


def test_sidebar_figures_link_to_the_sentence_that_holds_them(site):
    out, result = site
    for a in result.edition.articles:
        page = soup(out, a.output_path)
        entries = page.select("aside.key-figures li a:not(.poster-link)")
        assert 6 <= len(entries) <= 10, a.headline
        assert page.select_one("aside.key-figures h2").get_text()
        for link in entries:
            sentence = page.find(id=link["href"][1:])
            assert "sentence" in sentence.get("class", [])
            assert link.data.get_text() in sentence.get_text()
            assert link.data["value"] == sentence.find("data", string=link.data.get_text())["value"]


def test_no_space_between_chinese_characters_from_line_breaks(site):
    out, result = site
    import re
    for a in result.edition.articles:
        text = soup(out, a.output_path).select_one(".story-body").get_text()
        assert not re.search(r"[\u4e00-\u9fff，。]\s+[\u4e00-\u9fff]", text)
