"""Stage 1, load: content/**/*.md → `Article` objects with typed front matter.

Problems are collected, not raised, so one run reports every broken file.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from feature.core.config import SectionConfig
from feature.core.diagnostics import Diagnostics, source_name
from .frontmatter import canonical_keys, missing_section, reporters_of, resolve_section
from feature.core.inputcheck import Refused, TooLarge, name_problem, read_regular, shown_name, text_problems
from feature.core.model import Article, CuratedFigure
from .validate import check_import_flags
from feature.core.yamltext import YamlProblem, load_mapping

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# A long feature is 30 KB; past this, rendering takes seconds per megabyte.
MAX_SOURCE_BYTES = 2**20
# Editors and formatters leave these beside real files; they never enter a build.
_TEMP_NAME = re.compile(r"(^\.|~$|\.sw[a-p]$|^#.*#$|^\d+$|\.tmp$)")


def is_content_file(path: Path) -> bool:
    return path.suffix == ".md" and not _TEMP_NAME.search(path.name)


def find_sources(content_dir: Path) -> list[Path]:
    """Every article source below content/, sorted for a deterministic build."""
    return [Path(p) for p in walk_content(content_dir)[0]]


def walk_content(content_dir: Path) -> tuple[list[str], list[str]]:
    """(article sources, every other file) below content/, as path strings, sorted
    as Paths sort (by parts). Hidden files and folders are left out; symlinked
    folders are not entered (as Path.rglob). One scandir per folder: at 10,000
    articles this is 3× quicker than rglob and Path objects. A list of folders
    to visit, not os.walk, which recurses per level (1,000 nested folders: a
    RecursionError)."""
    sources, others = [], []
    folders = [os.fspath(content_dir)]
    while folders:
        try:
            with os.scandir(folders.pop()) as entries:
                entries = list(entries)
        except OSError:             # as os.walk: a folder that cannot be listed is passed over
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if _is_folder(entry):
                if not entry.is_symlink():
                    folders.append(entry.path)
            else:
                (sources if name.endswith(".md") and not _TEMP_NAME.search(name) else others).append(entry.path)
    sources.sort(key=path_order)
    others.sort(key=path_order)
    return sources, others


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()       # follows a link, as os.walk does
    except OSError:
        return False


def path_order(path: str) -> list[str]:
    """Sort key for path strings that gives Path order (by parts)."""
    return path.split("/")


def load_articles(content_dir: Path, problems: Diagnostics,
                  sections: tuple[SectionConfig, ...] = (), parse=None) -> list[Article]:
    """Every source below content/; one whose front matter has errors as its
    stand-in (parse_source), so validation reports its section in the same run.
    `sections`: config.yaml's, so `section:` may name one by its title; `parse`:
    parse_source or what stands in for it (build/stages.py declares it)."""
    articles = []
    for path in find_sources(content_dir):
        article = load_source(path, content_dir, problems, sections, parse)
        if article is not None:
            articles.append(article)
    return articles


def load_article(path: Path, content_dir: Path, problems: Diagnostics,
                 sections: tuple[SectionConfig, ...] = ()) -> Article | None:
    """One source, or None when it has errors (`build.py figures`)."""
    before = len(problems.errors)
    article = load_source(path, content_dir, problems, sections)
    return article if len(problems.errors) == before else None


def load_source(path: Path, content_dir: Path, problems: Diagnostics,
                sections: tuple[SectionConfig, ...] = (), parse=None) -> Article | None:
    rel = path.relative_to(content_dir)
    shown = shown_source(rel)
    raw = read_source(path, content_dir, shown, problems)
    return None if raw is None else (parse or parse_source)(raw, rel, shown, problems, sections)


def shown_source(rel: Path | str) -> str:
    """'content/fupin/zongshu.md', printable even when the name is not UTF-8."""
    return source_name(shown_name(Path(rel).as_posix()))


def read_source(path: Path | str, content_dir: Path, shown: str, problems: Diagnostics) -> bytes | None:
    """A source's bytes, or None after reporting why it is not read: a name that
    is not text, not a regular file, a link out of content/, too large (all
    found before reading), or unreadable."""
    try:
        bad_name = name_problem(os.fspath(path))
        if bad_name:
            raise Refused(bad_name)
        return read_regular(path, MAX_SOURCE_BYTES, inside=content_dir)
    except TooLarge as exc:
        problems.error(shown, 1, _too_large(exc.size))
    except Refused as exc:
        problems.error(shown, 0, exc.message)
    except OSError as exc:
        problems.error(shown, 0, f"cannot read file: {exc.strerror}")
    return None


def _too_large(size: int) -> str:
    return (f"{size / 2**20:.1f} MB is too large for one article (the limit is "
            f"{MAX_SOURCE_BYTES // 2**20} MB); split it into several articles")


def parse_article(raw: bytes, rel: Path, shown: str, problems: Diagnostics,
                  sections: tuple[SectionConfig, ...] = ()) -> Article | None:
    """Bytes of one source → Article, or None after reporting why not."""
    before = len(problems.errors)
    article = parse_source(raw, rel, shown, problems, sections)
    return article if len(problems.errors) == before else None


def parse_source(raw: bytes, rel: Path, shown: str, problems: Diagnostics,
                 sections: tuple[SectionConfig, ...] = ()) -> Article | None:
    """parse_article, except that a source whose front matter parsed but has
    errors gives a stand-in (`_stand_in`) instead of None; the errors are reported."""
    if len(raw) > MAX_SOURCE_BYTES:
        problems.error(shown, 1, _too_large(len(raw)))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        problems.error(shown, line, "not UTF-8 text (save the file as UTF-8)")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad_text = text_problems(text, references=True)
    for line, message in bad_text:
        problems.error(shown, line, message)
    if bad_text:
        return None
    if not text.strip():
        problems.error(shown, 1, "empty file (expected front matter between --- lines, then the article)")
        return None
    check_import_flags(text, shown, problems)
    split = split_front_matter(text)
    if split is None:
        problems.error(shown, *_no_front_matter(text))
        return None
    yaml_text, body, body_line = split
    try:
        data, lines = load_mapping(yaml_text, first_line=2)
    except YamlProblem as exc:
        for line, message in exc.problems:
            problems.error(shown, line, message)
        return None
    article = _typed_article(data, lines, body, body_line, rel, shown, problems, sections)
    return article if article is not None else _stand_in(data, lines, body, body_line, rel, sections)


def _stand_in(data: dict, lines: dict, body: str, body_line: int, rel: Path,
              sections: tuple[SectionConfig, ...]) -> Article:
    """What the rest of the edition's checks need of a source whose front matter
    has errors (section, slug, body; text where it is text, nothing else): its
    unknown section, a slug that another article uses, a body past the Markdown
    limits are reported in the same run. The build fails on its errors anyway."""
    def text(key: str) -> str:
        value = data.get(key)
        return value.strip() if isinstance(value, str) else ""
    return Article(source=rel, source_line=body_line, headline=text("headline"),
                   section=resolve_section(text("section"), sections),
                   slug=text("slug") or rel.stem, body_markdown=body, field_lines=tuple(sorted(lines.items())))


def _no_front_matter(text: str) -> tuple[int, str]:
    lines = text.split("\n")
    if lines[0].strip() == "---":
        return 1, ("the front matter that starts with `---` here is never closed: add a line `---` after its "
                   "last `key: value` line, before the article's text")
    if lines[0].strip() == "" and "---" in (line.strip() for line in lines[:10]):
        return 1, "the file must start with the line `---`: delete the empty lines above it"
    return 1, ("no front matter: the file must start with a line `---`, "
               "then `headline:`, `section:` …, then a closing `---`")


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """('yaml', 'markdown body', first body line) or None without front matter."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    return None


def _typed_article(data, lines, body, body_line, rel, shown, problems, sections) -> Article | None:
    before = len(problems.errors)
    data, lines = canonical_keys(data, lines, shown, problems)     # byline → reporter, unknown keys
    text = {k: _text(data, k, lines, shown, problems)
            for k in ("headline", "deck", "section", "date", "lede", "pull_quote", "slug")}
    if not text["headline"]:
        problems.error(shown, lines.get("headline", 1), "missing required `headline`")
    if not text["section"]:
        problems.error(shown, lines.get("section", 1), missing_section(sections))
    slug = text["slug"] or rel.stem
    if not SLUG.match(slug):
        where = lines.get("slug", 1)
        what = f"slug `{slug}`" if text["slug"] else f"file name `{rel.name}` cannot be a URL;"
        problems.error(shown, where, f"{what} must be lower-case a-z, 0-9 and - "
                                     "(e.g. `slug: tuopin-zongshu`); it becomes the page's URL")
    order = data.get("order")
    if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
        problems.error(shown, lines["order"], "`order` must be a whole number")
    byline = reporters_of(data.get("reporter"), lines, shown, problems)
    figures = _figures(data.get("figures"), lines, shown, problems)
    extra = data.get("extra") or {}
    if not isinstance(extra, dict):
        problems.error(shown, lines["extra"], "`extra` must be a mapping")
    if len(problems.errors) > before:
        return None
    return Article(
        source=rel, source_line=body_line, headline=text["headline"],
        section=resolve_section(text["section"], sections), slug=slug, body_markdown=body,
        deck=text["deck"], byline=byline, order=order, date=text["date"], lede=text["lede"],
        pull_quote=text["pull_quote"],
        curated_figures=figures, extra=tuple(sorted(extra.items(), key=lambda kv: str(kv[0]))),
        field_lines=tuple(sorted(lines.items())))


def _text(data, key, lines, shown, problems) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):      # YAML turns 2019-08-01 into a date
        return value.isoformat()
    if isinstance(value, (dict, list)) or isinstance(value, bool):
        problems.error(shown, lines[key], f"`{key}` must be text")
        return ""
    return str(value).strip()


def _figures(raw, lines, shown, problems) -> tuple[CuratedFigure, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.error(shown, lines["figures"], "`figures` must be a list of {figure, label}")
        return ()
    out = []
    for i, item in enumerate(raw):
        line = lines.get(f"figures[{i}]", lines["figures"])
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            item = {"figure": str(item)}
        if not isinstance(item, dict) or not item.get("figure") or set(item) - {"figure", "label"}:
            problems.error(shown, line, "each figure needs `figure` (as printed in the text) and optional `label`")
            continue
        out.append(CuratedFigure(str(item["figure"]), str(item.get("label") or ""), line))
    return tuple(out)
