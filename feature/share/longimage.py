"""长图: an article as one tall image, set by a real layout engine.

WeasyPrint lays the caller's HTML out on a single page far taller than any
article, an empty marker at the end of the body says where the content stops,
the page is cut there, and pypdfium2 rasterises it at the requested width. So
paragraphs, photos, figures and clreq rules are set exactly as in the print
edition, never drawn by hand.

The HTML is laid out `css_width` CSS px wide (a phone's column) and drawn at
`width` px, so text is as sharp as a phone screenshot at that density.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from PIL import Image

from feature.core.diagnostics import Diagnostic
from .canvas import png_bytes
from .fonts import FontBook, MissingGlyphs

END_ID = "share-long-image-end"
_BODY_END = re.compile(r"</body\s*>", re.I)


class LongImageTooLong(Exception):
    """The article would make an image taller than the caller allows (memory stays bounded)."""

    def __init__(self, height: int, limit: int, source: str = ""):
        self.height, self.limit, self.source = height, limit, source
        super().__init__(str(self.diagnostic()))

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.source or "<long image>", 0,
                          f"long image: the article is {self.height} px tall, more than the {self.limit} px "
                          "a long image may be; shorten it or raise the limit")


@dataclass(frozen=True)
class LongImage:
    """How a long image is made: its width in px, the CSS width it is laid out at, its limits."""
    width: int = 1080
    css_width: int = 540
    foot: int = 40                  # CSS px of paper below the last content
    max_height: int = 40_000        # px: 1080 × 40,000 RGB is 130 MB while it is drawn


def render_long_image(html: str, css: str = "", fonts: FontBook | None = None, base_url: str | None = None,
                      spec: LongImage = LongImage(), source: str = "") -> bytes:
    """PNG bytes of `html` styled by `css`, one page `spec.width` px wide and as tall as its content.

    With `fonts`, every character of the text is checked first against the
    CJK faces (the text must be set in them: a character none of them has
    fails, naming `source`, instead of coming out as a box)."""
    from weasyprint import CSS, HTML   # here, not above: half a second to import, and cards never need it
    if fonts is not None:
        _check_text(html, fonts, source)
    page_css = (f"@page {{ size: {spec.css_width}px {_css_limit(spec)}px; margin: 0 }}"
                f" #{END_ID} {{ display: block; clear: both; height: 0; margin: 0; padding: 0 }}")
    document = HTML(string=_with_end_marker(html), base_url=base_url).render(
        stylesheets=[CSS(string=css), CSS(string=page_css)])
    end = document.pages[-1].anchors.get(END_ID)
    css_height = (len(document.pages) - 1) * _css_limit(spec) + (end[1] if end else _css_limit(spec))
    height = round((css_height + spec.foot) * spec.width / spec.css_width)
    if len(document.pages) > 1 or height > spec.max_height:
        raise LongImageTooLong(height, spec.max_height, source)
    document.pages[0].height = css_height + spec.foot
    # The PDF lives only in memory between two libraries: compressing it would take
    # three quarters of the time WeasyPrint spends writing it, for nothing.
    return png_bytes(_rasterise(document.write_pdf(uncompressed_pdf=True), spec.width))


def _rasterise(pdf: bytes, width: int) -> Image.Image:
    import pypdfium2
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        points_wide, _ = page.get_size()
        bitmap = page.render(scale=width / points_wide, may_draw_forms=False)
        image = bitmap.to_pil().convert("RGB")
        page.close()
        return image
    finally:
        document.close()


def _css_limit(spec: LongImage) -> int:
    # The page is laid out a little taller than the limit allows, so content that
    # overflows it still lands on page one and its true height can be reported.
    return spec.max_height * spec.css_width // spec.width + 1


def _with_end_marker(html: str) -> str:
    marker = f'<div id="{END_ID}"></div>'
    ends = list(_BODY_END.finditer(html))
    if not ends:
        return html + marker
    at = ends[-1].start()
    return html[:at] + marker + html[at:]


class _Text(HTMLParser):
    """The characters a page shows: its text outside <script> and <style>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def _check_text(html: str, fonts: FontBook, source: str) -> None:
    parser = _Text()
    parser.feed(html)
    parser.close()
    missing = fonts.missing("".join(parser.parts), fonts.faces)
    if missing:
        families = " / ".join(dict.fromkeys(face.spec.family for face in fonts.faces))
        raise MissingGlyphs(missing, families, source, "long image")
