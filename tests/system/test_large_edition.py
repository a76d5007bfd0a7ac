"""A large edition stays light to read: the page weights of a 600-article
synthetic edition (benchmarks/corpus.py) built with the default settings, its
数说 split into pages and its cover listing twelve stories a section
(tests/build/test_figure_pages.py holds the split on a small edition)."""
from __future__ import annotations

import gzip
import subprocess
import sys

from feature.core import urls
from feature.core.config import load_config
from feature.build.pipeline import build
from tests.support import ROOT


def test_large_edition_pages_stay_small(tmp_path):
    """Browser-free page weights of a 600-article synthetic edition (benchmarks/corpus.py,
    ten sections of 60) with the default settings: with one 数说 page it would be
    about 1.7 MB, and the cover about 250 KB; split, no 数说 page holds more than 50
    articles and the cover lists twelve a section. Prints the figures."""
    root = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "corpus.py"), "600", str(root)],
                   check=True, capture_output=True)
    config = load_config(root / "config.yaml")
    assert (config.figures.page_articles, config.cover.section_articles) == (50, 12)
    files = build(config, tmp_path / "out").files
    sizes = {rel: len(data) for rel, data in files.items() if rel.endswith(".html")}
    figures = {rel: n for rel, n in sizes.items() if rel.startswith("figures/")}
    print("\nlargest pages:", sorted(sizes.items(), key=lambda kv: -kv[1])[:4])
    print("数说 pages:", len(figures), "largest", max(figures.values()), "cover", sizes[urls.COVER])
    assert len(figures) == 1 + 10 * 2                          # index + two pages a section (50 + 10)
    assert max(figures.values()) < 250_000 and figures[urls.FIGURES] < 60_000
    cover = files[urls.COVER]
    assert cover.count(b'class="card"') == 10 * 12 and cover.count(b'class="section-more"') == 10
    assert len(cover) < 100_000 and len(gzip.compress(cover)) < 40_000
    assert max(sizes.values()) < 700_000                        # print volumes are the largest pages now
