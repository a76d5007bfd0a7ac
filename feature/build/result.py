"""What a build gives back: `BuildResult` (both builds), its files, and the
incremental builder's route to it."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from feature.core.diagnostics import Diagnostic
from feature.core.model import Edition


@dataclass(frozen=True)
class Route:
    """How the incremental builder got its result (the clean build: all False)."""
    unchanged: bool = False         # nothing it read had changed: the last build's report (scan.py)
    patched_edition: bool = False   # a body edit patched the last build's edition (patch.py) …
    patched_pages: bool = False     # … and its page plan, keying only pages that can show it


@dataclass
class BuildResult:
    # The clean build's as assembled; the incremental builder's as rendered (photos
    # placed, its articles lean: build/bodies.py), None when `route.unchanged`.
    edition: Edition | None
    files: Mapping[str, bytes]      # output path → bytes
    warnings: list[Diagnostic]
    links_checked: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    article_count: int = 0
    route: Route = Route()


class OutputFiles(Mapping):
    """BuildResult.files of the incremental builder: the output folder's files as
    its manifest lists them, each read when asked for (10,000 pages are not held)."""

    def __init__(self, out_dir: Path, manifest: dict[str, str]):
        self.out_dir, self.manifest = out_dir, manifest

    def __getitem__(self, rel: str) -> bytes:
        if rel not in self.manifest:
            raise KeyError(rel)
        return (self.out_dir / rel).read_bytes()

    def __contains__(self, rel) -> bool:
        return rel in self.manifest

    def __iter__(self) -> Iterator[str]:
        return iter(self.manifest)

    def __len__(self) -> int:
        return len(self.manifest)
