"""The five-article edition in two sections that prints as three volumes
(`print.volume_articles: 2`): 脱贫攻坚 (alpha, three articles) in two parts,
百城提质 (beta, two) in one. The print-volume, 数说-page and worker tests use it;
`split` builds it with 数说 split the same way (tests/build/test_figure_pages.py).
Without share images, as FIXTURE_CONFIG."""
from __future__ import annotations

from pathlib import Path

import pytest

from feature.core.config import load_config
from feature.core.diagnostics import Diagnostics
from feature.build.pipeline import build, prepare_edition
from tests.support import article, write_edition

CONFIG = """\
title: 分册测试专题
newspaper: 测试日报
date: "2019-08"
language: zh-CN
base_url: /specials/test/
share: {cards: false, posters: false}
sections:
  - key: alpha
    title: 脱贫攻坚
  - key: beta
    title: 百城提质
print:
  paper: A4
  volume_articles: 2
"""

FILES = {
    "content/alpha/one.md": article(
        "第一篇报道", "alpha", order=1, deck="——综述", byline="记者 李凤霞",
        body="全市脱贫人口达到12.5万人。\n\n## 责任体系\n\n"
             "同册另见[第二篇](../two/index.html)，他册另见[港口建设](../../beta/gang/index.html#港口建设)"
             "与[第三篇](../three/index.html)，回到[封面](../../index.html)。\n"),
    "content/alpha/two.md": article(
        "第二篇报道", "alpha", order=2, byline="记者 王五",
        body="沙颍河两岸绿道长30公里。回看[第一篇的责任体系](../one/index.html#责任体系)。\n"),
    "content/alpha/three.md": article(
        "第三篇报道", "alpha", order=3, byline="记者 张三",
        body="城区水面面积增加到1.7万亩。见[第一篇](../one/index.html)。\n"),
    "content/beta/gang.md": article(
        "港口建设提速", "beta", order=1, byline="记者 赵六",
        body="周口港今年完成吞吐量2100万吨。\n\n## 港口建设\n\n新建泊位12个。\n"),
    "content/beta/lu.md": article(
        "老街的早晨", "beta", order=2, byline="记者 钱七",
        body="这是一段写老街早晨的报道。另见[港口建设提速](../gang/index.html)。\n"),
}

VOLUMES = [  # (output path, section title, part, parts, headlines)
    ("print/alpha/index.html", "脱贫攻坚", 1, 2, ["第一篇报道", "第二篇报道"]),
    ("print/alpha/2/index.html", "脱贫攻坚", 2, 2, ["第三篇报道"]),
    ("print/beta/index.html", "百城提质", 1, 1, ["港口建设提速", "老街的早晨"]),
]


def edit_three(tmp_path, config: str, edit) -> tuple[Path, dict[str, bytes], list[str]]:
    """The fixture edition built by the preview's builder, then content/alpha/three.md
    edited (`edit`: text → text) and rebuilt → (root, HTML pages after, those that changed)."""
    from feature.build.incremental import IncrementalBuilder
    root = write_edition(tmp_path / "edition", FILES, config)
    out = tmp_path / "out"
    builder = IncrementalBuilder(root / "config.yaml", out, jobs=1)
    builder.build()
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")}
    source = root / "content/alpha/three.md"
    source.write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
    builder.build({source})
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")}
    return root, after, sorted(rel for rel in after if after[rel] != before.get(rel))


# 数说 split into an index and one page a section part, two articles a page, and
# a cover listing at most two stories a section.
SPLIT = "figures:\n  page_articles: 2\ncover:\n  section_articles: 2\n"
FIGURES_CONFIG = CONFIG.replace("  volume_articles: 2\n", "") + SPLIT
# (output path, section, part, parts, headlines): 数说 splits as the print edition
# does (sectionparts.py), with the same number of articles a part.
PARTS = [(path.replace("print/", "figures/", 1), *rest) for path, *rest in VOLUMES]


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    root = write_edition(tmp_path_factory.mktemp("figsplit") / "edition", FILES, FIGURES_CONFIG)
    config = load_config(root / "config.yaml")
    out = root / "dist"
    files = build(config, out).files
    return {"root": root, "config": config, "out": out, "files": files,
            "edition": prepare_edition(config, Diagnostics())}
