"""Bylines as Chinese newspapers print them → one `Reporter` per person.

    记者 张三                     记者张三              首席记者 李凤霞
    记者 张三 李四                记者 张三、李四        实习生 王五
    本报记者 张三 通讯员 李四      文/图 张三            本报讯（记者 张三）
    记者 王　艳   (a two-character name padded to three with a full-width space)

A title (from `TITLES`, or one ending in a title: 新华社记者) applies to every
name after it until the next title. A line that cannot be read for certain is
still parsed as well as it can be, and each doubt is given back in plain words
(`Byline.doubts`) for the loader to report at the file's line: never a silent
mis-split. `credits` and `printed` give the newspaper's way of printing several
reporters back: `记者 张三 李四　通讯员 王五`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from feature.core.model import Reporter

# Titles printed before names. The longest that fits is taken (文/图 before 文).
# One-character titles (文, 图, 摄) count only as a word of their own or before
# a slash or colon (文/张三): names hold those characters too (李文华).
TITLES = (
    "记者", "本报记者", "首席记者", "特约记者", "特派记者", "驻站记者", "见习记者", "实习记者",
    "摄影记者", "本报摄影记者", "全媒体记者", "融媒体记者", "评论员", "本报评论员",
    "通讯员", "本报通讯员", "特约通讯员", "实习生", "摄影", "摄", "文/图", "图/文", "文", "图",
    "编辑", "责任编辑", "责编", "美编", "校对", "撰稿", "执笔", "整理", "采写", "制图", "视频", "设计",
)
# Newspapers print these two-character surnames; a four-character name that
# starts with one is one person (欧阳晓峰), any other may be two names run together.
COMPOUND_SURNAMES = frozenset((
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "令狐", "夏侯", "轩辕", "端木", "西门", "南宫", "独孤", "申屠", "万俟", "闻人",
))
_BY_LENGTH = sorted(TITLES, key=len, reverse=True)
_LONG_TITLES = tuple(t for t in _BY_LENGTH if len(t) > 1 and "/" not in t)
# Between names and groups: spaces (the full-width one too), 、 and commas.
_SEPARATOR = re.compile(r"([\s\u3000、，,；;]+)")
_AFTER_TITLE = re.compile(r"^[/:：]+")
_NEWS_LEAD = re.compile(r"^(?:本报讯|本刊讯)[\s:：]*")
_BRACKETED = re.compile(r"^[（(](.*)[）)]$")
_CJK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")
_DOTTED = re.compile(r"^[\u3400-\u9fff]+(?:[·•・][\u3400-\u9fff]+)+$")   # 买买提·艾力
_LATIN = re.compile(r"^[A-Za-z][A-Za-z.'-]*$")
# A last word that says what the byline is, not who: 记者 张三 报道.
_CLOSING_WORDS = ("报道", "报导")


@dataclass(frozen=True)
class Byline:
    """A printed byline read: the reporters, and why any part of it is uncertain."""
    reporters: tuple[Reporter, ...]
    doubts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Credit:
    """One title as printed and the names after it (记者 张三 李四)."""
    title: str
    names: tuple[str, ...]


def parse_byline(text: str) -> Byline:
    """One printed byline (`本报记者 张三 通讯员 李四`) → its reporters and doubts."""
    inner, doubts = _unwrap(text.strip())
    reporters: list[Reporter] = []
    title, words = "", []
    for kind, word, separator in _words(inner):
        if kind == "title":
            if title and not words:
                doubts.append(f"`{title}` has no name after it")
            reporters += [Reporter(n, title) for n in _names(words, doubts)]
            title, words = word, []
        else:
            words.append((word, separator))
    if title and not words:
        doubts.append(f"`{title}` has no name after it")
    reporters += [Reporter(n, title) for n in _names(words, doubts)]
    if not reporters and not doubts:
        doubts.append("no name in it")
    return Byline(tuple(reporters), tuple(doubts))


def credits(reporters) -> tuple[Credit, ...]:
    """Consecutive reporters with the same title share it, as printed."""
    out: list[Credit] = []
    for r in reporters:
        if out and out[-1].title == r.title:
            out[-1] = Credit(r.title, (*out[-1].names, r.name))
        else:
            out.append(Credit(r.title, (r.name,)))
    return tuple(out)


def printed(reporters) -> str:
    """`记者 张三 李四　通讯员 王五`: names after their shared title, groups apart by a full-width space."""
    return "\u3000".join(" ".join(filter(None, (c.title, *c.names))) for c in credits(reporters))


def _unwrap(text: str) -> tuple[str, list[str]]:
    """`本报讯（记者 张三）` → `记者 张三`: the dateline and brackets around a byline."""
    doubts: list[str] = []
    text = _NEWS_LEAD.sub("", text)
    bracketed = _BRACKETED.match(text)
    if bracketed:
        return bracketed.group(1).strip(), doubts
    for opening, closing in (("（", "）"), ("(", ")")):
        if text.startswith(opening) and closing in text:
            inner, _, rest = text[1:].partition(closing)
            doubts.append(f"`{rest.strip()}` after the brackets is not part of a byline")
            return inner.strip(), doubts
    return text, doubts


def _words(text: str):
    """('title', 记者, separator before) and ('name', 张三, separator before) in
    printed order; a title glued to a name (记者张三, 图/李四, 新华社记者张三) is split off."""
    parts = _SEPARATOR.split(text.replace("／", "/"))      # token, separator, token, …
    tokens = [(parts[i], parts[i - 1] if i else "") for i in range(0, len(parts), 2) if parts[i]]
    if len(tokens) > 1 and tokens[-1][0] in _CLOSING_WORDS:
        tokens.pop()
    for token, separator in tokens:
        title, rest = _split_title(token)
        if title:
            yield "title", title, separator
        if rest:
            yield "name", rest, "" if title else separator


def _split_title(token: str) -> tuple[str, str]:
    for title in _BY_LENGTH:
        if token == title:
            return title, ""
        if token.startswith(title):
            rest = token[len(title):]
            if len(title) > 1 or _AFTER_TITLE.match(rest):
                return title, _AFTER_TITLE.sub("", rest)
    for title in _LONG_TITLES:                  # an outlet before the title: 新华社记者(张三)
        at = token.find(title)
        if 0 < at <= 8:
            end = at + len(title)
            return token[:end], _AFTER_TITLE.sub("", token[end:])
    return "", token


def _names(words: list[tuple[str, str]], doubts: list[str]) -> list[str]:
    """The names of one title's run of (word, separator before it). Lone characters
    are parts of names spaced out for alignment (王　艳); anything else unusual is a doubt."""
    names: list[str] = []
    i = 0
    while i < len(words):
        run = _run(words, i, _is_lone_character)
        if run:
            names += _padded_names(run, doubts)
        else:
            run = _run(words, i, _LATIN.match)          # a Latin name is several words: John Smith
            if run:
                names.append(" ".join(w for w, _ in run))
            else:
                run = words[i:i + 1]
                doubt = _name_doubt(run[0][0])
                if doubt:
                    doubts.append(doubt)
                names.append(run[0][0])
        i += len(run)
    return names


def _run(words, start: int, test) -> list[tuple[str, str]]:
    end = start
    while end < len(words) and test(words[end][0]):
        end += 1
    return words[start:end]


def _is_lone_character(word: str) -> bool:
    return len(word) == 1 and bool(_CJK.match(word))


def _padded_names(run: list[tuple[str, str]], doubts: list[str]) -> list[str]:
    """`王　艳` → 王艳; `王　艳 李　四` → 王艳, 李四 when the space inside each name
    differs from the one between them; otherwise it is a doubt (read as pairs)."""
    characters = [w for w, _ in run]
    inside = {sep for _, sep in run[1::2]}
    between = {sep for _, sep in run[2::2]}
    if len(run) == 1:
        doubts.append(f"`{characters[0]}` is one character: if it is part of a name, remove the space in the name")
        return characters
    if len(run) % 2 or len(inside) != 1 or not inside.isdisjoint(between) or not inside.pop().isspace():
        doubts.append(f"cannot tell where the names in `{' '.join(characters)}` begin and end "
                      "(write each name without spaces inside it)")
    return ["".join(characters[i:i + 2]) for i in range(0, len(characters), 2)]


def _name_doubt(word: str) -> str:
    if _DOTTED.match(word):
        return ""
    if not _CJK.match(word):
        return f"`{word}` does not look like a name"
    if len(word) > 4 or (len(word) == 4 and word[:2] not in COMPOUND_SURNAMES):
        return (f"`{word}` may be two names run together: put a space or 、 between them "
                f"(or write `- {{title: …, name: {word}}}` if it is one name)")
    return ""
