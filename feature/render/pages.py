"""The edition's pages: what each output page is (`Page`: which template draws
it and what it shows) and the list of them, in a stable order: the front
pages, one page per article in reading order, the back pages. templates.py
renders them.
"""
from __future__ import annotations

from dataclasses import dataclass

from feature.core import urls
from feature.core.config import Config
from feature.core.diagnostics import source_name
from feature.core.model import Article, Edition, Section
from feature.printing.volumes import PrintedPdf, Volume, print_volumes, size_label

from .figurepages import FiguresPart, FiguresSection, figures_parts, figures_sections


@dataclass(frozen=True)
class LongImageFile:
    """A 长图 `print --long-images` made, as the article and print pages offer it."""
    article: str            # the article page's output path
    output_path: str        # urls.long_image_path of it
    size: int               # bytes

    @property
    def size_label(self) -> str:
        return size_label(self.size)


@dataclass(frozen=True)
class Page:
    """One output page: what template draws it and what it shows."""
    output_path: str
    template: str
    title: str
    kind: str                       # cover, section, article, figures, print, print_contents, not_found
    article: Article | None = None
    section: Section | None = None
    description: str = ""
    # A print page: the articles it prints; a 数说 page of a split edition: the
    # articles whose figures it shows (all it shows of articles: build/keys.py keys
    # it by them); a print volume: which one; the contents page of a split
    # print edition: the volumes it lists.
    articles: tuple[Article, ...] = ()
    volume: Volume | None = None
    volumes: tuple[Volume, ...] = ()
    # A split 数说 (figurepages.py): a section's page, which part it is; the
    # index: per section, its parts, figure count and top figures.
    part: FiguresPart | None = None
    figure_sections: tuple[FiguresSection, ...] = ()
    # The 印刷版 page after `print --pdf`: the PDFs beside the printed documents.
    pdfs: tuple[PrintedPdf, ...] = ()
    # An article page and the print pages after `print --long-images`: the long images made.
    long_images: tuple[LongImageFile, ...] = ()

    def pdf_of(self, document: str) -> PrintedPdf | None:
        """The PDF printed from `document` (an output path), if `print --pdf` made one."""
        return next((p for p in self.pdfs if p.document == document), None)

    def long_image_of(self, article: str) -> LongImageFile | None:
        """The long image of the article at `article` (an output path), if `print --long-images` made one."""
        return next((m for m in self.long_images if m.article == article), None)


def pages_of(edition: Edition, config: Config) -> list[Page]:
    """Every HTML page of the edition, in a stable order: the front pages, one
    page per article in reading order, the back pages."""
    return [*front_pages(edition, config), *(article_page(a, edition) for a in edition.articles),
            *back_pages(edition, config)]


def front_pages(edition: Edition, config: Config) -> list[Page]:
    """The cover and the section pages."""
    pages = [Page(urls.COVER, "cover.html", config.title, "cover",
                  description=config.description or config.subtitle)]
    for s in edition.sections:
        pages.append(Page(s.output_path, "section.html", s.title, "section", section=s,
                          description=s.description))
    return pages


def article_page(a: Article, edition: Edition) -> Page:
    return Page(a.output_path, "article.html", a.headline, "article", article=a,
                section=edition.section(a.section), description=a.description or a.deck)


def long_image_page(a: Article, edition: Edition) -> Page:
    """The article as its long image sets it: rendered where its page is, so that
    its links and photos are relative to the article's folder."""
    return Page(a.output_path, "long_image.html", a.headline, "long_image", article=a,
                section=edition.section(a.section), description=a.description or a.deck)


def back_pages(edition: Edition, config: Config) -> list[Page]:
    """数说, the print edition and the 404 page."""
    return [*figures_pages(edition, config), *print_pages(edition, config),
            Page(urls.NOT_FOUND, "404.html", "页面不存在", "not_found")]


def figures_pages(edition: Edition, config: Config) -> list[Page]:
    """数说: one page, or (more than `figures.page_articles` articles) an index and
    one page per section part (figurepages.figures_parts)."""
    parts = figures_parts(edition, config)
    if not parts:
        return [Page(urls.FIGURES, "figures.html", "数说", "figures")]
    return [Page(urls.FIGURES, "figures_index.html", "数说", "figures",
                 figure_sections=figures_sections(parts)),
            *(Page(p.output_path, "figures_part.html", f"数说 · {p.label}", "figures",
                   articles=p.articles, part=p) for p in parts)]


def print_pages(edition: Edition, config: Config) -> list[Page]:
    """The print edition: one document, or (more than `print.volume_articles`
    articles) a contents page and the volumes it lists (volumes.print_volumes)."""
    title = f"{config.title}（印刷版）"
    volumes = tuple(print_volumes(edition, config))
    if not volumes:
        return [Page(urls.PRINT, "print.html", title, "print", articles=edition.articles)]
    return [Page(urls.PRINT, "print_volumes.html", title, "print_contents", volumes=volumes),
            *(Page(v.output_path, "print.html", f"{config.title}（印刷版 · {v.label}）", "print",
                   section=v.section, articles=v.articles, volume=v) for v in volumes)]


def page_sources(pages: list[Page]) -> dict[str, str]:
    """The file an editor fixes for each page: the article's Markdown, or the template."""
    return {p.output_path: (source_name(p.article.source) if p.article else f"templates/{p.template}")
            for p in pages}
