"""`python build.py [COMMAND]`: one command line for the whole desk.

Imports are lazy so `--help` answers at once.
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
        report_problems(exc.diagnostics)
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
    _site_options(serve)
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1; 0.0.0.0 opens it to the local network)")
    serve.set_defaults(run=run_serve)

    printing = sub.add_parser("print", help="build, then the print edition (dist/print/index.html; --pdf: edition.pdf)",
                              description="Build, then the print edition: dist/print/index.html, or for an edition "
                                          "of more than `print.volume_articles` articles a contents page there and "
                                          "one volume per section part at dist/print/<section>/[<part>/]index.html.")
    _site_options(printing)
    printing.add_argument("--pdf", action="store_true",
                          help="also render edition.pdf beside each printed document with WeasyPrint "
                               "(dist/print/edition.pdf, or one per volume)")
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
    s3.add_argument("--base-url", help="the site's public URL for the purge list (default: base_url in config.yaml)")


def _site_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, default=Path("config.yaml"), help="config file (default: config.yaml)")
    p.add_argument("--out", type=Path, help="output folder (default: `output` in config.yaml, dist/)")
    p.add_argument("--base-url", help="URL or path the site is served under, e.g. /specials/2019-zhoukou/")


def load_site_config(args):
    from feature.core.config import load_config
    config = load_config(args.config)
    check_out_option(args)
    return config.with_overrides(base_url=getattr(args, "base_url", None))


def check_out_option(args) -> None:
    """`--out` is refused as config.yaml's `output` is, before anything is built."""
    from feature.core.config import output_problem
    from feature.core.diagnostics import BuildError, Diagnostic
    out = getattr(args, "out", None)
    problem = output_problem(out.resolve(), args.config.parent.resolve()) if out is not None else None
    if problem:
        raise BuildError([Diagnostic("--out", 0, f"`{out}` {problem}")])


def report_problems(diagnostics) -> None:
    for d in diagnostics:
        print(str(d), file=sys.stderr)


def holding_output(args, command: str, run) -> int:
    """`run(args)` holding the lock of the output folder `args` name (outputlock.py):
    one writer per folder. A config or --out that is refused names no folder:
    then `run` reports that."""
    from feature.core.diagnostics import BuildError
    from feature.output.lock import output_lock
    from feature.output.write import OutputRefused
    try:
        config = load_site_config(args) if hasattr(args, "config") else None
    except BuildError:
        return run(args)
    out = args.out or config.output_dir
    try:
        with output_lock(out, command):
            return run(args)
    except OutputRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def run_build(args) -> int:
    return holding_output(args, "build", _build)


def _build(args) -> int:
    from feature.core.diagnostics import BuildError
    from feature.output.write import OutputRefused
    try:
        config = load_site_config(args)
        out = args.out.resolve() if args.out else None
        if getattr(args, "no_cache", False):
            from feature.build.pipeline import build
            result = build(config, out)
        else:   # same bytes as pipeline.build, reusing .cache/build and both cores
            from feature.build.incremental import IncrementalBuilder
            result = IncrementalBuilder(args.config, out, args.base_url, getattr(args, "jobs", None),
                                        freeze_heap=True).build()
    except BuildError as exc:
        report_problems(exc.diagnostics)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        print(f"build failed: {errors} error(s); the previous output was left untouched", file=sys.stderr)
        return 1
    except OutputRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:          # disk full or read-only: say so, no traceback. Nothing fails after the swap.
        print(f"error: cannot write {exc.filename or 'a file'} ({exc.strerror or exc}); the previous output "
              "was left untouched. Free some space or fix the folder's permissions, then build again",
              file=sys.stderr)
        return 1
    report_problems(result.warnings)
    if not config.site_origin:
        print(f"note: base_url `{config.base_url}` has no https://host, so canonical and og:url links "
              f"and sitemap.xml are left out; for production build with the full public URL "
              f"(--base-url https://example.cn/specials/x/)", file=sys.stderr)
    out = args.out or config.output_dir
    w = result.written
    print(f"built {result.article_count} articles, {len(result.files)} files into {out} "
          f"in {result.timings['total'] * 1000:.0f} ms ({w['written']} written, {w['linked']} unchanged, "
          f"{result.links_checked} links checked, {len(result.warnings)} warning(s))")
    return 0


def run_deploy(args) -> int:
    from feature.publish.folder import DeployRefused, publish
    from feature.core.diagnostics import BuildError
    from feature.output.write import OutputRefused
    if args.target.startswith("s3://"):
        return run_s3_deploy(args)
    given = [f"--{name.replace('_', '-')}" for name in S3_ONLY if getattr(args, name) is not None]
    if given:
        print(f"error: {', '.join(given)} only apply to s3:// targets", file=sys.stderr)
        return 2
    try:
        source = args.out or load_site_config(args).output_dir
        report = publish(source, args.target, dry_run=args.dry_run)
    except BuildError as exc:
        report_problems(exc.diagnostics)
        return 1
    except (DeployRefused, OutputRefused) as exc:      # OutputRefused: the output lock (outputlock.py)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name in report.uploaded:
        print(f"+ {name}")
    for name in report.deleted:
        print(f"- {name}")
    verb = "would change" if report.dry_run else "changed"
    print(f"deploy to {report.target}: {verb} {report.changes} file(s) "
          f"({len(report.uploaded)} new or changed, {len(report.deleted)} removed)")
    return 0


S3_ONLY = ("endpoint", "region", "addressing", "profile", "purge_command", "purge_list", "base_url")


def run_s3_deploy(args) -> int:
    """Deploy to object storage, then list the changed URLs for the CDN and run the purge command."""
    from feature.core.diagnostics import BuildError
    from feature.output.lock import output_lock
    from feature.publish import purge
    from feature.publish.plan import DeployFailed, DeployRefused, summary_line
    from feature.publish.s3 import S3Options, S3Target, deploy_s3
    from feature.output.write import OutputRefused
    try:
        config = load_site_config(args)
        target = S3Target.parse(args.target)
        options = S3Options(args.endpoint, args.region, args.addressing, args.profile,
                            max(args.max_deletes, 0), args.dry_run)
        source = args.out or config.output_dir
        with output_lock(source, "deploy"):     # no build replaces the folder while it is uploaded
            plan = deploy_s3(source, target, options, say=lambda line: print(line, flush=True))
        print(summary_line(plan, str(target), args.dry_run))
        if args.dry_run:
            return 0
        changed = purge.purge_urls(plan, config.site_origin + config.site_path)
        list_path = args.purge_list or config.root / ".cache" / "deploy" / "purge-urls.txt"
        purge.write_purge_list(changed, list_path)
        print(f"{len(changed)} changed URL(s) for the CDN to purge, written to {list_path}"
              + "".join(f"\n  {url}" for url in changed))
        if changed and not config.site_origin:
            print(f"note: base_url `{config.base_url}` has no https://host, so the URLs to purge are paths; "
                  f"give the public URL the build was made for with --base-url", file=sys.stderr)
        if args.purge_command and changed:
            purge.run_purge_command(args.purge_command, list_path)
    except BuildError as exc:
        report_problems(exc.diagnostics)
        return 1
    except (DeployRefused, DeployFailed, OutputRefused) as exc:     # OutputRefused: the output lock
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def run_print(args) -> int:
    from feature.commands import print_edition
    return print_edition.run(args)


def run_serve(args) -> int:
    from feature.preview.server import serve
    check_out_option(args)
    return serve(args.config, args.out, args.base_url, args.host, args.port)


def run_figures(args) -> int:
    """Candidates for an editor to curate: ★ marks what the sidebar shows now."""
    from feature.core.diagnostics import Diagnostics
    from feature.markup.enrich import body_figures, render_body, sidebar_figures
    from feature.markup.figures import format_for_cli
    from feature.edition.load import load_article
    from feature.markup.renderer import MarkdownRenderer
    config = load_site_config(args)
    renderer = MarkdownRenderer(allow_raw_html=config.allow_raw_html)
    problems = Diagnostics()
    for path in args.article:
        path = path.resolve()
        if not path.is_relative_to(config.content_dir):
            problems.error(str(path), 0, f"not an article under {config.content_dir}")
            continue
        article = load_article(path, config.content_dir, problems, config.sections)
        if article is None:
            continue
        body = render_body(article, renderer, problems)
        if body is None:
            continue
        figures, text = body_figures(body)
        picks = sidebar_figures(article, figures, text, config.sidebar_figures, problems)
        how = "curated in front matter" if article.curated_figures else "ranked automatically"
        print(f"# {article.headline} — {len(figures)} figures, ★ = sidebar ({how})")
        print(format_for_cli(figures, picks))
    report_problems(problems.items)
    return 1 if problems else 0


def run_import(args) -> int:
    from . import importer
    return importer.run(args.raw, args.out, args.apply_corrections)
