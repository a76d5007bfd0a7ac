"""One declaration of the stages (feature/build/stages.py), run by both builds.

A stage added to any tuple of the declaration must run in the clean build and
in the incremental builder alike (cold, after a body edit the preview patches,
after a headline edit), with the same bytes and the same warnings; a change
to a setting an article stage reads must reach the incremental builder's cache.
"""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from feature.build.incremental import IncrementalBuilder
from feature.build.pipeline import CleanRunner, build
from feature.build.stages import STAGES, ArticleStage, EditionCheck, ListingCheck, Reads, Runner, SiteStep
from feature.core.config import load_config
from feature.core.model import Article, Edition
from feature.edition.load import parse_source

from tests.support import FIXTURE_CONFIG, article, write_edition


def deck_parse(raw, rel, shown, problems, sections):
    a = parse_source(raw, rel, shown, problems, sections)
    return a if a is None else dataclasses.replace(a, deck=a.deck + "（试）")


def mark_body(a: Article, config, problems) -> Article:
    return dataclasses.replace(a, body_html=a.body_html + f"<!-- {config.title} -->")


def warn_on_test_headlines(articles, config, problems) -> None:
    for a in articles:
        if "测试" in a.headline:
            problems.warning(f"content/{a.source.as_posix()}", 1, f"a test headline: {a.headline}")


def count_figures(edition: Edition, problems, facts_of) -> None:
    count = sum(len(facts_of(a).figures) for a in edition.articles)
    problems.warning("content", 0, f"{count} labelled figures")


def sign_page(path: str, data: bytes) -> bytes:
    return data + b"<!-- signed -->\n" if path.endswith(".html") else data


def headlines_file(edition: Edition, config) -> dict[str, bytes]:
    return {"headlines.txt": "\n".join(a.headline for a in edition.articles).encode("utf-8")}


STAGED = dataclasses.replace(
    STAGES, parse=deck_parse, article=STAGES.article + (ArticleStage(mark_body, ("title",)),),
    listing_checks=STAGES.listing_checks + (ListingCheck(warn_on_test_headlines),),
    edition_checks=STAGES.edition_checks + (EditionCheck(count_figures),),
    page_filters=STAGES.page_filters + (sign_page,), site=STAGES.site + (SiteStep(headlines_file, Reads.LISTING),))

FILES = {
    "content/alpha/one.md": article("测试第一篇", body="全市新建学校12所。\n\n## 小标题\n\n投资3.5亿元。\n",
                                    figures=[{"figure": "12所", "label": "新建学校"}]),
    "content/alpha/two.md": article("第二篇", body="沙颍河两岸绿道长30公里。\n"),
    "content/beta/three.md": article("第三篇", section="beta", body="周口港吞吐量2100万吨。\n"),
}


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def clean(root: Path, stages) -> tuple[dict[str, bytes], list[str]]:
    out = root.parent / "clean"
    shutil.rmtree(out, ignore_errors=True)
    result = build(load_config(root / "config.yaml"), out, stages=stages)
    return tree(out), [str(d) for d in result.warnings]


def test_a_runner_must_run_every_kind_of_stage(tmp_path):
    assert CleanRunner(load_config(write_edition(tmp_path / "e", FILES) / "config.yaml"))
    methods = {name for name, fn in vars(Runner).items() if getattr(fn, "__isabstractmethod__", False)}
    assert {"load", "check_listing", "enrich", "assemble", "check_edition", "place_photos", "output", "render",
            "site_step", "check_links"} <= methods
    lacking = type("Lacking", (CleanRunner,), {"site_step": Runner.site_step})
    with pytest.raises(TypeError, match="site_step"):
        lacking(None)


@pytest.mark.parametrize("in_place", [False, True])
def test_a_stage_added_to_the_declaration_runs_in_both_builds(tmp_path, in_place):
    root = write_edition(tmp_path / "e", FILES)
    builder = IncrementalBuilder(root / "config.yaml", root / "dist", jobs=1, in_place=in_place, stages=STAGED)
    one = root / "content/alpha/one.md"
    edits = [
        lambda: None,
        lambda: one.write_text(one.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8"),
        lambda: one.write_text(one.read_text(encoding="utf-8").replace("测试第一篇", "测试第一篇改"), encoding="utf-8"),
        lambda: (root / "config.yaml").write_text(FIXTURE_CONFIG.replace("测试专题", "改名专题"), encoding="utf-8"),
    ]
    for n, edit in enumerate(edits):
        edit()
        expected, warnings = clean(root, STAGED)
        result = builder.build({one} if n in (1, 2) else None)
        assert tree(root / "dist") == expected, f"edit {n}"
        assert [str(d) for d in result.warnings] == warnings, f"edit {n}"
        # Each added stage left its mark: the test cannot pass by running none of them.
        page = expected["alpha/one/index.html"].decode("utf-8")
        title = "改名专题" if n == 3 else "测试专题"
        assert f"<!-- {title} -->" in page and "（试）" in page and page.endswith("<!-- signed -->\n")
        assert expected["headlines.txt"].decode("utf-8").startswith("测试第一篇")
        assert any("a test headline: 测试第一篇" in w for w in warnings)
        assert any(w.endswith(" labelled figures") for w in warnings)
        if n == 1:      # a body edit in the same process is patched: the added stages run on that path too
            assert result.route.patched_edition and result.route.patched_pages


def test_the_product_declaration_is_what_both_builds_run_by_default(tmp_path):
    root = write_edition(tmp_path / "e", FILES)
    expected, warnings = clean(root, STAGES)
    build(load_config(root / "config.yaml"), tmp_path / "default")
    assert tree(tmp_path / "default") == expected
    result = IncrementalBuilder(root / "config.yaml", root / "dist", jobs=1).build()
    assert tree(root / "dist") == expected and [str(d) for d in result.warnings] == warnings
    assert "headlines.txt" not in expected and "<!-- signed -->" not in expected["index.html"].decode("utf-8")
