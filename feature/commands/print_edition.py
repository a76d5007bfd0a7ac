"""`python build.py print [--pdf] [--long-images]`: the build, then the PDFs of
the print edition and the long image (长图) of each article.

- The build it makes is the one already in the output folder, settings and
  all: after `build --base-url https://…` it builds with that base_url again
  (recorded in the folder's marker, write.BuildSettings), so sitemap.xml and
  canonical links stay while a server serves the folder; never config.yaml's
  base_url behind the reader's back. A folder that does not say how it was
  built is refused, with what to do.
- After the PDFs, the 印刷版 page (print/index.html) names them with their
  sizes; after the long images (long_images.py), each article page and the
  print pages offer them (`link_made`). The marker lists the new files and the
  pages' new bytes: the next build, which makes none of them, puts the pages
  back and removes the files.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

from feature.build.incremental import IncrementalBuilder
from feature.build.keys import TemplateDeps
from feature.build.render import render_one
from feature.build.stages import STAGES
from feature.core.diagnostics import BuildError
from feature.output import write
from feature.printing.pdf import pdf_jobs, render_pdfs
from feature.printing.volumes import PrintedPdf, print_documents
from feature.render.assets import collect_assets
from feature.render.pages import LongImageFile, article_page, print_pages
from feature.render.templates import make_environment

from . import build
from .long_images import LongImages, draw_long_images
from .options import holding_output, load_site_config, report_problems


def run(args) -> int:
    """`python build.py print [--pdf]`: the normal build, then a PDF beside each
    printed document: print/edition.pdf, or one per volume of a split edition,
    up to `--jobs` of them at once (`pdf_jobs`). A volume that fails is named and
    the others are still printed; the command then fails. It holds the output
    lock throughout (output/lock.py): no other build replaces what it prints."""
    return holding_output(args, "print", _print)


def _print(args) -> int:
    args = as_last_built(args)          # the folder's own settings: never a different build
    if args is None:
        return 1
    status = build.run(args)
    long_images = getattr(args, "long_images", False)
    if status or not (args.pdf or long_images):
        return status
    config = load_site_config(args)
    out = args.out.resolve() if args.out else config.output_dir
    problems = write.verify_output(out)
    if problems:
        print(f"error: {out} is not a finished build ({'; '.join(problems[:3])}); run `python build.py build`, "
              f"then print again", file=sys.stderr)
        return 1
    printed, failed = [], []
    if args.pdf:
        documents = print_documents(write.read_manifest(out), config.sections)
        printed, failed = print_pdfs(out, documents, getattr(args, "jobs", None))
        if failed:
            print(f"print failed: no PDF for {len(failed)} of {len(documents)} document(s)", file=sys.stderr)
    drawn = LongImages()
    if long_images:
        drawn = draw_long_images(config, out, _builder(args, out).edition())
        report_problems(drawn.problems)
    if printed or drawn.made:
        link_made(args, out, printed, drawn)    # the pages name them (the PDFs with their sizes)
    return 1 if failed or drawn.problems else 0


def _builder(args, out: Path) -> IncrementalBuilder:
    """The builder of the build just made: it answers from its caches."""
    return IncrementalBuilder(args.config, out, args.base_url, getattr(args, "jobs", None))


def print_pdfs(out: Path, documents: list[str], jobs: int | None) -> tuple[list[PrintedPdf], list[str]]:
    """A PDF beside each of `documents`, saying what was printed → (the PDFs, the
    documents that failed)."""
    pages = size = 0
    failed, printed = [], []
    start = time.perf_counter()
    largest = max((out / rel).stat().st_size for rel in documents)
    for rel, result in render_pdfs(out, documents, pdf_jobs(jobs, len(documents), largest)):
        if isinstance(result, str):
            print(f"error: {rel}: {result}", file=sys.stderr)
            failed.append(rel)
            continue
        for message in result.warnings:
            print(f"warning: {rel}: {message}", file=sys.stderr)
        print(f"printed {result.path} ({result.pages} pages, {result.size / 1024:.0f} KiB) "
              f"in {result.seconds:.1f} s")
        pages, size = pages + result.pages, size + result.size
        printed.append(PrintedPdf(rel, result.path.relative_to(out).as_posix(), result.size))
    if len(documents) > 1 and len(failed) < len(documents):
        print(f"printed {len(documents) - len(failed)} volumes, one PDF each beside its HTML under "
              f"{out / 'print'} ({pages} pages, {size / 1024 / 1024:.1f} MiB) in {time.perf_counter() - start:.1f} s")
    return printed, failed


def as_last_built(args) -> argparse.Namespace | None:
    """`args` with the base_url the output folder was last built with (unless
    `--base-url` is given); None, having said why, when that cannot be known."""
    try:
        config = load_site_config(args)
    except BuildError:
        return args                             # the build reports the config's problems
    out = args.out.resolve() if args.out else config.output_dir
    if not (out / write.OUTPUT_MARKER).is_file():
        return args                             # nothing built there yet
    last = write.read_settings(out)
    if last is None:
        print(f"error: {out} does not record the settings it was built with, so printing could replace "
              f"it with a different build; build it again (`python build.py build`, with --base-url "
              f"https://… if it is served from there), then print", file=sys.stderr)
        return None
    if args.base_url is None and last.base_url != config.base_url:
        print(f"note: {out} was built with --base-url {last.base_url}; printing builds it with the same "
              f"(config.yaml says {config.base_url})", file=sys.stderr)
        return argparse.Namespace(**{**vars(args), "base_url": last.base_url})
    if args.base_url is not None and args.base_url != last.base_url:
        print(f"note: {out} was built with base_url {last.base_url}; rebuilding it with --base-url "
              f"{args.base_url} as asked", file=sys.stderr)
    return args


def link_made(args, out: Path, pdfs: list[PrintedPdf], long_images: LongImages) -> None:
    """The pages again, now offering what `print` made, added to the output
    folder in one step with the files themselves: the 印刷版 page naming `pdfs`
    with their sizes, and with long images, each print document and each
    article page offering its article's. The edition is the one just built
    (nothing changed since: the builder answers from its caches)."""
    config = load_site_config(args)
    edition = _builder(args, out).edition()
    env = make_environment(config.templates_dir)
    assets, deps = collect_assets(config.static_dir), TemplateDeps(env)
    made = tuple(long_images.made)
    pages = [replace(page, pdfs=tuple(pdfs) if n == 0 else (), long_images=made)
             for n, page in enumerate(print_pages(edition, config)) if n == 0 or made]
    pages += [replace(article_page(a, edition), long_images=(image,)) for a, image in _by_article(edition, made)]
    html = {page.output_path: render_one(env, page, edition, config, assets, STAGES.page_filters, deps)
            for page in pages}
    write.add_to_output(out, html, [p.output_path for p in pdfs], long_images.files)


def _by_article(edition, made: tuple[LongImageFile, ...]):
    of = {image.article: image for image in made}
    return [(a, of[a.output_path]) for a in edition.articles if a.output_path in of]
