"""Loading: front matter → typed Article, every problem with file and line."""
from pathlib import Path

import pytest

from feature.edition.load import find_sources, is_content_file, walk_content
from tests.support import parse

GOOD = """---
headline: 让千万人民过上富裕幸福的生活
deck: ——全市推进脱贫攻坚工作综述
byline:
  - title: 首席记者
    name: 李凤霞
  - 记者 王艳
section: fupin
order: 2
date: 2019-08-01
lede: 导语。
pull_quote: “脱贫路上，决不落下一户一人！”
figures:
  - figure: 1031个工作队
    label: 派出工作队
  - 21.99亿元
extra:
  photo_desk: 张三
---
正文。
"""


def test_front_matter_becomes_typed_fields():
    a, problems = parse(GOOD)
    assert not problems.items
    assert a.headline == "让千万人民过上富裕幸福的生活"
    assert a.deck == "——全市推进脱贫攻坚工作综述"
    assert [(r.title, r.name) for r in a.byline] == [("首席记者", "李凤霞"), ("记者", "王艳")]
    assert str(a.byline[0]) == "首席记者 李凤霞"
    assert (a.section, a.order, a.date, a.slug) == ("fupin", 2, "2019-08-01", "story")
    assert [(f.figure, f.label, f.line) for f in a.curated_figures] == [
        ("1031个工作队", "派出工作队", 14), ("21.99亿元", "", 16)]
    assert dict(a.extra) == {"photo_desk": "张三"}
    assert a.body_markdown == "正文。\n" and a.source_line == 20
    assert a.line_of("section") == 8


def test_bom_and_crlf_are_accepted():
    a, problems = parse(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    assert not problems.items and a.headline.startswith("让千万")


@pytest.mark.parametrize("text, line, fragment", [
    ("", 1, "empty file"),
    ("   \n\n", 1, "empty file"),
    ("正文没有前言\n", 1, "no front matter"),
    ("---\nheadline: x\nsection: a\n", 1, "the front matter that starts with `---` here is never closed"),
    ("---\nheadline: [x\nsection: a\n---\n", 2, "a value that starts with [ must be in quotes"),
    ("---\nsection: a\n---\n", 1, "missing required `headline`"),
    ("---\nheadline: x\n---\n", 1, "missing required `section`"),
    ("---\nheadline: x\nsection: a\nheadlin: y\n---\n", 4, 'unknown front matter key `headlin` (did you mean "headline"?)'),
    ("---\nheadline: x\nsection: a\norder: first\n---\n", 4, "`order` must be a whole number"),
    ("---\nheadline: x\nsection: a\nslug: ../../etc\n---\n", 4, "slug `../../etc` must be lower-case"),
    ("---\nheadline: x\nsection: a\nbyline:\n  - {title: 记者}\n---\n", 5, "each reporter is a line as printed"),
    ("---\nheadline: x\nsection: a\nfigures:\n  - label: 无数字\n---\n", 5, "each figure needs `figure`"),
    ("---\nheadline: {a: 1}\nsection: a\n---\n", 2, "`headline` must be text"),
    ("---\n- a\n- b\n---\n", 2, "expected a mapping"),
])
def test_bad_front_matter_is_reported_with_its_line(text, line, fragment):
    a, problems = parse(text)
    assert a is None
    messages = [str(d) for d in problems.errors]
    assert any(d.line == line and fragment in d.message for d in problems.errors), messages
    assert all(m.startswith("content/alpha/story.md:") for m in messages)


def test_non_utf8_names_the_line():
    a, problems = parse("---\nheadline: 标题\nsection: a\n---\n第一行\n".encode("gb18030"))
    assert a is None
    assert problems.errors[0].line == 2 and "not UTF-8" in problems.errors[0].message


def test_every_problem_of_a_file_is_reported_at_once():
    _, problems = parse("---\nheadlin: x\nsectoin: a\norder: x\n---\n")
    assert len(problems.errors) >= 4     # two unknown keys, two missing, bad order


def test_file_name_that_cannot_be_a_url_asks_for_a_slug():
    a, problems = parse("---\nheadline: x\nsection: a\n---\n", name="alpha/中文名.md")
    assert a is None and "cannot be a URL" in problems.errors[0].message
    a, problems = parse("---\nheadline: x\nsection: a\nslug: zhongwen\n---\n", name="alpha/中文名.md")
    assert a.slug == "zhongwen" and not problems.items


def test_editor_temp_files_never_enter_the_build(tmp_path):
    for name in ["a.md", ".a.md.swp", "a.md~", "4913", ".#a.md", "#a.md#", "b.md.tmp", ".hidden.md", "notes.txt"]:
        (tmp_path / name).write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.md").write_text("x")
    assert [p.name for p in find_sources(tmp_path)] == ["a.md"]
    assert is_content_file(Path("x/story.md")) and not is_content_file(Path("x/.story.md.swp"))


def test_sources_come_in_path_order_from_one_walk(tmp_path):
    """walk_content (scandir, strings) gives exactly rglob's set in Path order:
    nested folders, names that sort differently as strings than as parts,
    hidden folders skipped, symlinked folders not entered."""
    names = ["b.md", "a-b/c.md", "a/z.md", "a/b/c.md", "a.b/x.md", "中文/一.md", "a/b.md", ".h/x.md",
             "a/.x/y.md", "a/photo.jpg", "a/notes.txt"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "linked").symlink_to(tmp_path / "a", target_is_directory=True)
    expected = sorted(p for p in tmp_path.rglob("*.md")
                      if not any(part.startswith(".") for part in p.relative_to(tmp_path).parts))
    assert find_sources(tmp_path) == expected
    assert [Path(p).relative_to(tmp_path).as_posix() for p in walk_content(tmp_path)[0]] == \
        ["a/b/c.md", "a/b.md", "a/z.md", "a-b/c.md", "a.b/x.md", "b.md", "中文/一.md"]
    assert [Path(p).name for p in walk_content(tmp_path)[1]] == ["notes.txt", "photo.jpg"]
