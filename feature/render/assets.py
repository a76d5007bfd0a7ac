"""static/ → output files, with a content hash in CSS and JS names.

Fingerprinted names let hosts cache assets for a year while HTML revalidates.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from feature.core import urls

FINGERPRINTED = {".css", ".js"}


@dataclass(frozen=True)
class Assets:
    files: dict[str, bytes]          # output path → bytes
    names: dict[str, str]            # 'style.css' → 'static/style.1a2b3c4d.css'

    def path(self, name: str) -> str:
        try:
            return self.names[name]
        except KeyError:
            raise KeyError(f"static/{name} does not exist (asked for by a template)") from None


def collect_assets(static_dir: Path) -> Assets:
    files, names = {}, {}
    if not static_dir.is_dir():
        return Assets(files, names)
    for path in sorted(p for p in static_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
        logical = path.relative_to(static_dir).as_posix()
        data = path.read_bytes()
        out = f"{urls.STATIC}/{logical}"
        if path.suffix in FINGERPRINTED:
            digest = hashlib.sha256(data).hexdigest()[:10]
            out = f"{urls.STATIC}/{logical[: -len(path.suffix)]}.{digest}{path.suffix}"
        files[out] = data
        names[logical] = out
    return Assets(files, names)
