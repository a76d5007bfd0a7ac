"""One writer per output folder: an exclusive lock on a file beside it (`.dist.lock`).

`build`, `print` and `deploy` hold it for as long as they write or read the
folder, the preview server for each rebuild. A second one waits, saying for
whom, and gives up with a message after `LOCK_TIMEOUT` seconds: two writers
never work on one folder at once (two builds used to remove each other's
staging folders, and a build swapped `dist/` away under the preview's
in-place writer).

`flock` belongs to the open file: the kernel releases it when its holder
ends, however it ends (kill -9 included), so a lock is never stale, and the
lock file is never removed (removing it would let two holders lock two
different files). Forked workers share their parent's lock, so a build's
workers that outlive it still keep the next build out while they write.

A process may take the lock again while it holds it (`print` builds, then
prints): the inner holder just enters.
"""
from __future__ import annotations

import fcntl
import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from feature.core.files import root_or_home

from .write import OutputFailed, OutputRefused

LOCK_TIMEOUT = 600.0        # a cold 10,000-article build takes ~30 s, printing its PDFs minutes
POLL = 0.1
_held: dict[tuple[Path, int], int] = {}     # (lock file, thread) → how deep this thread holds it


class OutputBusy(OutputRefused):
    """Another command kept the output folder for longer than the timeout."""


def lock_file(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.lock"


@contextmanager
def output_lock(out_dir: Path, command: str, log=None, timeout: float | None = None):
    """Hold the output folder's lock for `command` (a word for the message: build,
    serve, print, deploy); wait for another holder, saying so on `log` (default
    stderr), at most `timeout` seconds (default LOCK_TIMEOUT), then OutputBusy."""
    out_dir = Path(out_dir).resolve()
    if root_or_home(out_dir):         # no lock file beside them either
        raise OutputRefused(f"refusing to use {out_dir} as the output folder")
    path = lock_file(out_dir)
    key = (path, threading.get_ident())
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    fd = _open(path)
    try:
        _acquire(fd, path, out_dir, command, log or sys.stderr,
                 LOCK_TIMEOUT if timeout is None else timeout)
        _say_who(fd, command)
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        os.close(fd)                # releases the lock


def _open(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        try:                        # a read-only folder: `deploy` may still read the build in it
            return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            raise OutputFailed(f"cannot lock {path} ({exc.strerror or exc})") from None


def _acquire(fd: int, path: Path, out_dir: Path, command: str, log, timeout: float) -> None:
    if _try_lock(fd):
        return
    holder = _holder(path)
    print(f"waiting for {holder} to finish with {out_dir} (at most {timeout:.0f} s) …", file=log, flush=True)
    deadline = time.monotonic() + timeout
    while not _try_lock(fd):
        if time.monotonic() >= deadline:
            raise OutputBusy(f"{out_dir} is still in use by {holder} after {timeout:.0f} s; "
                             f"run `{command}` again when it has finished")
        time.sleep(POLL)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _say_who(fd: int, command: str) -> None:
    """For the message of whoever waits next."""
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {command}\n".encode(), 0)
    except OSError:
        pass                        # opened read-only: the waiter names no one


def _holder(path: Path) -> str:
    try:
        pid, command = path.read_text(encoding="utf-8").split()
        return f"`{command}` (PID {int(pid)})"
    except (OSError, ValueError):
        return "another build.py command"
