"""What every command does with its command line: the site's config (with
`--out` and `--base-url`), problems reported, the output folder's lock held."""
from __future__ import annotations

import sys

from feature.core.config import load_config, output_problem
from feature.core.diagnostics import BuildError, Diagnostic
from feature.output.lock import output_lock
from feature.output.write import OutputRefused


def load_site_config(args):
    """config.yaml with the command line's --base-url, its --out checked."""
    config = load_config(args.config)
    check_out_option(args)
    return config.with_overrides(base_url=getattr(args, "base_url", None))


def check_out_option(args) -> None:
    """`--out` is refused as config.yaml's `output` is, before anything is built."""
    out = getattr(args, "out", None)
    problem = output_problem(out.resolve(), args.config.parent.resolve()) if out is not None else None
    if problem:
        raise BuildError([Diagnostic("--out", 0, f"`{out}` {problem}")])


def report_problems(diagnostics) -> None:
    for d in diagnostics:
        print(str(d), file=sys.stderr)


def holding_output(args, command: str, run) -> int:
    """`run(args)` holding the lock of the output folder `args` name (output/lock.py):
    one writer per folder. A config or --out that is refused names no folder:
    then `run` reports that."""
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
