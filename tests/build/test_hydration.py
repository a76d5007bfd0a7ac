"""Lean articles are rendered by reading, explicitly, the bodies each page shows
(feature/build/render.py's rule): every kind of page renders from the
incremental builder's lean edition exactly as the clean build renders it; the
same pages without that step fail loudly; and a body used where the rule does
not look fails the build with BodyNotRead, never a silent read nor a page
rendered from nothing."""
from __future__ import annotations

import pytest

from feature.build.incremental import IncrementalBuilder
from feature.build.keys import TemplateDeps
from feature.build.pipeline import build
from feature.build.render import render_one
from feature.build.stages import STAGES
from feature.core.config import load_config
from feature.core.model import UNREAD, BodyNotRead
from feature.render.assets import collect_assets
from feature.render.pages import pages_of
from feature.render.templates import context_for, make_environment, render_page

from tests.support import FIXTURE_CONFIG, article, write_edition

FILES = {f"content/{'alpha' if i % 2 == 0 else 'beta'}/a{i}.md":
         article(headline=f"第{i}篇", section="alpha" if i % 2 == 0 else "beta",
                 body=f"第{i}篇正文，全市新建学校{i + 3}所。\n\n## 小标题\n\n投资{i + 1}.5亿元。\n")
         for i in range(5)}
SPLIT = FIXTURE_CONFIG + "print:\n  volume_articles: 2\nfigures:\n  page_articles: 1\n"


def lean_edition(root):
    """The edition as the incremental builder holds it: photos placed, bodies on disk."""
    builder = IncrementalBuilder(root / "config.yaml", root / "dist", jobs=1)
    builder.build()
    return builder.edition()


@pytest.mark.parametrize("config", [FIXTURE_CONFIG, SPLIT], ids=["one document", "split"])
def test_every_page_kind_renders_from_lean_articles_as_the_clean_build_does(tmp_path, config):
    root = write_edition(tmp_path / "e", FILES, config)
    config = load_config(root / "config.yaml")
    clean = build(config, tmp_path / "clean").files
    edition = lean_edition(root)
    assert all(a.body_html is UNREAD["body_html"] for a in edition.articles)
    env, assets = make_environment(config.templates_dir), collect_assets(config.static_dir)
    deps, pages = TemplateDeps(env), pages_of(edition, config)
    kinds = {p.kind for p in pages}
    assert {"cover", "section", "article", "figures", "print", "not_found"} <= kinds
    for page in pages:
        assert render_one(env, page, edition, config, assets, STAGES.page_filters, deps) == clean[page.output_path], \
            page.output_path
    # Read nothing, and the pages that show bodies refuse to render (a regex in C
    # refuses the stand-in as no string: TypeError naming Unread).
    refused = set()
    for page in pages:
        try:
            render_page(env, page, context_for(page, edition, config, assets))
        except BodyNotRead:
            refused.add(page.kind)
        except TypeError as exc:
            assert "'Unread'" in str(exc)
            refused.add(page.kind)
    assert {"article", "print", "figures"} <= refused and "cover" not in refused


def test_a_body_used_where_the_rule_does_not_look_fails_the_build(tmp_path):
    """The rule reads the fields a template names; one reached by a computed name
    is not read, and the build stops on BodyNotRead (not a template diagnostic)."""
    root = write_edition(tmp_path / "e", FILES)
    cover = root / "templates" / "cover.html"
    cover.write_text(cover.read_text(encoding="utf-8").replace(
        "{% block main %}", "{% block main %}{{ edition.articles[0]['body' ~ '_html'] }}", 1), encoding="utf-8")
    assert "body' ~ '_html" in cover.read_text(encoding="utf-8")
    build(load_config(root / "config.yaml"), tmp_path / "clean")        # the clean build holds every body
    with pytest.raises(BodyNotRead, match="body_html was not read"):
        IncrementalBuilder(root / "config.yaml", root / "dist", jobs=1).build()
