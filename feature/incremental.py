"""The pipeline kept warm between builds, for the preview server and rebuilds.

`IncrementalBuilder.build(changed)` gives exactly the bytes a clean build
gives; it only skips work whose inputs did not change. Articles are cached by
the bytes of their source, so an edit re-parses and re-renders one article.
"""
from __future__ import annotations

import hashlib
import time
from pathlib import Path

from .config import Config, load_config
from .diagnostics import BuildError, Diagnostics
from .enrich import assemble_edition, check_figure_consistency, enrich_article
from .load import find_sources, parse_article
from .markup import MarkdownRenderer
from .pipeline import BuildResult, render_edition
from .validate import validate_edition
from .write import write_site


class IncrementalBuilder:
    def __init__(self, config_path: Path, out_dir: Path | None = None, base_url: str | None = None):
        self.config_path = config_path
        self.out_dir = out_dir
        self.base_url = base_url
        self._articles: dict[Path, tuple[str, object, list]] = {}   # path → (digest, article, warnings)
        self._enrich_cache: dict[str, tuple[object, list]] = {}     # digest → (enriched, warnings)
        self._renderer: MarkdownRenderer | None = None
        self._renderer_flag: bool | None = None

    def build(self, changed: set[Path] | None = None) -> BuildResult:
        """Rebuild after `changed` files (None: unknown, check everything).

        Raises BuildError with every problem; the output folder is then untouched.
        """
        start = time.perf_counter()
        config = load_config(self.config_path).with_overrides(base_url=self.base_url)
        problems = Diagnostics()
        articles = self._load_and_enrich(config, problems)
        prepared = time.perf_counter()
        edition = assemble_edition(articles, config)
        check_figure_consistency(edition, problems)
        files, checked = render_edition(edition, config, problems)
        protected = [config.content_dir, config.templates_dir, config.static_dir, self.config_path]
        written = write_site(files, self.out_dir or config.output_dir, protected)
        end = time.perf_counter()
        timings = {"prepare": prepared - start, "render": end - prepared, "total": end - start}
        return BuildResult(edition, files, problems.warnings, checked, timings, written)

    def _load_and_enrich(self, config: Config, problems: Diagnostics) -> list:
        # Enriched articles depend on these config values too: a change drops the cache.
        flags = (config.allow_raw_html, config.sidebar_figures)
        if self._renderer is None or self._renderer_flag != flags:
            self._renderer = MarkdownRenderer(allow_raw_html=config.allow_raw_html)
            self._renderer_flag = flags
            self._sidebar_size = config.sidebar_figures
            self._articles.clear()
            self._enrich_cache.clear()
        loaded, seen = [], set()
        for path in find_sources(config.content_dir):
            seen.add(path)
            raw = path.read_bytes()
            # The path is part of the key: the same bytes at two paths are two articles.
            digest = hashlib.sha1(raw + b"\0" + str(path).encode()).hexdigest()
            cached = self._articles.get(path)
            if cached is None or cached[0] != digest:
                local = Diagnostics()
                rel = path.relative_to(config.content_dir)
                article = parse_article(raw, rel, f"content/{rel.as_posix()}", local)
                cached = (digest, article, local.items)
                self._articles[path] = cached
            problems.items.extend(cached[2])
            if cached[1] is not None:
                loaded.append(cached[1])
        for gone in set(self._articles) - seen:
            del self._articles[gone]
        validate_edition(loaded, config, problems)
        if problems:
            raise BuildError(problems.errors)
        digests = {id(c[1]): c[0] for c in self._articles.values()}
        enriched = [self._enriched(a, digests[id(a)], problems) for a in loaded]
        live = set(digests.values())
        for stale in set(self._enrich_cache) - live:
            del self._enrich_cache[stale]
        return enriched

    def _enriched(self, article, digest: str, problems: Diagnostics):
        if digest not in self._enrich_cache:
            local = Diagnostics()
            self._enrich_cache[digest] = (enrich_article(article, self._renderer, local, self._sidebar_size), local.items)
        enriched, warnings = self._enrich_cache[digest]
        problems.items.extend(warnings)
        return enriched
