"""Search the way Chinese readers type: the index, its shards, the fast paths
(recall and precision in Chromium: tests/system/test_search_browser.py)."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from feature.core.config import load_config
from feature.build.pipeline import build
from feature.output.search import normalise
from tests.support import SHARDED, article, examples


def test_normalise_matches_what_readers_type():
    assert normalise("２１.９９亿元") == "21.99亿元"          # full-width digits from an IME
    assert normalise("绿水 青山\u3000就是") == "绿水青山就是"
    assert normalise("ＧＤＰ增长") == "gdp增长"


def test_index_holds_blocks_subheads_and_sentence_anchors(make_edition):
    body = ("第一段。第二句话在这里。\n\n## 小标题\n\n小标题下的段落，**加粗**也在。\n\n"
            "> 引文段落。\n\n- 列表项\n")
    root = make_edition(files={"content/alpha/a.md": article(
        headline="标题甲", deck="——副题在此", lede="另写的导语。", body=body)})
    result = build(load_config(root / "config.yaml"), root / "dist")
    index = json.loads(result.files["search/index.json"])
    doc = index["docs"][0]
    assert index["version"] == 2
    assert (doc["url"], doc["headline"], doc["section"]) == ("alpha/a/index.html", "标题甲", "第一部分")
    texts = [b[0] for b in doc["blocks"]]
    assert texts[:2] == ["——副题在此", "另写的导语。"]
    assert "小标题下的段落，加粗也在。" in texts and "引文段落。" in texts and "列表项" in texts
    (anchor, heading), = doc["heads"].items()
    assert heading == "小标题"
    under = next(b for b in doc["blocks"] if b[0].startswith("小标题下"))
    assert under[1] == anchor
    first = next(b for b in doc["blocks"] if b[0].startswith("第一段"))
    # Sentence spans: where each starts in the block text, and its id in the page.
    offsets = [at for at, _ in first[2]]
    assert offsets == [0, len("第一段。")]
    page = result.files["alpha/a/index.html"].decode()
    assert all(f'id="{sid}"' in page for _, sid in first[2])


def test_lede_already_in_the_body_is_not_indexed_twice(make_edition):
    root = make_edition(files={"content/alpha/a.md": article(lede="正文第一段。", body="正文第一段。\n")})
    result = build(load_config(root / "config.yaml"), root / "dist")
    texts = [b[0] for b in json.loads(result.files["search/index.json"])["docs"][0]["blocks"]]
    assert texts == ["正文第一段。"]


def test_large_index_is_a_manifest_and_shards_per_section(make_edition, monkeypatch):
    import feature.output.search as search
    monkeypatch.setattr(search, "SHARD_SIZE", 2)
    result = build(load_config(make_edition(files=SHARDED) / "config.yaml"), make_edition.args[0] / "dist")
    manifest = json.loads(result.files["search/index.json"])
    assert manifest == {"version": 2, "shards": ["alpha-0.json", "alpha-1.json", "alpha-2.json", "beta-0.json"]}
    docs = [d for name in manifest["shards"] for d in json.loads(result.files[f"search/{name}"])["docs"]]
    monkeypatch.setattr(search, "SHARD_SIZE", 10**6)       # the same edition's index as one file
    assert docs == json.loads(search.index_files(result.edition)["search/index.json"])["docs"]   # in edition order


@pytest.mark.parametrize("inner, text, offsets", [
    ('<span class="sentence" id="s-1">一句。</span><span class="sentence" id="s-2">两句。</span>',
     "一句。两句。", [0, 3]),
    # offsets count UTF-16 units, as JavaScript strings do: 𠀀 (beyond the BMP) is two
    ('<span class="sentence" id="s-1">𠀀字。</span><span class="sentence" id="s-2">后。</span>',
     "𠀀字。后。", [0, 4]),
    ('<span class="sentence" id="s-1">&#x20000;&amp;。</span> <span class="sentence" id="s-2">后。</span>',
     "𠀀&。 后。", [0, 5]),
    (' \n<span class="sentence" id="s-1">前导空白。</span>', "前导空白。", [0]),
])
def test_sentence_offsets_are_javascript_string_units(inner, text, offsets):
    from feature.output.search import _text_and_sentences
    got_text, sentences = _text_and_sentences(inner)
    assert got_text == text
    assert [at for at, _ in sentences] == offsets


_BLOCK_PIECES = st.sampled_from([
    '<span class="sentence" id="s-1a2b3c">', '<span class="sentence" data-sentence="s-1a2b3c">',
    '<span id="s-9" class="sentence">', '<span class="sentence" id="">', "</span>", '<data class="figure" value="5">',
    "</data>", "<strong>", "</strong>", "周口", "21.99亿元", "。", " ", "\n", "&amp;", "&#x20000;", "𠀀", "<", ">",
    "<>", "<<b>", '"',
])


@settings(max_examples=examples(1000))
@given(st.lists(_BLOCK_PIECES, max_size=16).map("".join))
def test_block_text_fast_path_is_the_general_reading(inner):
    from feature.output.search import _text_and_sentences, _text_and_sentences_slowly
    assert _text_and_sentences(inner) == _text_and_sentences_slowly(inner)


@settings(max_examples=examples(1000))
@given(st.lists(_BLOCK_PIECES, max_size=6).map("".join))
def test_sentence_id_reads_as_the_general_pattern(tag):
    from feature.output.search import _SENTENCE, _sentence_id
    found = _SENTENCE.match(tag)
    assert _sentence_id(tag) == (found and (found.group(1) or found.group(2)))


@settings(max_examples=examples(60), deadline=None)
@given(docs=st.lists(st.text(alphabet="数说,{}\"\\a1😀", max_size=8), min_size=1, max_size=6), data=st.data())
def test_a_spliced_shard_is_the_shard_joined_again(docs, data):
    from feature.output.search import shard_bytes, spliced_shard
    old = shard_bytes(docs)
    picks = data.draw(st.sets(st.integers(0, len(docs) - 1)))
    new_docs = list(docs)
    for i in picks:
        new_docs[i] = data.draw(st.text(alphabet="改数😀,", max_size=9))
    lengths = [len(d.encode("utf-8")) for d in docs]
    assert spliced_shard(old, lengths, {i: new_docs[i].encode("utf-8") for i in picks}) == shard_bytes(new_docs)
    # Not that shard (the output changed behind the builder's back): refused, not cut wrongly.
    assert spliced_shard(old + b" ", lengths, {}) is None
    assert spliced_shard(old, [n + 1 for n in lengths], {}) is None
