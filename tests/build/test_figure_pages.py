"""A large edition's 数说 split into an index and section pages, and its cover
listing at most `cover.section_articles` stories a section (config `figures`,
`cover`; feature/render/figurepages.py).

The fixture edition is the print volumes' five articles in two sections
(tests/support/volumes.py) with `figures.page_articles: 2` and
`cover.section_articles: 2`: 脱贫攻坚 (alpha, three articles) gets two 数说
pages and a "全部3篇" link on the cover, 百城提质 (beta, two) one page and no
link. In Chromium: tests/system/test_browser.py; a 600-article edition's page
weights: tests/system/test_large_edition.py.
"""
from __future__ import annotations

import json
import re
from dataclasses import fields, replace
from pathlib import Path

from bs4 import BeautifulSoup

from feature.core import urls
from feature.render.assets import collect_assets
from feature.core.config import load_config
from feature.core.diagnostics import Diagnostics
from feature.output.links import check_links
from feature.build.pipeline import build
from feature.render.templates import context_for, make_environment, render_page
from feature.render.pages import pages_of

from tests.support import ROOT, write_edition
from tests.support.volumes import FIGURES_CONFIG as CONFIG, FILES, PARTS, SPLIT, edit_three
from tests.support.volumes import split  # noqa: F401  (a fixture)


def soup_of(split, rel: str) -> BeautifulSoup:
    return BeautifulSoup((split["out"] / rel).read_text(encoding="utf-8"), "html.parser")


def _text(node) -> str:
    return re.sub(r"\s+", "", node.get_text())


def _target(split, page: str, href: str) -> Path:
    return (split["out"] / page).parent.joinpath(href.partition("#")[0]).resolve()


def test_part_paths_come_from_urls():
    assert urls.figures_part_path("alpha") == "figures/alpha/index.html"
    assert urls.figures_part_path("alpha", 3) == "figures/alpha/3/index.html"


def test_page_list_has_an_index_and_one_page_per_section_part(split):
    pages = [p for p in pages_of(split["edition"], split["config"]) if p.kind == "figures"]
    assert [(p.output_path, p.template) for p in pages] == [
        (urls.FIGURES, "figures_index.html"), *((rel, "figures_part.html") for rel, *_ in PARTS)]
    for page, (rel, section, part, parts, headlines) in zip(pages[1:], PARTS):
        assert [a.headline for a in page.articles] == headlines
        assert (page.part.section.title, page.part.part, page.part.parts) == (section, part, parts)
        assert page.title == (f"数说 · {section}" if parts == 1 else f"数说 · {section} 第{part}页")


def test_index_counts_top_figures_and_links(split):
    edition = split["edition"]
    soup = soup_of(split, urls.FIGURES)
    entries = soup.select("main section")
    assert len(entries) == 2
    assert not soup.select("main svg")                          # no charts, no per-article lists
    for entry, section in zip(entries, edition.sections):
        figures = [f for a in section.articles for f in a.key_figures]
        assert _text(entry.select_one(".figures-count")) == f"{len(section.articles)}篇报道·{len(figures)}个关键数字"
        heading = entry.select_one("h2 a")
        assert _text(heading) == section.title
        assert _target(split, urls.FIGURES, heading["href"]) == split["out"] / urls.figures_part_path(section.key)
        tops = [(a, a.key_figures[0]) for a in section.articles if a.key_figures][:3]
        shown = entry.select(".figure-list li a:not(.poster-link)")
        assert [_text(a.select_one("data")) for a in shown] == [f.text for _, f in tops]
        assert [a["href"].rpartition("#")[2] for a in shown] == [f.sentence_id for _, f in tops]
    pages = [a["href"] for a in entries[0].select(".figures-pages a")]
    assert [_target(split, urls.FIGURES, h) for h in pages] == [split["out"] / rel for rel, *_ in PARTS[:2]]
    more = entries[1].select_one(".figures-more a")
    assert _text(more).startswith("全部2个数字")


def test_each_part_shows_its_articles_figures_and_its_page_links(split):
    for rel, section, part, parts, headlines in PARTS:
        soup = soup_of(split, rel)
        assert _text(soup.select_one("main h1")) == f"数说：{section}"
        assert [_text(h) for h in soup.select("main h2")] == headlines
        articles = [a for a in split["edition"].articles if a.headline in headlines]
        assert [_text(d) for d in soup.select("main .figure-list data")] == [
            f.text for a in articles for f in a.key_figures]
        pager = soup.select(".figures-pages a")
        assert len(pager) == (parts if parts > 1 else 0)
        if pager:
            assert [a.get("aria-current") for a in pager] == [
                "page" if n == part else None for n in range(1, parts + 1)]
        assert soup.select_one(".site-nav a[aria-current]").get_text() == "数说"
        assert soup.find("html")["lang"] == "zh-CN"


def test_every_link_on_every_page_resolves(split):
    problems = Diagnostics()
    assert check_links(split["files"], {}, problems, "/specials/test/") > 0
    assert not problems.items, [str(d) for d in problems.items]


def test_cover_lists_at_most_n_a_section_and_links_to_all(split):
    soup = soup_of(split, urls.COVER)
    alpha, beta = soup.select(".cover-section")
    assert [_text(h) for h in alpha.select(".card-headline")] == ["第一篇报道", "第二篇报道"]
    more = alpha.select_one(".section-more a")
    assert _text(more) == "全部3篇脱贫攻坚报道→"
    assert more.select_one(".visually-hidden").get_text() == "脱贫攻坚报道"
    assert _target(split, urls.COVER, more["href"]) == split["out"] / "alpha/index.html"
    assert len(beta.select(".card")) == 2 and beta.select_one(".section-more") is None
    assert soup.select_one("head style") is not None
    data = json.loads(soup.select_one('script[type="application/ld+json"]').string)
    assert data["numberOfItems"] == 5
    assert [i["name"] for i in data["itemListElement"]] == ["第一篇报道", "第二篇报道", "港口建设提速", "老街的早晨"]


def test_sitemap_lists_the_figures_pages(tmp_path):
    root = write_edition(tmp_path / "e", FILES, CONFIG.replace("base_url: /specials/test/",
                                                               "base_url: https://news.example.cn/t/"))
    sitemap = build(load_config(root / "config.yaml"), tmp_path / "out").files["sitemap.xml"].decode()
    for rel in [urls.FIGURES, *(rel for rel, *_ in PARTS)]:
        assert f"<loc>https://news.example.cn/t/{urls.pretty_url(rel)}</loc>" in sitemap


def test_within_the_limits_the_output_is_as_before(tmp_path):
    """At or under both limits nothing changes: the same bytes as without the keys."""
    within = write_edition(tmp_path / "within", FILES, CONFIG.replace("page_articles: 2", "page_articles: 5")
                           .replace("section_articles: 2", "section_articles: 3"))
    default = write_edition(tmp_path / "default", FILES, CONFIG.replace(SPLIT, ""))
    one = build(load_config(within / "config.yaml"), tmp_path / "out1").files
    two = build(load_config(default / "config.yaml"), tmp_path / "out2").files
    assert one == two
    assert [rel for rel in one if rel.startswith("figures/")] == [urls.FIGURES]
    soup = BeautifulSoup(one[urls.FIGURES].decode("utf-8"), "html.parser")
    assert len(soup.select("main h3")) == 5
    assert b"section-more" not in one[urls.COVER] and b"<style>" not in one[urls.COVER]


def test_a_part_shows_nothing_of_other_articles_beyond_the_print_index(split):
    """The contract pagecache keys a part by (as print volumes): of articles it
    does not show, only pagecache.PRINT_INDEX fields. Everything else about one
    changes here, and only its own part's bytes may change."""
    from feature.core.model import Article, Reporter
    from feature.build.keys import PRINT_INDEX
    from feature.render.photos import with_articles
    config, edition = split["config"], split["edition"]
    env, assets = make_environment(config.templates_dir), collect_assets(config.static_dir)

    def parts(ed):
        return {p.output_path: render_page(env, p, context_for(p, ed, config, assets))
                for p in pages_of(ed, config) if p.template == "figures_part.html"}

    base = parts(edition)
    three = edition.articles[2]
    before = {f.name: getattr(three, f.name) for f in fields(Article)}
    figure = replace(three.key_figures[0], text="9.9万亩", value=99000.0, label="别的标签")
    changed = replace(three, deck="完全不同的副题", lede="完全不同的导语", pull_quote="另一句引语",
                      byline=(Reporter("别人", "记者"),), key_figures=(figure,), toc=(),
                      body_markdown="别的。", body_html="<p>别的正文。</p>", plain_text="别的正文。",
                      date="2020-01-01")
    assert all(getattr(changed, f) == before[f] for f in PRINT_INDEX)
    after = parts(with_articles(edition, {three.source: changed}))
    assert {rel for rel in base if base[rel] != after[rel]} == {"figures/alpha/2/index.html"}


def test_a_figure_edit_rerenders_its_part_and_the_index_only_of_the_figures_pages(split, tmp_path):
    root, after, changed = edit_three(tmp_path, CONFIG, lambda text: text.replace("1.7万亩", "2.4万亩"))
    assert [rel for rel in changed if rel.startswith("figures/")] == ["figures/alpha/2/index.html",
                                                                      "figures/index.html"]
    expected = build(load_config(root / "config.yaml"), tmp_path / "ref").files
    assert {rel: after[rel] for rel in after} == {rel: d for rel, d in expected.items() if rel.endswith(".html")}


def test_a_headline_edit_rekeys_its_own_part_only(split):
    """A part shows no other article's headline (the test above): keyed so, a
    headline edit re-renders one part, not all of them (205 at 10,000 articles)."""
    from feature.core.model import Edition
    from feature.build.keys import Fingerprints, PageKeys, TemplateDeps
    from feature.render.photos import with_articles
    config, edition = split["config"], split["edition"]
    deps = TemplateDeps(make_environment(config.templates_dir))

    def keys(ed):
        return {p.output_path: PageKeys("g", ed, Fingerprints(), deps, site_path=config.site_path).key(p)
                for p in pages_of(ed, config) if p.template == "figures_part.html"}

    three = edition.articles[2]
    after = with_articles(edition, {three.source: replace(three, headline="改过的标题")})
    base, edited = keys(edition), keys(Edition(after.sections, after.articles))
    assert len(base) > 2
    assert {rel for rel in base if base[rel] != edited[rel]} == {"figures/alpha/2/index.html"}


def test_figures_article_writes_out_figure_item_as_it_is():
    """figures_article.html carries figure_item.html's line inline (no include per figure):
    the index's items and the section pages' items must stay the same markup."""
    from pathlib import Path
    partials = ROOT / "templates" / "partials"
    item = (partials / "figure_item.html").read_text(encoding="utf-8")
    loop = "    {% for f in article.key_figures %}\n" + item + "    {% endfor %}\n"
    assert loop in (partials / "figures_article.html").read_text(encoding="utf-8")
