"""Bodies kept on disk (feature/build/bodies.py): lean articles hold UNREAD in
their body fields, which fail loudly when used; `bodies.full` and `bodies.read`
read them back exactly; the builder's process holds no body; and a cache folder
that lost bodies, or sources that went away, never give a wrong page."""
from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from feature.build.bodies import BodyStore, TextRef, full, read, text_of
from feature.build.incremental import IncrementalBuilder
from feature.core.model import STORED_FIELDS, UNREAD, Article, BodyNotRead, Heading, KeyFigure

from tests.support.edits import Edition, clean_build, tree


def full_article() -> Article:
    figure = KeyFigure("21.99亿元", 2199000000.0, "元", "总投资", "总投资21.99亿元。", 1, 0, "s-1")
    return Article(Path("a/b.md"), 5, "标题", "a", "b", "正文**21.99亿元**。", deck="导语",
                   body_html="<p>正文</p>", toc=(Heading(2, "小标题", "xiao"),), plain_text="正文",
                   key_figures=(figure,), output_path="a/b/index.html", position=3, figure_count=1)


def spill_one(store: BodyStore, article: Article, key: str) -> Article:
    return store.spill([(key, article, None)])[0][0]


def test_a_lean_article_reads_back_every_field(tmp_path):
    store = BodyStore(tmp_path / "bodies")
    article = full_article()
    lean = spill_one(store, article, "k1")
    assert all(getattr(lean, name) is UNREAD[name] for name in STORED_FIELDS)
    assert lean.stored is not None and Path(lean.stored.path).is_file()
    for name in STORED_FIELDS:
        assert read(lean, name) == getattr(article, name), name
    assert full(lean) == article and full(lean).stored == lean.stored
    assert lean.headline == "标题" and lean.position == 3


def test_full_reads_only_the_fields_asked_for_and_never_replaces_one_in_memory(tmp_path):
    lean = spill_one(BodyStore(tmp_path / "bodies"), full_article(), "k1")
    some = full(lean, ("key_figures",))
    assert some.key_figures == full_article().key_figures and some.body_html is UNREAD["body_html"]
    placed = lean.with_fields(body_html="<p>正文<img></p>")        # photos placed: a body in memory
    assert full(placed).body_html == "<p>正文<img></p>" and full(placed).plain_text == "正文"
    whole = full_article()
    assert full(whole) is whole and read(whole, "plain_text") == "正文"


def test_an_unread_field_fails_loudly_wherever_it_is_used(tmp_path):
    """A body used without being read is a bug in the generator: str, bool, len,
    iteration, membership and comparison all say which field was not read."""
    lean = spill_one(BodyStore(tmp_path / "bodies"), full_article(), "k1")
    uses = [str, bool, len, list, lambda v: "正" in v, lambda v: v == "<p>正文</p>", lambda v: v[0],
            lambda v: v.__html__(), lambda v: f"{v}"]
    for use in uses:
        with pytest.raises(BodyNotRead, match="body_html was not read"):
            use(lean.body_html)
    assert repr(lean.toc) == "<toc not read>"


def test_one_pack_per_chunk_each_entry_at_its_place(tmp_path):
    store = BodyStore(tmp_path / "bodies")
    first, second = full_article(), replace(full_article(), body_html="<p>第二篇</p>", plain_text="第二篇")
    (a, doc_a), (b, doc_b) = store.spill([("k1", first, '{"t":"一"}'), ("k2", second, '{"t":"二二"}')])
    assert len(store.present()) == 1 and a.stored.path == b.stored.path == doc_a.path
    assert (read(a, "body_html"), read(b, "body_html"), read(b, "plain_text")) == ("<p>正文</p>", "<p>第二篇</p>",
                                                                                    "第二篇")
    assert (text_of(doc_a), text_of(doc_b)) == ('{"t":"一"}', '{"t":"二二"}')
    assert store.spill([("k3", first, None)])[0][1] is None


def test_a_lean_article_stays_lean_when_pickled_or_placed(tmp_path):
    lean = spill_one(BodyStore(tmp_path / "bodies"), full_article(), "k1")
    again = pickle.loads(pickle.dumps(lean))
    assert again.stored == lean.stored and again.body_html is UNREAD["body_html"]      # one sentinel per field
    placed = lean.placed(7, None, None)
    assert placed.position == 7 and placed.stored is lean.stored and placed.body_html is UNREAD["body_html"]
    assert read(placed, "body_html") == "<p>正文</p>"


def test_a_removed_pack_is_reported_as_missing(tmp_path):
    from feature.build.bodies import BodyMissing
    store = BodyStore(tmp_path / "bodies")
    lean, doc = store.spill([("k9", full_article(), '{"t":"周口"}')])[0]
    assert isinstance(doc, TextRef) and text_of("直接") == "直接"
    store.remove(store.present())
    for reading in (lambda: read(lean, "body_markdown"), lambda: text_of(doc)):
        try:
            reading()
        except BodyMissing as exc:
            assert lean.stored.path in str(exc)
        else:
            raise AssertionError("no BodyMissing")


def test_a_lean_article_counts_its_figures_without_its_body(tmp_path):
    # The 数说 index counts every article's figures: 10,000 bodies read at 10,000 articles.
    store = BodyStore(tmp_path / "bodies")
    lean = spill_one(store, full_article(), "k1").placed(4, None, None)
    store.remove(store.present())
    assert lean.figure_count == len(full_article().key_figures) == 1


def built_articles(builder: IncrementalBuilder):
    return builder.build().edition.articles


def test_the_builder_holds_lean_articles_and_equals_a_clean_build(tmp_path):
    edition = Edition(tmp_path / "edition")
    out = tmp_path / "out"
    builder = IncrementalBuilder(edition.root / "config.yaml", out, jobs=1)
    articles = built_articles(builder)
    assert articles and all(a.stored is not None and a.plain_text is UNREAD["plain_text"] for a in articles)
    assert all(a.figure_count == len(read(a, "key_figures")) for a in articles)
    changed = edition.apply("body", 1, "新增")
    result = builder.build(changed)
    assert all(a.stored is not None and a.toc is UNREAD["toc"] for a in result.edition.articles)
    expected, _ = clean_build(edition.root, tmp_path / "ref")
    assert tree(out) == expected


def test_lost_bodies_are_parsed_again(tmp_path):
    edition = Edition(tmp_path / "edition")
    out = tmp_path / "out"
    IncrementalBuilder(edition.root / "config.yaml", out, jobs=1).build()
    bodies = edition.root / ".cache" / "build" / "bodies"
    for path in bodies.iterdir():
        path.unlink()
    edition.apply("body", 0, "改")            # not a no-change build: bodies are needed
    IncrementalBuilder(edition.root / "config.yaml", out, jobs=1).build()
    expected, _ = clean_build(edition.root, tmp_path / "ref")
    assert tree(out) == expected
    assert len(list(bodies.iterdir())) == 1             # all sources parsed again, one pack


def test_packs_go_when_no_entry_uses_them(tmp_path):
    edition = Edition(tmp_path / "edition")
    out = tmp_path / "out"
    builder = IncrementalBuilder(edition.root / "config.yaml", out, jobs=1)
    builder.build()
    bodies = edition.root / ".cache" / "build" / "bodies"
    first = {p.name for p in bodies.iterdir()}
    assert len(first) == 1                              # the four articles: one chunk, one pack
    builder.build(edition.apply("body", 1, "改"))
    assert {p.name for p in bodies.iterdir()} > first   # the others still use the first pack
    for i in range(4):                                  # a new version of every article …
        builder.build(edition.apply("body", i, f"再改{i}"))
    left = {p.name for p in bodies.iterdir()}
    assert not left & first and len(left) == 4          # … and only their packs are left
    fresh = IncrementalBuilder(edition.root / "config.yaml", out, jobs=1)   # a new process
    fresh.build(edition.apply("delete", 0, ""))
    assert len(list(bodies.iterdir())) == 3


def test_a_cache_of_other_code_is_cleared(tmp_path, monkeypatch):
    from feature.build import memory
    edition = Edition(tmp_path / "edition")
    IncrementalBuilder(edition.root / "config.yaml", tmp_path / "out").build()
    bodies = edition.root / ".cache" / "build" / "bodies"
    stale = bodies / "stale-entry"
    stale.write_bytes(b"x")
    monkeypatch.setattr(memory, "code_version", lambda: "other code")
    IncrementalBuilder(edition.root / "config.yaml", tmp_path / "out").build()
    assert not stale.exists()
    assert len(list(bodies.iterdir())) == 1


def test_bodies_removed_behind_a_running_builder(tmp_path):
    """`build` beside `serve` may drop bodies the preview's articles still point
    at: the preview's next build starts again from disk instead of failing."""
    import shutil
    edition = Edition(tmp_path / "edition")
    out = tmp_path / "out"
    preview = IncrementalBuilder(edition.root / "config.yaml", out, jobs=1, in_place=True)
    preview.build()
    shutil.rmtree(edition.root / ".cache" / "build" / "bodies")
    changed = edition.apply("body", 0, "新增")     # the print page shows every article: all bodies are read
    preview.build(changed)
    expected, _ = clean_build(edition.root, tmp_path / "ref")
    assert tree(out) == expected
