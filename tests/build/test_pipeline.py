"""A small fixture edition built end to end into a temp folder."""
from bs4 import BeautifulSoup

from feature.core.config import load_config
from feature.build.pipeline import build
from tests.support import article


def fixture_edition(make_edition):
    return make_edition({
        "content/alpha/one.md": article("第一篇", "alpha", order=1, deck="——副题一", lede="导语一。",
                                        byline=[{"title": "首席记者", "name": "甲"}],
                                        body="开头，厚\n德载物。\n\n## 第一节\n\n内容。\n\n## 第一节\n\n更多。\n"),
        "content/alpha/two.md": article("第二篇", "alpha", order=2, byline=["记者 乙"],
                                        body="见[第一篇](../one/index.html#第一节)。\n"),
        "content/beta/three.md": article("第三篇", "beta", body="第三篇正文。\n"),
    })


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_fixture_edition_builds_every_page(make_edition, tmp_path):
    root = fixture_edition(make_edition)
    out = tmp_path / "out"
    result = build(load_config(root / "config.yaml"), out)
    expected = ["index.html", "alpha/index.html", "beta/index.html", "alpha/one/index.html",
                "alpha/two/index.html", "beta/three/index.html", "figures/index.html",
                "print/index.html", "404.html", "robots.txt", "feed.xml",
                "search/index.json"]
    for rel in expected:
        assert (out / rel).is_file(), rel
    assert result.links_checked > 30

    cover = soup(out / "index.html")
    assert cover.html["lang"] == "zh-CN"
    assert [h.get_text() for h in cover.select(".card-headline")] == ["第一篇", "第二篇", "第三篇"]
    one = soup(out / "alpha/one/index.html")
    assert one.h1.get_text() == "第一篇"
    assert one.select_one(".deck").get_text() == "——副题一"
    assert one.select_one(".byline").get_text(" ", strip=True) == "首席记者 甲"
    assert "厚德载物" in one.select_one(".story-body").get_text()
    assert [a["href"] for a in one.select(".toc a")] == ["#第一节", "#第一节_1"]
    assert [a.get_text() for a in one.select(".breadcrumb a")] == ["封面", "第一部分"]


def test_prev_next_follow_reading_order(make_edition, tmp_path):
    root = fixture_edition(make_edition)
    build(load_config(root / "config.yaml"), tmp_path / "out")
    chain, page = [], "alpha/one/index.html"
    while page:
        html = soup(tmp_path / "out" / page)
        chain.append(html.h1.get_text())
        nxt = html.select_one("a[rel=next]")
        page = str((tmp_path / "out" / page).parent.joinpath(nxt["href"]).resolve()
                   .relative_to((tmp_path / "out").resolve())) if nxt else None
    assert chain == ["第一篇", "第二篇", "第三篇"]
    assert soup(tmp_path / "out/alpha/one/index.html").select_one("a[rel=prev]") is None


def test_reading_order_from_config_wins(make_edition, tmp_path):
    root = fixture_edition(make_edition)
    config = (root / "config.yaml").read_text() + "reading_order:\n  - beta/three.md\n"
    (root / "config.yaml").write_text(config)
    result = build(load_config(root / "config.yaml"), tmp_path / "out")
    assert [a.headline for a in result.edition.articles] == ["第三篇", "第一篇", "第二篇"]


def test_two_builds_are_byte_identical(make_edition, tmp_path):
    root = fixture_edition(make_edition)
    config = load_config(root / "config.yaml")
    build(config, tmp_path / "a")
    build(config, tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len(files) > 10
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_front_matter_is_escaped_everywhere(make_edition, tmp_path):
    root = make_edition({"content/alpha/x.md": article('<script>alert("h")</script>', "alpha",
                                                       deck="<img src=x onerror=alert(1)>",
                                                       lede='"onmouseover="alert(1)',
                                                       byline=["记者 <b>乙</b>"])})
    build(load_config(root / "config.yaml"), tmp_path / "out")
    pages = list((tmp_path / "out").rglob("*.html"))
    assert len(pages) >= 6
    for page in pages:
        html = soup(page)
        assert not html.select("img"), page
        assert not [el for el in html.find_all(True) if any(k.startswith("on") for k in el.attrs)], page
        for script in html.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", page
            assert "</script" not in script.get_text().lower()
    story = soup(tmp_path / "out/alpha/x/index.html")
    assert story.h1.get_text() == '<script>alert("h")</script>'     # shown as text, intact


def test_dates_read_the_chinese_way(make_edition, tmp_path):
    from feature.render.templates import chinese_date
    assert chinese_date("2019-08-01") == "2019年8月1日"
    assert chinese_date("2019-08") == "2019年8月"
    assert chinese_date("2019年夏") == "2019年夏"
    root = fixture_edition(make_edition)
    build(load_config(root / "config.yaml"), tmp_path / "out")
    time = soup(tmp_path / "out/index.html").select_one(".cover-date time")
    assert time.get_text() == "2020年1月2日" and time["datetime"] == "2020-01-02"
