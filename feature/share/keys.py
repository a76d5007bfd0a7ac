"""Content keys: one digest of everything that decides a share image's bytes.

What the image shows (the record's fields, a photo's bytes), the faces it is
set in (file, face, size and time of change), this package's code and the
versions of the libraries that draw it. Same key, same PNG: the build can keep
images by key and redraw only those whose key changed. The record's `source`
is not shown, so it is not in the key.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from pathlib import Path

from importlib.metadata import version

from PIL import features

from .fonts import FontBook

NOT_SHOWN = frozenset({"source"})


def content_key(kind: str, *shown, fonts: FontBook | None = None) -> str:
    """The key of a `kind` image ("card", "square", "poster", "long") showing `shown`."""
    parts = {"kind": kind, "shown": [_canonical(item) for item in shown],
             "fonts": [_face_identity(face) for face in fonts.faces] if fonts else [],
             "code": code_digest()}
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@functools.cache
def code_digest() -> str:
    """This package's source and the drawing libraries' versions (read once: they do not change while a process runs)."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    # Versions from the installed metadata: importing WeasyPrint only to read its
    # version would cost a card-only caller half a second.
    versions = tuple(version(name) for name in ("pillow", "segno", "weasyprint", "pypdfium2")) + (
        features.version("raqm"), features.version("freetype2"))
    digest.update(repr(versions).encode())
    return digest.hexdigest()


def _canonical(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"type": type(value).__name__,
                **{f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)
                   if f.name not in NOT_SHOWN}}
    if isinstance(value, Path):
        return {"file": value.name, "sha256": _file_digest(value)}
    if isinstance(value, (tuple, list)):
        return [_canonical(item) for item in value]
    if isinstance(value, bytes):
        return {"sha256": hashlib.sha256(value).hexdigest()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"content_key: cannot key a {type(value).__name__}")


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"     # drawing it fails with BadPhoto, naming the file


def _face_identity(face) -> list:
    stat = face.path.stat()
    return [str(face.path), face.index, stat.st_size, stat.st_mtime_ns]
