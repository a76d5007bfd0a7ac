"""Stage 2, validate: problems that need the whole edition to see.

Per-file problems (YAML, required keys, slugs) were found while loading;
here: unknown sections, two sources for one page, reading-order mistakes.
"""
from __future__ import annotations

from collections import defaultdict

from .config import Config
from .diagnostics import Diagnostics, did_you_mean
from .model import Article
from . import urls


def validate_edition(articles: list[Article], config: Config, problems: Diagnostics) -> None:
    keys = [s.key for s in config.sections]
    for a in articles:
        if a.section and a.section not in keys:      # no section: loading said so
            problems.error(_shown(a), a.line_of("section"),
                           f"unknown section `{a.section}`{did_you_mean(a.section, keys)}; "
                           f"config.yaml declares: {', '.join(keys)}")
    _check_collisions(articles, problems)
    _check_reading_order(articles, config, problems)
    for key in keys:
        if not any(a.section == key for a in articles):
            problems.warning("config.yaml", 0, f"section `{key}` has no articles")


def _check_collisions(articles: list[Article], problems: Diagnostics) -> None:
    """Two sources, one page: name both files, never let one overwrite the other."""
    by_path = defaultdict(list)
    for a in articles:
        by_path[urls.article_path(a.section, a.slug)].append(a)
    for path, group in sorted(by_path.items()):
        if len(group) > 1:
            names = " and ".join(_shown(a) for a in group)
            for a in group:
                problems.error(_shown(a), a.line_of("slug"),
                               f"two sources for one page `{urls.pretty_url(path)}`: {names}; "
                               "give one of them another `slug:`")


def _check_reading_order(articles: list[Article], config: Config, problems: Diagnostics) -> None:
    known = {a.source.as_posix() for a in articles}
    for entry in config.reading_order:
        if entry.removeprefix("content/") not in known:
            problems.error("config.yaml", 0, f"reading_order lists `{entry}`, which is not an article "
                                             f"in content/{did_you_mean(entry, known)}")
    by_order = defaultdict(list)
    for a in articles:
        if a.order is not None:
            by_order[(a.section, a.order)].append(a)
    for (section, order), group in sorted(by_order.items()):
        if len(group) > 1:
            problems.warning(_shown(group[1]), group[1].line_of("order"),
                             f"`order: {order}` is also used by {_shown(group[0])} in section "
                             f"`{section}`; the file name decides between them")


def _shown(article: Article) -> str:
    return f"content/{article.source.as_posix()}"
