"""Article bodies kept on disk, out of the building process's memory.

An enriched article is mostly body: its HTML, Markdown, plain text, table of
contents and key figures are about 30 KB of a 40 KB article. The build's
parent process never reads a body: validation, reading order, the listing
pages and the page keys read the listing; the article and print pages that
do read bodies are rendered in worker processes. Held in the parent, 10,000
bodies were ~300 MB, and every forked worker counted them again.

So the incremental builder's parse workers write the bodies of each chunk of
articles they parse, and each one's search-index entry (7 KB of JSON, read
only when its search shard is written again), into one *pack* file in
`.cache/build/bodies/`, and hand the parent *lean* articles: the same
`Article`, its body fields holding `model.UNREAD` and its `stored` naming the
pack, offset and length. A stage that needs a body reads it, explicitly:
`full(article, fields)` is a copy with those fields read (the render worker
does it for each page, by render.hydrated's rule), `read(article, field)` one
value. Using an unread field fails loudly (model.BodyNotRead): a body is
never read by accident, for 10,000 articles at a time.

Packs, not a file per article: creating a file costs ~0.25 ms of system
time on this machine's file system, and two per article made a 1,000-article
build 30 % slower. A pack's name is a hash of its entries' keys (content
hashes of source, settings and code), so its bytes never change once written;
it is deleted when none of its entries is in the cache any more
(entries.ArticleCache). The clean `pipeline.build` and a build without a cache
folder keep bodies in memory, as before.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from feature.core.model import STORED_FIELDS, UNREAD, Article, StoredBody
from feature.core.files import replace_file


class BodyMissing(Exception):
    """A stored body or text is gone: its cache folder was pruned, or another
    build of the same project dropped it. The incremental builder then starts
    again from what is on disk (incremental.IncrementalBuilder.build)."""

    def __init__(self, path: str):
        super().__init__(f"stored article body missing: {path}")
        self.path = path

    def __reduce__(self):           # raised in a worker, re-raised in the parent
        return (BodyMissing, (self.path,))


@dataclass(frozen=True)
class TextRef:
    """Where a text kept on disk is (an article's search-index entry)."""
    path: str
    offset: int
    length: int

    def load(self) -> str:
        return _slice(self.path, self.offset, self.length).decode("utf-8")


def text_of(value) -> str:
    """A text held in memory, or one kept on disk (TextRef)."""
    return value.load() if isinstance(value, TextRef) else value


def utf8_of(value) -> bytes:
    """text_of(value) as UTF-8, without decoding one kept on disk."""
    return _slice(value.path, value.offset, value.length) if isinstance(value, TextRef) else value.encode("utf-8")


def utf8_length(value) -> int:
    """len(utf8_of(value)), without reading one kept on disk."""
    return value.length if isinstance(value, TextRef) else len(value.encode("utf-8"))


class _Body(dict):
    """A stored body: each field decoded from UTF-8 when first read (a 数说 page
    reads only key figures, a print page the HTML and plain text)."""

    def __getitem__(self, name: str):
        value = dict.__getitem__(self, name)
        if isinstance(value, bytes):
            value = value.decode("utf-8")
            self[name] = value
        return value


def _slice(path: str, offset: int, length: int) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise BodyMissing(path) from None
    try:
        return os.pread(fd, length, offset)
    finally:
        os.close(fd)


# Packs never change (content-addressed), so a small per-process cache of the
# last bodies read is always right: a page's template reads body_html,
# plain_text and toc of one article in a row, and a print volume a few fields
# of each of its articles.
@functools.lru_cache(maxsize=64)
def _read(path: str, offset: int, length: int) -> _Body:
    # Text is stored as UTF-8 bytes (model.TextAsBytes says why).
    return _Body(pickle.loads(_slice(path, offset, length)))


class BodyStore:
    """The bodies folder: pack files of enriched bodies and search entries."""

    def __init__(self, folder: Path):
        self.folder = Path(folder).absolute()

    def spill(self, items: list[tuple[str, Article, str | None]]) -> list[tuple[Article, object]]:
        """[(entry key, enriched article, search entry or None)] → [(lean article,
        TextRef or None)], all written to one new pack."""
        blobs, refs, at = [], [], 0
        for _, article, doc in items:
            stored = {name: v.encode("utf-8") if isinstance(v, str) else v
                      for name, v in ((name, getattr(article, name)) for name in STORED_FIELDS)}
            body = pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL)
            text = doc.encode("utf-8") if doc is not None else None
            refs.append(((at, len(body)), (at + len(body), len(text)) if text is not None else None))
            blobs += [body, text or b""]
            at += len(body) + len(text or b"")
        name = hashlib.sha1("\n".join(key for key, _, _ in items).encode("utf-8")).hexdigest()
        path = self._write(name, b"".join(blobs))
        return [(lean(article, StoredBody(path, *body)), TextRef(path, *text) if text else None)
                for (_, article, _), (body, text) in zip(items, refs)]

    def _write(self, name: str, data: bytes) -> str:
        path = self.folder / name
        replace_file(path, data)
        return str(path)

    def present(self) -> set[str]:
        """Paths of the packs on disk (one directory listing)."""
        try:
            return {os.path.join(self.folder, name) for name in os.listdir(self.folder)}
        except OSError:
            return set()

    def remove(self, paths) -> None:
        for path in paths:
            try:
                os.unlink(path)
            except OSError:
                pass

    def clear(self) -> None:
        """Every file goes: what kept track of them (the saved state) is gone or stale."""
        self.remove(self.present())


def lean(article: Article, stored: StoredBody) -> Article:
    """The article with its body kept at `stored` instead of in memory."""
    return article.with_fields(stored=stored, **UNREAD)


def full(article: Article, names=STORED_FIELDS) -> Article:
    """A copy of `article` with the body fields `names` read, if it holds them
    UNREAD (a field in memory is never replaced: a body with its photos placed
    stays placed); the article itself when there is nothing to read."""
    missing = [name for name in names if getattr(article, name) is UNREAD[name]]
    if not missing:
        return article
    body = _stored(article)
    return article.with_fields(**{name: body[name] for name in missing})


def read(article: Article, name: str):
    """One body field of `article`, read if it is not in memory."""
    value = getattr(article, name)
    return _stored(article)[name] if value is UNREAD[name] else value


def _stored(article: Article) -> "_Body":
    stored = article.stored
    return _read(stored.path, stored.offset, stored.length)
