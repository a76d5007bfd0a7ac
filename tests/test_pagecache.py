"""Page keys: what each page is keyed by must cover everything it shows.

The listing fingerprint leaves out where in the body a key figure sits
(`KEY_FIGURE_PLACE`): only the article's own page (keyed by the whole article)
may show it. Held here by rendering every other page with those places moved.
"""
from __future__ import annotations

from dataclasses import replace

from feature.assets import collect_assets
from feature.config import load_config
from feature.diagnostics import Diagnostics
from feature.pagecache import KEY_FIGURE_PLACE, listing_fingerprint
from feature.photos import with_articles
from feature.pipeline import prepare_edition
from feature.render import context_for, make_environment, pages_of, render_page

from conftest import article, write_edition

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
