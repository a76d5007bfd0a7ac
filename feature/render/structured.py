"""schema.org JSON-LD: NewsArticle per article, ItemList on the cover.

Built as data here, not in templates, and serialised so that no value can
close the <script> element it sits in.
"""
from __future__ import annotations

import json

from feature.core.config import Config
from feature.core.model import Article, Edition
from feature.core import urls


def link_from(config: Config, path: str, from_path: str) -> str:
    """The URL of output file `path` on page `from_path`: absolute when base_url has an origin; else relative to the page (JSON-LD
    resolves relative URLs against the page), never a guessed root path."""
    if config.site_origin:
        return urls.absolute(config.site_origin, config.site_path, path)
    return urls.relative(from_path, path)


def news_article(article: Article, edition: Edition, config: Config, images: tuple[str, ...] = ()) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "alternativeHeadline": article.deck.lstrip("—") or None,
        "description": article.description or None,
        "image": list(images) or None,
        "author": [{"@type": "Person", "name": r.name, "jobTitle": r.title or None}
                   for r in article.byline],
        "datePublished": article.date or config.date,
        "publisher": {"@type": "NewsMediaOrganization", "name": config.newspaper},
        "articleSection": edition.section(article.section).title,
        "inLanguage": config.language,
        "mainEntityOfPage": link_from(config, article.output_path, article.output_path),
        "isPartOf": {"@type": "CreativeWork", "name": config.title, "url": link_from(config, urls.COVER, article.output_path)},
    }


def cover_item_list(edition: Edition, config: Config) -> dict:
    """The stories the cover shows (at most `cover.section_articles` a section:
    10,000 of them were 1.3 MB of the cover); numberOfItems counts them all."""
    limit = config.cover.section_articles
    shown = {a.output_path for s in edition.sections for a in s.articles[:limit]}
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": config.title,
        "numberOfItems": len(edition.articles),
        "itemListElement": [
            {"@type": "ListItem", "position": a.position, "url": link_from(config, a.output_path, urls.COVER),
             "name": a.headline}
            for a in edition.articles if a.output_path in shown],
    }


def to_script_json(data: dict) -> str:
    """JSON safe inside <script>: drops empty fields, escapes <, > and &."""
    def clean(value):
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if v not in (None, "", [])}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    text = json.dumps(clean(data), ensure_ascii=False, sort_keys=False, indent=None)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def structured_data_for(kind: str, article: Article | None, edition: Edition, config: Config,
                        images: tuple[str, ...] = ()) -> str:
    """`images`: the URLs of the page's share card and first photo (templates.context_for), if any."""
    if kind == "article" and article is not None:
        return to_script_json(news_article(article, edition, config, images))
    if kind == "cover":
        return to_script_json(cover_item_list(edition, config))
    return ""
