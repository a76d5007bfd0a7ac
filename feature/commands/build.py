"""`python build.py [build]`: build the site into its output folder."""
from __future__ import annotations

import sys

from feature.build import pipeline
from feature.build.incremental import IncrementalBuilder
from feature.core.diagnostics import BuildError
from feature.output.write import OutputRefused

from .options import holding_output, load_site_config, report_problems


def run(args) -> int:
    """`python build.py build`: the incremental build (the clean reference with --no-cache),
    holding the output folder's lock."""
    return holding_output(args, "build", _build)


def _build(args) -> int:
    try:
        config = load_site_config(args)
        out = args.out.resolve() if args.out else None
        if getattr(args, "no_cache", False):
            result = pipeline.build(config, out)
        else:   # same bytes as pipeline.build, reusing .cache/build and both cores
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
        if config.share.posters:
            print(f"note: the posters' QR codes hold only the path from the site's root "
                  f"({config.site_path}section/article/#sentence), which a phone cannot open; build with "
                  f"--base-url https://… for posters to share", file=sys.stderr)
    out = args.out or config.output_dir
    w = result.written
    print(f"built {result.article_count} articles, {len(result.files)} files into {out} "
          f"in {result.timings['total'] * 1000:.0f} ms ({w['written']} written, {w['linked']} unchanged, "
          f"{result.links_checked} links checked, {len(result.warnings)} warning(s))")
    return 0
