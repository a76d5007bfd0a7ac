"""The committed content/ is the import plus the listed corrections, nothing
more and nothing less, so the two cannot drift apart silently."""
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

from feature.importer import import_raw

ROOT = Path(__file__).resolve().parents[3]
RAW = ROOT / "sources" / "zhoukou-2019-raw.txt"
CORRECTIONS = ROOT / "content" / "corrections.yaml"
FILES = ("content/fupin/zongshu.md", "content/baicheng/sanchuan-diebian.md")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；])|(?<=……)")
# Editorial marks (docs/editorial-conventions.md) are the editor's words, not the text's.
_EDITORIAL = re.compile(r"〔[^〕]*〕")


def _norm(text: str) -> str:
    text = _EDITORIAL.sub("", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZC")


def _sentences(text: str) -> list[str]:
    return [_norm(s) for s in _SENTENCE_END.split(text) if _norm(s)]


def _read(path: str) -> tuple[dict, str]:
    _, matter, body = (ROOT / path).read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(matter), body


def _plain(body: str) -> str:
    return re.sub(r"^(?:## |> )", "", body, flags=re.M)


@pytest.fixture(scope="module")
def imported() -> dict[str, str]:
    """Each content file's article as imported, corrections applied: one
    paragraph per line."""
    result = import_raw(RAW.read_text(encoding="utf-8"), "sources/zhoukou-2019-raw.txt")
    by_headline = {a.headline: "\n".join(b.text for b in a.blocks) for a in result.articles}
    return {path: by_headline[_read(path)[0]["headline"]] for path in FILES}


@pytest.fixture(scope="module")
def corrections() -> list[dict]:
    return yaml.safe_load(CORRECTIONS.read_text(encoding="utf-8"))


def _corrected(text: str, path: str, corrections: list[dict]) -> str:
    for c in corrections:
        if c["file"] == path:
            text = text.replace(c["original"], c["corrected"])
    return text


def test_every_correction_applies_once_and_is_in_the_content(imported, corrections):
    assert corrections and all(set(c) == {"file", "original", "corrected", "reason"} for c in corrections)
    for c in corrections:
        assert imported[c["file"]].count(c["original"]) == 1, c["original"]
        assert c["corrected"] in _read(c["file"])[1], c["corrected"]


@pytest.mark.parametrize("path", FILES)
def test_content_holds_every_imported_sentence(path, imported, corrections):
    content = _norm(_plain(_read(path)[1]))
    missing = [s for s in _sentences(_corrected(imported[path], path, corrections)) if s not in content]
    assert missing == []


@pytest.mark.parametrize("path", FILES)
def test_content_holds_nothing_the_import_lacks(path, imported, corrections):
    source = _norm(_corrected(imported[path], path, corrections))
    extra = [s for s in _sentences(_plain(_read(path)[1])) if s not in source]
    assert extra == []


@pytest.mark.parametrize("path", FILES)
def test_content_has_every_sentence_once(path):
    counts = Counter(_sentences(_plain(_read(path)[1])))
    assert [s for s, n in counts.items() if n > 1] == []
    assert len(counts) > 40


@pytest.mark.parametrize("path", FILES)
def test_content_has_no_layout_debris(path):
    matter, body = _read(path)
    assert not re.search(r"[■□▯\ufffd〓]|[①-⑳]\d*", body)
    assert "\n\n\n" not in body
    # One paragraph per line: every line is a heading, a quote, or ends a sentence or a mark.
    for line in filter(None, body.splitlines()):
        assert line.startswith(("## ", "> ")) or re.search(r"[。！？…”〕]$", line), line


@pytest.mark.parametrize("path", FILES)
def test_lede_and_pull_quote_are_verbatim_from_the_body(path):
    matter, body = _read(path)
    assert matter["lede"] and matter["lede"] in body
    if "pull_quote" in matter:
        assert f"\n> {matter['pull_quote']}\n" in body
