"""Share images: cards for every page, a poster per key figure, a long image per article.

Independent of the build's model: callers fill the small records of texts.py
(CardText, PosterText) and get PNG bytes back. Everything is set in Noto CJK
SC (fonts.py), broken by clreq rules (linebreak.py) and checked glyph by glyph,
so no character is ever drawn as a box.

    fonts = find_fonts()                      # or find_fonts(Path("fonts/"))
    png = render_card(CardText(headline=…, section=…, newspaper=…), fonts)
    key = content_key("card", card, fonts=fonts)   # same key, same bytes
"""
from .canvas import BadPhoto
from .cards import SQUARE, WIDE, check_card, render_card, render_square_card
from .fonts import FontBook, FontNotFound, MissingGlyphs, find_fonts
from .keys import content_key
from .longimage import LongImage, LongImageTooLong, render_long_image
from .posters import POSTER, check_poster, render_poster
from .texts import CardFigure, CardText, PosterText

__all__ = [
    "BadPhoto", "CardFigure", "CardText", "FontBook", "FontNotFound", "LongImage", "LongImageTooLong",
    "MissingGlyphs", "POSTER", "PosterText", "SQUARE", "WIDE", "check_card", "check_poster", "content_key", "find_fonts",
    "render_card", "render_long_image", "render_poster", "render_square_card",
]
