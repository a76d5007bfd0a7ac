"""Import flags in a draft stop the build until an editor resolves them:
nothing the importer doubted can be published by accident."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from feature.cli import main
from feature.core.diagnostics import Diagnostics
from feature.importer import run
from feature.importer.proposals import GUESS_NOTE
from feature.edition.validate import check_import_flags
from tests.support import article

ROOT = Path(__file__).resolve().parents[3]
RAW = ROOT / "sources" / "zhoukou-2019-raw.txt"
_FLAG = re.compile(r"〔？([^〕→]*)(?:→([^〕]*))?〕")


def _messages(text):
    problems = Diagnostics()
    check_import_flags(text, "content/alpha/a.md", problems)
    return [str(d) for d in problems.items]


def test_each_shape_of_flag_is_an_error_naming_it_and_saying_how_to_resolve_it():
    text = "---\nheadline: 标题\nlede: 河畔花〔？园→团〕锦簇\n---\n\n以〔？→后〕来居上，〔？■〕字，理〔？理→〕念。\n"
    [lede, inserted, doubtful, deleted] = _messages(text)
    assert lede.startswith("content/alpha/a.md:3: error: unresolved import flag `〔？园→团〕`: "
                           "the importer proposes “团” for the printed “园”")
    assert "replace the whole flag, brackets included, with the text to print" in lede
    assert "`团` to accept, `园` to keep the print" in lede
    assert inserted.startswith("content/alpha/a.md:6: error: unresolved import flag `〔？→后〕`")
    assert "`〔后〕` for characters an editor supplies" in inserted
    assert "proposes no reading" in doubtful and "〔□〕" in doubtful
    assert "proposes “” for the printed “理”" in deleted


def test_an_unclosed_flag_is_an_error_and_editorial_marks_are_not():
    assert _messages("正文〔？园→团，没有闭合。\n") == [
        "content/alpha/a.md:1: error: import flag `〔？园→团，没有闭合。` is not closed with 〕: finish or "
        "remove it, then replace the whole flag, brackets included, with the text to print, and list a "
        "change of wording in content/corrections.yaml (import-report.md says why it was flagged)"]
    assert _messages("走活满盘“棋”。周〔口，〕这座被，我〔市〕坚持，〔……〕，〔□〕。\n") == []


def _resolve(text: str) -> str:
    """What an editor does: take the proposal where there is one, else keep
    the print; delete the notes on placement once checked."""
    text = text.replace(f"〔？{GUESS_NOTE}〕\n\n", "")
    return _FLAG.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(1), text)


@pytest.mark.parametrize("no_cache", [False, True])
def test_the_imported_drafts_are_refused_until_every_flag_is_resolved(no_cache, make_edition, tmp_path, capsys):
    assert run(RAW, tmp_path / "drafts") == 0
    drafts = {name: (tmp_path / "drafts" / name).read_text(encoding="utf-8")
              for name in ("article-1.md", "article-2.md")}
    files = {f"content/alpha/{name}": text.replace("\norder:", "\nsection: alpha\norder:")
             for name, text in drafts.items()}
    root = make_edition(files)
    build = ["build", "--config", str(root / "config.yaml")] + (["--no-cache"] if no_cache else [])
    capsys.readouterr()
    assert main(build) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if ": error: " in line]
    expected = [f"{rel}:{number}: error: unresolved import flag `{flag}`"
                for rel, text in files.items()
                for number, line in enumerate(text.splitlines(), start=1)
                for flag in (m.group() for m in _FLAG.finditer(line))]
    assert len(expected) >= 10
    assert [e.split("`:")[0] + "`" for e in errors] == expected
    assert "content/alpha/article-2.md:12: error: unresolved import flag `〔？园→团〕`" in expected
    for rel, text in files.items():
        (root / rel).write_text(_resolve(text), encoding="utf-8")
    assert main(build) == 0, capsys.readouterr().err
    page = next((root / "dist").rglob("article-2/index.html")).read_text(encoding="utf-8")
    assert "河畔花团锦簇" in page and "〔？" not in page


def test_a_good_article_with_editorial_marks_builds(make_edition, capsys):
    root = make_edition({"content/alpha/a.md": article(body="我〔市〕坚持以文化人。\n")})
    assert main(["build", "--config", str(root / "config.yaml")]) == 0, capsys.readouterr().err


def test_the_build_never_loads_the_importer_or_its_word_list(make_edition):
    """The word list costs half a second: only `import` may load it."""
    root = make_edition({"content/alpha/a.md": article(body="正文。\n")})
    script = ("import sys; from feature.cli import main; "
              f"code = main(['build', '--config', {str(root / 'config.yaml')!r}]); "
              "loaded = [m for m in sys.modules if m.startswith(('jieba', 'feature.importer', 'docx'))]; "
              "print(code, loaded)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip().splitlines()[-1] == "0 []"
