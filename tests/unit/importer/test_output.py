"""`import RAW --out D` never overwrites an editor's work: a draft that
differs from what the importer last wrote there is kept, and the new import
goes beside it, with a message saying so."""
from feature.importer import run

from tests.support.importer import INTERLEAVED, raw


def _import(tmp_path, capsys) -> tuple[int, str]:
    source = tmp_path / "page.txt"
    if not source.exists():
        source.write_text(INTERLEAVED, encoding="utf-8")
    code = run(source, tmp_path / "drafts")
    return code, capsys.readouterr().err


def _names(folder):
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_importing_again_over_untouched_drafts_rewrites_them_quietly(tmp_path, capsys):
    assert _import(tmp_path, capsys) == (0, "")
    (tmp_path / "page.txt").write_text(INTERLEAVED.replace("春耕播种", "春播"), encoding="utf-8")
    assert _import(tmp_path, capsys) == (0, "")
    assert _names(tmp_path / "drafts") == ["article-1.md", "article-2.md", "import-report.md"]
    assert "春播进展顺利" in (tmp_path / "drafts" / "article-1.md").read_text(encoding="utf-8")


def test_an_edited_draft_is_kept_and_the_new_import_goes_beside_it(tmp_path, capsys):
    _import(tmp_path, capsys)
    draft = tmp_path / "drafts" / "article-1.md"
    edited = draft.read_text(encoding="utf-8").replace("order: 1", "section: fupin\norder: 1")
    draft.write_text(edited, encoding="utf-8")
    code, err = _import(tmp_path, capsys)
    assert code == 0
    assert draft.read_text(encoding="utf-8") == edited
    beside = tmp_path / "drafts" / "article-1.md.new"
    assert "section: fupin" not in beside.read_text(encoding="utf-8")
    assert err.strip() == (f"{draft}: warning: edited since the last import, so it was kept as it is; the new "
                           f"import is beside it as {beside} (compare them and merge by hand)")
    # Untouched drafts are still the importer's to rewrite; the build never reads a .new file.
    assert _names(tmp_path / "drafts") == ["article-1.md", "article-1.md.new", "article-2.md", "import-report.md"]
    # Importing again replaces the importer's own .new, still keeping the edit.
    assert _import(tmp_path, capsys)[0] == 0
    assert draft.read_text(encoding="utf-8") == edited


def test_a_file_the_importer_never_wrote_is_kept(tmp_path, capsys):
    (tmp_path / "drafts").mkdir()
    mine = tmp_path / "drafts" / "import-report.md"
    mine.write_text("my notes\n", encoding="utf-8")
    code, err = _import(tmp_path, capsys)
    assert code == 0 and mine.read_text(encoding="utf-8") == "my notes\n"
    assert (tmp_path / "drafts" / "import-report.md.new").exists() and "import-report.md.new" in err


def test_when_the_file_beside_is_edited_too_nothing_is_written(tmp_path, capsys):
    _import(tmp_path, capsys)
    draft = tmp_path / "drafts" / "article-1.md"
    draft.write_text("edited\n", encoding="utf-8")
    _import(tmp_path, capsys)
    (tmp_path / "drafts" / "article-1.md.new").write_text("merged here\n", encoding="utf-8")
    report = (tmp_path / "drafts" / "import-report.md").read_bytes()
    (tmp_path / "page.txt").write_text(raw("春耕生产进展顺利", "记者 张明", "另一段正文，完全不同。"), encoding="utf-8")
    code, err = _import(tmp_path, capsys)
    assert code == 1
    assert "were both edited since the last import; nothing was written" in err
    assert (tmp_path / "drafts" / "import-report.md").read_bytes() == report
    assert draft.read_text(encoding="utf-8") == "edited\n"
