"""Traceable figures: sentence anchors and <data> figures in the rendered body.

`SentenceExtension` adds a Treeprocessor (late: after inline patterns and
soft-break joining) that, for each paragraph-like element (p; li without block
children; a p inside blockquote or li is just a p), never inside pre/code
and never in headings:

* wraps each sentence in `<span class="sentence" id="s-1a2b3c">`;
* wraps each figure in `<data value="2199000000" class="figure">21.99亿元</data>`
  (`value` a plain decimal, the low end for ranges, plus `data-max`).

Tables, headings, and a <p> that only holds a stashed block (fenced code,
raw HTML) are left alone; a footnote mark (<sup id="fnref:…">) is not text.

Sentence id scheme
    "s-" + the first 6 hex digits of SHA-1 over the sentence's normalised
    text (plain text, full-width digits made ASCII, all whitespace removed).
    The id depends only on the sentence itself, so it is the same on every
    build and survives edits anywhere else in the article. The n-th repeat
    of a sentence (or, rarely, a different sentence whose hash collides) in
    one document gets "-n" (s-1a2b3c-2); such ids shift if an earlier copy
    is added or removed.

Inline children (strong, em, a …)
    An inline element lying wholly inside one sentence moves into that
    sentence's span. An element a sentence boundary cuts through is not
    split: the sentence gets one span per text run instead, inside and
    outside the element; the first carries the id, the others
    `data-sentence="<id>"` (all have class "sentence"). Inline code is never
    entered: its text counts for the sentence split, but no span or figure
    is put inside it (a sentence starting inside code cut by a boundary gets
    an empty anchor span just before the code). A figure split by an inline element (**21.99**亿元)
    is not wrapped.

What the pipeline reads after `md.convert()`
    `md.paragraphs`: [(subhead, plain text)], exactly `extract_figures`' input;
    `md.sentences`: [SentenceRef(sentence_id, text, paragraph, subhead, index)].
    `md.scanned`: per paragraph, the figures found in it while wrapping
    (figures.Scanned), or None where extract_figures must split and scan itself.
    `attach_sentence_ids(figures, md.sentences)` fills `KeyFigure.sentence_id`
    (enrich passes the same ids straight to `extract_figures`).
    The lists are replaced on every conversion and emptied by `md.reset()`.
"""
from __future__ import annotations

import bisect
import hashlib
import html
import re
import xml.etree.ElementTree as etree
from dataclasses import replace
from typing import NamedTuple, Sequence

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .figures import DIGIT, FigureMatch, find_figures, format_number, normalise_digits, sentence_spans
from feature.core.model import KeyFigure

# After inline patterns (20), prettify (10) and the project's CJK soft-break
# joining (1, feature/markup/renderer.py), so plain text has no stray newlines; before
# Python-Markdown's unescape (0).
_PRIORITY = 0.9
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP = {"pre", "code", "script", "style", "data"}
_BLOCKS = {"p", "ul", "ol", "div", "blockquote", "table", "pre", "dl", "hr",
           "h1", "h2", "h3", "h4", "h5", "h6", "figure", "details"}
_STASH = re.compile("\x02wzxhzdk:(\\d+)\x03")
_ESCAPE = re.compile("\x02(\\d+)\x03")
_PLACEHOLDER = re.compile("\x02[^\x02\x03]*\x03")


class SentenceRef(NamedTuple):
    """A sentence of the rendered body and its anchor."""
    sentence_id: str
    text: str
    paragraph: int
    subhead: str
    index: int


def sentence_id_base(sentence: str) -> str:
    """The id a sentence gets when it is the first with its hash."""
    # str.split() drops exactly what \s+ matches (both use Py_UNICODE_ISSPACE), faster.
    normal = "".join(normalise_digits(sentence).split())
    return "s-" + hashlib.sha1(normal.encode("utf-8")).hexdigest()[:6]


def attach_sentence_ids(figures: Sequence[KeyFigure],
                        sentences: Sequence[SentenceRef]) -> list[KeyFigure]:
    """Each figure with the id of its sentence (by paragraph and index)."""
    ids = {(s.paragraph, s.index): s.sentence_id for s in sentences}
    return [replace(f, sentence_id=ids.get((f.paragraph, f.sentence_index), ""))
            for f in figures]


class SentenceExtension(Extension):
    """Sentence anchors and <data> figures; see the module docstring."""

    def extendMarkdown(self, md) -> None:
        md.registerExtension(self)
        self.md = md
        self.reset()
        md.treeprocessors.register(SentenceTreeprocessor(md), "figure_sentences", _PRIORITY)

    def reset(self) -> None:
        self.md.sentences = []
        self.md.paragraphs = []
        self.md.scanned = []


class SentenceTreeprocessor(Treeprocessor):
    """Walks the body in document order, one paragraph-like element at a time."""

    def run(self, root: etree.Element) -> None:
        self.sentences: list[SentenceRef] = []
        self.paragraphs: list[tuple[str, str]] = []
        self.scanned: list[tuple | None] = []       # per paragraph: see figures.Scanned
        self.used: dict[str, int] = {}
        self.subhead = ""
        for child in root:
            self._visit(child)
        self.md.sentences, self.md.paragraphs, self.md.scanned = self.sentences, self.paragraphs, self.scanned

    def _visit(self, el: etree.Element) -> None:
        if el.tag in _HEADINGS:
            self.subhead = self._plain("".join(el.itertext())).strip()
        elif el.tag in _SKIP or _is_stashed_block(el):
            return
        elif el.tag == "p" or (el.tag == "li" and not any(c.tag == "p" for c in el)):
            self._paragraph(el)
            for child in [c for c in el if c.tag in _BLOCKS]:
                self._visit(child)
        else:
            for child in el:
                self._visit(child)

    def _paragraph(self, el: etree.Element) -> None:
        raw = _raw_text(el)
        plain = self._plain
        if "&" not in raw and "\x02" not in raw:
            # Nothing to resolve (the usual case): plain text is raw, and every
            # span (whitespace-trimmed, non-empty) holds visible text.
            plain = str
        spans = sentence_spans(_mask(raw))
        if plain is not str:            # (a trimmed span of raw text always holds some)
            spans = [(a, b) for a, b in spans if plain(raw[a:b]).strip()]
        p_index = len(self.paragraphs)
        self.paragraphs.append((self.subhead, plain(raw).strip()))
        ids = []
        for index, (a, b) in enumerate(spans):
            text = plain(raw[a:b])
            ids.append(self._new_id(text))
            self.sentences.append(SentenceRef(ids[-1], text, p_index, self.subhead, index))
        if not len(el) and plain is str:    # nine paragraphs in ten: text only, nothing to resolve
            # Written as HTML in one string and stashed (put back by Python-Markdown's
            # raw-HTML postprocessor): an element per sentence and figure cost more to
            # build, walk and serialize than the sentence scan itself.
            markup, places = _text_paragraph_html(el.text or "", spans, ids)
            el.text = self.md.htmlStash.store(markup)
            self.scanned.append(places)
            return
        self.scanned.append(None)
        if not len(el):
            _wrap_plain_paragraph(el, spans, ids)
            return
        _SentenceWrapper(spans, ids).apply(el)
        if DIGIT.search(raw):           # every text run _wrap_figures reads is in raw
            _wrap_figures(el)

    def _new_id(self, text: str) -> str:
        base = sentence_id_base(text)
        self.used[base] = self.used.get(base, 0) + 1
        return base if self.used[base] == 1 else f"{base}-{self.used[base]}"

    def _plain(self, text: str) -> str:
        """Placeholders resolved: stashed HTML as its text, escapes as chars.

        Entities outside code are stashed, so a literal &lt; here comes from
        inline code (escaped by Markdown) and is unescaped first.
        """
        if "&" not in text and "\x02" not in text:   # the usual case: nothing to resolve
            return text
        for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")):
            text = text.replace(entity, char)
        text = _STASH.sub(self._stashed_text, text)
        return _PLACEHOLDER.sub("", _ESCAPE.sub(lambda m: chr(int(m.group(1))), text))

    def _stashed_text(self, m: re.Match) -> str:
        blocks, n = self.md.htmlStash.rawHtmlBlocks, int(m.group(1))
        item = blocks[n] if n < len(blocks) else ""
        item = item if isinstance(item, str) else "".join(item.itertext())
        return html.unescape(re.sub(r"<[^>]*>", "", item))


def _is_stashed_block(el: etree.Element) -> bool:
    """A <p> holding only a placeholder is a stashed block (fenced code, raw
    HTML) that Python-Markdown swaps for the <p> later: leave it alone."""
    return el.tag == "p" and not len(el) and bool(_STASH.fullmatch((el.text or "").strip()))


def _is_text_child(child: etree.Element) -> bool:
    """Counts towards the paragraph's text: not a block, not a footnote mark."""
    return child.tag not in _BLOCKS and not _is_note_ref(child)


def _is_note_ref(child: etree.Element) -> bool:
    return child.tag == "sup" and child.get("id", "").startswith("fnref")


def _text_length(child: etree.Element) -> int:
    return len("".join(child.itertext())) if _is_text_child(child) else 0


def _raw_text(el: etree.Element) -> str:
    """The element's own text, inline children included, block children not."""
    parts = [el.text or ""]
    for child in el:
        if _is_text_child(child):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)


def _mask(text: str) -> str:
    """Placeholders blanked out (same length) so no digit or 。 inside counts."""
    if "\x02" not in text:
        return text
    return _PLACEHOLDER.sub(lambda m: "\x01" * len(m.group()), text)


class _SentenceWrapper:
    """Rebuilds one element's content with a span per sentence (or fragment)."""

    def __init__(self, spans: list[tuple[int, int]], ids: list[str]) -> None:
        self.spans, self.ids, self.anchored = spans, ids, set()
        # Spans are sorted and disjoint: bisect, not a scan per text run
        # (a paragraph of 100,000 sentences would be quadratic).
        self.starts = [s for s, _ in spans]
        self.edges = sorted(c for span in spans for c in span)

    def apply(self, el: etree.Element) -> None:
        self._rebuild(el, 0)
        missing = set(range(len(self.ids))) - self.anchored
        if missing:
            first = {}
            for s in el.iter("span"):
                first.setdefault(s.get("data-sentence"), s)
            for k in missing:
                span = first.get(self.ids[k])
                if span is not None:
                    del span.attrib["data-sentence"]
                    span.set("id", self.ids[k])

    def _sentence_of(self, a: int, b: int) -> int | None:
        k = bisect.bisect_right(self.starts, a) - 1
        if k >= 0:
            s, e = self.spans[k]
            if s <= a and b <= e and (a < b or s < a < e):
                return k
        return None

    def _rebuild(self, el: etree.Element, pos: int) -> None:
        items = self._text_items(el.text or "", pos)
        pos += len(el.text or "")
        for child in list(el):
            length = _text_length(child)
            k = None if child.tag in _BLOCKS else self._sentence_of(pos, pos + length)
            if k is None and length and child.tag not in _SKIP:
                self._rebuild(child, pos)
            elif k is None and length:
                items += self._markers(pos, pos + length)
            items.append((k, child, pos))
            pos += length
            items += self._text_items(child.tail or "", pos)
            pos += len(child.tail or "")
        self._emit(el, items)

    def _markers(self, a: int, b: int) -> list[tuple[None, etree.Element, int]]:
        """Empty anchors for sentences that start inside code cut by a boundary."""
        starts = [k for k in range(bisect.bisect_left(self.starts, a), bisect.bisect_left(self.starts, b))
                  if k not in self.anchored]
        self.anchored.update(starts)
        return [(None, etree.Element("span", {"class": "sentence", "id": self.ids[k]}), a)
                for k in starts]

    def _text_items(self, text: str, pos: int) -> list[tuple[int | None, str, int]]:
        end = pos + len(text)
        inside = self.edges[bisect.bisect_right(self.edges, pos):bisect.bisect_left(self.edges, end)]
        cuts = sorted({pos, end, *inside})
        return [(self._sentence_of(a, b), text[a - pos:b - pos], a)
                for a, b in zip(cuts, cuts[1:])]

    def _emit(self, el: etree.Element, items: list) -> None:
        el.text = None
        del el[:]
        groups: list[tuple[int | None, int, list]] = []
        for k, payload, start in items:
            if groups and groups[-1][0] == k:
                groups[-1][2].append(payload)
            else:
                groups.append((k, start, [payload]))
        for k, start, payloads in groups:
            target = el if k is None else self._span(el, k, start)
            for payload in payloads:
                _append(target, payload)

    def _span(self, el: etree.Element, k: int, start: int) -> etree.Element:
        span = etree.SubElement(el, "span", {"class": "sentence"})
        if start == self.spans[k][0] and k not in self.anchored:
            span.set("id", self.ids[k])
            self.anchored.add(k)
        else:
            span.set("data-sentence", self.ids[k])
        return span


def _append(target: etree.Element, payload: str | etree.Element) -> None:
    if isinstance(payload, str):
        if len(target):
            target[-1].tail = (target[-1].tail or "") + payload
        else:
            target.text = (target.text or "") + payload
    else:
        payload.tail = None
        target.append(payload)


def _wrap_plain_paragraph(el: etree.Element, spans: list[tuple[int, int]], ids: list[str]) -> None:
    """_SentenceWrapper.apply then _wrap_figures, in one pass, for an element
    without children: the same tree (a span per sentence, text between them
    as tails, figures as <data>) without the general case's bookkeeping."""
    text = el.text or ""
    ends = [a for a, _ in spans[1:]] + [len(text)]
    el.text, children = _figure_nodes(text[:spans[0][0]] if spans else text)
    children = list(children)
    for (a, b), end, sentence_id in zip(spans, ends, ids):
        span = etree.Element("span", {"class": "sentence", "id": sentence_id})
        span.text, inside = _figure_nodes(text[a:b])
        span.extend(inside)
        children.append(span)
        if end > b:
            span.tail, after = _figure_nodes(text[b:end])
            children += after
        else:                           # Chinese sentences usually abut: no tail
            span.tail = ""
    el[:] = children


def _text_paragraph_html(text: str, spans: list[tuple[int, int]], ids: list[str]) -> tuple[str, tuple]:
    """The HTML Python-Markdown would serialize from _wrap_plain_paragraph's tree, for
    text that holds no placeholder and no entity (nothing to mask or resolve: the
    text run of each sentence is that sentence of the paragraph's plain text), and
    the figures found in each sentence (figures.Scanned), which extract_figures then
    neither splits nor scans again. The serializer's escaping (no '&' here) and its
    attribute order (sorted by name) are written out as it writes them."""
    parts = [_escape_text(text[:spans[0][0]] if spans else text)]   # whitespace: spans are trimmed
    places = []
    ends = [a for a, _ in spans[1:]] + [len(text)]
    for k, ((a, b), end, sentence_id) in enumerate(zip(spans, ends, ids)):
        parts.append(f'<span class="sentence" id="{sentence_id}">')
        sentence = text[a:b]
        matches = find_figures(sentence)
        if matches:
            places.append((k, sentence, tuple(matches)))
            parts.append(_escape_text(sentence[:matches[0].start]))
            for i, m in enumerate(matches):
                high = "" if m.value_max is None else f' data-max="{format_number(m.value_max)}"'
                after = sentence[m.end:matches[i + 1].start if i + 1 < len(matches) else len(sentence)]
                parts += (f'<data class="figure"{high} value="{format_number(m.value)}">',
                          _escape_text(sentence[m.start:m.end]), "</data>", _escape_text(after))
        else:
            parts.append(_escape_text(sentence))
        parts += ("</span>", _escape_text(text[b:end]))   # whitespace, usually none: sentences abut
    return "".join(parts), tuple(places)


def _escape_text(text: str) -> str:
    """Python-Markdown's text escaping for text without '&'."""
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _data_nodes(text: str, matches: Sequence[FigureMatch], end: int) -> list[etree.Element]:
    """A <data> element per match, each carrying the text up to the next (or `end`) as its tail."""
    nodes = []
    for i, m in enumerate(matches):
        data = etree.Element("data", {"value": format_number(m.value), "class": "figure"})
        if m.value_max is not None:
            data.set("data-max", format_number(m.value_max))
        data.text = text[m.start:m.end]
        data.tail = text[m.end:matches[i + 1].start if i + 1 < len(matches) else end]
        nodes.append(data)
    return nodes


def _wrap_figures(el: etree.Element) -> None:
    """Each figure in el's text runs (not in code, not in block children) → <data>."""
    lead, nodes = _figure_nodes(el.text or "")
    el.text = lead
    children = list(nodes)          # rebuilt in one go: insert() per figure is quadratic
    for child in list(el):
        if child.tag not in _SKIP and _is_text_child(child):
            _wrap_figures(child)
        lead, nodes_after = _figure_nodes(child.tail or "")
        child.tail = lead
        children += [child, *nodes_after]
    el[:] = children


def _figure_nodes(text: str) -> tuple[str, list[etree.Element]]:
    """Text split into a lead string and <data> elements carrying the rest as tails."""
    if not DIGIT.search(text):         # most text runs: no digit, no figure, no masking
        return text, []
    matches = find_figures(_mask(text))
    if not matches:
        return text, []
    return text[:matches[0].start], _data_nodes(text, matches, len(text))
