"""`python build.py serve`: build, serve, rebuild and reload on every save
(preview/), with the incremental builder writing in place.

The preview builds into a folder of its own (`.cache/preview/site`, or `--out`),
as MkDocs serves from a temporary folder and Hugo from memory: `dist/`, which
`build --base-url https://…` made for publishing, is never replaced by a
preview build with the preview's base_url. Its marker says "preview", and
`deploy` refuses such a folder."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from feature.build.incremental import IncrementalBuilder
from feature.preview.server import PreviewServer

from .options import check_out_option


def run(args) -> int:
    check_out_option(args)
    return serve(args.config, args.out, args.base_url, args.host, args.port)


def preview_builder(config_path: Path, out_dir: Path | None = None, base_url: str | None = None
                    ) -> IncrementalBuilder:
    """The preview's builder, into `out_dir` or the preview's own folder. In place: each
    save rewrites only the files it changed (each by an atomic rename); `build` keeps
    staging whole folders. An edit's new share images are drawn after the reload."""
    return IncrementalBuilder(config_path, out_dir, base_url, in_place=True, freeze_heap=True, preview=True,
                              after_reload=True)


def serve(config_path: Path, out_dir: Path | None, base_url: str | None, host: str, port: int) -> int:
    """The CLI entry: run until Ctrl+C."""
    config_path = Path(config_path).resolve()
    out_dir = Path(out_dir).resolve() if out_dir else None
    server = PreviewServer(config_path, out_dir, base_url, host, port,
                           builder=preview_builder(config_path, out_dir, base_url))
    try:
        url = server.start()
    except OSError as exc:
        server.stop()
        print(f"error: cannot listen on {host}:{port} ({exc.strerror}); try --port {port + 1}", file=sys.stderr)
        return 1
    print(f"Preview: {url}  (watching content/, templates/, static/, config.yaml; Ctrl+C stops)",
          file=sys.stderr, flush=True)
    print(f"note: the preview is built into {_shown(server.out_dir)}, marked as a preview that deploy refuses; "
          f"`python build.py build` makes the build to publish", file=sys.stderr, flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"note: listening on {host}: anyone on this network can open the preview", file=sys.stderr)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("stopping the preview", file=sys.stderr)
    finally:
        server.stop()
    return 0


def _shown(folder: Path) -> str:
    return folder.relative_to(Path.cwd()).as_posix() if folder.is_relative_to(Path.cwd()) else str(folder)
