"""Enrich one article: its Markdown body → HTML, table of contents, plain text,
key figures and description. A function of the article alone (and two
settings), so the incremental build caches it per source; everything
cross-article (reading order, sections, figure consistency) is
edition/assemble.py.
"""
from __future__ import annotations

from dataclasses import replace

from feature.core.diagnostics import Diagnostics, source_name
from .renderer import MarkdownRenderer, MarkdownTooComplex, RenderedBody
from .figures import curated_problem, extract_figures, find_curated, rank_figures, split_sentences, top_figures
from feature.core.model import Article, KeyFigure
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
                   figure_count=len(picks), output_path=path, url=urls.pretty_url(path),
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
