"""The output folder as the incremental builder finds it, and one build's files
on their way into it."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from pathlib import Path

from feature.core.files import digest, digest_of
from feature.output import write as w
from feature.output.buildfolder import FolderCheck, Manifest, check_folder

from .memory import Memory, Written
from .result import OutputFiles
from .stores import stat_signature


# The manifest's digest of a share image the preview draws after the reload
# (images.draw_later): listed, so that links to it hold, and written then.
LATER = "drawn after the reload"


@dataclass(frozen=True)
class Previous:
    """The files of the output folder that can be trusted."""
    files: dict[str, str]           # output path → digest
    held: Manifest                  # … with their sizes
    intact: bool                    # the folder holds these and nothing else
    as_written: bool                # known from this process's own last write (memory.written)


class OutputFolder:
    """The output folder of one build, checked against its marker at most once
    (buildfolder.check_folder: a stat per file)."""

    def __init__(self, out_dir: Path, memory: Memory):
        self.out_dir, self.memory = out_dir, memory
        self._check: FolderCheck | None = None

    def check(self) -> FolderCheck:
        if self._check is None:
            self._check = check_folder(self.out_dir)
        return self._check

    def previous(self) -> Previous:
        """As this process last wrote it while the marker file is untouched (same
        inode, size, times; the output lock keeps our other writers out), else
        as the folder's marker lists them (check_folder)."""
        known = self.memory.written
        if (known is not None and known.out_dir == str(self.out_dir) and known.marker is not None
                and known.marker == stat_signature(self.out_dir / w.OUTPUT_MARKER)):
            return Previous(known.manifest, Manifest(known.manifest, known.sizes), True, True)
        check = self.check()
        return Previous(check.held.files, check.held, check.intact, False)


class Output:
    """One build's files: held in memory (`add`, `emit` without a staging folder)
    or written straight into the staging folder (`emit`, and the render workers),
    and the manifest (output path → digest) of all of them, in the clean build's
    order once `order` is called. `commit` writes whatever differs from the
    folder's previous files: staged and swapped in (`build`), or each replaced
    in place (the preview server, in a folder that holds what its marker says)."""

    def __init__(self, out_dir: Path, memory: Memory, protected, previous: Previous, in_place: bool,
                 settings: w.BuildSettings, after_reload: bool = False):
        self.out_dir, self.memory, self.protected, self.previous = out_dir, memory, protected, previous
        self.settings = settings
        # `build` always stages and swaps, however small the change: a build killed
        # or refused by the disk halfway leaves the previous output exactly as it was.
        self.in_place = in_place and bool(previous.files) and previous.intact
        self.marker_later = self.in_place and after_reload     # write_due_marker writes it
        self.manifest: dict[str, str] = {}
        self.new: dict[str, bytes] = {}         # files held in memory
        self.in_staging: set[str] = set()       # files written into the staging folder
        self.changed: list[str] | None = None   # the files that differ from `previous`, when known
        self.removed: list[str] = []            # … and those of `previous` that are gone (with `changed`)
        self.later: set[str] = set()            # listed as LATER, not written by this build (add_later)
        self.staging: Path | None = None
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> "Output":
        if self.in_place:
            w.check_output_dir(self.out_dir, self.protected)
        else:
            self.staging = self._stack.enter_context(w.staged_output(self.out_dir, self.protected, reuse_spare=True))
        return self

    def __exit__(self, *exc) -> bool | None:
        return self._stack.__exit__(*exc)

    def add(self, rel: str, data: bytes) -> None:
        """A file held in memory until it is written."""
        self.manifest[rel] = digest_of(data)
        self.new[rel] = data

    def emit(self, rel: str, data: bytes) -> str:
        """A file written into the staging folder at once (held in memory when there is
        none) → its digest: a site step's 80 MB of search index is never all in memory."""
        if self.staging is None:
            self.new[rel] = data
        else:
            w.stage_file(self.staging / rel, data)
            self.in_staging.add(rel)
        d = self.manifest[rel] = digest_of(data)
        return d

    def rendered(self, rel: str, d: str, data: bytes | None) -> None:
        """A page a render worker made: its bytes, or None when it wrote them into staging."""
        self.manifest[rel] = d
        if data is not None:
            self.new[rel] = data
        else:
            self.in_staging.add(rel)

    def add_later(self, rel: str) -> None:
        """A file listed now and written after the reload (images.draw_later)."""
        self.manifest[rel] = LATER
        self.later.add(rel)

    def keep(self, files: dict[str, str]) -> None:
        """Files the output holds already, as they are (unchanged pages, step files)."""
        self.manifest.update(files)

    def order(self, order: list[str]) -> None:
        """The manifest in the clean build's order of files (link messages come out in it)."""
        self.manifest = {rel: self.manifest[rel] for rel in dict.fromkeys(order)}

    def bytes_of(self, rel: str) -> bytes:
        """A file of this build: in memory, written into staging, or unchanged in the output."""
        if rel in self.new:
            return self.new[rel]
        if self.staging is not None and rel in self.in_staging:
            return (self.staging / rel).read_bytes()
        return (self.out_dir / rel).read_bytes()

    @property
    def files(self) -> OutputFiles:
        return OutputFiles(self.out_dir, self.manifest)

    def commit(self) -> dict[str, int]:
        """Write this build: → files written, linked (unchanged), removed."""
        previous, manifest = self.previous, self.manifest
        if self.changed is None:
            changed_count = sum(previous.files.get(rel) != d for rel, d in manifest.items())
            removed = len(previous.files.keys() - manifest.keys())
        else:
            changed_count, removed = len(self.changed), len(self.removed)
        if not changed_count and not removed and previous.intact:
            stats, sizes = self._untouched()
        elif self.staging is None:
            stats, sizes = w.replace_in_place(self.out_dir, manifest, previous.held, self.bytes_of, self.changed,
                                              self.settings, self.removed, self.later, not self.marker_later)
            if self.marker_later:
                self.memory.marker_due = stat_signature(self.out_dir / w.OUTPUT_MARKER)
                self.memory.written = Written(str(self.out_dir), None, dict(manifest), sizes, self.settings)
                return stats
        else:
            stats, sizes = w.fill_staging(self.staging, self.out_dir, manifest, previous.held, self.bytes_of,
                                          self.in_staging, self.settings)
            w.swap_in(self.staging, self.out_dir, keep_spare=True)
        self.memory.written = Written(str(self.out_dir), stat_signature(self.out_dir / w.OUTPUT_MARKER),
                                      dict(manifest), sizes, self.settings)
        return stats

    def _untouched(self) -> tuple[dict, dict]:
        # The output already is this build: touch nothing (staging goes back as the
        # spare) but the marker, if it does not say these settings yet.
        if self.staging is not None:
            w.return_spare(self.staging, self.out_dir, {rel: self.manifest[rel] for rel in self.in_staging})
        if w.read_settings(self.out_dir) != self.settings:
            w.write_manifest(self.out_dir, self.manifest, self.previous.held.sizes, self.settings)
        return {"written": 0, "linked": len(self.manifest), "removed": 0}, self.previous.held.sizes


def write_due_marker(memory: Memory) -> None:
    """The marker an in-place build left for after the reload (Output.marker_later),
    and what this process remembers of it: the folder as written (memory.written),
    the last build's marker for a body edit to patch, the no-change summary."""
    empty, known = memory.marker_due, memory.written
    if empty is None or known is None:
        return
    memory.marker_due = None
    if stat_signature(Path(known.out_dir) / w.OUTPUT_MARKER) != empty:
        memory.written = None       # another writer's since: the next build checks the folder
        return
    rewrite_marker(memory, Path(known.out_dir), known.manifest, known.sizes, known.settings)


def rewrite_marker(memory: Memory, out_dir: Path, manifest: dict[str, str], sizes: dict[str, int],
                   settings: w.BuildSettings) -> None:
    """Write the folder's marker after its build (write_due_marker, images.draw_later)
    and keep what this process remembers in step: the folder as written, the last
    build's marker (else the next body edit is not patched, but built in full), and
    the no-change summary's digest of it."""
    before = memory.written.marker if memory.written is not None else None
    data = w.write_manifest(out_dir, manifest, sizes, settings)
    signature = stat_signature(out_dir / w.OUTPUT_MARKER)
    memory.written = Written(str(out_dir), signature, manifest, sizes, settings)
    if memory.last is not None and memory.last.marker == before:
        memory.last = replace(memory.last, marker=signature)
    if memory.saved.last is not None:
        memory.saved.last = replace(memory.saved.last, marker=digest(data))
