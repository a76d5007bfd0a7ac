"""Page keys: what each page is keyed by must cover everything it shows.

The listing fingerprint leaves out where in the body a key figure sits
(`KEY_FIGURE_PLACE`): only the article's own page (keyed by the whole article)
may show it. Held here by rendering every other page with those places moved.
"""
from __future__ import annotations

from dataclasses import replace

from feature.render.assets import collect_assets
from feature.core.config import load_config
from feature.core.diagnostics import Diagnostics
from feature.build.keys import KEY_FIGURE_PLACE, listing_fingerprint
from feature.render.photos import with_articles
from feature.build.pipeline import prepare_edition
from feature.render.pages import pages_of
from feature.render.templates import context_for, make_environment, render_page

from tests.support import article, write_edition

BODY = ("全市脱贫人口达到12.5万人，投入资金21.99亿元。\n\n## 港口建设\n\n"
        "新建泊位12个，总投资3.6亿元，吞吐量2100万吨。\n\n绿道长30公里，水面1.7万亩。\n")


def test_edition_wide_pages_do_not_show_where_figures_sit(tmp_path):
    root = write_edition(tmp_path / "e", {
        "content/alpha/one.md": article("第一篇", body=BODY),
        "content/beta/two.md": article("第二篇", section="beta", body=BODY.replace("12.5", "13.5")),
    })
    config = load_config(root / "config.yaml")
    edition = prepare_edition(config, Diagnostics())
    env, assets = make_environment(config.templates_dir), collect_assets(config.static_dir)

    def others(ed):
        return {p.output_path: render_page(env, p, context_for(p, ed, config, assets))
                for p in pages_of(ed, config) if p.article is None}

    one = edition.articles[0]
    assert one.key_figures
    moved = replace(one, key_figures=tuple(replace(k, paragraph=k.paragraph + 7, sentence_index=k.sentence_index + 3)
                                           for k in one.key_figures))
    assert {"paragraph", "sentence_index"} == KEY_FIGURE_PLACE
    assert listing_fingerprint(moved) == listing_fingerprint(one)
    assert others(with_articles(edition, {one.source: moved})) == others(edition)
    # …while anything else about a figure is in the listing.
    relabelled = replace(one, key_figures=(replace(one.key_figures[0], label="别的标签"),) + one.key_figures[1:])
    assert listing_fingerprint(relabelled) != listing_fingerprint(one)


def test_a_section_page_is_keyed_by_its_own_articles_only_when_its_template_says_so(tmp_path):
    """section.html reaches only `section.articles`: a headline edit re-keys its own
    section's page. A template that reaches any other `.articles` is keyed by the
    whole edition, as before (an editor's template is read, not trusted)."""
    import jinja2
    from feature.core.model import Edition
    from feature.build.keys import Fingerprints, PageKeys, TemplateDeps
    root = write_edition(tmp_path / "e", {
        "content/alpha/one.md": article("第一篇", body=BODY),
        "content/alpha/three.md": article("第三篇", body="第三篇正文。\n"),
        "content/beta/two.md": article("第二篇", section="beta", body=BODY),
    })
    config = load_config(root / "config.yaml")
    edition = prepare_edition(config, Diagnostics())
    deps = TemplateDeps(make_environment(config.templates_dir))
    assert deps.shows_own_section_only("section.html") and not deps.shows_own_section_only("cover.html")
    other = TemplateDeps(jinja2.Environment(loader=jinja2.DictLoader({
        "own.html": "{% for a in section.articles %}{{ a.headline }}{% endfor %}{{ page.section.articles }}",
        "all.html": "{% for a in edition.articles %}{{ a.headline }}{% endfor %}",
        "loop.html": "{% for s in edition.sections %}{{ s.articles | length }}{% endfor %}",
        "item.html": "{{ section['articles'] }}",
        "inc.html": "{% include 'all.html' %}"})))
    assert other.shows_own_section_only("own.html")
    assert not any(other.shows_own_section_only(t) for t in ("all.html", "loop.html", "item.html", "inc.html"))

    def section_keys(ed):
        return {p.output_path: PageKeys("g", ed, Fingerprints(), deps).key(p)
                for p in pages_of(ed, config) if p.kind == "section"}

    two = edition.articles[-1]
    assert two.section == "beta"
    after = with_articles(edition, {two.source: replace(two, headline="改过的标题")})
    base, edited = section_keys(edition), section_keys(Edition(after.sections, after.articles))
    assert {rel for rel in base if base[rel] != edited[rel]} == {"beta/index.html"}


def test_code_version_covers_every_subpackage(tmp_path):
    """Cached articles and pages are dropped when the code changes: a change in
    any module of the package, in any subpackage, must change the code version
    (hashing only build/'s own folder would keep stale caches silently)."""
    import shutil
    from pathlib import Path

    import feature
    from feature.build import keys

    package = Path(feature.__file__).resolve().parent
    assert keys.PACKAGE_ROOT == package
    copy = tmp_path / "feature"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = keys.code_version(copy)
    assert before == keys.code_version(copy)
    modules = sorted(copy.rglob("*.py"))
    subpackages = {p.parent for p in modules} - {copy}
    assert len(subpackages) >= 9
    for folder in sorted(subpackages):
        module = next(p for p in sorted(folder.glob("*.py")) if p.name != "__init__.py")
        original = module.read_bytes()
        module.write_bytes(original + b"\n# changed\n")
        assert keys.code_version(copy) != before, module.relative_to(copy)
        module.write_bytes(original)
    assert keys.code_version(copy) == before


def test_what_a_template_reaches_follows_its_source_and_its_includes_between_builds(tmp_path):
    """TemplateDeps keeps parsed sources for the whole process (keys._parsed): a
    template or an include edited between two builds is read as it is now."""
    from feature.build.keys import TemplateDeps
    (tmp_path / "page.html").write_text("{{ page.headline }}{% include 'part.html' %}", encoding="utf-8")
    (tmp_path / "part.html").write_text("{{ section.title }}", encoding="utf-8")
    first = TemplateDeps(make_environment(tmp_path))
    assert not first.sees_all("page.html") and first.shows_own_section_only("page.html")
    (tmp_path / "part.html").write_text("{% for a in edition.articles %}{{ a.headline }}{% endfor %}",
                                        encoding="utf-8")
    edited = TemplateDeps(make_environment(tmp_path))
    assert edited.sees_all("page.html") and not edited.shows_own_section_only("page.html")
    (tmp_path / "page.html").write_text("{% include part_name %}", encoding="utf-8")     # chosen at run time
    assert TemplateDeps(make_environment(tmp_path)).names("page.html") is None
