"""How page rendering is split into worker tasks (parallel._render_tasks)."""
from __future__ import annotations

from feature.core.config import load_config
from feature.core.diagnostics import Diagnostics
from feature.build.workers import _render_tasks
from feature.build.pipeline import prepare_edition
from feature.render.pages import pages_of

from tests.support import write_edition
from tests.support.volumes import CONFIG, FILES


def test_every_page_once_and_a_volume_with_its_articles(tmp_path):
    config = load_config(write_edition(tmp_path / "edition", FILES, CONFIG + "figures:\n  page_articles: 2\n")
                         / "config.yaml")
    pages = pages_of(prepare_edition(config, Diagnostics()), config)
    tasks = _render_tasks(pages)
    assert sorted(i for task in tasks for i in task) == list(range(len(pages)))
    volumes = [i for i, p in enumerate(pages) if p.kind == "print" and p.articles]
    assert volumes
    for v in volumes:
        task = next(t for t in tasks if v in t)
        shown = {pages[i].output_path for i in task}
        # its articles' own pages and the 数说 part showing the same articles
        assert {a.output_path for a in pages[v].articles} <= shown
        assert any(pages[i].kind == "figures" and pages[i].articles == pages[v].articles for i in task)
    wide = [i for i, p in enumerate(pages) if p.article is None and not p.articles]
    assert all([i] in tasks for i in wide)          # edition-wide pages: one a task
