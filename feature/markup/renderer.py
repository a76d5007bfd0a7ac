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

import html
import re
import unicodedata
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.tables import TableProcessor
from markdown.extensions.toc import (TocExtension, TocTreeprocessor, escape_cdata, nest_toc_tokens, remove_fnrefs,
                                     render_inner_html, run_postprocessors, strip_tags, unique)
from markdown import blockprocessors, inlinepatterns as ip, util
from markdown.extensions.footnotes import FootnoteBlockProcessor
from markdown.inlinepatterns import HTML_RE, HtmlInlineProcessor, LinkInlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import HtmlBlockPreprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor, UnescapeTreeprocessor

from .sentences import SentenceExtension, SentenceRef
from feature.core.model import Heading
from .photo_figures import PhotoExtension

_NO_BREAK_FIX = {"code", "pre", "script", "style"}
_PLAIN_ATTRS = {"class", "id", "value", "data-max", "data-sentence"}   # neither on* nor a URL
# What `{: …}` (attr_list) may set, by element (None: any). The rest is dropped with a
# warning: style= can hide or fake text, ping= reports each click to another server,
# data-* would pose as the build's own marks (data-photo), and so on.
_EDITOR_ATTRS = {"id": None, "class": None, "lang": None, "dir": None, "title": None,
                 "width": {"img"}, "height": {"img"}, "alt": {"img"},
                 "data-toc-label": {"h1", "h2", "h3", "h4", "h5", "h6"}}
_ALLOWED_WORDS = "id, class, lang, dir, title; width, height and alt on images"
_URL_ATTRS = {"href", "src", "action", "formaction", "poster", "cite", "data", "background", "xlink:href"}
_SAFE_SCHEME = re.compile(r"^(https?:|mailto:|tel:|#|/|\.|[^:/?#]*([/?#]|$))", re.I)
# Ambiguous-width punctuation that is full-width in Chinese text (“”‘’…—·).
_CJK_PUNCT = set("\u2018\u2019\u201c\u201d\u2026\u2014\u00b7")
# Limits that keep Python-Markdown's slow paths bounded (docs/hardening.md):
# hostile or broken input gets an error with a line, never a hang or a crash.
MAX_INDENT = 400            # columns of leading space: ~100 nested list levels
MAX_BLOCK_CHARS = 20_000    # one block (no blank line): Python-Markdown is quadratic in it,
MAX_BLOCK_LINES = 1000      # and in its lines when it splits them off one by one
MAX_ANGLE_BRACKETS = 2000   # `<` per article: each may send the raw-HTML scanner to the end
MAX_LINK_TEXT = 200         # characters searched for a link text's closing ]
MAX_LINK_URL = 1000         # … and for the closing ) of its URL


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
            if el.text and "\n" in el.text:
                el.text = join_cjk_lines(el.text)
            for child in el:
                if child.tail and "\n" in child.tail:     # (no newline: nothing to join)
                    last = (child.text or "")[-1:] or "x"
                    child.tail = join_cjk_lines(last + child.tail)[1:] if child.tail[0] == "\n" \
                        else join_cjk_lines(child.tail)


class _SafeUrls(Treeprocessor):
    """`javascript:` and `data:` links become plain text; the warning says where.
    The URL is checked as a browser reads it (entities decoded, tabs and
    controls dropped: `java&#x09;script:` runs). Event handlers that
    `{: onclick=…}` (attr_list) would add are removed too."""
    def run(self, root):
        for el in root.iter():
            for attr, value in list(el.attrib.items()):
                if attr in _PLAIN_ATTRS:        # the sentence spans' and figures' own
                    continue
                if attr.lower().startswith("on"):
                    del el.attrib[attr]
                    self.md.problems.append((f"{attr}=", f"event handler `{attr}` removed"))
                elif attr.lower() in _URL_ATTRS and not _SAFE_SCHEME.match(_as_browser_reads(value)):
                    del el.attrib[attr]
                    self.md.problems.append((value, f"unsafe link `{value[:40]}` removed"))


class _EditorAttrs(AttrListTreeprocessor):
    """attr_list, setting only the attributes in _EDITOR_ATTRS; any other is put
    back as it was (or dropped) with a warning. Event handlers are left to
    _SafeUrls, which removes them wherever they come from."""

    def assign_attrs(self, elem, attrs_string: str, *, strict: bool = False) -> str:
        before = dict(elem.attrib)
        remainder = super().assign_attrs(elem, attrs_string, strict=strict)
        for name, value in list(elem.attrib.items()):
            allowed = _EDITOR_ATTRS.get(name.lower(), ())
            if before.get(name, not value) == value or allowed is None or elem.tag in allowed \
                    or name.lower().startswith("on"):
                continue
            if name in before:
                elem.set(name, before[name])
            else:
                del elem.attrib[name]
            self.md.problems.append((attrs_string, f"attribute `{name}` removed: {{: … }} sets only "
                                                   f"{_ALLOWED_WORDS}"))
        return remainder


def _as_browser_reads(url: str) -> str:
    return re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url))


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


class _Tables(TableProcessor):
    """A table's header row holds a `|`. Checking that first skips the stock test,
    which strips every line of the block each time a heading is split off it."""
    def test(self, parent, block):
        return "|" in block.partition("\n")[0] and super().test(parent, block)


def _bounded(scan, window: int, closer: str, failed: tuple):
    """Link text and URL searched within `window` characters, and not at all
    when no closing bracket is there (a C-speed check): the stock scan runs in
    Python to the end of the paragraph for every unclosed `[` (quadratic)."""
    def within(data, index):
        if data.find(closer, index, index + window) < 0:
            return failed
        return scan(data[:index + window], index)
    return within


# What each stock inline pattern cannot match without (its regex starts with,
# or requires, one of these; at most two). A pattern whose regex is not in this table
# (another extension's) always runs.
_NEEDS = {
    ip.BACKTICK_RE: ("`",), ip.ESCAPE_RE: ("\\",), ip.LINK_RE: ("[",), ip.IMAGE_LINK_RE: ("[",),
    ip.AUTOLINK_RE: ("<",), ip.AUTOMAIL_RE: ("<",), ip.LINE_BREAK_RE: ("  \n",), ip.HTML_RE: ("<",),
    ip.ENTITY_RE: ("&",), r"\[\^([^\]]*)\]": ("[",), r"\*|_": ("*", "_"),
}


class _InlinePatterns(InlineProcessor):
    """Python-Markdown's inline pass, skipping each pattern whose regex needs a
    character the text lacks: most Chinese text runs have no `*[<&` at all,
    and trying ~14 patterns on each was the largest part of a conversion.
    A skipped pattern is one that could not have matched: output unchanged."""

    def run(self, tree, ancestors=None):
        self.needs = [_NEEDS.get(p.compiled_re.pattern) for p in self.md.inlinePatterns]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        # InlineProcessor.__handleInline, name-mangled, plus the `needs` test.
        if not isinstance(data, util.AtomicString):
            startIndex = 0
            count = len(self.inlinePatterns)
            while patternIndex < count:
                needs = self.needs[patternIndex]
                if needs is not None and needs[0] not in data and needs[-1] not in data:
                    matched, startIndex = False, 0
                else:
                    data, matched, startIndex = self._InlineProcessor__applyPattern(
                        self.inlinePatterns[patternIndex], data, patternIndex, startIndex)
                if not matched:
                    patternIndex += 1
        return data


class _Unescape(UnescapeTreeprocessor):
    """Python-Markdown's last pass, without a regex substitution for text that
    holds no escape placeholder (\x02): almost all of it."""

    def unescape(self, text: str) -> str:
        return super().unescape(text) if "\x02" in text else text

    def run(self, root) -> None:
        # The stock loop, testing for the placeholder before calling unescape
        # (it would return the text unchanged) and before resetting attributes.
        for elem in root.iter():
            if elem.text and elem.tag != "code" and "\x02" in elem.text:
                elem.text = self.unescape(elem.text)
            if elem.tail and "\x02" in elem.tail:
                elem.tail = self.unescape(elem.tail)
            for key, value in elem.items():
                if value is not None and "\x02" in value:
                    elem.set(key, self.unescape(value))


# Stock block processors whose regex cannot match a block lacking all of
# these: (processor class, the method that searches, what its regex needs).
_BLOCK_NEEDS = {
    "hashheader": (blockprocessors.HashHeaderProcessor, "test", ("#",)),
    "setextheader": (blockprocessors.SetextHeaderProcessor, "test", ("\n=", "\n-")),
    "hr": (blockprocessors.HRProcessor, "test", ("-", "_", "*")),
    "quote": (blockprocessors.BlockQuoteProcessor, "test", (">",)),
    "reference": (blockprocessors.ReferenceProcessor, "run", ("]:",)),
    "footnote": (FootnoteBlockProcessor, "run", ("[^",)),
}


def _gate_block_processors(md) -> None:
    """Each block is offered to every processor in turn, and most Chinese
    paragraphs hold none of `# > - _ * ]: [^`: answer "no" (test False, or run
    False with the block left where it was, as the stock run does on no match)
    without the regex search."""
    for name, (kind, method, needs) in _BLOCK_NEEDS.items():
        proc = md.parser.blockprocessors[name] if name in md.parser.blockprocessors else None
        if type(proc) is kind:
            setattr(proc, method, _gated(getattr(proc, method), method, needs))


def _gated(stock, method: str, needs: tuple[str, ...]):
    if method == "test":
        def test(parent, block):
            return any(n in block for n in needs) and stock(parent, block)
        return test

    def run(parent, blocks):
        return any(n in blocks[0] for n in needs) and stock(parent, blocks)
    return run


class _Toc(TocTreeprocessor):
    """Python-Markdown's TOC pass (its `run`, 3.11) without the work whose result
    no one reads: we read `md.toc_tokens`, not `md.toc`, the <div> of links that
    the pass builds, prettifies, serializes and post-processes for every article
    (it stays "" unless the body holds the `[TOC]` paragraph it replaces); and a
    heading of plain text (no child, no `& < >`, no placeholder) is not
    serialized and post-processed to find its text: that is its text, stripped.
    The post-processors still run once, where the stock pass first runs them:
    `_DropRawHtml` blanks left-out raw HTML there, before the sentence pass
    reads the stash."""

    def run(self, doc) -> None:
        used_ids, marked = set(), False
        for el in doc.iter():
            if "id" in el.attrib:
                used_ids.add(el.attrib["id"])
            if el.text and not len(el) and el.text.strip() == self.marker:
                marked = True
        id_counters: dict[str, int] = {}
        toc_tokens = []
        side_effects_done = False
        for el in doc.iter():
            if isinstance(el.tag, str) and self.header_rgx.match(el.tag):
                self.set_level(el)
                text = el.text or ""
                if not len(el) and not any(c in text for c in "\x02&<>"):
                    innerhtml = text.strip()
                    name = " ".join(innerhtml.split())      # strip_tags without a tag to strip
                else:
                    innerhtml = render_inner_html(remove_fnrefs(el), self.md)
                    name = strip_tags(innerhtml)
                    side_effects_done = True
                if "id" not in el.attrib:
                    el.attrib["id"] = unique(self.slugify(html.unescape(name), self.sep), used_ids, id_counters)
                data_toc_label = ""
                if "data-toc-label" in el.attrib:
                    data_toc_label = run_postprocessors(self._unescape(el.attrib["data-toc-label"]), self.md)
                    name = escape_cdata(strip_tags(data_toc_label))
                    del el.attrib["data-toc-label"]
                    side_effects_done = True
                if self.toc_top <= int(el.tag[-1]) <= self.toc_bottom:
                    toc_tokens.append({"level": int(el.tag[-1]), "id": self._unescape(el.attrib["id"]),
                                       "name": name, "html": innerhtml, "data-toc-label": data_toc_label})
                if self.use_anchors:
                    self.add_anchor(el, el.attrib["id"])
                if self.use_permalinks not in [False, None]:
                    self.add_permalink(el, el.attrib["id"])
        toc_tokens = nest_toc_tokens(toc_tokens)
        self.md.toc_tokens = toc_tokens
        if self.marker and marked:
            div = self.build_toc_div(toc_tokens)
            self.replace_marker(doc, div)
            if "prettify" in self.md.treeprocessors:
                self.md.treeprocessors["prettify"].run(div)
            toc = self.md.serializer(div)
            for pp in self.md.postprocessors:
                toc = pp.run(toc)
            self.md.toc = toc
        elif not side_effects_done:
            run_postprocessors("", self.md)

    @staticmethod
    def _unescape(text: str) -> str:
        return UnescapeTreeprocessor().unescape(text)


class _LeanToc(TocExtension):
    TreeProcessorClass = _Toc


class ChineseMarkdown(Extension):
    def extendMarkdown(self, md):
        if "table" in md.parser.blockprocessors:
            stock = md.parser.blockprocessors["table"]
            md.parser.blockprocessors.register(_Tables(md.parser, stock.config), "table", 75)
        for proc in md.inlinePatterns:
            if isinstance(proc, LinkInlineProcessor):
                proc.getText = _bounded(proc.getText, MAX_LINK_TEXT, "]", ("", 0, False))
                proc.getLink = _bounded(proc.getLink, MAX_LINK_URL, ")", ("", None, 0, False))
        md.treeprocessors.register(_LineBreaks(md), "cjk_line_breaks", 1)
        md.treeprocessors.register(_SafeUrls(md), "safe_urls", 0.5)
        if "attr_list" in md.treeprocessors:
            md.treeprocessors.register(_EditorAttrs(md), "attr_list", 8)
        md.preprocessors.register(_RawHtmlBlocks(md), "html_block", 20)
        md.inlinePatterns.register(_RawHtmlInline(HTML_RE, md), "html", 90)
        md.postprocessors.register(_DropRawHtml(md), "drop_raw_html", 35)
        md.treeprocessors.register(_InlinePatterns(md), "inline", 20)
        md.treeprocessors.register(_Unescape(md), "unescape", 0)
        _gate_block_processors(md)
        md.allow_raw_html = False
        self.md = md
        self.reset()
        md.registerExtension(self)

    def reset(self):
        self.md.raw_html, self.md.problems, self.md.raw_html_slots = [], [], set()


class MarkdownTooComplex(ValueError):
    """Input past the renderer's limits; `line` is an offset into the body."""
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def check_complexity(body: str) -> None:
    """Refuse, with a line, the shapes that make Python-Markdown crash or crawl."""
    if body.count("<") > MAX_ANGLE_BRACKETS:       # the raw-HTML scanner rereads the rest per `<`
        at = -1
        for _ in range(MAX_ANGLE_BRACKETS + 1):
            at = body.index("<", at + 1)
        raise MarkdownTooComplex(body.count("\n", 0, at), f"more than {MAX_ANGLE_BRACKETS} `<` in one "
                                 "article; HTML is left out of articles anyway (write ＜ or &lt; for the sign)")
    size, first = 0, 0
    for n, line in enumerate(body.split("\n")):
        stripped = line.lstrip(" \t")
        if not stripped:
            size = 0
            continue
        if len(line[:len(line) - len(stripped)].expandtabs(4)) > MAX_INDENT:
            raise MarkdownTooComplex(n, f"indented more than {MAX_INDENT} spaces "
                                        "(lists nested about a hundred levels deep)")
        first = n if size == 0 else first
        size += len(line) + 1
        if size > MAX_BLOCK_CHARS or n - first >= MAX_BLOCK_LINES:
            raise MarkdownTooComplex(first, f"more than {MAX_BLOCK_CHARS} characters or {MAX_BLOCK_LINES} lines "
                                            "without a blank line; separate paragraphs, headings and list items "
                                            "with blank lines")


@dataclass(frozen=True)
class RenderedBody:
    html: str
    toc: tuple[Heading, ...]
    warnings: tuple[tuple[int, str], ...]   # (line offset in the body, message)
    paragraphs: tuple[tuple[str, str], ...] = ()   # (subhead, plain text), for key figures
    sentences: tuple[SentenceRef, ...] = ()        # sentence anchors in `html`
    scanned: tuple = ()                            # figures.Scanned: figure places per paragraph


class MarkdownRenderer:
    """One Python-Markdown instance, reset between articles (building it is slow)."""

    def __init__(self, allow_raw_html: bool = False, extra_extensions=()):
        self._options = (allow_raw_html, tuple(extra_extensions))
        self.md = self._new_markdown()

    def _new_markdown(self) -> markdown.Markdown:
        allow_raw_html, extra_extensions = self._options
        md = markdown.Markdown(extensions=[
            "attr_list", "tables", "sane_lists", "fenced_code", "footnotes",
            ChineseMarkdown(), SentenceExtension(),
            _LeanToc(slugify=slugify, toc_depth="2-4", permalink=False),
            PhotoExtension(),
            *extra_extensions,
        ], output_format="html")
        md.allow_raw_html = allow_raw_html
        return md

    def render(self, body: str) -> RenderedBody:
        """Raises MarkdownTooComplex (with a line) for input past the limits above."""
        check_complexity(body)
        md = self.md
        md.reset()
        try:
            html = md.convert(body)
        except RecursionError:
            self.md = self._new_markdown()    # the parser's state stack is left half-popped
            raise MarkdownTooComplex(0, "the Markdown is nested too deeply to render "
                                        "(lists or quotes inside each other hundreds of times)") from None
        toc = tuple(_flatten(md.toc_tokens))
        warnings = [(_line_of(body, b), f"raw HTML left out: `{_short(b)}` "
                     "(set `allow_raw_html: true` in config.yaml to keep it)") for b in md.raw_html]
        warnings += [(_line_of(body, hint), message) for hint, message in md.problems]
        return RenderedBody(html, toc, tuple(warnings), tuple(md.paragraphs), tuple(md.sentences),
                            tuple(md.scanned))


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
