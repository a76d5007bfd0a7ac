"""Stage 3, enrich: Markdown bodies → HTML, TOC, key figures; reading order.

Everything cross-page (prev/next, section lists) is computed once here, in
linear time, so rendering a page never rescans the edition.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from feature.core.config import Config
from feature.core.diagnostics import Diagnostics, source_name
from .renderer import MarkdownRenderer, MarkdownTooComplex, RenderedBody
from .figures import curated_problem, extract_figures, find_curated, rank_figures, split_sentences, top_figures
from feature.core.model import Article, ArticleLink, Edition, KeyFigure, Section
from feature.core import urls


def enrich_article(article: Article, renderer: MarkdownRenderer, problems: Diagnostics,
                   sidebar_size: int = 8) -> Article:
    """One article's body rendered; depends on nothing but the article itself."""
    body = render_body(article, renderer, problems)
    if body is None:
        return article
    path = urls.article_path(article.section, article.slug)
    if article.curated_figures:
        figures, text = body_figures(body)
        picks = sidebar_figures(article, figures, text, sidebar_size, problems)
    else:       # sidebar_figures' ranking, labelling only the figures it picks
        text = body_text(body)
        picks = top_figures(body.paragraphs, sentence_ids(body), sidebar_size, body.scanned)
    return replace(article, body_html=body.html, toc=body.toc, plain_text=text, key_figures=tuple(picks),
                   output_path=path, url=urls.pretty_url(path),
                   description=article.lede or opening_excerpt(body.paragraphs))


# An article's description without a lede: what search results and share cards
# show in full (longer ones are cut by them, mid-word).
EXCERPT_CHARS = 120


def opening_excerpt(paragraphs, limit: int = EXCERPT_CHARS) -> str:
    """The body's first paragraph, cut after the last whole sentence that fits in
    `limit` characters; a first sentence longer than that is cut and ends in …"""
    first = next((text for _, text in paragraphs if text), "")
    if len(first) <= limit:
        return first
    kept = ""
    for sentence in split_sentences(first):
        if len(kept) + len(sentence) > limit:
            break
        kept += sentence
    return kept or first[:limit - 1].rstrip("，、；：,;: ") + "…"


def render_body(article: Article, renderer: MarkdownRenderer, problems: Diagnostics) -> RenderedBody | None:
    """The article's Markdown as HTML; its warnings and errors carry file and line."""
    shown = source_name(article.source)
    try:
        body = renderer.render(article.body_markdown)
    except MarkdownTooComplex as exc:
        problems.error(shown, article.source_line + exc.line, exc.message)
        return None
    for offset, message in body.warnings:
        problems.warning(shown, article.source_line + offset, message)
    return body


def body_figures(body: RenderedBody) -> tuple[list[KeyFigure], str]:
    """Every figure of a rendered body, anchored to its sentence; and the body's text."""
    return extract_figures(body.paragraphs, sentence_ids(body), body.scanned), body_text(body)


def sentence_ids(body: RenderedBody) -> dict[tuple[int, int], str]:
    """{(paragraph, sentence index): sentence id} of a rendered body."""
    return {(s.paragraph, s.index): s.sentence_id for s in body.sentences}


def body_text(body: RenderedBody) -> str:
    return "\n".join(p for _, p in body.paragraphs)


def sidebar_figures(article: Article, figures: list[KeyFigure], text: str, size: int,
                    problems: Diagnostics) -> list[KeyFigure]:
    """The editor's curated figures, each verified against the text; else the top-ranked."""
    if not article.curated_figures:
        return rank_figures(figures, size)
    chosen = []
    for curated in article.curated_figures:
        found = find_curated(curated, figures, text)
        if found is None:
            problems.error(source_name(article.source), curated.line,
                           curated_problem(curated, figures, text))
        else:
            chosen.append(found)
    return chosen


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
