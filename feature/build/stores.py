"""The incremental build's stores: a dict kept on disk in shards, and the stat index.

Both are plain containers; what goes in them (and why a key is enough) is
memory.py's business.
"""
from __future__ import annotations

import os
import pickle
import time
import zlib
from pathlib import Path

from feature.core.files import replace_file


class Shards:
    """A dict kept on disk as `count` pickles; save() rewrites only the shards touched."""

    def __init__(self, folder: Path | None, name: str, count: int = 64):
        self.folder, self.name, self.count = folder, name, count
        self.parts: list[dict] = [{} for _ in range(count)]
        self.flat: dict = {}                # every part's items: one lookup, no hashing of keys
        self.dirty: set[int] = set()
        self.loaded = True                  # Memory._load marks it False when a saved copy exists

    def _ensure(self) -> None:
        if not self.loaded:
            self.loaded = True
            self.load()

    def _part(self, key: str) -> int:
        return zlib.crc32(key.encode("utf-8")) % self.count

    def get(self, key: str):
        self._ensure()
        return self.flat.get(key)

    def items(self) -> list:
        self._ensure()
        return list(self.flat.items())

    def mapping(self) -> dict:
        """Every key → value, as one dict (read it, do not change it)."""
        self._ensure()
        return self.flat

    def __setitem__(self, key: str, value) -> None:
        self._ensure()
        i = self._part(key)
        self.parts[i][key] = value
        self.flat[key] = value
        self.dirty.add(i)

    def discard(self, key: str) -> None:
        self._ensure()
        if self.flat.pop(key, None) is not None:
            i = self._part(key)
            del self.parts[i][key]
            self.dirty.add(i)

    def keep_only(self, live) -> None:
        """Drop every key not in `live` (a set, or a dict's keys)."""
        self._ensure()
        for key in self.flat.keys() - live:       # a set difference, in C: 10,000 keys in ~1 ms
            self.discard(key)

    def load(self) -> None:
        self.flat = {}
        for i in range(self.count):
            try:
                self.parts[i] = pickle.loads((self.folder / f"{self.name}-{i:02d}.pickle").read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                self.parts[i] = {}
            self.flat.update(self.parts[i])

    def save(self) -> None:
        for i in sorted(self.dirty):
            replace_file(self.folder / f"{self.name}-{i:02d}.pickle",
                         pickle.dumps(self.parts[i], protocol=pickle.HIGHEST_PROTOCOL))
        self.dirty.clear()


def stat_signature(path) -> tuple[int, int, int, int] | None:
    """(size, mtime, inode, ctime): a file rewritten or replaced gets another."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


class StatIndex:
    """path → (size, mtime, inode, ctime, key): a source whose stat is as recorded is
    not read again. A file changed within the file system's timestamp granularity
    of the moment it was recorded could keep its old stat, so a recent one is
    never trusted ("racy" in git's words): it is read again until it is older."""

    RACY_NS = 2_000_000_000

    def __init__(self, before: dict):
        self.before, self.now = before, {}
        self.started = time.time_ns()

    def _stat(self, path: str):
        sig = stat_signature(path)
        if sig is None or sig[1] > self.started - self.RACY_NS or sig[3] > self.started - self.RACY_NS:
            return None
        return sig

    def key(self, path: str) -> str | None:
        """The recorded key if the stat still matches; None: read the file."""
        sig = self._stat(path)
        hit = self.before.get(path)
        if sig is not None and hit is not None and hit[:4] == sig:
            self.now[path] = hit
            return hit[4]
        return None

    def remember(self, path: str, key: str) -> None:
        sig = self._stat(path)
        if sig is not None:
            self.now[path] = (*sig, key)

    def signature(self, paths: list[str]) -> list[str] | None:
        """Stats of files that are not articles (photos …); None if any is too recent."""
        out = []
        for path in paths:
            sig = self._stat(path)
            if sig is None:
                return None
            out.append(f"{path}\x1f{sig}")
        return out
