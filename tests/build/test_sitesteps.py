"""Post-process steps: the files made from the whole edition.

The incremental build re-runs a step declared to read the listing only
(build/stages.py: `Reads.LISTING`) only when the listing changes, so such a
step must give the same bytes whatever the bodies say.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from feature.core.config import load_config
from feature.core.diagnostics import Diagnostics
from feature.build.pipeline import prepare_edition
from feature.build.stages import STAGES, Reads

from tests.support import article, write_edition

CONFIG_WITH_ORIGIN = """\
title: 测试专题
newspaper: 测试日报
date: "2020-01-02"
base_url: https://example.cn/specials/x/
sections:
  - key: alpha
    title: 第一部分
"""


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    root = write_edition(tmp_path_factory.mktemp("pp") / "e", {
        f"content/alpha/a{i}.md": article(f"第{i}篇", deck=f"导语{i}", lede=f"提要{i}",
                                          body=f"正文{i}：新建泊位{i + 3}个，投资{i}.5亿元。\n\n## 小标题{i}\n\n第二段。\n")
        for i in range(5)
    }, config=CONFIG_WITH_ORIGIN)
    config = load_config(root / "config.yaml")
    return prepare_edition(config, Diagnostics()), config


def test_listing_steps_do_not_read_bodies(edition):
    edition, config = edition
    blanked = replace(edition, articles=tuple(
        replace(a, body_markdown="", body_html="<p>别的正文</p>", plain_text="别的正文", toc=())
        for a in edition.articles))
    for step in STAGES.site:
        name = step.run.__name__
        before, after = step.run(edition, config), step.run(blanked, config)
        assert before, name
        if Reads.BODIES in step.reads:
            assert before != after, f"{name} is said to read bodies but does not"
        else:
            assert before == after, f"{name} reads bodies: declare it Reads.BODIES in build/stages.py"
