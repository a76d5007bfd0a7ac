"""Which share images each page shows, and their names: a card per page, a poster per key figure.

What an image shows comes from the page (feature/share/ draws it from small
records): the card, the page's title, deck and section under the masthead,
with an article's lead key figure; the poster, one sidebar figure with its
sentence, the article's headline and reporters, and a QR code of the URL of
that sentence. An image's file name is its content key (share/keys.py), so a
changed image gets a new URL (WeChat caches images by URL) and the same image
keeps its name; headers.py serves share/ as immutable.

A name is a function of what the page shows, the config, the faces and the
share package's code, so the incremental build's page keys (what the page
shows, the global key: code, config, the faces' identity) change whenever a
name on the page does. Rendering a page computes the names it links; the
image stage (build/stages.py) draws the files.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from feature.core import urls
from feature.core.config import Config
from feature.core.diagnostics import BuildError, Diagnostic, source_name
from feature.core.model import Article, Edition, KeyFigure
from feature.edition.bylines import printed
from feature.share.cards import check_card, render_card, render_square_card
from feature.share.fonts import FontBook, FontNotFound, MissingGlyphs, find_fonts
from feature.share.keys import content_key
from feature.share.posters import check_poster, render_poster
from feature.share.texts import CardFigure, CardText, PosterText

from .pages import Page

FOLDER = urls.SHARE
NAME_DIGITS = 20                    # of the content key's sha256: 80 bits, no two images collide
# The pages with a card, and the tag above its headline (an article's is its section).
KICKERS = {"cover": "特别报道", "section": "栏目", "figures": "数说", "article": ""}


@dataclass(frozen=True)
class ShareImage:
    """One image file: its output path, what kind it is, what it shows."""
    path: str
    kind: str                       # "card", "square", "poster"
    text: CardText | PosterText
    article: str = ""               # the output path of the article it shows, for error lines


@dataclass(frozen=True)
class PageShare:
    """What a page offers for sharing: its cards (og:image, the square thumbnail) and alt text."""
    card: ShareImage
    square: ShareImage
    alt: str


def fonts_for(config: Config) -> FontBook:
    """The faces share images are set in (`share.fonts`, or fontconfig); BuildError if missing."""
    try:
        return _fonts(config.share.fonts_dir(config.root))
    except FontNotFound as exc:
        raise BuildError([Diagnostic("config.yaml", 0, f"share images: {exc}")]) from None


@functools.lru_cache(maxsize=4)
def _fonts(folder: Path | None) -> FontBook:
    # Once per process and folder: four fc-match runs (0.1 s); the character maps
    # are read when the first text is checked. Workers forked later inherit it.
    return find_fonts(folder)


def fonts_identity(config: Config) -> str:
    """What of the faces decides an image's bytes (file, face, size, time): part of
    the incremental build's global key; "" when no image is made."""
    if not makes_images(config):
        return ""
    stats = [(face, face.path.stat()) for face in fonts_for(config).faces]
    return repr([(str(face.path), face.index, stat.st_size, stat.st_mtime_ns) for face, stat in stats])


def makes_images(config: Config) -> bool:
    return config.share.cards or config.share.posters


def _image(kind: str, text: CardText | PosterText, fonts: FontBook, article: Article | None = None) -> ShareImage:
    return ShareImage(_name(kind, text, fonts), kind, text, article.output_path if article else "")


@functools.lru_cache(maxsize=1 << 16)
def _name(kind: str, text: CardText | PosterText, fonts: FontBook) -> str:
    # Remembered: a 数说 page re-rendered after an edit names 400 posters again. The
    # faces' files are read for their identity once per process, as fonts_for finds them.
    return f"{FOLDER}/{content_key(kind, text, fonts=fonts)[:NAME_DIGITS]}.png"


def page_share(page: Page, config: Config) -> PageShare | None:
    """The cards of `page` (None: a print page or the 404 page, which are not shared,
    or cards switched off). An article page's article must hold its key figures."""
    if not config.share.cards or page.kind not in KICKERS:
        return None
    text = card_text(page, config)
    fonts = fonts_for(config)
    alt = "，".join(filter(None, (page.title, config.newspaper, config.title if page.kind != "cover" else "")))
    return PageShare(_image("card", text, fonts, page.article), _image("square", text, fonts, page.article),
                     f"分享卡片：{alt}")


def card_text(page: Page, config: Config) -> CardText:
    a = page.article
    if a is not None:
        lead = a.key_figures[0] if a.key_figures else None
        return CardText(headline=a.headline, deck=a.deck, section=page.section.title if page.section else "",
                        edition_title=config.title, newspaper=config.newspaper,
                        figure=CardFigure(lead.text, lead.label) if lead else None,
                        source=source_name(a.source))
    kicker = KICKERS[page.kind]
    deck = page.description if page.kind != "cover" else (config.subtitle or config.description)
    return CardText(headline=page.title, deck=deck, section=kicker,
                    edition_title="" if page.kind == "cover" else config.title,
                    newspaper=config.newspaper, source="config.yaml")


def poster_text(a: Article, k: KeyFigure, section_title: str, config: Config) -> PosterText:
    return PosterText(figure=k.text, label=k.label, sentence=k.sentence, headline=a.headline,
                      reporter=printed(a.byline), newspaper=config.newspaper,
                      url=sentence_url(a, k, config), edition_title=config.title, section=section_title,
                      source=source_name(a.source))


def sentence_url(a: Article, k: KeyFigure, config: Config) -> str:
    """What a poster's QR code holds: the article page + #the sentence, absolute when
    base_url has a host; else the path from the site's root (a phone cannot open
    it alone: the build says to pass --base-url https://…)."""
    if config.site_origin:
        return f"{urls.absolute(config.site_origin, config.site_path, a.output_path)}#{k.sentence_id}"
    return f"{config.site_path}{urls.pretty_url(a.output_path)}#{k.sentence_id}"


def poster_for(article: Article, figure: KeyFigure, edition: Edition, config: Config) -> ShareImage | None:
    """The poster of one figure (templates' `poster`), or None when posters are off."""
    if not config.share.posters:
        return None
    text = poster_text(article, figure, edition.section(article.section).title, config)
    return _image("poster", text, fonts_for(config), article)


def images_of(page: Page, edition: Edition, config: Config) -> tuple[ShareImage, ...]:
    """Every image `page` links to: its cards, and on an article page its figures' posters."""
    share = page_share(page, config)
    out = (share.card, share.square) if share else ()
    if page.article is not None and config.share.posters:
        out += tuple(poster_for(page.article, k, edition, config) for k in page.article.key_figures)
    return out


class ImageProblem(Exception):
    """An image that cannot be drawn: a character its face lacks (it would be a box)."""

    def __init__(self, image: ShareImage, missing: MissingGlyphs):
        super().__init__(str(missing))
        self.image, self.missing = image, missing

    def __reduce__(self):           # back from a worker process: MissingGlyphs rebuilt from its fields
        m = self.missing
        return (_problem, (self.image, m.characters, m.font, m.source, m.what))

    def diagnostics(self, article: Article | None) -> list[Diagnostic]:
        """Where to fix it: `article` (the image's, its body readable) or config.yaml."""
        return glyph_problems(self.missing, article)


def _problem(image: ShareImage, characters: str, font: str, source: str, what: str) -> ImageProblem:
    return ImageProblem(image, MissingGlyphs(characters, font, source, what))


# By ShareImage.kind: (how to draw it, how to check its glyphs without drawing).
_KINDS = {"card": (render_card, check_card), "square": (render_square_card, check_card),
          "poster": (render_poster, check_poster)}


def draw_checked(image: ShareImage, config: Config) -> bytes:
    """The PNG of `image`; raises ImageProblem when a character would be drawn as a box."""
    return _glyphs_checked(_KINDS[image.kind][0], image, config)


def check_glyphs(image: ShareImage, config: Config) -> None:
    """What draw_checked would refuse, without drawing: raises ImageProblem when a
    character would be drawn as a box (the preview draws the image after the reload)."""
    _glyphs_checked(_KINDS[image.kind][1], image, config)


def _glyphs_checked(make, image: ShareImage, config: Config):
    try:
        return make(image.text, fonts_for(config))
    except MissingGlyphs as missing:
        raise ImageProblem(image, missing) from None


def glyph_problems(problem: MissingGlyphs, article: Article | None) -> list[Diagnostic]:
    """`problem` as diagnostics at the line of the article's source that holds each
    character (the front matter field, else the body's line); one per line."""
    lines: dict[int, str] = {}
    for character in problem.characters:
        line = _line_of(character, article) if article is not None else 0
        lines[line] = lines.get(line, "") + character
    out = []
    for line, characters in lines.items():
        named = "、".join(f"“{c}”（U+{ord(c):04X}）" for c in characters)
        out.append(Diagnostic(problem.source or "config.yaml", line,
                              f"{problem.what}: the font {problem.font} has no glyph for {named}: it would be "
                              "drawn as a box; write another character, or give `share.fonts` a font that has it"))
    return out


def _line_of(character: str, a: Article) -> int:
    for key, value in (("headline", a.headline), ("deck", a.deck), ("section", a.section)):
        if character in value:
            return a.line_of(key)
    for curated in a.curated_figures:
        if character in curated.figure + curated.label:
            return curated.line or a.line_of("figures")
    if any(character in r.name + r.title for r in a.byline):
        return a.line_of("reporter") if "reporter" in dict(a.field_lines) else a.line_of("byline")
    for offset, text in enumerate(a.body_markdown.splitlines()):
        if character in text:
            return a.source_line + offset
    return a.source_line
