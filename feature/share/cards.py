"""Share cards: the picture a shared link shows (1200×630), and a square one for
WeChat's thumbnail.

The wide card is a newspaper front in miniature: a red band, the masthead
(newspaper, edition title, double rule), the section as a red tag, the headline
in the serif bold, as large as three lines allow, and the deck; on the right a
panel with the first photo or the lead key figure. The square card is read at
thumbnail size, so it keeps only what reads small: masthead, tag, headline,
and the figure or the deck.
"""
from __future__ import annotations

from dataclasses import replace

from PIL import Image

from .canvas import (ACCENT, BOX, INK, MUTED, Box, draw_figure, kicker, masthead, paper, photo_fill, png_bytes,
                     set_figure)
from .fonts import SANS, SANS_BOLD, SERIF, SERIF_BOLD, FontBook
from .texts import CardText
from .typeset import Style, draw_text, set_text

WIDE = (1200, 630)
SQUARE = (600, 600)

WIDE_HEADLINE = Style(SERIF_BOLD, tuple(range(76, 39, -2)), 3, leading=1.22, balance=True)
WIDE_DECK = Style(SERIF, (30, 28, 26), 2, leading=1.45, justify=True)
PANEL_LABEL = Style(SANS, (26, 24), 3, leading=1.45, balance=True)
SQUARE_HEADLINE = Style(SERIF_BOLD, tuple(range(64, 33, -2)), 3, leading=1.22, balance=True)
SQUARE_DECK = Style(SERIF, (26, 24), 3, leading=1.45, justify=True)
SQUARE_LABEL = Style(SANS, (24, 22), 2, leading=1.4, balance=True)


def render_card(card: CardText, fonts: FontBook) -> bytes:
    """The 1200×630 PNG of `card`."""
    check_card(card, fonts)
    image, draw = paper(WIDE)
    width, height = WIDE
    margin = 64
    column = Box(margin, 0, width - margin, height)
    if card.photo is not None or card.figure is not None:
        panel = Box(width - 430, 0, width, height)
        column = Box(margin, 0, panel.left - 56, height)
        _panel(image, draw, fonts, card, panel)
    draw.rectangle((0, 0, column.right if card.photo else width, 10), fill=ACCENT)
    top = masthead(draw, fonts, card.newspaper, card.edition_title, Box(margin, 44, column.right, 0), 34,
                   card.source)
    _story(draw, fonts, card, Box(column.left, top + 40, column.right, height - 64),
           (WIDE_HEADLINE, WIDE_DECK), 26)
    return png_bytes(image)


def render_square_card(card: CardText, fonts: FontBook) -> bytes:
    """The 600×600 PNG of `card` (no photo: at thumbnail size only large type reads)."""
    check_card(card, fonts)
    image, draw = paper(SQUARE)
    width, height = SQUARE
    margin = 44
    draw.rectangle((0, 0, width, 8), fill=ACCENT)
    top = masthead(draw, fonts, card.newspaper, card.edition_title, Box(margin, 34, width - margin, 0), 28,
                   card.source)
    area = Box(margin, top + 30, width - margin, height - 44)
    if card.figure is None:
        _story(draw, fonts, card, area, (SQUARE_HEADLINE, SQUARE_DECK), 22)
        return png_bytes(image)
    label = set_text(fonts, card.figure.label, SQUARE_LABEL, area.width, card.source)
    figure = set_figure(fonts, card.figure.figure, area.width, tuple(range(96, 40, -4)), card.source)
    label_top = area.bottom - label.height
    figure_top = label_top - 16 - figure.height
    draw.rectangle((area.left, figure_top - 26, area.left + 56, figure_top - 21), fill=ACCENT)
    draw_figure(draw, figure, area.left, figure_top)
    draw_text(draw, label, area.left, label_top, MUTED)
    _story(draw, fonts, card, Box(area.left, area.top, area.right, figure_top - 64), (SQUARE_HEADLINE, None), 22)
    return png_bytes(image)


def check_card(card: CardText, fonts: FontBook) -> None:
    """Every character the card shows, in the face it is set in: one error naming all missing."""
    texts = [(card.headline, SERIF_BOLD), (card.deck, SERIF), (card.section, SANS_BOLD),
             (card.newspaper, SERIF_BOLD), (card.edition_title, SANS)]
    if card.figure is not None:
        texts += [(card.figure.figure, SERIF_BOLD), (card.figure.label, SANS)]
    fonts.check_all(texts, card.source, "share card")


def _story(draw, fonts: FontBook, card: CardText, area: Box, styles: tuple[Style, Style | None],
           kicker_size: int) -> None:
    """Tag, headline and deck as one group, centred in `area`: the headline takes the room
    the tag and the deck leave (shrinking to fit it), so nothing runs past the area."""
    headline_style, deck_style = styles
    tag = kicker_size * 2.56 if card.section else 0          # the tag and the space below it
    deck = (set_text(fonts, card.deck, deck_style, area.width, card.source)
            if card.deck and deck_style else None)
    below = deck.height + deck.size if deck else 0
    room = area.bottom - area.top - tag - below
    headline = set_text(fonts, card.headline, replace(headline_style, height=room), area.width, card.source)
    top = area.top + max(0, (room - headline.height) / 2)
    if card.section:
        kicker(draw, fonts, card.section, area.left, top, kicker_size, card.source)
    bottom = draw_text(draw, headline, area.left, top + tag, INK)
    if deck:
        draw_text(draw, deck, area.left, bottom + deck.size, MUTED)


def _panel(image: Image.Image, draw, fonts: FontBook, card: CardText, panel: Box) -> None:
    """The wide card's right side: the photo to the edges, or the lead figure on a tinted panel."""
    if card.photo is not None:
        photo_fill(image, card.photo, panel, card.source)
        return
    draw.rectangle((panel.left, panel.top, panel.right, panel.bottom), fill=BOX)
    draw.rectangle((panel.left, panel.top, panel.left + 6, panel.bottom), fill=ACCENT)
    inner = Box(panel.left + 48, 0, panel.right - 48, panel.bottom)
    label = set_text(fonts, card.figure.label, PANEL_LABEL, inner.width, card.source)
    figure = set_figure(fonts, card.figure.figure, inner.width, tuple(range(150, 40, -4)), card.source)
    top = (panel.bottom - (figure.height + 28 + label.height)) / 2
    bottom = draw_figure(draw, figure, inner.left, top)
    draw_text(draw, label, inner.left, bottom + 28, INK)
