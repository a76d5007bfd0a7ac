"""The front matter's vocabulary: the keys an article may use, and what an
editor most likely meant by a key that is not one of them.

The design card's words come first (`headline`, `reporter`, `section`); two
keys have a second spelling that existing content uses (`byline`, `summary`):
one meaning, two spellings, so giving both in one file is an error. An unknown
key is answered with the key its writer most likely meant: a word editors type
for it, in English or Chinese (`作者`, `author` → `reporter`), or a typo of a
key (`headlin` → `headline`); never a guess that has nothing to do with it.
"""
from __future__ import annotations

import difflib

from .bylines import parse_byline
from feature.core.config import SectionConfig
from feature.core.diagnostics import Diagnostics
from feature.core.model import Reporter

KEYS = ("headline", "deck", "reporter", "section", "order", "slug", "date", "lede", "pull_quote",
        "figures", "extra")
ALIASES = {"byline": "reporter", "summary": "lede"}

# What editors type for each key. Checked as whole words first; the longer ones
# (and the keys themselves) also catch typos.
SYNONYMS = {
    "headline": ("title", "heading", "head", "hed", "headlines", "标题", "题目", "主题", "主标题", "大标题",
                 "新闻标题", "题"),
    "deck": ("subtitle", "sub_title", "subheadline", "dek", "副题", "副标题"),
    "reporter": ("author", "authors", "writer", "writers", "reporters", "by", "credit", "credits",
                 "作者", "记者", "署名", "作者署名", "通讯员", "撰稿", "撰稿人", "采写", "文"),
    "section": ("category", "categories", "column", "channel", "sections", "栏目", "版块", "板块", "专栏",
                "分类", "类别", "频道", "版面"),
    "lede": ("lead", "intro", "introduction", "description", "excerpt", "abstract", "standfirst", "teaser",
             "blurb", "导语", "摘要", "简介", "提要", "内容提要", "引言"),
    "date": ("published", "publish_date", "pubdate", "time", "datetime", "日期", "时间", "发布日期",
             "发布时间", "发表日期", "刊发日期", "见报日期", "出版日期"),
    "order": ("position", "sort", "sort_order", "weight", "rank", "index", "排序", "顺序", "序号", "次序",
              "编号"),
    "figures": ("key_figures", "numbers", "stats", "statistics", "figure", "关键数字", "数字", "数据",
                "数说", "数字看点", "重点数字"),
    "pull_quote": ("quote", "pullquote", "blockquote", "highlight", "引语", "金句", "引文", "摘句"),
    "slug": ("url", "permalink", "path", "link", "filename", "网址", "链接", "路径", "别名", "文件名"),
    "extra": ("meta", "custom", "data", "params", "other", "misc", "notes", "其他", "其它", "附加",
              "自定义", "备注"),
}
# Words for things that are not front matter at all: where they go instead.
ELSEWHERE = {
    "photos go in the body: ![what it shows](photo.jpg \"caption｜摄影 张三\")":
        ("image", "images", "photo", "photos", "picture", "cover", "cover_image", "thumbnail",
         "图片", "照片", "图", "题图", "封面", "封面图", "配图"),
    "subheads are `## ` lines in the body": ("subhead", "subheads", "subheading", "小标题"),
}
# Typos are looked for only among words this long (Chinese: 3 characters): a
# typo of `hed`, `by` or 标题 is as near to unrelated words as to them.
_TYPO_MIN_LENGTH = 4


def _normal(word: str) -> str:
    """`Pull-Quote`, `pull quote`, `pull_quote` → `pullquote`."""
    return "".join(ch for ch in word.strip().lower() if ch not in "_- ")


_MEANT = {_normal(w): key for key, words in SYNONYMS.items() for w in words}
_MEANT.update({_normal(k): k for k in KEYS})
_MEANT.update({_normal(a): k for a, k in ALIASES.items()})
_SPELLINGS = frozenset(_normal(k) for k in (*KEYS, *ALIASES))
_ELSEWHERE = {_normal(w): hint for hint, words in ELSEWHERE.items() for w in words}
_TYPO_TARGETS = tuple((w, key) for w, key in _MEANT.items()
                      if len(w) >= (_TYPO_MIN_LENGTH if w.isascii() else 3))


def meant_key(key: str) -> str:
    """The key an editor most likely meant by `key` (a key, alias, word for it or a
    typo of one), or "" when nothing is close enough to be a fair guess."""
    word = _normal(key)
    if word in _MEANT:
        return _MEANT[word]
    best, found = None, set()
    for target, meant in _TYPO_TARGETS:
        if target.isascii() != word.isascii():
            continue
        distance = _edit_distance(word, target)
        if distance > _typo_allowance(target):
            continue
        # As near to a key as to a word for another one (`otder`: order, other): the key.
        rank = (distance, target not in _SPELLINGS)
        if best is None or rank < best:
            best, found = rank, {meant}
        elif rank == best:
            found.add(meant)
    return found.pop() if len(found) == 1 else ""


def unknown_key_hint(key: str) -> str:
    """' (did you mean "reporter"?)', where a key belongs instead, or ''."""
    meant = meant_key(key)
    if meant:
        return f' (did you mean "{meant}"?)'
    elsewhere = _ELSEWHERE.get(_normal(key))
    return f" ({elsewhere})" if elsewhere else ""


def canonical_keys(data: dict, lines: dict[str, int], shown: str,
                   problems: Diagnostics) -> tuple[dict, dict[str, int]]:
    """Front matter with second spellings under the card's keys (`byline` →
    `reporter`), and their lines likewise; unknown keys and keys given twice
    (`byline` and `reporter`) are reported."""
    out, out_lines = {}, {}
    for key, value in data.items():
        name = ALIASES.get(key, key)
        if name not in KEYS:
            problems.error(shown, lines[key], f"unknown front matter key `{key}`{unknown_key_hint(str(key))}; "
                                              "free-form data goes under `extra:`")
            continue
        if name in out:
            spellings = sorted(k for k in data if ALIASES.get(k, k) == name)
            problems.error(shown, lines[key], f"{' and '.join(f'`{s}`' for s in spellings)} are two spellings "
                                              f"of one key; keep `{name}`")
            continue
        out[name] = value
        out_lines[name] = lines[key]
        for i in range(len(value) if isinstance(value, list) else 0):
            out_lines[f"{name}[{i}]"] = lines[f"{key}[{i}]"]
    return out, out_lines


def reporters_of(value, lines: dict[str, int], shown: str, problems: Diagnostics) -> tuple[Reporter, ...]:
    """`reporter:` (or `byline:`) → one Reporter per person. It is the byline as
    printed (`记者 张三 李四`), a list of such lines, or a list of {title, name};
    a printed line that cannot be read for certain is a warning at its line."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ()
    line = lines.get("reporter", 1)
    if not isinstance(value, (str, list, dict)):
        problems.error(shown, line, "`reporter` must be the byline as printed (`记者 张三`), a list of such "
                                    "lines, or a list of `{title: 记者, name: 张三}`")
        return ()
    reporters: list[Reporter] = []
    for i, item in enumerate(value if isinstance(value, list) else [value]):
        at = lines.get(f"reporter[{i}]", line)
        if isinstance(item, str) and item.strip():
            byline = parse_byline(item)
            reporters += byline.reporters
            for doubt in byline.doubts:
                problems.warning(shown, at, f"reporter `{item.strip()}`: {doubt}")
        elif isinstance(item, dict) and item.get("name") and set(item) <= {"name", "title"}:
            reporters.append(Reporter(str(item["name"]).strip(), str(item.get("title") or "").strip()))
        else:
            problems.error(shown, at, "each reporter is a line as printed (`- 首席记者 李凤霞`) or has a `name` "
                                      "and optional `title` (`- {title: 首席记者, name: 李凤霞}`)")
    return tuple(reporters)


def missing_section(sections: tuple[SectionConfig, ...]) -> str:
    """The error for an article without `section:` (an imported draft has none yet)."""
    if not sections:
        return "missing required `section`"
    return (f"missing required `section`: add `section:` with one of {section_choices(sections)} "
            f"(the key or the title)")


def resolve_section(written: str, sections: tuple[SectionConfig, ...]) -> str:
    """`section:` as written (a key, or a title as config.yaml declares it) → the key;
    as written when it is neither (validate.py reports it)."""
    for s in sections:
        if written == s.key:
            return s.key
    for s in sections:
        if written == s.title:
            return s.key
    return written


def section_choices(sections: tuple[SectionConfig, ...]) -> str:
    """`fupin (脱贫攻坚), baicheng (百城提质)`: what `section:` may name."""
    return ", ".join(f"{s.key} ({s.title})" for s in sections)


def unknown_section(written: str, sections: tuple[SectionConfig, ...]) -> str:
    """The error for a `section:` that names no section, with the nearest key or title."""
    names = [name for s in sections for name in (s.key, s.title)]
    close = difflib.get_close_matches(written, names, n=1, cutoff=0.5)
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    return f"unknown section `{written}`{hint}; config.yaml declares: {section_choices(sections)}"


def _typo_allowance(target: str) -> int:
    if not target.isascii():
        return 1                    # 关键数子 → 关键数字; two-character words never (标提 is no 标题)
    return 1 if len(target) <= 5 else 2


def _edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from a to b."""
    if abs(len(a) - len(b)) > 2:
        return 3
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        previous2, previous = previous, row
    return previous[-1]
