"""The stages of a build, declared once.

A build is `prepare`, then `finish`: load (parse each source) → check the
listing → enrich each article → assemble the edition → check the edition →
place photos → render the pages (each through the page filters) → the images
the pages link to (share cards, posters) → the site steps → check the links → write. How each kind of stage runs is a `Runner`'s
business: pipeline.CleanRunner runs it plainly (the reference build), the
incremental builder with its caches. Add a stage to a tuple of `STAGES` and
both builds run it (tests/build/test_stages.py); a new *kind* of stage is a new
abstract method of `Runner`, and a runner without it cannot be made.
"""
from __future__ import annotations

import abc
import enum
import functools
from dataclasses import dataclass
from typing import Any, Callable, ContextManager

from feature.core.config import Config
from feature.core.diagnostics import BuildError, Diagnostics
from feature.core.model import Article, Edition
from feature.edition.assemble import check_figure_consistency
from feature.edition.load import parse_source
from feature.edition.validate import validate_edition
from feature.markup.enrich import enrich_article
from feature.markup.renderer import MarkdownRenderer
from feature.output import postprocess
from feature.render import sharing
from feature.render.photos import relink_page

from .facts import ArticleFacts


class Reads(enum.Flag):
    """What a site step reads of the articles."""
    LISTING = enum.auto()       # everything but the body (keys.listing_fingerprint): a body edit does not re-run it
    BODIES = enum.auto()        # … and the bodies


@dataclass(frozen=True)
class ArticleStage:
    """One article alone → the article it becomes, its problems reported. The
    incremental builder runs it in the parse worker and caches the result per
    source by its bytes, the code, and the config fields named in `settings`."""
    run: Callable[[Article, Config, Diagnostics], Article]
    settings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListingCheck:
    """Problems the list of articles shows, read from their listings (never a
    body): the incremental builder replays them while the listing is unchanged."""
    run: Callable[[list[Article], Config, Diagnostics], None]


@dataclass(frozen=True)
class EditionCheck:
    """Problems only the assembled edition shows. An article's body is read only
    through its facts (facts.ArticleFacts): replayed while the listing is unchanged."""
    run: Callable[[Edition, Diagnostics, Callable[[Article], ArticleFacts]], None]


@dataclass(frozen=True)
class SiteStep:
    """Files made from the whole edition: (edition, config) → {output path: bytes}."""
    run: Callable[[Edition, Config], dict[str, bytes]]
    reads: Reads


@dataclass(frozen=True)
class PageImages:
    """Image files the rendered pages link to, named by their content: `images(page,
    edition, config)` → the records of the page's images (output path, what it shows;
    the page must hold its article's key figures), `draw(image, config)` → the PNG's
    bytes, or raises sharing.ImageProblem; `check(image, config)` raises it without drawing.
    The incremental builder keeps the images by name in .cache/build and draws only the
    new ones; each page's list under its page key."""
    images: Callable
    draw: Callable
    on: Callable[[Config], bool]            # whether this build makes these images at all
    check: Callable                         # the preview checks new images and draws them after the reload


@functools.cache
def _renderer(allow_raw_html: bool) -> MarkdownRenderer:
    # One Markdown instance per process and setting: building one is slow, and it
    # is reset between articles.
    return MarkdownRenderer(allow_raw_html=allow_raw_html)


def enrich(article: Article, config: Config, problems: Diagnostics) -> Article:
    """markup.enrich_article with config's settings."""
    return enrich_article(article, _renderer(config.allow_raw_html), problems, config.sidebar_figures)


def figure_consistency(edition: Edition, problems: Diagnostics, facts_of) -> None:
    """assemble.check_figure_consistency from the articles' facts."""
    check_figure_consistency(edition, problems, lambda a: facts_of(a).figures)


@dataclass(frozen=True)
class Stages:
    parse: Callable = parse_source          # (bytes, path in content/, shown name, problems, sections) → Article
    article: tuple[ArticleStage, ...] = (ArticleStage(enrich, ("allow_raw_html", "sidebar_figures")),)
    listing_checks: tuple[ListingCheck, ...] = (ListingCheck(validate_edition),)
    edition_checks: tuple[EditionCheck, ...] = (EditionCheck(figure_consistency),)
    page_filters: tuple[Callable[[str, bytes], bytes], ...] = (relink_page,)    # (output path, bytes) → bytes
    page_images: tuple[PageImages, ...] = (
        PageImages(sharing.images_of, sharing.draw_checked, sharing.makes_images, sharing.check_glyphs),)
    site: tuple[SiteStep, ...] = (
        SiteStep(postprocess.sitemap, Reads.LISTING), SiteStep(postprocess.robots, Reads.LISTING),
        SiteStep(postprocess.atom_feed, Reads.LISTING), SiteStep(postprocess.favicon, Reads.LISTING),
        SiteStep(postprocess.search_index, Reads.LISTING | Reads.BODIES),
        SiteStep(postprocess.cache_headers, Reads.LISTING))


STAGES = Stages()


def identity(fn: Callable) -> str:
    """A stage's name in cache keys: its module and qualified name."""
    return f"{fn.__module__}.{fn.__qualname__}"


@dataclass(frozen=True)
class Placed:
    """The edition with its photos placed, and the photos' files (media path → bytes)."""
    edition: Edition
    media: dict[str, bytes]


@dataclass
class Outcome:
    """A finished build: the edition as rendered, its files, links checked, files written."""
    edition: Edition
    files: Any                      # Mapping[str, bytes]
    checked: int
    written: dict[str, int]


class Runner(abc.ABC):
    """How a build runs each kind of stage; `prepare` and `finish` say in which order."""
    problems: Diagnostics

    @abc.abstractmethod
    def load(self, parse: Callable) -> Any:
        """Every source parsed, in find_sources order (what `check_listing` and `enrich` take)."""

    @abc.abstractmethod
    def check_listing(self, checks: tuple[ListingCheck, ...], loaded: Any) -> None: ...

    @abc.abstractmethod
    def enrich(self, stages: tuple[ArticleStage, ...], loaded: Any) -> Any:
        """Each article through the article stages (what `assemble` takes)."""

    @abc.abstractmethod
    def assemble(self, enriched: Any) -> Edition: ...

    @abc.abstractmethod
    def check_edition(self, checks: tuple[EditionCheck, ...], edition: Edition) -> None: ...

    @abc.abstractmethod
    def place_photos(self, edition: Edition) -> Placed: ...

    @abc.abstractmethod
    def output(self, placed: Placed) -> ContextManager:
        """Where this build's files go until its `commit()`: every later stage adds
        to it; `.files` reads them back."""

    @abc.abstractmethod
    def render(self, placed: Placed, out, filters: tuple[Callable[[str, bytes], bytes], ...]) -> list:
        """Every page (render.pages.Page) of the edition into `out`, through the filters; → the pages."""

    @abc.abstractmethod
    def page_images(self, step: PageImages, placed: Placed, pages: list, out) -> None:
        """The images `pages` link to into `out`; a drawing problem into `problems`."""

    @abc.abstractmethod
    def site_step(self, step: SiteStep, placed: Placed, out) -> None: ...

    @abc.abstractmethod
    def check_links(self, pages: list, out) -> int:
        """Every internal link and anchor of `out`'s pages: → how many were checked."""

    def stop_on_errors(self) -> None:
        if self.problems:
            raise BuildError(self.problems.errors)


def prepare(runner: Runner, stages: Stages = STAGES) -> Edition:
    """Sources → the assembled edition, its problems reported. Every article is
    enriched whatever loading and the listing checks found: every problem in one run."""
    loaded = runner.load(stages.parse)
    runner.check_listing(stages.listing_checks, loaded)
    enriched = runner.enrich(stages.article, loaded)
    runner.stop_on_errors()
    edition = runner.assemble(enriched)
    runner.check_edition(stages.edition_checks, edition)
    return edition


def finish(runner: Runner, edition: Edition, stages: Stages = STAGES) -> Outcome:
    """The edition → its files, written once every page rendered and every link resolved."""
    placed = runner.place_photos(edition)
    with runner.output(placed) as out:
        pages = runner.render(placed, out, stages.page_filters)
        for images in stages.page_images:
            runner.page_images(images, placed, pages, out)
        for step in stages.site:
            runner.site_step(step, placed, out)
        checked = runner.check_links(pages, out)
        runner.stop_on_errors()
        written = out.commit()
    return Outcome(placed.edition, out.files, checked, written)
