"""Photos in the Markdown pass: an image standing alone in its paragraph becomes a
captioned, credited `<figure class="photo">` with an `<img data-photo=…>`
placeholder; render/photos.py finds the file, resizes it and fills in the
`<img>` (the convention is in docs/reading.md and render/photos.py).

    ![alt text for readers who cannot see it](dock.jpg "周口港码头一角｜摄影 张三")
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

_SEPARATOR = re.compile(r"[｜|]")


class _PhotoFigures(Treeprocessor):
    """`<p><img …></p>` → `<figure class="photo"><img data-photo><figcaption>`."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for el in parent:
                if el.tag == "img":
                    _mark(el)
                elif el.tag == "p" and _is_lone_image(el):
                    _to_figure(el)


def _is_lone_image(p: etree.Element) -> bool:
    return (len(p) == 1 and p[0].tag == "img" and not (p.text or "").strip()
            and not (p[0].tail or "").strip())


def _mark(img: etree.Element) -> None:
    """The source file moves to data-photo; place_photos writes the real src later."""
    if img.get("data-photo") is None and img.get("src") is not None:
        img.set("data-photo", img.attrib.pop("src"))
        img.attrib.pop("title", None)


def _to_figure(p: etree.Element) -> None:
    img = p[0]
    caption, credit = split_title(img.get("title", ""))
    _mark(img)
    img.tail = None
    p.tag, p.text = "figure", None
    p.set("class", "photo")
    if caption or credit:
        cap = etree.SubElement(p, "figcaption")
        if caption:
            etree.SubElement(cap, "span", {"class": "photo-caption"}).text = caption
        if credit:
            span = etree.SubElement(cap, "span", {"class": "photo-credit"})
            span.text = credit
            if caption:
                cap[0].tail = " "


def split_title(title: str) -> tuple[str, str]:
    """'周口港｜摄影 张三' → ('周口港', '摄影 张三'); no bar: all caption."""
    caption, *credit = _SEPARATOR.split(title, maxsplit=1)
    return caption.strip(), (credit[0] if credit else "").strip()


class PhotoExtension(Extension):
    def extendMarkdown(self, md):
        # After inline patterns (20) have made the <img>, before prettify (10).
        md.treeprocessors.register(_PhotoFigures(md), "photo_figures", 15)


def holds_photo(body_html: str) -> bool:
    """Whether a rendered body has a photo still to place (the enrich stage's mark)."""
    return 'data-photo="' in body_html
