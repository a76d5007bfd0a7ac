"""`python build.py serve`: build, serve the output folder, rebuild on save, reload the browser.

The reload path is python-livereload's (the design card's `livereload`):
its websocket handler and its livereload.js, on a tornado server. What we
keep from it and what we do not, and why (COMPONENTS.md has the traps):
- its watcher and `poll_tasks` are never started: that is where the
  3-second reload window drops saves. watch.py (watchdog, coalescing) is the
  only watcher, and every good build calls `LiveReloadHandler.reload_waiters`
  itself, so each good build is announced, however close to the last one;
- a page that connects after a build it did not see is told at once
  (`catch_up`, from the build counters the page carries), so a save made
  while a page loads is not lost;
- a failed build reloads nothing: livereload is sent the status path, which
  our livereload.js plugin (client.js) turns into the error overlay;
- livereload keeps its browsers in class attributes (`waiters`,
  `_last_reload_time`): one preview server per process, enforced here.

Three threads share one `PreviewServer`: the watcher (watch.py), the rebuild
loop (the builder it is handed), and the IOLoop thread serving HTTP and
websockets. Build results reach the IOLoop with `add_callback`, so serving a
page, registering its websocket and announcing a build never interleave.
"""
from __future__ import annotations

import asyncio
import secrets
import sys
import threading
import time
import traceback
from pathlib import Path

from livereload.handlers import LiveReloadHandler
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets

from feature.core.diagnostics import BuildError
from feature.output.lock import output_lock
from .http import MAX_BODY, MAX_HEADER, STATUS_PATH, make_app
from .watch import Batch, SourceWatcher
from feature.output.write import OutputRefused

_ACTIVE: list["PreviewServer"] = []    # livereload's state is per process: at most one running server


class _NoWatcher:
    """Stands in for livereload's watcher: `reload_waiters` logs `watcher.filepath`."""
    filepath = None


class PreviewServer:
    def __init__(self, config_path: Path, out_dir: Path | None = None, base_url: str | None = None,
                 host: str = "127.0.0.1", port: int = 8000, log=sys.stderr, window: float | None = None, *,
                 builder):
        """`builder` builds the edition of `config_path` into `out_dir` (the
        preview's own folder, config.preview_dir, when None) under `base_url`: `builder.build(changed)` after
        each batch of saves (None: check everything), `builder.save()` once the
        browsers were told, `builder.draw_later(stop)` while no save waits, if
        `builder.images_pending()` (commands/serve.py hands it the incremental builder)."""
        self.config_path = Path(config_path).resolve()
        self.out_override = Path(out_dir).resolve() if out_dir else None
        self.base_url = base_url
        self.host, self.port, self.log = host, port, log
        self.builder = builder
        root = self.config_path.parent
        self.watcher = SourceWatcher(self.config_path, [root / "content", root / "templates", root / "static"],
                                     **({"window": window} if window is not None else {}))
        self.epoch = secrets.token_hex(4)      # a restarted server makes open pages reload
        self.builds = 0                        # build attempts, the initial one included
        self.reloads = 0                       # good rebuilds announced to browsers
        self.seq = 0                           # completed build attempts
        self.good = 0                          # seq of the build now in the output folder
        self.errors: list[str] = []            # of the latest attempt; [] when it succeeded
        self.announced: list[tuple[int, str, int]] = []   # (seq, path sent to livereload, waiters then)
        self._lock = threading.Lock()          # counters are written on the IOLoop, read anywhere
        self._stopping = threading.Event()
        self._loop: IOLoop | None = None
        self._stop_serving: asyncio.Event | None = None
        self._threads: list[threading.Thread] = []
        self.out_dir, self.site_path = self._site_location()

    # ---- life cycle -------------------------------------------------------
    def start(self) -> str:
        """Build once, then serve and watch in background threads; return the URL."""
        if _ACTIVE:
            raise RuntimeError("a preview server is already running in this process: livereload keeps "
                               "its browsers in LiveReloadHandler class attributes, so only one can")
        _ACTIVE.append(self)
        self.watcher.start()          # before the first build: saves made during it count
        self._publish(*self._build(None))
        self._save_caches()
        sockets = bind_sockets(self.port, address=self.host)    # OSError here: the CLI says so
        self.port = sockets[0].getsockname()[1]
        LiveReloadHandler.watcher, LiveReloadHandler.live_css = _NoWatcher(), True
        ready = threading.Event()
        self._spawn(self._serve, sockets, ready)
        ready.wait(10)
        self._spawn(self._rebuild_loop)
        return self.url

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}{self.site_path}"

    def stop(self) -> None:
        self._stopping.set()
        self.watcher.stop()           # the rebuild loop's next_batch() returns None
        if self._loop and self._stop_serving:
            self._loop.add_callback(self._stop_serving.set)
        for t in self._threads:
            t.join(timeout=10)
        if self in _ACTIVE:
            _ACTIVE.remove(self)

    def _spawn(self, target, *args) -> None:
        t = threading.Thread(target=target, args=args, daemon=True, name=f"preview-{target.__name__}")
        t.start()
        self._threads.append(t)

    def _serve(self, sockets, ready: threading.Event) -> None:
        async def main():
            self._loop, self._stop_serving = IOLoop.current(), asyncio.Event()
            http = HTTPServer(make_app(self), max_body_size=MAX_BODY, max_header_size=MAX_HEADER)
            http.add_sockets(sockets)
            ready.set()
            await self._stop_serving.wait()
            http.stop()
            for page in list(LiveReloadHandler.waiters):
                page.close()
            LiveReloadHandler.waiters.clear()
            try:
                await asyncio.wait_for(http.close_all_connections(), 2)
            except asyncio.TimeoutError:
                pass
        asyncio.run(main())

    # ---- building -------------------------------------------------------
    def _rebuild_loop(self) -> None:
        while not self._stopping.is_set():
            self._draw_later()
            batch = self.watcher.next_batch()
            if batch is None:
                return
            outcome = self._build(batch)
            self._loop.add_callback(self._publish, *outcome)
            self._save_caches()

    def _draw_later(self) -> None:
        """The share images the last edits left for after the reload, until a save comes in."""
        if not self.builder.images_pending():
            return
        start = time.perf_counter()
        try:
            with output_lock(self.out_dir, "serve", log=self.log):
                drawn = self.builder.draw_later(self.watcher.waiting)
        except Exception as exc:        # a bug must not kill the preview: say it, keep serving
            traceback.print_exc(file=self.log)
            print(f"warning: share images not drawn: {_describe_crash(exc)}", file=self.log, flush=True)
            return
        if drawn:
            print(f"[{time.strftime('%H:%M:%S')}] drew {len(drawn)} share image(s) after the reload in "
                  f"{(time.perf_counter() - start) * 1000:.0f} ms", file=self.log, flush=True)

    def _save_caches(self) -> None:
        """After the reload is on its way: the output marker and the caches (they spare
        the next `build` work; the page being looked at does not wait for them)."""
        try:
            with output_lock(self.out_dir, "serve", log=self.log):
                self.builder.save()
        except (OSError, OutputRefused) as exc:     # a full disk, a busy folder: the preview goes on
            print(f"warning: cannot save the build cache: {exc}", file=self.log, flush=True)

    def _build(self, batch: Batch | None) -> tuple:
        changed = None if batch is None or batch.everything else set(batch.paths)
        self.builds += 1
        start = time.perf_counter()
        errors, result = [], None
        try:
            # One writer per output folder: a `build` or `print` at work makes this wait.
            with output_lock(self._writing_to(batch), "serve", log=self.log):
                result = self.builder.build(changed)
        except BuildError as exc:
            errors = [str(d) for d in exc.diagnostics if d.severity == "error"] or [str(exc)]
        except OutputRefused as exc:
            errors = [f"error: {exc}"]
        except Exception as exc:        # a bug must not kill the preview: show it, keep serving
            traceback.print_exc(file=self.log)
            errors = [_describe_crash(exc)]
        ms = (time.perf_counter() - start) * 1000
        location = self._site_location() if not errors and batch and batch.everything else None
        self._report(batch, errors, result, ms)
        return batch, errors, location

    def _writing_to(self, batch: Batch | None) -> Path:
        """The folder this build writes: the one served, unless config may have moved it."""
        return self.out_dir if batch is not None and not batch.everything else self._site_location()[0]

    def _publish(self, batch: Batch | None, errors: list[str], location) -> None:
        """On the IOLoop (or before it runs): make a finished build visible, tell the browsers."""
        with self._lock:
            if location:
                self.out_dir, self.site_path = location      # config may move them
            self.errors = errors
            if not errors and batch is not None:
                self.reloads += 1
            self.seq += 1
            if not errors:
                self.good = self.seq
        if batch is None:
            return
        path = STATUS_PATH if errors else self._reload_path(batch)
        self.announced.append((self.seq, path, len(LiveReloadHandler.waiters)))
        LiveReloadHandler.reload_waiters(path)      # livereload's own broadcast, on its IOLoop

    def _reload_path(self, batch: Batch) -> str:
        """A stylesheet's path when only stylesheets changed (our plugin swaps it), else '*' (reload)."""
        static = self.config_path.parent / "static"
        if not batch.everything and batch.paths and all(
                p.suffix == ".css" and p.is_relative_to(static) for p in batch.paths):
            return min(p.relative_to(static.parent).as_posix() for p in batch.paths)
        return "*"

    def catch_up(self, seen: dict) -> str | None:
        """What a page that just connected missed, from the counters it carries (on the IOLoop)."""
        try:
            seq, good = int(seen.get("seq", -1)), int(seen.get("good", -1))
        except (TypeError, ValueError):
            seq = good = -1
        if seen.get("epoch") != self.epoch or good < self.good:
            return "*"                # a good build it was not read from: reload
        return STATUS_PATH if seq < self.seq else None     # a failed build since: show its errors

    def status(self) -> dict:
        with self._lock:
            return {"epoch": self.epoch, "seq": self.seq, "good": self.good, "errors": list(self.errors)}

    def counters(self) -> tuple[int, int]:
        """(seq, good) as of now; read before the file, so the file is at least this new."""
        with self._lock:
            return self.seq, self.good

    def _site_location(self) -> tuple[Path, str]:
        from feature.core.config import load_config, preview_dir
        try:
            config = load_config(self.config_path).with_overrides(base_url=self.base_url)
        except BuildError:
            return self.out_override or preview_dir(self.config_path.parent), "/"
        return self.out_override or config.preview_dir, config.site_path

    def _report(self, batch, errors, result, ms) -> None:
        when = time.strftime("%H:%M:%S")
        what = "built" if batch is None else "rebuilt"
        if batch is not None:
            names = sorted(_shown(p, self.config_path.parent) for p in batch.paths)
            what += f" after {', '.join(names[:3])}{' …' if len(names) > 3 else ''}"
        if errors:
            for line in errors:
                print(line, file=self.log)
            print(f"[{when}] build failed: {len(errors)} error(s); still serving the last good build",
                  file=self.log, flush=True)
            return
        for w in result.warnings:
            print(str(w), file=self.log)
        written = result.written or {}
        print(f"[{when}] {what} in {ms:.0f} ms ({written.get('written', 0)} written, "
              f"{written.get('linked', 0)} unchanged)", file=self.log, flush=True)


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _describe_crash(exc: BaseException) -> str:
    """file:line of the innermost frame in our package, so the overlay says where."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/feature/" in f.filename] or frames
    where = f"{ours[-1].filename}:{ours[-1].lineno}: " if ours else ""
    return f"{where}error: {type(exc).__name__}: {exc} (a bug in the generator, not in your text)"
