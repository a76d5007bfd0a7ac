"""`python build.py [COMMAND]`: one command line for the whole desk.

Imports are lazy so `--help` answers at once.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = parser._subparsers._group_actions[0].choices
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")     # `python build.py` alone means build
    args = parser.parse_args(argv)
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build the special-feature edition (default command: build).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = sub.add_parser("build", help="build the site into dist/ (the default)")
    _site_options(build)
    build.set_defaults(run=run_build)

    imp = sub.add_parser("import", help="turn raw print text into draft Markdown articles and a cleaning report")
    imp.add_argument("raw", type=Path, help="raw text extracted from the print pages")
    imp.add_argument("--out", type=Path, required=True, help="folder for the drafts and import-report.md")
    imp.set_defaults(run=run_import)
    return parser


def _site_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, default=Path("config.yaml"), help="config file (default: config.yaml)")
    p.add_argument("--out", type=Path, help="output folder (default: `output` in config.yaml, dist/)")
    p.add_argument("--base-url", help="URL or path the site is served under, e.g. /specials/2019-zhoukou/")


def load_site_config(args):
    from .config import load_config
    config = load_config(args.config)
    return config.with_overrides(base_url=getattr(args, "base_url", None))


def report_problems(diagnostics, stream=sys.stderr) -> None:
    for d in diagnostics:
        print(str(d), file=stream)


def run_build(args) -> int:
    from .diagnostics import BuildError
    from .pipeline import build
    from .write import OutputRefused
    try:
        config = load_site_config(args)
        result = build(config, args.out.resolve() if args.out else None)
    except BuildError as exc:
        report_problems(exc.diagnostics)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        print(f"build failed: {errors} error(s); the previous output was left untouched", file=sys.stderr)
        return 1
    except OutputRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    report_problems(result.warnings)
    out = args.out or config.output_dir
    w = result.written
    print(f"built {len(result.edition.articles)} articles, {len(result.files)} files into {out} "
          f"in {result.timings['total'] * 1000:.0f} ms ({w['written']} written, {w['linked']} unchanged, "
          f"{result.links_checked} links checked, {len(result.warnings)} warning(s))")
    return 0


def run_import(args) -> int:
    from . import importer
    return importer.run(args.raw, args.out)
