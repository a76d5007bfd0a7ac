"""`python build.py [COMMAND]`: one command line for the whole desk.

The parser and one function per command, which calls the command's module
in commands/. Imports are lazy so `--help` answers at once.
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import threading
from pathlib import Path


def run_command() -> int:
    """`python build.py …` itself: main() with output that survives its reader
    (`build.py figures … | head` ends quietly, as `yes | head` does) and can
    print any file name."""
    sys.stdout = _pipe_safe(sys.stdout, line_buffering=sys.stdout.line_buffering)
    sys.stderr = _pipe_safe(sys.stderr, line_buffering=True)
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        return 141                  # 128 + SIGPIPE: what a shell reports for a writer whose reader left
    return code


class _PipeEnd(io.FileIO):
    """stdout or stderr: once the reader of its pipe is gone, output goes to
    /dev/null; the main thread stops with BrokenPipeError (run_command ends
    quietly), other threads (the preview server's) carry on."""

    def write(self, data) -> int:
        try:
            return super().write(data)
        except BrokenPipeError:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self.fileno())
            os.close(null)
            if threading.current_thread() is threading.main_thread():
                raise
            return len(data)


def _pipe_safe(stream, line_buffering: bool) -> io.TextIOWrapper:
    # backslashreplace: a file name that is not UTF-8 still prints (inputcheck.shown_name).
    raw = _PipeEnd(stream.fileno(), "w", closefd=False)
    return io.TextIOWrapper(io.BufferedWriter(raw), encoding=stream.encoding, errors="backslashreplace",
                            line_buffering=line_buffering)


def main(argv: list[str] | None = None) -> int:
    from feature.core.diagnostics import BuildError
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = parser._subparsers._group_actions[0].choices
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")     # `python build.py` alone means build
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BuildError as exc:       # config.yaml or the command line, in any command
        for d in exc.diagnostics:
            print(str(d), file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build the special-feature edition (default command: build).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = sub.add_parser("build", help="build the site into dist/ (the default)")
    _site_options(build)
    build.add_argument("--jobs", type=int, help="worker processes for large builds (default: one per CPU core)")
    build.add_argument("--no-cache", action="store_true",
                       help="the clean reference build: no .cache/build, one process, every file rendered")
    build.set_defaults(run=run_build)

    serve = sub.add_parser("serve", help="build, serve on http://127.0.0.1:8000, rebuild and reload on every save")
    _site_options(serve, "the preview's folder (default: .cache/preview/site; never dist/ unless named here)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1; 0.0.0.0 opens it to the local network)")
    serve.set_defaults(run=run_serve)

    printing = sub.add_parser("print", help="build, then the print edition (dist/print/index.html; --pdf: edition.pdf; "
                                   "--long-images: an image per article)",
                              description="Build, then the print edition: dist/print/index.html, or for an edition "
                                          "of more than `print.volume_articles` articles a contents page there and "
                                          "one volume per section part at dist/print/<section>/[<part>/]index.html.")
    _site_options(printing)
    printing.add_argument("--pdf", action="store_true",
                          help="also render edition.pdf beside each printed document with WeasyPrint "
                               "(dist/print/edition.pdf, or one per volume)")
    printing.add_argument("--long-images", action="store_true",
                          help="also draw each article as one long image, 1080 px wide (long-image.png beside its "
                               "page), offered on the article and print pages; only changed articles are drawn again")
    printing.add_argument("--jobs", type=int,
                          help="worker processes for the build and for the volumes' PDFs, rendered side by side "
                               "(default: one per CPU core, fewer if memory is short)")
    printing.set_defaults(run=run_print)

    figures = sub.add_parser("figures", help="list an article's candidate key figures with labels and positions")
    figures.add_argument("article", type=Path, nargs="+", help="article source, e.g. content/fupin/zongshu.md")
    figures.add_argument("--config", type=Path, default=Path("config.yaml"), help="config file (default: config.yaml)")
    figures.set_defaults(run=run_figures)

    imp = sub.add_parser("import", help="turn raw print text, a Word document or a PDF into draft Markdown "
                                        "articles and a cleaning report")
    imp.add_argument("raw", type=Path, help="raw text extracted from the print pages, a .docx, or the printed page as .pdf")
    imp.add_argument("--out", type=Path, required=True,
                     help="folder for the drafts and import-report.md (a draft edited since the last import "
                          "is kept; the new one goes beside it as NAME.new)")
    imp.add_argument("--apply-corrections", type=Path, metavar="FILE",
                     help="apply an editor's corrections file first (the content/corrections.yaml format)")
    imp.set_defaults(run=run_import)

    dep = sub.add_parser("deploy", help="publish the built folder to a folder, an rsync/SSH destination "
                                        "or object storage (S3, OSS, COS)")
    dep.add_argument("target", metavar="TARGET", help="a local folder, [user@]host:path (rsync over SSH), "
                                                      "or s3://BUCKET/PREFIX (S3 API: Amazon S3, OSS, COS…)")
    dep.add_argument("--config", type=Path, default=Path("config.yaml"), help="config file (default: config.yaml)")
    dep.add_argument("--out", type=Path, help="the built folder to publish (default: `output` in config.yaml, dist/)")
    dep.add_argument("--dry-run", action="store_true", help="list what would change, change nothing")
    _object_storage_options(dep)
    dep.set_defaults(run=run_deploy)
    return parser


def _object_storage_options(dep: argparse.ArgumentParser) -> None:
    from feature.publish.plan import DEFAULT_MAX_DELETES
    s3 = dep.add_argument_group("s3:// targets (credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
                                "~/.aws/credentials or --profile; never config.yaml)")
    s3.add_argument("--endpoint", metavar="URL", help="the store's S3 endpoint, e.g. "
                    "https://s3.oss-cn-hangzhou.aliyuncs.com or https://cos.ap-guangzhou.myqcloud.com")
    s3.add_argument("--region", help="the bucket's region, e.g. cn-hangzhou, ap-guangzhou, us-east-1")
    s3.add_argument("--addressing", choices=("path", "virtual"),
                    help="bucket in the URL path or in the host name (OSS and COS need virtual)")
    s3.add_argument("--profile", help="a named profile of ~/.aws/credentials and ~/.aws/config")
    s3.add_argument("--max-deletes", type=int, default=DEFAULT_MAX_DELETES, metavar="N",
                    help=f"stop before changing anything if more than N stale objects would be deleted "
                         f"(default: {DEFAULT_MAX_DELETES})")
    s3.add_argument("--purge-command", metavar="CMD",
                    help="after the deploy, run CMD with the file of changed URLs as its last argument")
    s3.add_argument("--purge-list", type=Path, metavar="FILE",
                    help="where to write the changed URLs (default: .cache/deploy/purge-urls.txt)")
    s3.add_argument("--base-url", metavar="URL",
                    help="the public URL for the purge list (default: the base_url the build was made with, "
                         "recorded in its marker); only adds https://HOST to a build made with a path")


def _site_options(p: argparse.ArgumentParser,
                  out_help: str = "output folder (default: `output` in config.yaml, dist/)") -> None:
    p.add_argument("--config", type=Path, default=Path("config.yaml"), help="config file (default: config.yaml)")
    p.add_argument("--out", type=Path, help=out_help)
    p.add_argument("--base-url", help="URL or path the site is served under, e.g. /specials/2019-zhoukou/")


def run_build(args) -> int:
    from feature.commands import build
    return build.run(args)


def run_serve(args) -> int:
    from feature.commands import serve
    return serve.run(args)


def run_print(args) -> int:
    from feature.commands import print_edition
    return print_edition.run(args)


def run_figures(args) -> int:
    from feature.commands import figures
    return figures.run(args)


def run_deploy(args) -> int:
    from feature.commands import deploy
    return deploy.run(args)


def run_import(args) -> int:
    from . import importer
    return importer.run(args.raw, args.out, args.apply_corrections)
