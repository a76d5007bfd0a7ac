"""The articles → the Edition: reading order, neighbours, sections; and the
check only the whole edition shows (one label, two numbers).

Everything cross-article is computed once here, in linear time, so rendering
a page never rescans the edition.
"""
from __future__ import annotations

from collections import defaultdict

from feature.core import urls
from feature.core.config import Config
from feature.core.diagnostics import Diagnostics, source_name
from feature.core.model import Article, ArticleLink, Edition, Section


def figure_facts(article: Article) -> tuple[tuple[str, str, float, str], ...]:
    """What check_figure_consistency reads of an article: (label, unit, value, text)
    of each labelled key figure. Small, so the incremental build keeps it per
    source instead of reading 10,000 bodies (key figures live with them)."""
    return tuple((f.label, f.unit, f.value, f.text) for f in article.key_figures if f.label)


def check_figure_consistency(edition: Edition, problems: Diagnostics, facts_of=figure_facts) -> None:
    """Warn when one label carries different numbers in different articles
    (1031个工作队 here, 1013个工作队 there): one of them is a typo."""
    seen: dict[tuple[str, str], tuple[Article, float, str]] = {}
    for a in edition.articles:
        for label, unit, value, text in facts_of(a):
            other = seen.setdefault((label, unit), (a, value, text))
            if other[0].source != a.source and other[1] != value:
                problems.warning(source_name(a.source), a.line_of("figures"),
                                 f"“{label}” is {text} here but {other[2]} in "
                                 f"{source_name(other[0].source)}; check which is right")


def assemble_edition(articles: list[Article], config: Config) -> Edition:
    """Order the articles, link neighbours, and group them into sections."""
    ordered = reading_order(articles, config)
    linked = []
    for i, a in enumerate(ordered):
        previous, following = neighbours(ordered, i)
        linked.append(a.placed(i + 1, previous, following))
    return Edition(sections=group_into_sections(linked, config), articles=tuple(linked))


def neighbours(ordered: list[Article], i: int) -> tuple[ArticleLink | None, ArticleLink | None]:
    """The previous and next article of the i-th in reading order."""
    def link(a: Article) -> ArticleLink:
        return ArticleLink(a.headline, a.output_path)
    return (link(ordered[i - 1]) if i > 0 else None,
            link(ordered[i + 1]) if i + 1 < len(ordered) else None)


def group_into_sections(linked: list[Article], config: Config) -> tuple[Section, ...]:
    """The config's sections, each with its articles in reading order (one pass)."""
    by_section = defaultdict(list)
    for a in linked:
        by_section[a.section].append(a)
    return tuple(
        Section(key=s.key, title=s.title, description=s.description,
                output_path=urls.section_path(s.key), url=urls.pretty_url(urls.section_path(s.key)),
                articles=tuple(by_section.get(s.key, ())))
        for s in config.sections)


def reading_order(articles: list[Article], config: Config) -> list[Article]:
    """config `reading_order` first, then by section (config order), `order`, file name."""
    listed = {p.removeprefix("content/"): i for i, p in enumerate(config.reading_order)}
    section_rank = {s.key: i for i, s in enumerate(config.sections)}

    def key(a: Article):
        explicit = listed.get(a.source.as_posix(), len(listed))
        order = a.order if a.order is not None else float("inf")
        return (explicit, section_rank.get(a.section, len(section_rank)), order, a.source.as_posix())
    return sorted(articles, key=key)
