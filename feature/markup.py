"""Markdown → HTML the Chinese way, with one reused Python-Markdown instance.

- Soft line breaks between East Asian wide characters vanish (the CSS Text
  segment-break rule, as Hugo's `eastAsianLineBreaks`): print text broken
  mid-sentence must not gain spaces.
- Heading anchors keep Chinese characters, drop punctuation, de-duplicate
  with a suffix, and honour an explicit `{#id}`.
- Raw HTML is left out with a warning unless config allows it; link and image
  URLs with a script scheme are disarmed.
"""
from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import HTML_RE, HtmlInlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import HtmlBlockPreprocessor
from markdown.treeprocessors import Treeprocessor

from .figure_markup import SentenceExtension, SentenceRef
from .model import Heading
from .photos import PhotoExtension

_NO_BREAK_FIX = {"code", "pre", "script", "style"}
_SAFE_SCHEME = re.compile(r"^(https?:|mailto:|tel:|#|/|\.|[^:/?#]*([/?#]|$))", re.I)
# Ambiguous-width punctuation that is full-width in Chinese text (“”‘’…—·).
_CJK_PUNCT = set("\u2018\u2019\u201c\u201d\u2026\u2014\u00b7")


def is_wide(ch: str) -> bool:
    """East Asian wide/full-width (Hangul excepted, as CSS Text says)."""
    if ch in _CJK_PUNCT:
        return True
    if "\uac00" <= ch <= "\ud7af" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f":
        return False
    return unicodedata.east_asian_width(ch) in ("W", "F", "H")


def join_cjk_lines(text: str) -> str:
    """Drop a newline whose neighbours are both wide; other newlines stay."""
    if "\n" not in text:
        return text
    out = []
    for i, ch in enumerate(text):
        if ch == "\n" and 0 < i < len(text) - 1 and is_wide(text[i - 1]) and is_wide(text[i + 1]):
            continue
        out.append(ch)
    return "".join(out)


def slugify(text: str, separator: str = "-") -> str:
    """A readable anchor that keeps Chinese: '一、补齐短板（上）' → '一补齐短板上'."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    kept = []
    for ch in text:
        kind = unicodedata.category(ch)
        if ch.isspace():
            kept.append(separator)
        elif kind[0] in "LN" or ch in "-_":
            kept.append(ch)
    slug = re.sub(f"{re.escape(separator)}+", separator, "".join(kept)).strip(separator)
    return slug or "section"


class _LineBreaks(Treeprocessor):
    def run(self, root):
        for el in root.iter():
            if el.tag in _NO_BREAK_FIX:
                continue
            if el.text:
                el.text = join_cjk_lines(el.text)
            for child in el:
                if child.tail:
                    last = (child.text or "")[-1:] or "x"
                    child.tail = join_cjk_lines(last + child.tail)[1:] if child.tail[0] == "\n" \
                        else join_cjk_lines(child.tail)


class _SafeUrls(Treeprocessor):
    """`javascript:` and `data:` links become plain text; the warning says where."""
    def run(self, root):
        for el in root.iter():
            for attr in ("href", "src"):
                url = el.get(attr)
                if url is not None and not _SAFE_SCHEME.match(url.strip()):
                    del el.attrib[attr]
                    self.md.problems.append(f"unsafe link `{url[:40]}` removed")


class _RawHtmlBlocks(HtmlBlockPreprocessor):
    """Python-Markdown's own raw-HTML finder, noting which stash slots it fills
    (fenced code shares the stash, so the slots are the only way to tell)."""
    def run(self, lines):
        before = len(self.md.htmlStash.rawHtmlBlocks)
        result = super().run(lines)
        self.md.raw_html_slots.update(range(before, len(self.md.htmlStash.rawHtmlBlocks)))
        return result


class _RawHtmlInline(HtmlInlineProcessor):
    def handleMatch(self, m, data):
        placeholder, start, end = super().handleMatch(m, data)
        self.md.raw_html_slots.add(len(self.md.htmlStash.rawHtmlBlocks) - 1)
        return placeholder, start, end


class _DropRawHtml(Postprocessor):
    """Runs before Python-Markdown puts raw HTML back: blank it unless allowed."""
    def run(self, text):
        stash = self.md.htmlStash.rawHtmlBlocks
        for slot in sorted(self.md.raw_html_slots):
            if not self.md.allow_raw_html and str(stash[slot]).strip():
                self.md.raw_html.append(str(stash[slot]))
                stash[slot] = ""
        return text


class ChineseMarkdown(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_LineBreaks(md), "cjk_line_breaks", 1)
        md.treeprocessors.register(_SafeUrls(md), "safe_urls", 0.5)
        md.preprocessors.register(_RawHtmlBlocks(md), "html_block", 20)
        md.inlinePatterns.register(_RawHtmlInline(HTML_RE, md), "html", 90)
        md.postprocessors.register(_DropRawHtml(md), "drop_raw_html", 35)
        md.allow_raw_html = False
        self.md = md
        self.reset()
        md.registerExtension(self)

    def reset(self):
        self.md.raw_html, self.md.problems, self.md.raw_html_slots = [], [], set()


@dataclass(frozen=True)
class RenderedBody:
    html: str
    toc: tuple[Heading, ...]
    warnings: tuple[tuple[int, str], ...]   # (line offset in the body, message)
    paragraphs: tuple[tuple[str, str], ...] = ()   # (subhead, plain text), for key figures
    sentences: tuple[SentenceRef, ...] = ()        # sentence anchors in `html`


class MarkdownRenderer:
    """One Python-Markdown instance, reset between articles (building it is slow)."""

    def __init__(self, allow_raw_html: bool = False, extra_extensions=()):
        self.md = markdown.Markdown(extensions=[
            "attr_list", "tables", "sane_lists", "fenced_code", "footnotes",
            ChineseMarkdown(), SentenceExtension(),
            TocExtension(slugify=slugify, toc_depth="2-4", permalink=False),
            PhotoExtension(),
            *extra_extensions,
        ], output_format="html")
        self.md.allow_raw_html = allow_raw_html

    def render(self, body: str) -> RenderedBody:
        md = self.md
        md.reset()
        html = md.convert(body)
        toc = tuple(_flatten(md.toc_tokens))
        warnings = [(_line_of(body, b), f"raw HTML left out: `{_short(b)}` "
                     "(set `allow_raw_html: true` in config.yaml to keep it)") for b in md.raw_html]
        warnings += [(0, p) for p in md.problems]
        return RenderedBody(html, toc, tuple(warnings), tuple(md.paragraphs), tuple(md.sentences))


def _flatten(tokens, out=None):
    out = [] if out is None else out
    for t in tokens:
        out.append(Heading(t["level"], t["name"] and _plain(t["name"]), t["id"]))
        _flatten(t["children"], out)
    return out


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _line_of(body: str, snippet: str) -> int:
    pos = body.find(snippet.strip()[:40])
    return body[:pos].count("\n") if pos >= 0 else 0


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."
