"""The build, on one screen: load → validate → enrich → render → post-process → write.

Everything up to `write` happens in memory; the output folder is touched only
when the whole edition rendered without an error.

This is the clean reference. `buildstate.Run` (behind `IncrementalBuilder`,
which `build.py build` and `serve` use) mirrors `prepare_edition` and
`render_edition` stage by stage with caches: a stage added here must be added
there too; tests/test_incremental.py compares the two byte for byte.
"""
from __future__ import annotations

import time
from pathlib import Path

from feature.render.assets import collect_assets
from feature.core.config import Config
from feature.core.diagnostics import BuildError, Diagnostics
from feature.edition.assemble import assemble_edition, check_figure_consistency
from feature.markup.enrich import enrich_article
from feature.output.links import check_links
from feature.edition.load import load_articles
from feature.markup.renderer import MarkdownRenderer
from feature.core.model import Edition
from feature.render.photos import place_photos, relink_media
from feature.output.postprocess import STEPS
from feature.render.pages import make_environment, page_sources, pages_of, render_site
from feature.edition.validate import validate_edition
from feature.output.write import BuildSettings, write_site

from .result import BuildResult


def prepare_edition(config: Config, problems: Diagnostics) -> Edition:
    """load → validate → enrich: the edition as data, ready to render."""
    articles = load_articles(config.content_dir, problems, config.sections)
    validate_edition(articles, config, problems)
    # Enriched whatever loading and validation found: every problem in one run.
    renderer = MarkdownRenderer(allow_raw_html=config.allow_raw_html)
    enriched = [enrich_article(a, renderer, problems, config.sidebar_figures) for a in articles]
    if problems:
        raise BuildError(problems.errors)
    edition = assemble_edition(enriched, config)
    check_figure_consistency(edition, problems)
    return edition


def render_edition(edition: Edition, config: Config, problems: Diagnostics) -> tuple[dict[str, bytes], int]:
    """render → post-process → link check: every output file, in memory."""
    assets = collect_assets(config.static_dir)
    env = make_environment(config.templates_dir)
    edition, media = place_photos(edition, config, problems)
    files = dict(assets.files)
    files.update(media)
    files.update(relink_media(render_site(env, edition, config, assets)))
    for step in STEPS:
        files.update(step(edition, config))
    checked = check_links(files, page_sources(pages_of(edition, config)), problems, config.site_path)
    if problems:
        raise BuildError(problems.errors)
    return files, checked


def build(config: Config, out_dir: Path | None = None) -> BuildResult:
    """The whole build. Raises BuildError listing every problem; writes nothing then."""
    problems = Diagnostics()
    timings = {}
    start = time.perf_counter()
    edition = prepare_edition(config, problems)
    timings["prepare"] = time.perf_counter() - start
    files, checked = render_edition(edition, config, problems)
    timings["render"] = time.perf_counter() - start - timings["prepare"]
    written = write_site(files, out_dir or config.output_dir, config.sources, BuildSettings(config.base_url))
    timings["total"] = time.perf_counter() - start
    return BuildResult(edition, files, problems.warnings, checked, timings, written, len(edition.articles))
