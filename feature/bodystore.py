"""Article bodies kept on disk, out of the building process's memory.

An enriched article is mostly body: its HTML, Markdown, plain text and table
of contents are about 21 KB of a 40 KB article. The build's parent process
never reads a body: validation, reading order, the listing pages and the
page keys read the listing; the article and print pages that do read bodies
are rendered in worker processes. Held in the parent, 10,000 bodies were
210 MB, and every forked worker counted them again.

So the incremental builder's parse workers write each body to
`.cache/build/bodies/<entry key>` (the key is a content hash of the source,
the settings and the code: a file never changes once written) and hand the
parent a *lean* article: the same `Article`, without the body fields in its
`__dict__` and with a `BodyRef` instead. Reading `article.body_html` on a lean
article loads the body (model.Article.__getattr__), so every stage and
template sees exactly what it saw before; the cost is one file read where a
body is actually used. The clean `pipeline.build` and a build without a cache
folder keep bodies in memory, as before. Each article's search-index entry
(7 KB of JSON) goes beside its body (`<key>.search`) and is read only when
its search shard is written again.
"""
from __future__ import annotations

import functools
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from .model import LAZY_FIELDS, Article


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
class BodyRef:
    """Where a lean article's body is; `load()` → {field: value}."""
    path: str

    def load(self):
        """{field: value} (a mapping that decodes text on first use)."""
        return _read(self.path)


@dataclass(frozen=True)
class TextRef:
    """Where a text kept on disk is (an article's search-index entry)."""
    path: str

    def load(self) -> str:
        try:
            return Path(self.path).read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise BodyMissing(self.path) from None


def text_of(value) -> str:
    """A text held in memory, or one kept on disk (TextRef)."""
    return value.load() if isinstance(value, TextRef) else value


class _Body(dict):
    """A stored body: each field decoded from UTF-8 when first read (a 数说 page
    reads only key figures, a print page the HTML and plain text)."""

    def __getitem__(self, name: str):
        value = dict.__getitem__(self, name)
        if isinstance(value, bytes):
            value = value.decode("utf-8")
            self[name] = value
        return value


# Immutable files (content-addressed), so a small per-process cache of the last
# bodies read is always right: a page's template reads body_html, plain_text
# and toc of one article in a row, and a print volume a few fields of each.
@functools.lru_cache(maxsize=64)
def _read(path: str) -> _Body:
    # Text is stored as UTF-8 bytes (model.TextAsBytes says why).
    try:
        return _Body(pickle.loads(Path(path).read_bytes()))
    except FileNotFoundError:
        raise BodyMissing(path) from None


class BodyStore:
    """The bodies folder: one file per enriched article, named by its entry key."""

    def __init__(self, folder: Path):
        self.folder = Path(folder).absolute()

    def _write(self, name: str, data: bytes) -> str:
        """Write one file atomically (a reader sees all of it or none) → its path.
        A file of that name is the same content (names are content keys)."""
        path = os.path.join(self.folder, name)
        tmp = os.path.join(self.folder, f".{name}.tmp-{os.getpid()}")
        try:
            f = open(tmp, "wb")
        except FileNotFoundError:        # the folder is new (or was removed): once, not per file
            self.folder.mkdir(parents=True, exist_ok=True)
            f = open(tmp, "wb")
        with f:
            f.write(data)
        os.replace(tmp, path)
        return path

    def spill(self, article: Article, key: str) -> Article:
        """The lean copy of `article`, its body written to this store."""
        state = article.__dict__
        if "_body" in state:
            return article
        stored = {name: v.encode("utf-8") if isinstance(v, str) else v
                  for name, v in ((name, state[name]) for name in LAZY_FIELDS)}
        return article.without_body(BodyRef(self._write(key, pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL))))

    def spill_text(self, name: str, text: str) -> TextRef:
        return TextRef(self._write(name, text.encode("utf-8")))

    def present(self) -> set[str]:
        """Paths of the bodies on disk (one directory listing)."""
        try:
            return {os.path.join(self.folder, name) for name in os.listdir(self.folder)}
        except OSError:
            return set()

    def forget(self, keys) -> None:
        """Remove what was kept for these entry keys (body and texts)."""
        for key in keys:
            for name in (key, f"{key}.search"):
                try:
                    os.unlink(self.folder / name)
                except OSError:
                    pass

    def clear(self) -> None:
        """Every file goes: what kept track of them (the saved state) is gone or stale."""
        for name in os.listdir(self.folder) if self.folder.is_dir() else ():
            try:
                os.unlink(self.folder / name)
            except OSError:
                pass


def body_ref(article) -> BodyRef | None:
    """The article's body on disk; None while it is held in memory."""
    return article.__dict__.get("_body")


def stored_paths(entry) -> list[str]:
    """The files a cache entry (parallel.Entry) needs in the store."""
    paths = []
    ref = body_ref(entry.article) if entry.article is not None else None
    if ref is not None:
        paths.append(ref.path)
    if isinstance(entry.search_doc, TextRef):
        paths.append(entry.search_doc.path)
    return paths
