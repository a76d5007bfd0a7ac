"""Stage 6, write: the rendered site → the output folder, atomically.

The whole site is written into a staging folder beside the output folder and
swapped in with one rename, so readers and the preview server see either the
old build or the new one, never a mix; a failed or killed build leaves the
previous output untouched. Files whose bytes did not change are hard-linked
from the previous build instead of written again. The incremental build keeps
the replaced build beside the output (`.dist.spare`) and stages the next
build in it, so a small change costs a few files, not a new tree of 10,000.

Safety: the build only ever deletes folders it created. The manifest file
`MARKER` inside the output folder says "this folder is ours"; an existing
folder without it is refused, never cleared.
"""
from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

MARKER = ".feature-build.json"
_RENAME_EXCHANGE = 2


class OutputRefused(Exception):
    pass


@dataclass(frozen=True)
class BuildSettings:
    """What a build was made with besides its sources (the `--base-url` of a
    production build), recorded in its marker: `print` builds the folder again
    with these, never with other ones behind the reader's back."""
    base_url: str


class OutputFailed(OutputRefused, OSError):
    """The disk said no (full, read-only): the previous output is still whole."""


def write_site(files: dict[str, bytes], out_dir: Path, protected: list[Path] = (),
               settings: BuildSettings | None = None) -> dict[str, int]:
    """Write `files` as the new content of `out_dir`; return counts of written/linked/removed."""
    out_dir = out_dir.resolve()
    previous = read_manifest(out_dir)
    with staged_output(out_dir, protected) as staging:
        manifest = {rel: digest_of(data) for rel, data in sorted(files.items())}
        stats = fill_staging(staging, out_dir, manifest, previous, files.__getitem__, settings=settings)
        swap_in(staging, out_dir)
    return stats


def digest_of(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


@contextmanager
def staged_output(out_dir: Path, protected=(), reuse_spare: bool = False):
    """A staging folder beside `out_dir`, removed again if anything fails;
    disk errors become OutputFailed, saying the previous output is whole.

    With `reuse_spare`, the build before the previous one (kept by swap_in as
    `.dist.spare`, see there) becomes the staging folder: fill_staging then
    touches only the files that differ from it, instead of making 10,000
    folders and links. Its marker still lists what it holds; anything that
    writes into it must replace files (new inode), never write into one, as
    its unchanged files are hard links shared with the output folder."""
    check_output_dir(out_dir, protected)
    clean_leftovers(out_dir)
    staging = out_dir.parent / f".{out_dir.name}.staging-{os.getpid()}"
    spare = spare_of(out_dir)
    try:
        if reuse_spare and (spare / MARKER).is_file():
            os.rename(spare, staging)           # a killed build leaves it as a staging leftover
        else:
            staging.mkdir(parents=True)
            (staging / MARKER).write_text("{}")   # claims the folder before anything else
    except OSError as exc:
        _remove_build(staging)
        raise OutputFailed(f"cannot create {staging} ({exc.strerror or exc}); {out_dir} was left as it was") from None
    try:
        yield staging
    except OSError as exc:
        _remove_build(staging)
        raise OutputFailed(f"cannot write the new output ({exc.strerror or exc}: {exc.filename or staging}); "
                           f"{out_dir} was left as it was") from None
    except BaseException:
        _remove_build(staging)
        raise
    if staging.exists() and staging != out_dir:
        _remove_build(staging)           # not swapped in: the output already was this build


def fill_staging(staging: Path, out_dir: Path, manifest: dict[str, str], previous: dict[str, str],
                 data_of: Callable[[str], bytes], written: set[str] = frozenset(),
                 settings: BuildSettings | None = None) -> dict[str, int]:
    """Put every file of `manifest` (path → digest) into `staging`: files this
    build already wrote there (`written`, with stage_file) stay, files a reused
    spare holds with the right digest stay, unchanged ones are hard-linked from
    the previous build, the rest are written from `data_of(path)`; files of the
    spare that are no longer wanted go."""
    holds = read_manifest(staging)
    stats = {"written": 0, "linked": 0, "removed": len(previous.keys() - manifest.keys())}
    for rel, digest in sorted(manifest.items()):
        if rel in written:
            stats["written"] += 1
            continue
        if holds.get(rel) == digest:        # the spare's marker vouches, as the output's does
            stats["linked"] += 1
            continue
        target = _inside(staging, rel)
        target.unlink(missing_ok=True)      # a spare's file is shared with the output: never write into it
        target.parent.mkdir(parents=True, exist_ok=True)
        if previous.get(rel) == digest and _link(out_dir / rel, target):
            stats["linked"] += 1
        else:
            target.write_bytes(data_of(rel))
            stats["written"] += 1
    for rel in sorted(holds.keys() - manifest.keys()):
        _remove_file(staging, rel)
    write_manifest(staging, manifest, settings)
    return stats


def stage_file(target: Path, data: bytes) -> None:
    """Write one file of this build into the staging folder (see fill_staging's
    `written`). In a reused spare the file there is a hard link shared with the
    output folder: it is replaced by a new one, never written into."""
    target.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def spare_of(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.spare"


def return_spare(staging: Path, out_dir: Path, written: dict[str, str]) -> None:
    """A staging folder not swapped in (nothing changed) is kept as the spare; its
    marker then lists the files this build wrote into it with their new digests."""
    spare = spare_of(out_dir)
    if spare.exists():
        return                              # staged_output removes the staging folder
    if written:
        write_manifest(staging, {**read_manifest(staging), **written})
    os.rename(staging, spare)


def replace_in_place(out_dir: Path, manifest: dict[str, str], previous: dict[str, str],
                     data_of: Callable[[str], bytes], changed: list[str] | None = None,
                     settings: BuildSettings | None = None) -> dict[str, int]:
    """The preview server's writer, in time proportional to what changed.

    Each file is replaced by a rename, so a reader gets the old page or the
    new one, never half of one. A preview killed halfway could leave old and
    new pages side by side, so the manifest is emptied first: the next build
    then trusts nothing in the folder and stages everything afresh. `build`
    never uses this; it always stages and swaps.

    `changed`: the files that differ from `previous`, when the caller knows
    (then `manifest` names the same files as `previous`).
    """
    if changed is None:
        changed = sorted(rel for rel, d in manifest.items() if previous.get(rel) != d)
        stale = sorted(set(previous) - set(manifest))
    else:
        changed, stale = sorted(changed), []
    write_manifest(out_dir, {})
    for rel in changed:
        replace_file(_inside(out_dir, rel), data_of(rel))
    for rel in stale:
        _remove_file(out_dir, rel)
    write_manifest(out_dir, manifest, settings)
    return {"written": len(changed), "linked": len(manifest) - len(changed), "removed": len(stale)}


def add_to_output(out_dir: Path, replaced: dict[str, bytes], present: list[str]) -> None:
    """Files a command adds to a finished build (`print --pdf`: the PDFs it wrote,
    `present`, and the 印刷版 page naming them, `replaced`). The marker lists them
    with the build's settings kept, so the next build, which does not make them,
    removes them instead of leaving them behind."""
    previous = read_manifest(out_dir)
    manifest = {**previous, **{rel: digest_of(data) for rel, data in replaced.items()},
                **{rel: digest_of(_inside(out_dir, rel).read_bytes()) for rel in present}}
    replace_in_place(out_dir, manifest, previous, replaced.__getitem__, list(replaced), read_settings(out_dir))


def write_manifest(folder: Path, manifest: dict[str, str], settings: BuildSettings | None = None) -> None:
    # No indent: json's C encoder (an indented 10,000-file manifest took 25 ms in Python).
    marker = {"generator": "feature", "files": manifest}
    if settings is not None:
        marker["settings"] = asdict(settings)
    text = json.dumps(marker, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    replace_file(folder / MARKER, text.encode("utf-8"))


def replace_file(path: Path, data: bytes) -> None:
    """Write `path` atomically: a reader sees all of the old bytes or all of the new."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
    except FileNotFoundError:        # its folder is new: made then, not checked for every file
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
    os.replace(tmp, path)


def _remove_file(root: Path, rel: str) -> None:
    """Remove one stale file, and folders it leaves empty (never `root` itself)."""
    target = _inside(root, rel)
    target.unlink(missing_ok=True)
    parent = target.parent
    while parent != root and parent.is_relative_to(root) and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def check_output_dir(out_dir: Path, protected=()) -> None:
    """Refuse folders the build must never replace."""
    for p in protected:
        p = p.resolve()
        if out_dir == p or p.is_relative_to(out_dir):
            raise OutputRefused(f"output folder {out_dir} would replace {p}; choose another --out")
    if out_dir == Path(out_dir.anchor) or out_dir == Path.home():
        raise OutputRefused(f"refusing to use {out_dir} as the output folder")
    if out_dir.exists():
        if not out_dir.is_dir():
            raise OutputRefused(f"output path {out_dir} exists and is not a folder")
        if any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
            raise OutputRefused(f"{out_dir} exists and was not made by this generator "
                                f"(no {MARKER}); refusing to replace it. Empty it yourself or choose another --out")


def read_manifest(out_dir: Path) -> dict[str, str]:
    try:
        return json.loads((out_dir / MARKER).read_text())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def read_settings(out_dir: Path) -> BuildSettings | None:
    """The settings the build in `out_dir` was made with; None when its marker does
    not say (no build there, or one made before settings were recorded)."""
    try:
        return BuildSettings(**json.loads((out_dir / MARKER).read_text())["settings"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def verify_output(out_dir: Path) -> list[str]:
    """What stops `out_dir` from being published, in plain words; [] for a finished,
    intact build: its marker lists every file with the digest it was written
    with, and the folder holds exactly those files with those bytes (no file
    missing, changed or added since, no `*.tmp-*` leftover of a killed write)."""
    marker = out_dir / MARKER
    if not marker.is_file():
        return [f"{out_dir} is not a finished build: it has no {MARKER} (run `build.py build`)"]
    try:
        manifest = json.loads(marker.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"{marker} cannot be read ({exc}): the build did not finish; build again"]
    found = set()
    for folder, _, names in os.walk(out_dir):
        rel_folder = Path(folder).relative_to(out_dir).as_posix()
        found.update(name if rel_folder == "." else f"{rel_folder}/{name}" for name in names)
    found.discard(MARKER)
    problems = []
    for rel, digest in sorted(manifest.items()):
        if rel not in found:
            problems.append(f"{rel}: missing (the build wrote it; it has been deleted since)")
        elif digest_of((out_dir / rel).read_bytes()) != digest:
            problems.append(f"{rel}: changed since the build (its bytes do not match {MARKER})")
    for rel in sorted(found - manifest.keys()):
        if ".tmp-" in rel.rpartition("/")[2]:
            problems.append(f"{rel}: leftover of an interrupted write")
        else:
            problems.append(f"{rel}: not part of the build (not listed in {MARKER})")
    return problems


def clean_leftovers(out_dir: Path) -> None:
    """Staging folders of builds that were killed: ours by name and marker."""
    for p in out_dir.parent.glob(f".{out_dir.name}.staging-*"):
        if (p / MARKER).is_file() or not any(p.iterdir()):
            _remove_build(p)
    for p in out_dir.parent.glob(f".{out_dir.name}.old-*"):
        if (p / MARKER).is_file():
            _remove_build(p)


def _remove_build(folder: Path) -> None:
    """Delete a build folder with its marker last: a build killed halfway through
    this leaves a folder the next build still recognises as ours and removes."""
    try:
        children = [c for c in folder.iterdir() if c.name != MARKER]
    except OSError:
        return
    for child in children:
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    (folder / MARKER).unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)


def _inside(root: Path, rel: str) -> Path:
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()) or rel.startswith("/"):
        raise OutputRefused(f"refusing to write {rel!r} outside the output folder")
    return target


def _link(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
        return True
    except OSError:
        return False


def swap_in(staging: Path, out_dir: Path, keep_spare: bool = False) -> None:
    """The staged build becomes `out_dir` in one step; the previous one is removed,
    or with `keep_spare` kept beside as `.dist.spare` for the next build to reuse
    (deleting 10,000 files and folders took seconds; its unchanged files are
    hard links, so it costs the disk only the files that changed)."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if _exchange(staging, out_dir):
        old = staging                   # now holds the previous build
    else:
        old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
        os.rename(out_dir, old)
        os.rename(staging, out_dir)
    spare = spare_of(out_dir)
    if keep_spare and (spare / MARKER).is_file():
        _remove_build(spare)            # a spare nobody took (a build without reuse)
    if keep_spare and not spare.exists():
        os.rename(old, spare)
    else:
        _remove_build(old)


def _exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): swap two folders in one atomic step."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD = -100
    return fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0
