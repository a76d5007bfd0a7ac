"""Hashes and atomic writes: the few file helpers every layer shares.

`digest` keys caches (the code, a source's bytes, a page's inputs); `digest_of`
and `file_digest` are the one hash of output bytes, the one the output
folder's marker records (output/buildfolder.py) and the build's manifest holds.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path


def digest(*parts: bytes | str) -> str:
    """SHA-1 of the parts, each ended by a NUL: ("ab", "c") and ("a", "bc") differ."""
    h = hashlib.sha1()
    for p in parts:
        # surrogateescape: a path from os.walk keeps a file name's bytes that are not UTF-8 that way
        h.update(p.encode("utf-8", "surrogateescape") if isinstance(p, str) else p)
        h.update(b"\0")
    return h.hexdigest()


def digest_of(data: bytes) -> str:
    """The digest of an output file's bytes, as the marker records it."""
    return hashlib.sha1(data).hexdigest()


def file_digest(path: Path) -> str:
    """digest_of(path.read_bytes()), read in blocks."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha1").hexdigest()


def replace_file(path: Path, data: bytes) -> None:
    """Write `path` atomically: a reader sees all of the old bytes or all of the new."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
    except FileNotFoundError:        # its folder is new: made then, not checked for every file
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
    os.replace(tmp, path)


def root_or_home(folder: Path) -> bool:
    """A folder no command may write into as a whole (an output or deploy folder),
    nor put a lock file beside: the file system's root or the user's home."""
    return folder in (Path(folder.anchor), Path.home())
