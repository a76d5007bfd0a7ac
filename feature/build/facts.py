"""What the build needs of an article's body besides rendering it, as a small
record: made where the body is read (the parse worker, or the clean build's
own article), so the parent of 10,000 lean articles never reads a body to
place photos, key pages or check figures."""
from __future__ import annotations

from dataclasses import dataclass

from feature.core.model import Article
from feature.edition.assemble import figure_facts
from feature.markup.photo_figures import holds_photo
from feature.output.links import body_links

from .keys import listing_fingerprint


@dataclass(frozen=True)
class ArticleFacts:
    listing: str            # keys.listing_fingerprint: everything but the body
    photo: bool             # its body has a photo to place (photo_figures.holds_photo)
    figures: tuple          # assemble.figure_facts: what the figure-consistency check reads
    hrefs: tuple            # links.body_links: where its body links to (print volumes' keys)


def article_facts(article: Article) -> ArticleFacts:
    """The facts of an enriched article (its body in memory)."""
    return ArticleFacts(listing_fingerprint(article), holds_photo(article.body_html), figure_facts(article),
                        body_links(article.body_html))
