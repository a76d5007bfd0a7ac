"""Stage 2, validate: problems that need the whole edition to see.

Per-file problems (YAML, required keys, slugs) were found while loading;
here: unknown sections, two sources for one page, reading-order mistakes.
"""
from __future__ import annotations

import re
from collections import defaultdict

from feature.core.config import Config
from feature.core.diagnostics import Diagnostics, did_you_mean, source_name
from .frontmatter import unknown_section
from feature.core.model import Article
from feature.core import urls


# A flag the importer leaves in a draft where it doubts the print
# (feature/importer/marks.py): 〔？printed→proposed〕, 〔？→inserted〕 or
# 〔？doubtful〕. Editorial marks proper (〔……〕, 〔字〕, 〔□〕) never open with ？.
IMPORT_FLAG_OPEN = "〔？"
IMPORT_FLAG_CLOSE = "〕"
_IMPORT_FLAG = re.compile(f"{IMPORT_FLAG_OPEN}([^{IMPORT_FLAG_CLOSE}\n]*)({IMPORT_FLAG_CLOSE})?")


def check_import_flags(text: str, shown: str, problems: Diagnostics) -> None:
    """An article that still holds an import flag is not published: the flag
    marks print the importer doubted and no editor has decided yet."""
    for number, line in enumerate(text.split("\n"), start=1):
        for match in _IMPORT_FLAG.finditer(line):
            problems.error(shown, number, _flag_message(match))


def _flag_message(match: re.Match) -> str:
    flag, inside = match.group(), match.group(1)
    todo = ("replace the whole flag, brackets included, with the text to print, and list a change "
            "of wording in content/corrections.yaml (import-report.md says why it was flagged)")
    if not match.group(2):
        return f"import flag `{flag}` is not closed with 〕: finish or remove it, then {todo}"
    printed, arrow, proposed = inside.partition("→")
    if not arrow:
        return (f"unresolved import flag `{flag}`: the importer doubts “{printed}” and proposes no "
                f"reading; {todo} (〔□〕 for a character that stays unreadable)")
    if not printed:
        return (f"unresolved import flag `{flag}`: the importer proposes to insert “{proposed}” here; "
                f"{todo}: `{proposed}` if certain, `〔{proposed}〕` for characters an editor supplies, "
                "`〔……〕` for text lost, or nothing")
    return (f"unresolved import flag `{flag}`: the importer proposes “{proposed}” for the printed "
            f"“{printed}”; {todo}: `{proposed}` to accept, `{printed}` to keep the print")


def validate_edition(articles: list[Article], config: Config, problems: Diagnostics) -> None:
    keys = [s.key for s in config.sections]
    for a in articles:
        if a.section and a.section not in keys:      # no section: loading said so
            problems.error(source_name(a.source), a.line_of("section"), unknown_section(a.section, config.sections))
    _check_collisions(articles, problems)
    _check_headlines(articles, problems)
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
            names = " and ".join(source_name(a.source) for a in group)
            for a in group:
                problems.error(source_name(a.source), a.line_of("slug"),
                               f"two sources for one page `{urls.pretty_url(path)}`: {names}; "
                               "give one of them another `slug:`")


def _check_headlines(articles: list[Article], problems: Diagnostics) -> None:
    """Two articles with one headline: readers tell stories apart by it (cover, search, feed)."""
    first: dict[str, Article] = {}
    for a in articles:
        seen = first.setdefault(a.headline, a)
        if seen is not a:
            problems.warning(source_name(a.source), a.line_of("headline"),
                             f"headline `{a.headline}` is also the headline of {source_name(seen.source)}; "
                             "readers tell the two apart only by it (cover, search, feed)")


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
            problems.warning(source_name(group[1].source), group[1].line_of("order"),
                             f"`order: {order}` is also used by {source_name(group[0].source)} in section "
                             f"`{section}`; the file name decides between them")
