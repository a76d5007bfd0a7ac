"""Bad input: a clear error naming file and line, every problem in one run,
and the previous dist/ left byte-for-byte as it was.

Cases written as files are folders under tests/build/fixtures/invalid/<case>/: their
files are laid over a small edition that built, `expected.txt` is the whole
error output, the same for the cached build, the clean `--no-cache` build and
the cached build again. Cases that need the file system (pipes, links, file
names, huge files) or a real image are made by tests/system/test_bad_files.py.
"""
import shutil
from pathlib import Path

import pytest

from feature.cli import main
from tests.support import article
from tests.support.badinput import built, good_build  # noqa: F401  (fixtures)

FIXTURES = Path(__file__).parent / "fixtures" / "invalid"

CASES = {
    "invalid YAML": ({"content/alpha/bad.md": "---\nheadline: 标题\nsection: [alpha\n---\n正文\n"},
                     "content/alpha/bad.md:3: error: a value that starts with [ must be in quotes"),
    "missing headline": ({"content/alpha/bad.md": "---\nsection: alpha\n---\n正文\n"},
                         "content/alpha/bad.md:1: error: missing required `headline`"),
    "missing section": ({"content/alpha/bad.md": "---\nheadline: 标题\n---\n正文\n"},
                        "content/alpha/bad.md:1: error: missing required `section`: add `section:` with one of "
                        "alpha (第一部分), beta (第二部分) (the key or the title)\n"),
    "unknown section": ({"content/alpha/bad.md": article("标题", "alpah")},
                        'content/alpha/bad.md:3: error: unknown section `alpah` (did you mean "alpha"?); '
                        "config.yaml declares: alpha (第一部分), beta (第二部分)\n"),
    "unknown section near a title": ({"content/alpha/bad.md": article("标题", "第一")},
                                     'content/alpha/bad.md:3: error: unknown section `第一` (did you mean "第一部分"?); '
                                     "config.yaml declares: alpha (第一部分), beta (第二部分)\n"),
    "a Chinese word for reporter": ({"content/alpha/bad.md": "---\nheadline: 标题\nsection: alpha\n作者: 记者 张三\n---\n"},
                                    'content/alpha/bad.md:4: error: unknown front matter key `作者` (did you mean '
                                    '"reporter"?); free-form data goes under `extra:`\n'),
    "a typo of headline": ({"content/alpha/bad.md": "---\nheadlin: 标题\nsection: alpha\n---\n"},
                           'content/alpha/bad.md:2: error: unknown front matter key `headlin` (did you mean '
                           '"headline"?); free-form data goes under `extra:`\n'),
    "title for headline": ({"content/alpha/bad.md": "---\nheadline: 标题\ntitle: 标题\nsection: alpha\n---\n"},
                           'content/alpha/bad.md:3: error: unknown front matter key `title` (did you mean '
                           '"headline"?); free-form data goes under `extra:`\n'),
    "栏目 for section": ({"content/alpha/bad.md": "---\nheadline: 标题\nsection: alpha\n栏目: 第一部分\n---\n"},
                        'content/alpha/bad.md:4: error: unknown front matter key `栏目` (did you mean '
                        '"section"?); free-form data goes under `extra:`\n'),
    "byline and reporter both": ({"content/alpha/bad.md": article("标题", "alpha", reporter="记者 甲", byline="记者 乙")},
                                 "content/alpha/bad.md:5: error: `byline` and `reporter` are two spellings of one "
                                 "key; keep `reporter`\n"),
    "duplicate slug": ({"content/beta/good.md": article("另一篇", "alpha", slug="good")},
                       "two sources for one page `alpha/good/`: content/alpha/good.md and content/beta/good.md"),
    "slug escaping the output": ({"content/alpha/bad.md": article("标题", "alpha", slug="../../../etc")},
                                 "content/alpha/bad.md:4: error: slug `../../../etc` must be lower-case"),
    "non-UTF-8 file": ({"content/alpha/bad.md": "---\nheadline: 标题\nsection: alpha\n---\n".encode("gbk")},
                       "content/alpha/bad.md:2: error: not UTF-8 text"),
    "empty file": ({"content/alpha/bad.md": ""}, "content/alpha/bad.md:1: error: empty file"),
    "undefined template variable": ({"templates/partials/byline.html": "{{ article.reporter_name }}"},
                                    "templates/partials/byline.html:1: error: UndefinedError"),
    "template syntax": ({"templates/section.html": "{% extends 'base.html' %}\n{% block main %}\n{% if %}\n"},
                        "templates/section.html:3: error: template syntax"),
    "link to a missing anchor": ({"content/alpha/bad.md": article("标题", "alpha", body="[见](../good/index.html#没有)\n")},
                                 "content/alpha/bad.md: error: link to missing anchor `../good/index.html#没有`"),
    "link to a missing page": ({"content/alpha/bad.md": article("标题", "alpha", body="[见](../gone/index.html)\n")},
                               "content/alpha/bad.md: error: link to missing page `../gone/index.html`"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_names_file_and_line_and_keeps_dist(built, case):
    root, rebuild = built
    files, message = CASES[case]
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    err = rebuild()
    assert message in err
    assert "previous output was left untouched" in err


def test_every_problem_is_reported_in_one_run(built):
    root, rebuild = built
    (root / "content/alpha/a.md").write_text("---\nsection: alpha\n---\n")
    (root / "content/alpha/b.md").write_text(article("乙", "nowhere"))
    (root / "content/alpha/c.md").write_text("")
    err = rebuild()
    assert "content/alpha/a.md:1: error: missing required `headline`" in err
    assert "content/alpha/b.md:3: error: unknown section `nowhere`" in err
    assert "content/alpha/c.md:1: error: empty file" in err
    assert "3 error(s)" in err


def test_bad_config_names_line_and_keeps_dist(built):
    root, rebuild = built
    (root / "config.yaml").write_text((root / "config.yaml").read_text() + "outptu: x\n")
    assert 'config.yaml:13: error: unknown key `outptu` (did you mean "output"?)' in rebuild()


def test_an_imported_draft_without_section_is_told_the_sections(built, tmp_path):
    """`import` writes drafts without `section:` (the editor sets it): copied into
    content/ as they are, the error lists what `section:` may say."""
    from tests.support.importer import FARM_OPENING, raw
    root, rebuild = built
    page = tmp_path / "page.txt"
    page.write_text(raw("春耕生产进展顺利", "记者 张明", FARM_OPENING), encoding="utf-8")
    assert main(["import", str(page), "--out", str(tmp_path / "drafts")]) == 0
    (root / "content/alpha/article-1.md").write_bytes((tmp_path / "drafts/article-1.md").read_bytes())
    assert rebuild().startswith(
        "content/alpha/article-1.md:1: error: missing required `section`: add `section:` with one of "
        "alpha (第一部分), beta (第二部分) (the key or the title)\n")


def test_two_articles_with_one_headline_are_a_warning(make_edition, capsys):
    root = make_edition({"content/alpha/a.md": article("同一个标题", "alpha"),
                         "content/beta/b.md": article("同一个标题", "beta")})
    assert main(["build", "--config", str(root / "config.yaml")]) == 0
    assert capsys.readouterr().err.startswith(
        "content/beta/b.md:2: warning: headline `同一个标题` is also the headline of content/alpha/a.md; "
        "readers tell the two apart only by it (cover, search, feed)\n")


def test_an_ambiguous_byline_is_a_warning_with_file_and_line(make_edition, capsys):
    root = make_edition({"content/alpha/a.md": "---\nheadline: 标题\nsection: alpha\nreporter: 记者 王 李四\n---\n正文。\n"})
    assert main(["build", "--config", str(root / "config.yaml")]) == 0
    assert capsys.readouterr().err.startswith(
        "content/alpha/a.md:4: warning: reporter `记者 王 李四`: `王` is one character: if it is part of a name, "
        "remove the space in the name\n")


@pytest.mark.parametrize("case", sorted(p.name for p in FIXTURES.iterdir()))
def test_fixture_case_gives_the_expected_errors_in_every_build(built, case):
    root, rebuild = built
    folder = FIXTURES / case
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and rel.as_posix() != "expected.txt":
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, root / rel)
    expected = (folder / "expected.txt").read_text(encoding="utf-8")
    assert rebuild() == expected
    assert rebuild("--no-cache") == expected
    assert rebuild() == expected            # the cached build, its caches now holding this input
