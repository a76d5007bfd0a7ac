"""Watch the edition's sources and hand out coalesced batches of changes.

The preview server's rebuild loop calls `SourceWatcher.next_batch()`, which
blocks until something relevant changed and the burst of saves is over.
Events that arrive while a build runs wait for the next batch: nothing is
dropped. This is the preview's only watcher: python-livereload serves the
reloads (serve.py), but its own watcher and poll loop, with their 3-second
reload window that drops saves, are never started.

A batch is due at max(first event + WINDOW, last event + SETTLE), and at the
latest CAP after its first event (a process that writes non-stop still gets
previews). So every burst that fits in WINDOW (an editor's atomic save, a
formatter, `touch` on 20 files) gives exactly one rebuild.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (EVENT_TYPE_ATTRIB, EVENT_TYPE_CLOSED, EVENT_TYPE_CREATED, EVENT_TYPE_DELETED,
                             EVENT_TYPE_MODIFIED, EVENT_TYPE_MOVED, FileSystemEventHandler)
from watchdog.observers import Observer

from feature.edition.load import is_content_file

WINDOW = 0.10
SETTLE = 0.03
CAP = 1.0
# Reads by the build itself (opened, closed-without-write) must never trigger one;
# `touch` is only an attribute change, and editors expect it to rebuild.
_WRITES = {EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED, EVENT_TYPE_CLOSED,
           EVENT_TYPE_ATTRIB}
# Editors' swap, backup and probe files: vim (.x.swp, x~, 4913), emacs (#x#, .#x),
# JetBrains (x___jb_tmp___), and the usual .tmp / .part of atomic writers.
_TEMP_NAME = re.compile(r"(^\.|~$|\.sw[a-px]$|^#.*#$|^\d+$|\.(tmp|part|crdownload)$|___jb_\w+___$)")


@dataclass(frozen=True)
class Batch:
    paths: frozenset[Path]        # changed sources (absolute)
    everything: bool              # config or a whole folder changed: rebuild without hints


class SourceWatcher:
    def __init__(self, config_path: Path, folders: list[Path], window=WINDOW, settle=SETTLE, cap=CAP):
        self.config_path = config_path.resolve()
        self.folders = [f.resolve() for f in folders]
        self.window, self.settle, self.cap = window, settle, cap
        self.events = 0                       # relevant events seen (for tests and logs)
        self._cond = threading.Condition()
        self._pending: set[Path] = set()
        self._everything = False
        self._first = self._last = 0.0
        self._stopped = False
        self._observer = Observer()

    def start(self) -> None:
        handler = _Handler(self)
        # The config's folder non-recursively (it also holds dist/ and .venv/).
        self._observer.schedule(handler, str(self.config_path.parent), recursive=False)
        for folder in self.folders:
            if folder.is_dir():
                self._observer.schedule(handler, str(folder), recursive=True)
        self._observer.start()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._observer.stop()
        self._observer.join(timeout=5)

    def relevant(self, path: Path, is_dir: bool) -> tuple[bool, bool]:
        """(does this path matter, does it mean 'rebuild everything')."""
        if path == self.config_path:
            return True, True
        for folder in self.folders:
            if path == folder:
                return True, True
            if path.is_relative_to(folder):
                parts = path.relative_to(folder).parts
                if any(_TEMP_NAME.search(p) for p in parts):
                    return False, False
                if path.suffix == ".md" and not is_dir:
                    return is_content_file(path), False
                # A folder renamed or removed, or a file the build may read in ways
                # nobody told us about: when in doubt, everything.
                return True, is_dir or folder.name == "content"
        return False, False

    def add(self, path: Path, is_dir: bool = False) -> None:
        matters, everything = self.relevant(path, is_dir)
        if not matters:
            return
        with self._cond:
            now = time.monotonic()
            if not self._pending and not self._everything:
                self._first = now
            self._last = now
            self._pending.add(path)
            self._everything |= everything
            self.events += 1
            self._cond.notify_all()

    def waiting(self) -> bool:
        """Whether saves wait to be built (work after a reload gives way to them)."""
        with self._cond:
            return bool(self._pending) or self._everything or self._stopped

    def next_batch(self) -> Batch | None:
        """Block until a burst of changes is over; None once stopped."""
        with self._cond:
            while not self._stopped:
                if self._pending:
                    due = min(max(self._first + self.window, self._last + self.settle),
                              self._first + self.cap)
                    wait = due - time.monotonic()
                    if wait <= 0:
                        batch = Batch(frozenset(self._pending), self._everything)
                        self._pending, self._everything = set(), False
                        return batch
                    self._cond.wait(wait)
                else:
                    self._cond.wait(1.0)
            return None


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: SourceWatcher):
        self.watcher = watcher

    def on_any_event(self, event) -> None:
        if event.event_type not in _WRITES:
            return
        if event.is_directory and event.event_type in (EVENT_TYPE_MODIFIED, EVENT_TYPE_ATTRIB):
            return        # a file inside changed; that file has its own event
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                path = Path(raw if isinstance(raw, str) else raw.decode())
                self.watcher.add(path, event.is_directory)
