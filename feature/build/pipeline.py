"""The clean reference build: every stage of stages.py run plainly, in memory,
then written in one go. The incremental builder (incremental.py) must give
exactly these bytes (tests/build/test_incremental.py compares the two).
"""
from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Callable

from feature.core.config import Config
from feature.core.diagnostics import Diagnostics
from feature.core.model import Article, Edition
from feature.edition.assemble import assemble_edition
from feature.edition.load import load_articles
from feature.output.links import check_links
from feature.output.write import BuildSettings, write_site
from feature.render.assets import Assets, collect_assets
from feature.render.sharing import ImageProblem
from feature.render.pages import page_sources, pages_of
from feature.render.templates import make_environment
from feature.render.photos import place_photos

from .facts import article_facts
from .keys import TemplateDeps
from .render import render_one
from .result import BuildResult
from .stages import (STAGES, ArticleStage, EditionCheck, ListingCheck, PageImages, Placed, Runner, SiteStep, Stages,
                     finish, prepare)


class CleanRunner(Runner):
    """Each stage as plainly as it can run: one process, everything in memory."""

    def __init__(self, config: Config, out_dir: Path | None = None):
        self.config, self.out_dir = config, out_dir
        self.problems = Diagnostics()

    def load(self, parse: Callable) -> list[Article]:
        return load_articles(self.config.content_dir, self.problems, self.config.sections, parse)

    def check_listing(self, checks: tuple[ListingCheck, ...], articles: list[Article]) -> None:
        for check in checks:
            check.run(articles, self.config, self.problems)

    def enrich(self, stages: tuple[ArticleStage, ...], articles: list[Article]) -> list[Article]:
        out = []
        for a in articles:
            for stage in stages:
                a = stage.run(a, self.config, self.problems)
            out.append(a)
        return out

    def assemble(self, articles: list[Article]) -> Edition:
        return assemble_edition(articles, self.config)

    def check_edition(self, checks: tuple[EditionCheck, ...], edition: Edition) -> None:
        for check in checks:
            check.run(edition, self.problems, article_facts)

    def place_photos(self, edition: Edition) -> Placed:
        return Placed(*place_photos(edition, self.config, self.problems))

    def output(self, placed: Placed) -> contextlib.AbstractContextManager["InMemory"]:
        return contextlib.nullcontext(InMemory(self.config, self.out_dir, collect_assets(self.config.static_dir),
                                               placed.media))

    def render(self, placed: Placed, out: "InMemory", filters) -> list:
        env, pages = make_environment(self.config.templates_dir), pages_of(placed.edition, self.config)
        deps = TemplateDeps(env)
        for page in pages:
            out.files[page.output_path] = render_one(env, page, placed.edition, self.config, out.assets, filters, deps)
        return pages

    def page_images(self, step: PageImages, placed: Placed, pages: list, out: "InMemory") -> None:
        if not step.on(self.config):
            return
        edition, articles = placed.edition, {a.output_path: a for a in placed.edition.articles}
        for page in pages:
            for image in step.images(page, edition, self.config):
                if image.path in out.files:
                    continue
                try:
                    out.files[image.path] = step.draw(image, self.config)
                except ImageProblem as problem:
                    out.files[image.path] = b""         # reported once; the build stops before writing
                    self.problems.items.extend(d for d in problem.diagnostics(articles.get(problem.image.article))
                                               if d not in self.problems.items)     # card and square: once

    def site_step(self, step: SiteStep, placed: Placed, out: "InMemory") -> None:
        out.files.update(step.run(placed.edition, self.config))

    def check_links(self, pages: list, out: "InMemory") -> int:
        return check_links(out.files, page_sources(pages), self.problems, self.config.site_path)


class InMemory:
    """The clean build's files (the static ones and photos first), written by
    `commit` (write.write_site: staged, swapped in)."""

    def __init__(self, config: Config, out_dir: Path | None, assets: Assets, media: dict[str, bytes]):
        self.config, self.out_dir, self.assets = config, out_dir, assets
        self.files = {**assets.files, **media}

    def commit(self) -> dict[str, int]:
        return write_site(self.files, self.out_dir or self.config.output_dir, self.config.sources,
                          BuildSettings(self.config.base_url))


def prepare_edition(config: Config, problems: Diagnostics, stages: Stages = STAGES) -> Edition:
    """Sources → the assembled edition (photos not placed), problems into `problems`."""
    runner = CleanRunner(config)
    runner.problems = problems
    return prepare(runner, stages)


def build(config: Config, out_dir: Path | None = None, stages: Stages = STAGES) -> BuildResult:
    """The whole build. Raises BuildError listing every problem; writes nothing then."""
    runner, start = CleanRunner(config, out_dir), time.perf_counter()
    edition = prepare(runner, stages)
    prepared = time.perf_counter()
    outcome = finish(runner, edition, stages)
    end = time.perf_counter()
    timings = {"prepare": prepared - start, "render": end - prepared, "total": end - start}
    return BuildResult(edition, outcome.files, runner.problems.warnings, outcome.checked, timings,
                       outcome.written, len(edition.articles))
