"""The 数说 page of a large edition: an index and one page per section part.

An edition of at most `figures.page_articles` articles (config.yaml) keeps one
数说 page, figures/index.html, with every article's key figures. A larger one
(at 10,000 articles that page was 28 MB, the longest render of the build) is
split the way the print edition splits into volumes (printing.print_volumes):

- figures/index.html becomes an index: per section, its article and figure
  counts, its top figures (each of its first articles' top one) and links to
  its pages (templates/figures_index.html);
- figures/<section>/index.html, figures/<section>/2/index.html …: the key
  figures of at most `page_articles` articles of one section, in reading
  order (templates/figures_part.html). Sections are never mixed.

A part page names its articles (`Page.articles`): build/keys.py keys it by those
articles' listings and the print index of the others, so an edit to one
article's figures re-renders the one part showing them (and the index).
tests/build/test_figure_pages.py holds the template to that.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from feature.core import urls
from feature.core.sectionparts import SectionPart, split_sections

TOP_FIGURES = 3          # figures the index shows per section


class FiguresPart(SectionPart):
    """One 数说 page of a split edition: `part` of `parts` of a section (第2页)."""
    UNIT = "页"


def page_size(site) -> int | None:
    """config `figures.page_articles`; None for a bare `site` (unit tests' stand-ins)."""
    return getattr(getattr(site, "figures", None), "page_articles", None)


def figures_parts(edition, config) -> list[FiguresPart]:
    """The section pages of a split 数说, in section order; [] when the whole
    edition fits on one page (at most `page_articles` articles)."""
    return split_sections(edition, page_size(config), FiguresPart, urls.figures_part_path)


@dataclass(frozen=True)
class FiguresSection:
    """What the index shows of a section: its pages, how many figures, the top ones."""
    section: Any                    # model.Section
    parts: tuple[FiguresPart, ...]
    # The section's first articles that have key figures (at most TOP_FIGURES): the
    # index shows each one's top figure. Chosen by figure_count, which an article
    # knows without its body (reading 10,000 bodies to count took the index 0.8 s).
    top_articles: tuple = ()

    @cached_property
    def figure_count(self) -> int:
        return sum(a.figure_count for a in self.section.articles)

    @property
    def top(self) -> tuple:
        """(article, its top KeyFigure): key_figures is ranked, an editor's picks first."""
        return tuple((a, a.key_figures[0]) for a in self.top_articles)


def figures_sections(parts: list[FiguresPart]) -> tuple[FiguresSection, ...]:
    """The index's entries, in section order (a section without articles has no page and none)."""
    grouped: dict[str, list[FiguresPart]] = {}
    for p in parts:
        grouped.setdefault(p.section.key, []).append(p)
    return tuple(FiguresSection(ps[0].section, tuple(ps), top_articles(ps[0].section)) for ps in grouped.values())


def top_articles(section, limit: int = TOP_FIGURES) -> tuple:
    """The section's first articles that have a key figure, at most `limit`."""
    out = []
    for a in section.articles:
        if a.figure_count:
            out.append(a)
            if len(out) == limit:
                break
    return tuple(out)
