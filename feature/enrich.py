"""Stage 3, enrich: Markdown bodies → HTML, TOC, key figures; reading order.

Everything cross-page (prev/next, section lists) is computed once here, in
linear time, so rendering a page never rescans the edition.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .config import Config
from .diagnostics import Diagnostics
from .markup import MarkdownRenderer
from .model import Article, ArticleLink, Edition, Section
from . import urls


def enrich_article(article: Article, renderer: MarkdownRenderer, problems: Diagnostics) -> Article:
    """One article's body rendered; depends on nothing but the article itself."""
    body = renderer.render(article.body_markdown)
    shown = f"content/{article.source.as_posix()}"
    for offset, message in body.warnings:
        problems.warning(shown, article.source_line + offset, message)
    path = urls.article_path(article.section, article.slug)
    return replace(article, body_html=body.html, toc=body.toc, plain_text=_plain(body.html),
                   output_path=path, url=urls.pretty_url(path))


def assemble_edition(articles: list[Article], config: Config) -> Edition:
    """Order the articles, link neighbours, and group them into sections."""
    ordered = reading_order(articles, config)
    linked = []
    for i, a in enumerate(ordered):
        previous = _link_to(ordered[i - 1]) if i > 0 else None
        following = _link_to(ordered[i + 1]) if i + 1 < len(ordered) else None
        linked.append(replace(a, position=i + 1, previous=previous, next=following))
    sections = tuple(
        Section(key=s.key, title=s.title, description=s.description,
                output_path=urls.section_path(s.key), url=urls.pretty_url(urls.section_path(s.key)),
                articles=tuple(a for a in linked if a.section == s.key))
        for s in config.sections)
    return Edition(sections=sections, articles=tuple(linked))


def _link_to(article: Article) -> ArticleLink:
    return ArticleLink(article.headline, article.output_path)


def reading_order(articles: list[Article], config: Config) -> list[Article]:
    """config `reading_order` first, then by section (config order), `order`, file name."""
    listed = {p.removeprefix("content/"): i for i, p in enumerate(config.reading_order)}
    section_rank = {s.key: i for i, s in enumerate(config.sections)}

    def key(a: Article):
        explicit = listed.get(a.source.as_posix(), len(listed))
        order = a.order if a.order is not None else float("inf")
        return (explicit, section_rank.get(a.section, len(section_rank)), order, a.source.as_posix())
    return sorted(articles, key=key)


_TAG = re.compile(r"<[^>]+>")


def _plain(html: str) -> str:
    """Paragraph text without markup, for search, feeds and descriptions."""
    import html as htmllib
    blocks = re.split(r"</(?:p|h[1-6]|li|blockquote)>", html)
    return "\n".join(t for t in (htmllib.unescape(_TAG.sub("", b)).strip() for b in blocks) if t)
