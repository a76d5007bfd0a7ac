"""A large edition's long lists cut into pages: per section, parts of at most N articles.

The print edition (printing.print_volumes: volumes, 第2册) and the 数说 page
(figurepages.figures_parts: pages, 第2页) split the same way, so that a reader
finds an article in the same section part in both: sections are never mixed,
reading order is kept, and an edition of at most N articles is not split at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar


@dataclass(frozen=True)
class SectionPart:
    """`part` of `parts` of a section's articles, printed or shown on one page."""
    section: Any                    # model.Section
    part: int                       # 1-based
    parts: int
    articles: tuple                 # model.Article, reading order
    output_path: str
    UNIT: ClassVar[str] = "部分"     # what a part is called: 第2册, 第2页

    @property
    def label(self) -> str:
        """'要闻', or '要闻 第2册' when the section has more than one part."""
        return self.section.title if self.parts == 1 else f"{self.section.title} 第{self.part}{self.UNIT}"


def split_sections(edition, size: int | None, kind: type[SectionPart],
                   path_of: Callable[[str, int], str]) -> list:
    """`kind` parts of at most `size` articles, in section order; [] when the whole
    edition fits in one (or `size` is None)."""
    if size is None or len(edition.articles) <= size:
        return []
    out = []
    for section in edition.sections:
        articles = section.articles
        parts = -(-len(articles) // size)
        for i in range(parts):
            out.append(kind(section, i + 1, parts, articles[i * size:(i + 1) * size],
                            path_of(section.key, i + 1)))
    return out
