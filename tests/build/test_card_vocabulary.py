"""An edition written exactly in the design card's words ("Markdown with YAML
front matter for headline, reporter and section"), built end to end: sections
named by their titles, bylines as printed, rendered as a newspaper prints them
on every surface (cover, article, print, feed, JSON-LD)."""
import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from feature.cli import main

ATOM = "{http://www.w3.org/2005/Atom}"
FILES = {
    "content/one.md": "---\nheadline: 港口建设提速\nreporter: 记者 张三 李四\u3000通讯员 王五\nsection: 第一部分\n"
                      "---\n周口港建设提速。\n",
    "content/two.md": "---\nheadline: 老街的早晨\nreporter: 本报讯（记者 王\u3000艳）\nsection: 第二部分\n---\n"
                      "老街醒得早。\n",
    "content/three.md": "---\nheadline: 一个村庄的三年\nreporter:\n  - 首席记者 李凤霞\n  - 实习生 赵六\n"
                        "section: 第一部分\n---\n村里变了样。\n",
    "content/four.md": "---\nheadline: 河畔新绿\nreporter:\n  - {title: 文/图, name: 钱七}\nsection: beta\n---\n"
                       "河畔添了新绿。\n",
}
PRINTED = {"one": "记者 张三 李四\u3000通讯员 王五", "two": "记者 王艳", "three": "首席记者 李凤霞\u3000实习生 赵六",
           "four": "文/图 钱七"}
PERSONS = {"one": [("张三", "记者"), ("李四", "记者"), ("王五", "通讯员")], "two": [("王艳", "记者")],
           "three": [("李凤霞", "首席记者"), ("赵六", "实习生")], "four": [("钱七", "文/图")]}
PATHS = {"one": "alpha/one/index.html", "two": "beta/two/index.html", "three": "alpha/three/index.html",
         "four": "beta/four/index.html"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from tests.support import write_edition
    root = write_edition(tmp_path_factory.mktemp("card") / "edition", FILES)
    assert main(["build", "--config", str(root / "config.yaml"), "--base-url", "https://news.example.cn/x/"]) == 0
    return root / "dist"


def soup(site, rel):
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


def byline_text(element) -> str:
    return element.select_one(".byline").get_text("", strip=False).strip()


@pytest.mark.parametrize("name", PATHS)
def test_a_section_named_by_its_title_gives_the_sections_page(site, name):
    assert (site / PATHS[name]).is_file()


@pytest.mark.parametrize("name", PATHS)
def test_the_article_page_prints_the_byline_as_the_newspaper_does(site, name):
    assert byline_text(soup(site, PATHS[name])) == PRINTED[name]


def test_the_cover_and_print_edition_print_the_same_bylines(site):
    cover = {card.select_one(".card-headline").get_text(strip=True): byline_text(card)
             for card in soup(site, "index.html").select(".card")}
    assert cover == {"港口建设提速": PRINTED["one"], "老街的早晨": PRINTED["two"], "一个村庄的三年": PRINTED["three"],
                     "河畔新绿": PRINTED["four"]}
    printed = [byline_text(a) for a in soup(site, "print/index.html").select(".print-article")]
    assert printed == [PRINTED["one"], PRINTED["three"], PRINTED["four"], PRINTED["two"]]   # reading order


def test_the_feed_names_one_author_per_person(site):
    feed = ET.parse(site / "feed.xml").getroot()
    authors = {e.find(f"{ATOM}title").text: [n.text for n in e.findall(f"{ATOM}author/{ATOM}name")]
               for e in feed.findall(f"{ATOM}entry")}
    assert authors == {"港口建设提速": ["张三", "李四", "王五"], "老街的早晨": ["王艳"],
                       "一个村庄的三年": ["李凤霞", "赵六"], "河畔新绿": ["钱七"]}


@pytest.mark.parametrize("name", PATHS)
def test_json_ld_names_one_person_each_with_the_title(site, name):
    script = soup(site, PATHS[name]).find("script", type="application/ld+json").string
    data = json.loads(script)
    assert [(p["@type"], p["name"], p["jobTitle"]) for p in data["author"]] == [
        ("Person", n, t) for n, t in PERSONS[name]]


def test_bylines_keep_their_markup_per_person(site):
    """Each name its own element (styled, and found by assistive tools one by one)."""
    byline = soup(site, PATHS["one"]).select_one(".byline")
    assert [s.get_text() for s in byline.select(".reporter-name")] == ["张三", "李四", "王五"]
    assert [s.get_text() for s in byline.select(".reporter-title")] == ["记者", "通讯员"]


def test_the_readme_example_is_an_article_in_the_cards_words():
    """README's content format shows the card's vocabulary first, and it loads as
    shown against the real config.yaml (section by its title)."""
    import re
    from pathlib import Path
    from feature.core.config import load_config
    from feature.core.diagnostics import Diagnostics
    from feature.edition.load import parse_article
    from tests.support import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Content format"):readme.index("## config.yaml")]
    example = re.search(r"```markdown\n(.*?)```", section, re.S).group(1)
    keys = re.findall(r"^(\w+):", example, re.M)
    assert keys[:3] == ["headline", "reporter", "section"]
    problems = Diagnostics()
    a = parse_article(example.encode(), Path("fupin/zongshu.md"), "README.md", problems,
                      load_config(ROOT / "config.yaml").sections)
    assert problems.items == [] and a.section == "fupin" and [(r.title, r.name) for r in a.byline] == [("首席记者", "李凤霞")]
