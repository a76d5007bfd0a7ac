"""The static search index: every paragraph's text, where it sits, and its sentences.

Chinese has no spaces, and word segmenters split a query differently from the
indexed text (Pagefind misses 绿水青山 that way, and 87.21% once split into
words). Matching normalised substrings in the browser needs no segmentation at
all, so any phrase or figure such as 21.99亿元 finds its article; the suite
measures recall and precision on 200 sampled phrases in Chromium.

Index (search/index.json, fetched only when a reader uses the search box):
    {"version": 2, "docs": [{"url", "headline", "section", "heads": {anchor: subhead},
      "blocks": [[text, subhead anchor, [[offset, sentence id], ...]], ...]}]}
An edition of more than SHARD_SIZE articles gets a small manifest instead,
    {"version": 2, "shards": ["yaowen-0.json", ...]}   (names relative to index.json)
and each shard `search/<section>-<n>.json` is {"docs": [...]} for a run of at
most SHARD_SIZE articles of one section, in edition order: an edit rewrites
one shard, not an 80 MB file, and a reader's browser keeps the unchanged ones.
search.js fetches the shards together on first use and searches them all
(every article is still searched: recall does not depend on sharding).
A result links to the sentence holding the match (its `<span class="sentence"
id>`), else to the subhead above it, else to the article.
"""
from __future__ import annotations

import html
import json
import re
import unicodedata
from itertools import accumulate

from feature.core.model import Article, Edition
from feature.core.urls import SEARCH_INDEX

SHARD_SIZE = 500            # articles per shard; an edition this small has one file

_BLOCK = re.compile(r"<(p|h[2-4]|li|blockquote|figcaption)\b([^>]*)>(.*?)</\1>", re.S)
_ID = re.compile(r'\sid="([^"]+)"')
_SENTENCE = re.compile(r'<span\b[^>]*\bclass="sentence"[^>]*\bid="([^"]+)"|<span\b[^>]*\bid="([^"]+)"[^>]*\bclass="sentence"')
_OUR_SENTENCE = re.compile(r'<span class="sentence" id="([^"]+)">')
_PARTS = re.compile(r"(<[^>]+>)")
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def normalise(text: str) -> str:
    """What both index text and query go through (search.js `norm` does the same):
    NFKC (全角 ２０１９ → 2019), no whitespace, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def index_files(edition: Edition) -> dict[str, bytes]:
    """The index as files: search/index.json, plus its shards for a large edition."""
    titles = {s.key: s.title for s in edition.sections}
    return join_index([(a.section, to_json(_doc(a, titles[a.section]))) for a in edition.articles])


def to_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def shard_plan(sections: list[str]) -> list[tuple[str, int, int]]:
    """(shard file name, first, end) over the docs' section keys, in edition order:
    a new shard at each change of section and every SHARD_SIZE docs; [] for one file."""
    if len(sections) <= SHARD_SIZE:
        return []
    plan, runs, first = [], {}, 0
    for i in range(1, len(sections) + 1):
        if i == len(sections) or sections[i] != sections[first] or i - first == SHARD_SIZE:
            n = runs[sections[first]] = runs.get(sections[first], -1) + 1
            plan.append((f"{sections[first]}-{n}.json", first, i))
            first = i
    return plan


def join_index(docs: list[tuple[str, str]]) -> dict[str, bytes]:
    """[(section key, one doc as JSON)] in edition order → {path: bytes}."""
    plan = shard_plan([section for section, _ in docs])
    if not plan:
        return {SEARCH_INDEX: ('{"version":2,"docs":[' + ",".join(d for _, d in docs) + "]}").encode("utf-8")}
    folder = SEARCH_INDEX.rsplit("/", 1)[0]
    files = {SEARCH_INDEX: to_json({"version": 2, "shards": [name for name, _, _ in plan]}).encode("utf-8")}
    for name, first, end in plan:
        files[f"{folder}/{name}"] = shard_bytes([d for _, d in docs[first:end]])
    return files


SHARD_HEAD, SHARD_TAIL = b'{"docs":[', b"]}"


def shard_bytes(docs: list[str]) -> bytes:
    return SHARD_HEAD + ",".join(docs).encode("utf-8") + SHARD_TAIL


def spliced_shard(old: bytes, lengths: list[int], new_docs: dict[int, bytes]) -> bytes | None:
    """shard_bytes of `old`'s docs (their UTF-8 lengths: `lengths`) with those in
    `new_docs` (index → the doc's UTF-8) replaced, cut from `old` rather than
    joined from every doc (a preview edit: one doc of 500, 4 MB). None when `old`
    cannot be that shard (its length does not add up)."""
    expected = len(SHARD_HEAD) + sum(lengths) + max(len(lengths) - 1, 0) + len(SHARD_TAIL)
    if len(old) != expected or not old.startswith(SHARD_HEAD) or not old.endswith(SHARD_TAIL):
        return None
    starts, at = [], len(SHARD_HEAD)
    for n in lengths:
        starts.append(at)
        at += n + 1
    pieces, cut = [], 0
    for i in sorted(new_docs):
        pieces += [old[cut:starts[i]], new_docs[i]]
        cut = starts[i] + lengths[i]
    pieces.append(old[cut:])
    return b"".join(pieces)


def _doc(a: Article, section: str) -> dict:
    heads, blocks = {}, []
    # Deck and a lede written apart from the body are part of the article as readers see it.
    for extra in (a.deck, "" if a.lede and a.lede in a.plain_text else a.lede):
        if extra:
            blocks.append([extra, ""])
    anchor = ""
    # Entities and characters beyond the BMP are rare: look once per body, not per block.
    plain = "&" not in a.body_html and not _ASTRAL.search(a.body_html)
    for tag, attrs, inner in _BLOCK.findall(a.body_html):
        text, sentences = _text_and_sentences(inner, plain)
        if not text:
            continue
        if tag.startswith("h"):
            found = _ID.search(attrs)
            if found:
                anchor = found.group(1)
                heads[anchor] = text
        block = [text, anchor]
        if sentences:
            block.append(sentences)
        blocks.append(block)
    return {"url": a.output_path, "headline": a.headline, "section": section,
            "heads": heads, "blocks": blocks}


def _text_and_sentences(inner: str, plain: bool | None = None) -> tuple[str, list[list]]:
    """Plain text of a block and where each sentence span starts in it.
    `plain`: the block is known to hold no '&' and no character beyond the BMP."""
    if plain is None:
        plain = "&" not in inner and not _ASTRAL.search(inner)
    parts = _PARTS.split(inner)                 # text, tag, text, …, tag, text
    texts = parts[::2]
    raw = "".join(texts)
    if not plain or "<" in raw:
        return _text_and_sentences_slowly(inner)
    # The usual block: nothing to unescape, every '<' opens a tag, and offsets
    # in JavaScript string units (UTF-16) are len(): the loop below in C calls.
    ends = list(accumulate(map(len, texts)))    # text length up to each tag
    tags, sentences = parts[1::2], []
    for j, ours in enumerate(map(_OUR_SENTENCE.match, tags)):
        if ours:
            sentences.append([ends[j], ours.group(1)])
        elif tags[j].startswith("<span"):       # only a span can be a sentence
            sid = _sentence_id(tags[j])
            if sid:
                sentences.append([ends[j], sid])
    text = raw.strip()
    shift = len(raw) - len(raw.lstrip())
    return text, [[max(0, at - shift), sid] for at, sid in sentences]


def _text_and_sentences_slowly(inner: str) -> tuple[str, list[list]]:
    """The general case: entities, stray '<', characters beyond the BMP."""
    # Offsets are in JavaScript string units (UTF-16): len() unless the block
    # has a character beyond the BMP (or an entity that may spell one).
    units = _js_length if "&" in inner or _ASTRAL.search(inner) else len
    pieces, sentences, length = [], [], 0
    for part in _PARTS.split(inner):
        if part.startswith("<"):
            sid = _sentence_id(part)
            if sid:
                sentences.append([length, sid])
        else:
            text = html.unescape(part)
            pieces.append(text)
            length += units(text)
    raw = "".join(pieces)
    text = raw.strip()
    shift = units(raw) - units(raw.lstrip())
    return text, [[max(0, at - shift), sid] for at, sid in sentences]


def _sentence_id(tag: str) -> str | None:
    """The id of a sentence span's opening tag, else None. Our own tags are
    read by an exact pattern; _SENTENCE's [^>]* backtracks through every tag."""
    found = _OUR_SENTENCE.match(tag)
    if found:
        return found.group(1)
    found = _SENTENCE.match(tag)
    return found and (found.group(1) or found.group(2))


def _js_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
