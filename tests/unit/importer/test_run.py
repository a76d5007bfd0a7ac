"""`run`: drafts and report written together; errors name file and line."""
import yaml

from feature.importer import run

from tests.support.importer import FARM_OPENING, INTERLEAVED, raw


def _front_matter(path):
    _, matter, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(matter), body


def test_run_writes_one_draft_per_article_and_the_report(tmp_path, capsys):
    raw_path = tmp_path / "page.txt"
    raw_path.write_text(INTERLEAVED, encoding="utf-8")
    assert run(raw_path, tmp_path / "out") == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".import-record.json", "article-1.md", "article-2.md", "import-report.md"]
    matter, body = _front_matter(tmp_path / "out" / "article-1.md")
    assert matter == {"headline": "春耕生产进展顺利", "reporter": "记者 张明",
                      "order": 1, "lede": FARM_OPENING}
    assert "\n## 农机服务保播种\n" in body
    assert "2 articles" in capsys.readouterr().out


def test_draft_marks_the_pull_quote_in_front_matter_and_as_a_blockquote(tmp_path):
    raw_path = tmp_path / "page.txt"
    raw_path.write_text(INTERLEAVED.replace(FARM_OPENING, FARM_OPENING + "\n\n“决不落下一户一人！”"),
                        encoding="utf-8")
    run(raw_path, tmp_path / "out")
    matter, body = _front_matter(tmp_path / "out" / "article-1.md")
    assert matter["pull_quote"] == "“决不落下一户一人！”"
    assert "\n> “决不落下一户一人！”\n" in body


def test_report_accounts_for_every_join_marker_duplicate_and_flag(tmp_path):
    page = raw("春耕生产进展顺利", "记者 张明", FARM_OPENING,
               "全县共投入农机两千台，农机手分片包干，小麦播种面", "积十二万亩，决战春耕 ■ 力同心。①6",
               "全县共投入农机两千台，农机手分片包干，小麦播种面积十二万亩，决战春耕 ■ 力同心。",
               "春耕还在继续，农机")
    raw_path = tmp_path / "page.txt"
    raw_path.write_text(page, encoding="utf-8")
    run(raw_path, tmp_path / "out")
    report = (tmp_path / "out" / "import-report.md").read_text(encoding="utf-8")
    assert "- raw lines 7–9 → (not in a draft): …，小麦播种面 | 积十二万亩，… (in a copy dropped as a duplicate)" in report
    assert "- raw line 9: ①6" in report
    # Same text twice: the copy printed in one piece is kept, the re-broken one dropped.
    assert "- raw lines 7–9 (exact copy) “全县共投入农机两千台" in report
    assert "the kept copy is at raw line 11, `article-1.md:13`" in report
    # Each doubt names the draft's line and the raw line, and shows the flag as the draft has it.
    assert "- [ ] `article-1.md:13` (raw line 11) — undecoded glyph: …二万亩，决战春耕〔？■→戮〕力同心。…" in report
    assert "- [ ] `article-1.md:15` (raw line 13) — paragraph ends mid-sentence: …耕还在继续，农机〔？→……〕…" in report
    draft = (tmp_path / "out" / "article-1.md").read_text(encoding="utf-8").splitlines()
    assert draft[12] == "全县共投入农机两千台，农机手分片包干，小麦播种面积十二万亩，决战春耕〔？■→戮〕力同心。"
    assert draft[14] == "春耕还在继续，农机〔？→……〕"


def test_missing_file_is_an_error_naming_it(tmp_path, capsys):
    assert run(tmp_path / "nope.txt", tmp_path / "out") == 1
    assert capsys.readouterr().err.startswith(f"{tmp_path / 'nope.txt'}: error: cannot read")
    assert not (tmp_path / "out").exists()


def test_invalid_utf8_is_an_error_naming_file_and_line(tmp_path, capsys):
    raw_path = tmp_path / "page.txt"
    raw_path.write_bytes("标题\n\n正文。\n".encode() + b"\xff\xfe\n")
    assert run(raw_path, tmp_path / "out") == 1
    assert capsys.readouterr().err.strip() == f"{raw_path}:4: error: not UTF-8 text (byte 0xff)"


def test_text_without_a_headline_is_an_error_at_its_first_line(tmp_path, capsys):
    raw_path = tmp_path / "page.txt"
    raw_path.write_text("\n\n只有一段正文，没有标题也没有署名。\n", encoding="utf-8")
    assert run(raw_path, tmp_path / "out") == 1
    assert capsys.readouterr().err.startswith(f"{raw_path}:3: error: no headline found")


def test_empty_text_is_an_error(tmp_path, capsys):
    raw_path = tmp_path / "page.txt"
    raw_path.write_text("\n \n", encoding="utf-8")
    assert run(raw_path, tmp_path / "out") == 1
    assert capsys.readouterr().err.strip() == f"{raw_path}:1: error: no text to import"
