"""A large print edition split into volumes (config `print.volume_articles`).

The fixture edition has five articles in two sections and volume_articles 2:
脱贫攻坚 (alpha, three articles) prints as two parts, 百城提质 (beta, two) as
one volume. The volumes' PDFs are tests/system/test_print_volumes_pdf.py's.
"""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from feature.core import urls
from feature.core.diagnostics import Diagnostics
from feature.output.links import check_links

from tests.support import article, write_edition
from tests.support.volumes import CONFIG, FILES, VOLUMES, edit_three


@pytest.fixture(scope="session")
def split(tmp_path_factory):
    """The fixture edition built (the print volumes are pages of the build)."""
    import contextlib
    import io
    from feature.cli import main
    root = write_edition(tmp_path_factory.mktemp("volumes") / "edition", FILES, CONFIG)
    out = root / "dist"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["build", "--config", str(root / "config.yaml"), "--out", str(out)]) == 0
    return {"root": root, "out": out}


def soup_of(split, rel: str) -> BeautifulSoup:
    return BeautifulSoup((split["out"] / rel).read_text(encoding="utf-8"), "html.parser")


def _text(node) -> str:
    return re.sub(r"\s+", "", node.get_text())


def test_volume_paths_come_from_urls():
    assert urls.print_volume_path("alpha") == "print/alpha/index.html"
    assert urls.print_volume_path("alpha", 2) == "print/alpha/2/index.html"


def test_each_volume_prints_its_articles_of_one_section_in_reading_order(split):
    printed = []
    for rel, section, part, parts, headlines in VOLUMES:
        soup = soup_of(split, rel)
        stories = soup.select("article.print-article")
        assert [_text(s.select_one(".headline")) for s in stories] == headlines
        assert {_text(s.select_one(".print-section")) for s in stories} == {section}
        title = soup.select_one(".title-page")
        assert _text(title.select_one(".title-volume")) == section
        part_line = title.select_one(".title-part")
        assert (_text(part_line) == f"第{part}册/共{parts}册") if parts > 1 else part_line is None
        contents = [_text(e.select_one(".contents-headline")) for e in soup.select(".contents-entry")]
        assert contents == headlines
        for entry in soup.select(".contents-entry a"):
            assert soup.find(id=entry["href"][1:]) is not None
        assert len(stories[0].select_one(".story-body").get_text()) > 5
        printed += headlines
    assert printed == ["第一篇报道", "第二篇报道", "第三篇报道", "港口建设提速", "老街的早晨"]


def test_contents_page_lists_every_volume_with_its_range(split):
    soup = soup_of(split, urls.PRINT)
    assert not soup.select("article.print-article")               # no bodies here
    entries = soup.select(".volume-entry")
    assert len(entries) == len(VOLUMES)
    for entry, (rel, section, part, parts, headlines) in zip(entries, VOLUMES):
        link = entry.select_one("a.volume-link")
        assert (split["out"] / "print" / link["href"]).resolve() == (split["out"] / rel).resolve()
        assert _text(entry.select_one(".volume-section")) == section
        assert (entry.select_one(".volume-part") is not None) == (parts > 1)
        if parts > 1:
            assert f"第{part}册" in _text(entry.select_one(".volume-part"))
        assert _text(entry.select_one(".volume-count")) == f"{len(headlines)}篇"
        shown = _text(entry.select_one(".volume-range"))
        assert shown.startswith(f"《{headlines[0]}》") and shown.endswith(f"《{headlines[-1]}》")
    assert "5篇" in _text(soup.select_one(".volumes-note")) and "3册" in _text(soup.select_one(".volumes-note"))


def test_every_link_on_every_page_resolves(split):
    out = split["out"]
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    problems = Diagnostics()
    assert check_links(files, {}, problems, "/specials/test/") > 0
    assert not problems.items, [str(d) for d in problems.items]
    for rel, *_ in VOLUMES:                                       # paper links stay in their document
        soup = soup_of(split, rel)
        ids = {el["id"] for el in soup.find_all(id=True)}
        assert len(ids) == len(soup.find_all(id=True))
        for a in soup.select("main a[href]"):
            assert a["href"].startswith(("#", "https://")), (rel, a["href"])
            if a["href"].startswith("#"):
                assert a["href"][1:] in ids, (rel, a["href"])


def test_links_to_another_volume_print_a_reference_not_an_anchor(split):
    first = soup_of(split, "print/alpha/index.html").select_one("#article-1")
    same = first.find("a", string="第二篇")
    assert same["href"] == "#article-2" and "page-ref" in same["class"]
    other = first.find(string="港口建设").parent
    assert other.name == "span" and other["class"] == ["volume-ref"]
    assert other["data-print-ref"] == "见分册“百城提质”《港口建设提速》"
    part = first.find(string="第三篇").parent
    assert part["data-print-ref"] == "见分册“脱贫攻坚 第2册”《第三篇报道》"
    assert first.find("a", string="封面") is None and "封面" in first.get_text()
    back = soup_of(split, "print/alpha/index.html").select_one("#article-2").find("a", string="第一篇的责任体系")
    assert back["href"] == "#a1-责任体系"
    third = soup_of(split, "print/alpha/2/index.html").select_one("#article-3")
    assert third.find(string="第一篇").parent["data-print-ref"] == "见分册“脱贫攻坚 第1册”《第一篇报道》"


def test_an_edition_within_volume_articles_prints_as_one_document_as_before(tmp_path):
    """At or under the limit nothing changes: the same bytes as without the key."""
    from feature.core.config import load_config
    from feature.build.pipeline import build
    within = write_edition(tmp_path / "within", FILES, CONFIG.replace("volume_articles: 2", "volume_articles: 5"))
    default = write_edition(tmp_path / "default", FILES, CONFIG.replace("  volume_articles: 2\n", ""))
    one = build(load_config(within / "config.yaml"), tmp_path / "out1").files
    two = build(load_config(default / "config.yaml"), tmp_path / "out2").files
    assert one == two
    assert not [rel for rel in one if rel.startswith("print/") and rel != urls.PRINT]
    soup = BeautifulSoup(one[urls.PRINT].decode("utf-8"), "html.parser")
    assert len(soup.select("article.print-article")) == 5 and soup.select_one(".title-sections")


def test_the_documents_to_print_are_read_from_the_build_as_print_volumes_gives_them(tmp_path):
    """`print --pdf` finds what to print in the build's manifest (no edition is
    assembled for it): the volumes in print_volumes' order, or the one document."""
    from feature.core.config import load_config
    from feature.build.pipeline import build
    from feature.printing.volumes import print_documents, print_volumes
    for limit, config_text in ((2, CONFIG), (5, CONFIG.replace("volume_articles: 2", "volume_articles: 5"))):
        root = write_edition(tmp_path / str(limit), FILES, config_text)
        config = load_config(root / "config.yaml")
        result = build(config, tmp_path / f"out{limit}")
        volumes = [v.output_path for v in print_volumes(result.edition, config)]
        assert print_documents(result.files, config.sections) == (volumes or [urls.PRINT])
    assert volumes == [] and [v[0] for v in VOLUMES] == print_documents(
        build(load_config(tmp_path / "2" / "config.yaml"), tmp_path / "again").files,
        load_config(tmp_path / "2" / "config.yaml").sections)


def test_a_body_edit_rerenders_only_the_volume_printing_it(tmp_path):
    _, _, changed = edit_three(tmp_path, CONFIG, lambda text: text + "\n新增一句。\n")
    assert changed == ["alpha/three/index.html", "print/alpha/2/index.html"]


def test_volume_keys_cover_own_bodies_and_the_listing_only(tmp_path):
    from dataclasses import replace
    from feature.core.config import load_config
    from feature.core.model import Edition
    from feature.build.keys import Fingerprints, PageKeys, TemplateDeps
    from feature.build.pipeline import prepare_edition
    from feature.render.pages import pages_of
    from feature.render.templates import make_environment
    root = write_edition(tmp_path / "edition", FILES, CONFIG)
    config = load_config(root / "config.yaml")
    edition = prepare_edition(config, Diagnostics())
    deps = TemplateDeps(make_environment(config.templates_dir))

    def keys(ed):
        return {p.output_path: PageKeys("g", ed, Fingerprints(), deps, site_path=config.site_path).key(p)
                for p in pages_of(ed, config)}

    def edited(ed, index, **changes):
        articles = list(ed.articles)
        articles[index] = replace(articles[index], **changes)
        sections = tuple(replace(s, articles=tuple(a for a in articles if a.section == s.key))
                         for s in ed.sections)
        return Edition(sections, tuple(articles))

    base = keys(edition)
    body = keys(edited(edition, 2, body_html=edition.articles[2].body_html + "<p>新</p>"))
    assert sorted(rel for rel in base if base[rel] != body[rel]) == ["alpha/three/index.html",
                                                                    "print/alpha/2/index.html"]
    # A headline: its own volume, the contents page, and the volume whose first
    # article links to it (见分册《…》); not 百城提质's, which does not.
    headline = keys(edited(edition, 2, headline="改过的标题"))
    changed = {rel for rel in base if base[rel] != headline[rel]}
    assert changed >= {urls.PRINT, "print/alpha/index.html", "print/alpha/2/index.html"}
    assert "print/beta/index.html" not in changed
    # Listing fields other volumes never show (deck, byline, figures …): only its own volume.
    deck = keys(edited(edition, 2, deck="新的副题", key_figures=()))
    changed = {rel for rel in base if base[rel] != deck[rel]}
    assert "print/alpha/2/index.html" in changed
    assert not changed & {"print/alpha/index.html", "print/beta/index.html"}


def volume_renderer(tmp_path):
    """The fixture edition, prepared, and a function: edition → {volume path: its bytes}."""
    from feature.render.assets import collect_assets
    from feature.core.config import load_config
    from feature.build.pipeline import prepare_edition
    from feature.render.pages import pages_of
    from feature.render.templates import context_for, make_environment, render_page
    root = write_edition(tmp_path / "edition", FILES, CONFIG)
    config = load_config(root / "config.yaml")
    env, assets = make_environment(config.templates_dir), collect_assets(config.static_dir)

    def volumes(ed):
        return {p.output_path: render_page(env, p, context_for(p, ed, config, assets))
                for p in pages_of(ed, config) if p.volume is not None}
    return prepare_edition(config, Diagnostics()), volumes


def test_a_volume_shows_nothing_of_other_articles_beyond_the_print_index(tmp_path):
    """The contract pagecache keys volumes by: of articles it does not print, a
    volume may show only pagecache.PRINT_INDEX fields. Everything else about
    them changes here, and no other volume's bytes may change."""
    from dataclasses import fields, replace
    from feature.core.model import Article, Reporter
    from feature.build.keys import PRINT_INDEX
    from feature.render.photos import with_articles
    edition, volumes = volume_renderer(tmp_path)
    base = volumes(edition)
    three = edition.articles[2]
    other = {f.name: getattr(three, f.name) for f in fields(Article)}
    changed = replace(three, deck="完全不同的副题", lede="完全不同的导语", pull_quote="另一句引语",
                      byline=(Reporter("别人", "记者"),), key_figures=(), toc=(),
                      body_markdown="别的。", body_html="<p>别的正文。</p>", plain_text="别的正文。",
                      date="2020-01-01")
    assert all(getattr(changed, f) == other[f] for f in PRINT_INDEX)
    after = volumes(with_articles(edition, {three.source: changed}))
    assert {rel for rel in base if base[rel] != after[rel]} == {"print/alpha/2/index.html"}


def test_a_headline_shows_in_its_volume_and_those_linking_to_it_only(tmp_path):
    """The other half of the contract: another article's headline appears in a
    volume only where one of its articles links to that article. Rendered, not
    keyed: the bytes of the other volumes stay the same."""
    from dataclasses import replace
    from feature.render.photos import with_articles
    edition, volumes = volume_renderer(tmp_path)

    def changed_by(index):
        a = edition.articles[index]
        after = volumes(with_articles(edition, {a.source: replace(a, headline="改过的标题")}))
        return {rel for rel in base if base[rel] != after[rel]}

    base = volumes(edition)
    paths = [a.output_path for a in edition.articles]
    assert changed_by(paths.index("alpha/three/index.html")) == {"print/alpha/index.html", "print/alpha/2/index.html"}
    assert changed_by(paths.index("beta/lu/index.html")) == {"print/beta/index.html"}
    assert changed_by(paths.index("beta/gang/index.html")) == {"print/alpha/index.html", "print/beta/index.html"}


def test_remembered_block_follows_a_headline_edit_in_another_volume():
    """for_print remembers rewritten blocks between builds (the preview server):
    a block naming an article of another volume must follow that headline."""
    from types import SimpleNamespace as NS
    from feature.printing import paper
    from feature.printing.forprint import PrintMemo, for_print
    from feature.printing.volumes import print_volumes

    def edition_with(headline):
        one = NS(position=1, output_path="a/x/index.html", headline="甲篇", section="a")
        two = NS(position=2, output_path="a/y/index.html", headline="乙篇", section="a")
        three = NS(position=3, output_path="b/z/index.html", headline=headline, section="b")
        sections = (NS(key="a", title="脱贫攻坚", articles=(one, two)), NS(key="b", title="百城提质", articles=(three,)))
        return NS(articles=(one, two, three), sections=sections), one
    site = NS(site_path="/", print=NS(volume_articles=2))
    html = '<p><a href="../../b/z/index.html">他册</a><a href="../y/index.html#s">同册</a></p>'
    edition, one = edition_with("旧标题")
    assert [v.output_path for v in print_volumes(edition, site)] == ["print/a/index.html", "print/b/index.html"]
    memo = PrintMemo()
    before = BeautifulSoup(str(for_print(html, one, edition, site, memo)), "html.parser")
    assert before.span["data-print-ref"] == "见分册“百城提质”《旧标题》"
    assert before.a["href"] == "#a2-s" and before.a["class"] == ["page-ref"]
    edition, one = edition_with("新标题")
    after = BeautifulSoup(str(for_print(html, one, edition, site, memo)), "html.parser")
    assert after.span["data-print-ref"] == "见分册“百城提质”《新标题》"
    places = memo.places_for(edition, site)
    fast = paper.rewrite_fast(html, one, places.by_path, "/", places.volume_of)
    slow = paper.rewrite_soup(html, one, places.by_path, "/", places.volume_of)
    assert str(BeautifulSoup(fast, "html.parser")) == slow


def test_hostile_headline_in_a_cross_volume_reference_stays_text(tmp_path):
    from feature.core.config import load_config
    from feature.build.pipeline import build
    evil = '"><script>alert(1)</script>'
    files = dict(FILES)
    files["content/beta/gang.md"] = article(evil, "beta", order=1, body="周口港。\n\n## 港口建设\n\n泊位。\n")
    root = write_edition(tmp_path / "edition", files, CONFIG)
    out = build(load_config(root / "config.yaml"), tmp_path / "out").files
    for rel in (urls.PRINT, "print/alpha/index.html"):
        soup = BeautifulSoup(out[rel].decode("utf-8"), "html.parser")
        assert soup.find("script") is None, rel
    ref = BeautifulSoup(out["print/alpha/index.html"].decode("utf-8"), "html.parser").select_one(".volume-ref")
    assert ref["data-print-ref"] == f"见分册“百城提质”《{evil}》"
