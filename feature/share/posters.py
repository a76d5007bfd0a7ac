"""数字海报: a portrait poster (1080×1440) for one key figure.

Read from the top: the masthead; the section tag; the figure as large as the
width allows; its label; the sentence it comes from, with the figure marked as
the site marks it; where the sentence was printed (headline, reporter); and at
the foot a QR code that opens the article at that very sentence.
"""
from __future__ import annotations

from .canvas import (ACCENT, INK, MARK, MUTED, RULE, Box, draw_figure, kicker, masthead, paper, png_bytes,
                     qr_code, set_figure)
from .fonts import SANS, SANS_BOLD, SERIF, SERIF_BOLD, FontBook
from .texts import PosterText
from .typeset import Style, draw_text, set_text

POSTER = (1080, 1440)
MARGIN = 84
FOOT = 300                      # the QR code's band at the bottom

LABEL = Style(SANS_BOLD, (46, 44, 42, 40, 38, 36), 2, leading=1.35, balance=True)
SENTENCE_SIZES = (40, 38, 36, 34, 32, 30, 28)
CREDIT = Style(SANS, (28, 26), 2, leading=1.5)
FOOT_TITLE = Style(SANS_BOLD, (34, 32, 30), 1)
FOOT_NOTE = Style(SANS, (26, 24, 22), 2, leading=1.45)


def check_poster(poster: PosterText, fonts: FontBook) -> None:
    """Every character the poster shows, in the face it is set in: one error naming all missing."""
    fonts.check_all([(poster.figure, SERIF_BOLD), (poster.label, SANS_BOLD), (poster.sentence, SERIF),
                     (_credit(poster), SANS), (poster.newspaper, SERIF_BOLD), (poster.edition_title, SANS),
                     (_tag(poster), SANS_BOLD)], poster.source, "poster")


def render_poster(poster: PosterText, fonts: FontBook) -> bytes:
    """The 1080×1440 PNG of `poster`."""
    check_poster(poster, fonts)
    image, draw = paper(POSTER)
    width, height = POSTER
    column = Box(MARGIN, 0, width - MARGIN, height)
    draw.rectangle((0, 0, width, 14), fill=ACCENT)
    top = masthead(draw, fonts, poster.newspaper, poster.edition_title, Box(MARGIN, 60, column.right, 0), 44,
                   poster.source)
    top = kicker(draw, fonts, _tag(poster), MARGIN, top + 56, 30,
                 poster.source)
    figure = set_figure(fonts, poster.figure, column.width, tuple(range(240, 60, -8)), poster.source)
    top = draw_figure(draw, figure, MARGIN, top + 44)
    label = set_text(fonts, poster.label, LABEL, column.width, poster.source)
    top = draw_text(draw, label, MARGIN, top + 36, INK)
    draw.rectangle((MARGIN, top + 44, MARGIN + 96, top + 50), fill=ACCENT)
    _sentence(draw, fonts, poster, Box(MARGIN, top + 92, column.right, height - FOOT - 48))
    _foot(draw, fonts, poster, Box(MARGIN, height - FOOT, column.right, height - 72))
    return png_bytes(image)


def _sentence(draw, fonts: FontBook, poster: PosterText, room: Box) -> None:
    """The sentence, as large as the room allows, then its credit line at the room's foot."""
    credit = set_text(fonts, _credit(poster), CREDIT, room.width, poster.source)
    sentence_room = room.bottom - room.top - credit.height - 40
    style = Style(SERIF, SENTENCE_SIZES, 12, leading=1.75, justify=True, height=sentence_room)
    sentence = set_text(fonts, poster.sentence, style, room.width, poster.source)
    bottom = draw_text(draw, sentence, room.left, room.top, INK, mark=(poster.figure, ACCENT, MARK))
    draw_text(draw, credit, room.left, bottom + 40, MUTED)


def _foot(draw, fonts: FontBook, poster: PosterText, foot: Box) -> None:
    """A hairline, the QR code to the sentence, and what scanning it does."""
    draw.rectangle((foot.left, foot.top, foot.right, foot.top + 1), fill=RULE)
    qr_top = foot.top + 56
    side = qr_code(draw, poster.url, foot.right, qr_top, 172)
    text = Box(foot.left, qr_top, foot.right - side - 48, foot.bottom)
    title = set_text(fonts, "扫码阅读原文", FOOT_TITLE, text.width, poster.source)
    note = set_text(fonts, "直达这个数字所在的句子", FOOT_NOTE, text.width, poster.source)
    top = draw_text(draw, title, text.left, text.top + 28, INK)
    top = draw_text(draw, note, text.left, top + 18, MUTED)
    paper_line = " · ".join(filter(None, (poster.newspaper, poster.edition_title)))
    if paper_line:
        draw_text(draw, set_text(fonts, paper_line, FOOT_NOTE, text.width, poster.source),
                  text.left, top + 18, MUTED)


def _tag(poster: PosterText) -> str:
    return " · ".join(filter(None, ("数说", poster.section)))


def _credit(poster: PosterText) -> str:
    return f"——摘自《{poster.headline}》" + (f"　{poster.reporter}" if poster.reporter else "")
