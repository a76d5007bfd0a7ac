"""Stage 6, write: the rendered site → the output folder, atomically.

The whole site is written into a staging folder beside the output folder and
swapped in with one rename, so readers and the preview server see either the
old build or the new one, never a mix; a failed or killed build leaves the
previous output untouched. Files whose bytes did not change are hard-linked
from the previous build instead of written again. The incremental build keeps
the replaced build beside the output (`.dist.spare`) and stages the next
build in it, so a small change costs a few files, not a new tree of 10,000.

Safety: the build only ever deletes folders it created. The manifest file
`OUTPUT_MARKER` inside the output folder says "this folder is ours"; an existing
folder without it is refused, never cleared.

Trust: the marker lists every file with its digest and size and is written
last, so a file is as the build left it when it has that size and was not
modified after the marker (buildfolder.check_folder, a stat per file: what a build
checks before it reuses a file of the output or the spare). `verify_output`
reads every byte instead: what `deploy` and `print` check before they read
the folder.
"""
from __future__ import annotations

import ctypes
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from feature.core.files import digest_of, file_digest, replace_file, root_or_home

from .buildfolder import OUTPUT_MARKER, Manifest, check_folder, clean_leftovers, read_marker, remove_build, walk

_RENAME_EXCHANGE = 2
_HALF_WRITTEN = (".tmp-", ".part")      # replace_file's and render_pdf's names before their rename


class OutputRefused(Exception):
    pass


@dataclass(frozen=True)
class BuildSettings:
    """What a build was made with besides its sources (the `--base-url` of a
    production build), recorded in its marker: `print` builds the folder again
    with these, never with other ones behind the reader's back; `deploy`
    publishes no preview build (its base_url is the preview's)."""
    base_url: str
    preview: bool = False       # made by `serve`


class OutputFailed(OutputRefused, OSError):
    """The disk said no (full, read-only): the previous output is still whole."""


def write_site(files: dict[str, bytes], out_dir: Path, protected: list[Path] = (),
               settings: BuildSettings | None = None) -> dict[str, int]:
    """Write `files` as the new content of `out_dir`; return counts of written/linked/removed."""
    out_dir = out_dir.resolve()
    with staged_output(out_dir, protected) as staging:
        manifest = {rel: digest_of(data) for rel, data in sorted(files.items())}
        stats, _ = fill_staging(staging, out_dir, manifest, check_folder(out_dir).held, files.__getitem__,
                                settings=settings)
        swap_in(staging, out_dir)
    return stats


def verify_output(out_dir: Path) -> list[str]:
    """What keeps `out_dir` from being a finished, intact build, in plain words;
    [] when it holds exactly the files its marker lists, each with the size and
    digest recorded there, and nothing else (no half-written `*.tmp-*`). Reads
    every byte: `deploy` and `print` call it before they read the folder."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return [f"{out_dir} is not a folder"]
    marker, listed = read_marker(out_dir)
    if listed is None:
        return [f"{OUTPUT_MARKER} is missing or unreadable: this is not a finished build"]
    files, sizes, _ = listed
    found, odd = walk(out_dir)
    problems = [] if files else [f"{OUTPUT_MARKER} lists no files: a writer was stopped before it finished"]
    for rel, digest in files.items():
        st = found.pop(rel, None)
        if st is None:
            problems.append(f"{rel} is missing")
        elif st.st_size != sizes.get(rel, st.st_size):
            problems.append(f"{rel} has {st.st_size} bytes, not the {sizes[rel]} the build wrote")
        elif file_digest(out_dir / rel) != digest:
            problems.append(f"{rel} is not the file the build wrote (its content changed)")
    for rel in sorted(found):
        half = any(mark in rel.rsplit("/", 1)[-1] for mark in _HALF_WRITTEN)
        problems.append(f"{rel} is a half-written file left by a writer that was stopped" if half
                        else f"{rel} is not part of the build")
    problems += [f"{rel} is not a regular file" if not rel.endswith("/") else f"{rel} is an empty folder"
                 for rel in odd]
    return problems


def _tidy(folder: Path) -> None:
    """Leave in a build folder only what its marker vouches for, as recorded (a
    reused spare: a killed writer's half-written file, a page changed since, a
    file of a later `print`), and list only that in its marker."""
    check = check_folder(folder)
    for rel in check.strays:
        _remove_file(folder, rel.rstrip("/"))
    if check.strays or check.missing:
        write_manifest(folder, check.held.files, check.held.sizes)


# ---- staging and the swap --------------------------------------------------

@contextmanager
def staged_output(out_dir: Path, protected=(), reuse_spare: bool = False):
    """A staging folder beside `out_dir`, removed again if anything fails;
    disk errors become OutputFailed, saying the previous output is whole.

    With `reuse_spare`, the build before the previous one (kept by swap_in as
    `.dist.spare`, see there) becomes the staging folder: fill_staging then
    touches only the files that differ from it, instead of making 10,000
    folders and links. It is checked first (_tidy): its marker then lists what
    it holds; anything that writes into it must replace files (new inode),
    never write into one, as its unchanged files are hard links shared with
    the output folder.

    The caller holds the output's lock (outputlock.py): no other writer is at work."""
    check_output_dir(out_dir, protected)
    clean_leftovers(out_dir)
    staging = out_dir.parent / f".{out_dir.name}.staging-{os.getpid()}"
    spare = spare_of(out_dir)
    try:
        if reuse_spare and (spare / OUTPUT_MARKER).is_file():
            os.rename(spare, staging)           # a killed build leaves it as a staging leftover
            _tidy(staging)
        else:
            staging.mkdir(parents=True)
            (staging / OUTPUT_MARKER).write_text("{}")   # claims the folder before anything else
    except OSError as exc:
        remove_build(staging)
        raise OutputFailed(f"cannot create {staging} ({exc.strerror or exc}); {out_dir} was left as it was") from None
    try:
        yield staging
    except OSError as exc:
        remove_build(staging)
        raise OutputFailed(f"cannot write the new output ({exc.strerror or exc}: {exc.filename or staging}); "
                           f"{out_dir} was left as it was") from None
    except BaseException:
        remove_build(staging)
        raise
    if staging.exists() and staging != out_dir:
        remove_build(staging)           # not swapped in: the output already was this build


def fill_staging(staging: Path, out_dir: Path, manifest: dict[str, str], previous: Manifest,
                 data_of: Callable[[str], bytes], written: set[str] = frozenset(),
                 settings: BuildSettings | None = None) -> tuple[dict[str, int], dict[str, int]]:
    """Put every file of `manifest` (path → digest) into `staging`: files this
    build already wrote there (`written`, with stage_file) stay, files a reused
    spare holds with the right digest stay, unchanged ones are hard-linked from
    the previous build (`previous`: the output's files as checked), the rest
    are written from `data_of(path)`; files of the spare that are no longer
    wanted go. → (counts, the size of every file)."""
    holds = read_marker(staging)[1] or ({}, {}, 0)
    held, held_sizes = holds[0], holds[1]
    stats = {"written": 0, "linked": 0, "removed": len(previous.files.keys() - manifest.keys())}
    sizes = {}
    for rel, digest in sorted(manifest.items()):
        if rel in written:
            stats["written"] += 1
            sizes[rel] = os.stat(staging / rel).st_size
            continue
        if held.get(rel) == digest:         # the spare's marker vouches, as checked by _tidy
            stats["linked"] += 1
            sizes[rel] = held_sizes[rel]
            continue
        target = _inside(staging, rel)
        _clear(target)                      # a spare's file is shared with the output: never write into it
        target.parent.mkdir(parents=True, exist_ok=True)
        if previous.files.get(rel) == digest and _link(out_dir / rel, target):
            stats["linked"] += 1
            sizes[rel] = previous.sizes[rel]
        else:
            data = data_of(rel)
            target.write_bytes(data)
            stats["written"] += 1
            sizes[rel] = len(data)
    for rel in sorted(held.keys() - manifest.keys()):
        _remove_file(staging, rel)
    write_manifest(staging, manifest, sizes, settings)
    return stats, sizes


def stage_file(target: Path, data: bytes) -> None:
    """Write one file of this build into the staging folder (see fill_staging's
    `written`). In a reused spare the file there is a hard link shared with the
    output folder: it is replaced by a new one, never written into."""
    _clear(target)
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
        files, sizes, _ = read_marker(staging)[1] or ({}, {}, 0)
        files.update(written)
        sizes.update((rel, os.stat(staging / rel).st_size) for rel in written)
        write_manifest(staging, files, sizes)
    os.rename(staging, spare)


def replace_in_place(out_dir: Path, manifest: dict[str, str], previous: Manifest,
                     data_of: Callable[[str], bytes], changed: list[str] | None = None,
                     settings: BuildSettings | None = None, removed: list[str] | None = None,
                     later: set[str] = frozenset(), marker: bool = True) -> tuple[dict[str, int], dict[str, int]]:
    """The preview server's writer, in time proportional to what changed.

    Each file is replaced by a rename, so a reader gets the old page or the
    new one, never half of one. A preview killed halfway could leave old and
    new pages side by side, so the manifest is emptied first: the next build
    then trusts nothing in the folder and stages everything afresh. `build`
    never uses this; it always stages and swaps. Only for a folder that
    holds exactly `previous` (FolderCheck.intact): it removes no strays.

    `changed`: the files that differ from `previous`, when the caller knows
    (then `manifest` names the files of `previous` but `removed`, and new ones
    among `changed`). `later`: files `manifest` lists that are written afterwards (the
    preview's new share images, drawn after the reload). `marker=False`: the marker is
    left listing nothing, for the caller to write (the preview, after the reload:
    at 10,000 articles with share images it lists 100,000 files). → (counts, sizes).
    """
    if changed is None:
        changed = sorted(rel for rel, d in manifest.items() if previous.files.get(rel) != d and rel not in later)
        stale = sorted(set(previous.files) - set(manifest))
    else:
        changed, stale = sorted(set(changed) - later), sorted(removed or ())
    sizes = dict(previous.sizes)
    write_manifest(out_dir, {})
    for rel in changed:
        data = data_of(rel)
        replace_file(_inside(out_dir, rel), data)
        sizes[rel] = len(data)
    for rel in stale:
        _remove_file(out_dir, rel)
        sizes.pop(rel, None)        # a LATER file removed before it was drawn has none
    if marker:
        write_manifest(out_dir, manifest, sizes, settings)
    return {"written": len(changed), "linked": len(manifest) - len(changed), "removed": len(stale)}, sizes


def add_to_output(out_dir: Path, replaced: dict[str, bytes], present: list[str],
                  copied: dict[str, Path] | None = None) -> None:
    """Files a command adds to a finished build (`print --pdf`: the PDFs it wrote,
    `present`, and the 印刷版 page naming them, `replaced`; `print --long-images`:
    the images, `copied` from where they were drawn, and the pages offering them).
    The marker lists them with the build's settings kept, so that the folder still
    verifies and the next build, which does not make them, removes them instead of
    leaving them behind."""
    copied = copied or {}
    previous = check_folder(out_dir).held
    manifest = {**previous.files, **{rel: digest_of(data) for rel, data in replaced.items()},
                **{rel: file_digest(source) for rel, source in copied.items()}}
    for rel in present:
        manifest[rel] = file_digest(_inside(out_dir, rel))
        previous.sizes[rel] = _inside(out_dir, rel).stat().st_size

    def data_of(rel: str) -> bytes:
        return replaced[rel] if rel in replaced else copied[rel].read_bytes()
    replace_in_place(out_dir, manifest, previous, data_of, [*replaced, *copied], read_settings(out_dir))


def write_manifest(folder: Path, manifest: dict[str, str], sizes: dict[str, int] | None = None,
                   settings: BuildSettings | None = None) -> bytes:
    # No indent: json's C encoder (an indented 10,000-file manifest took 25 ms in Python).
    # Sizes, not times: the marker must be the same bytes in every build of the same files.
    marker = {"generator": "feature", "files": manifest, "sizes": sizes or {}}
    if settings is not None:
        marker["settings"] = asdict(settings)
    data = json.dumps(marker, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    replace_file(folder / OUTPUT_MARKER, data)
    return data


def _clear(target: Path) -> None:
    """Make way for a new file at `target`: whatever is there goes (a folder too)."""
    try:
        target.unlink(missing_ok=True)
    except IsADirectoryError:
        shutil.rmtree(target)


def _remove_file(root: Path, rel: str) -> None:
    """Remove one stale file, and folders it leaves empty (never `root` itself)."""
    target = _inside(root, rel, follow=False)
    _clear(target)
    parent = target.parent
    while parent != root and parent.is_relative_to(root) and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _inside(root: Path, rel: str, follow: bool = True) -> Path:
    """`root / rel`, refused if it leads outside `root` (with `follow`, through
    symlinks too; without, the last part itself is not followed: to remove it)."""
    target = (root / rel).resolve() if follow else (root / rel).parent.resolve() / (root / rel).name
    if not target.is_relative_to(root.resolve()) or rel.startswith("/") or target == root.resolve():
        raise OutputRefused(f"refusing to write {rel!r} outside the output folder")
    return target


def check_output_dir(out_dir: Path, protected=()) -> None:
    """Refuse folders the build must never replace."""
    for p in protected:
        p = p.resolve()
        if out_dir == p or p.is_relative_to(out_dir):
            raise OutputRefused(f"output folder {out_dir} would replace {p}; choose another --out")
    if root_or_home(out_dir):
        raise OutputRefused(f"refusing to use {out_dir} as the output folder")
    if out_dir.exists():
        if not out_dir.is_dir():
            raise OutputRefused(f"output path {out_dir} exists and is not a folder")
        if any(out_dir.iterdir()) and not (out_dir / OUTPUT_MARKER).is_file():
            raise OutputRefused(f"{out_dir} exists and was not made by this generator (no {OUTPUT_MARKER}); "
                                f"refusing to replace it. Empty it yourself or choose another --out")


def read_manifest(out_dir: Path) -> dict[str, str]:
    listed = read_marker(out_dir)[1]
    return listed[0] if listed is not None else {}


def read_settings(out_dir: Path) -> BuildSettings | None:
    """The settings the build in `out_dir` was made with; None when its marker does
    not say (no build there, or one made before settings were recorded)."""
    try:
        return BuildSettings(**json.loads((out_dir / OUTPUT_MARKER).read_text())["settings"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


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
    hard links, so it costs the disk only the files that changed).

    Once the new build is in place nothing here fails: keeping or removing the
    old one is tidying, and the next build finishes what this one could not."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if _exchange(staging, out_dir):
        old = staging                   # now holds the previous build
    else:
        old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
        os.rename(out_dir, old)
        try:
            os.rename(staging, out_dir)
        except OSError:
            os.rename(old, out_dir)     # put the previous build back: the caller reports the error
            raise
    spare = spare_of(out_dir)
    try:
        if keep_spare and (spare / OUTPUT_MARKER).is_file():
            remove_build(spare)            # a spare nobody took (a build without reuse)
        if keep_spare and not spare.exists():
            os.rename(old, spare)
            return
    except OSError:
        pass
    remove_build(old)


def _exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): swap two folders in one atomic step."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD = -100
    return fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0
