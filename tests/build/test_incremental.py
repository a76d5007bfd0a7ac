"""IncrementalBuilder gives exactly the bytes of a clean `pipeline.build`, after any edits.

The property test drives a small edition through random edit sequences (body,
headline, add, delete, reading order, template, a fresh process reading the
disk cache) and after every step compares the whole output folder, the
warnings, or the errors, with a clean build of the same sources.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from feature.build import inputs as build_inputs
from feature.core.diagnostics import BuildError
from feature.build.incremental import IncrementalBuilder
from feature.build.pipeline import build

from tests.support import FIXTURE_CONFIG, ROOT, SHARED_CONFIG, article, examples, write_edition
from tests.support.edits import Edition, clean_build, tree

OPS = st.sampled_from(["body", "headline", "add", "delete", "order", "template", "link", "broken", "restart"])
STEP = st.tuples(OPS, st.integers(0, 20), st.text("数字一二三报道", max_size=6), st.booleans())
STEPS = st.lists(STEP, min_size=1, max_size=6)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS, jobs=st.sampled_from([1, 2]), in_place=st.booleans())
def test_incremental_equals_clean_build(steps, jobs, in_place):
    _edit_and_compare(steps, jobs, in_place, FIXTURE_CONFIG)


# With share cards and posters, as a new edition's config.yaml has them: each clean
# build draws its images again (ten times the build without them), so examples are
# fewer and shorter (an edit, another and a restart fit in three steps), and a sidebar
# shows one figure: a poster an article, which an edit may replace with another.
@settings(max_examples=examples(16), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=3), jobs=st.sampled_from([1, 2]),
       in_place=st.booleans(), later=st.booleans())
def test_incremental_equals_clean_build_with_share_images(steps, jobs, in_place, later):
    # `later`: the preview's way, new images drawn after the build (draw_later, in _compare).
    _edit_and_compare(steps, jobs, in_place, SHARED_CONFIG + "sidebar_figures: 1\n", later)


# At most two articles per printed volume: the four-article edition prints as
# volumes (print/alpha/…, parts as adds, deletes and order edits move articles).
VOLUMES_CONFIG = FIXTURE_CONFIG + "print:\n  volume_articles: 2\n"


@settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS, jobs=st.sampled_from([1, 2]), in_place=st.booleans())
def test_incremental_equals_clean_build_with_print_volumes(steps, jobs, in_place):
    _edit_and_compare(steps, jobs, in_place, VOLUMES_CONFIG)


# One article per 数说 page and two per section on the cover: the edition gets a
# 数说 index and section pages (parts come and go with adds, deletes and order
# edits), and the cover links "全部N篇" when a section passes two.
SPLIT_CONFIG = FIXTURE_CONFIG + "figures:\n  page_articles: 1\ncover:\n  section_articles: 2\n"


@settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS, jobs=st.sampled_from([1, 2]), in_place=st.booleans())
def test_incremental_equals_clean_build_with_split_figures_and_cover(steps, jobs, in_place):
    _edit_and_compare(steps, jobs, in_place, SPLIT_CONFIG)


@settings(max_examples=examples(10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS, jobs=st.sampled_from([1, 2]), in_place=st.booleans())
def test_incremental_equals_clean_build_with_a_sharded_search_index(steps, jobs, in_place):
    # One search shard per article, as a 10,000-article edition has one per 500:
    # shard plans, shard keys and the manifest are kept between builds.
    from feature.output import search
    size = search.SHARD_SIZE
    search.SHARD_SIZE = 1
    try:
        _edit_and_compare(steps, jobs, in_place, FIXTURE_CONFIG)
    finally:
        search.SHARD_SIZE = size


def _edit_and_compare(steps, jobs, in_place, config, later=False):
    with tempfile.TemporaryDirectory() as tmp, _limits(jobs):
        tmp = Path(tmp)
        edition = Edition(tmp / "edition", config)
        out = tmp / "out"
        builder = IncrementalBuilder(edition.root / "config.yaml", out, jobs=jobs, in_place=in_place,
                                     after_reload=later)
        _compare(builder, edition, out, tmp / "ref", None)
        for op, pick, text, hinted in steps:
            if op == "restart":         # a new process: only the disk cache survives
                builder = IncrementalBuilder(edition.root / "config.yaml", out, jobs=jobs, in_place=in_place,
                                             after_reload=later)
                changed = None
            else:
                changed = edition.apply(op, pick, text)
            _compare(builder, edition, out, tmp / "ref", changed if hinted else None)


def _compare(builder, edition, out, ref_out, changed):
    expected, messages = clean_build(edition.root, ref_out)
    before = tree(out) if out.exists() else {}
    try:
        result = builder.build(changed)
    except BuildError as exc:
        assert expected is None, f"incremental failed where the clean build did not: {exc}"
        assert [str(d) for d in exc.diagnostics] == messages
        assert (tree(out) if out.exists() else {}) == before, "a failed build changed the output"
        return
    assert expected is not None, f"clean build failed, incremental did not: {messages}"
    builder.draw_later()            # the images an after_reload build left (none otherwise)
    got = tree(out)
    assert sorted(got) == sorted(expected)
    assert [k for k in expected if got[k] != expected[k]] == []
    assert [str(d) for d in result.warnings] == messages
    assert len(result.files) == len(expected) - 1          # all but the manifest
    assert result.files["index.html"] == expected["index.html"]


class _limits:
    """Force render workers even for tiny builds (or none)."""

    def __init__(self, jobs: int):
        self.values = {"PARALLEL_MIN": 1 if jobs > 1 else 10_000}

    def __enter__(self):
        self.saved = {k: getattr(build_inputs, k) for k in self.values}
        for k, v in self.values.items():
            setattr(build_inputs, k, v)

    def __exit__(self, *exc):
        for k, v in self.saved.items():
            setattr(build_inputs, k, v)


def test_no_change_rebuild_writes_nothing(tmp_path, monkeypatch):
    from feature.build import workers as parallel
    edition = Edition(tmp_path / "edition")
    out = tmp_path / "out"
    IncrementalBuilder(edition.root / "config.yaml", out).build()
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    parsed = []
    monkeypatch.setattr(parallel, "load_entry", lambda *a: parsed.append(a))
    result = IncrementalBuilder(edition.root / "config.yaml", out).build()   # fresh process: disk cache
    assert parsed == [], "a source was parsed again"
    assert result.written["written"] == 0 and result.written["removed"] == 0
    assert result.written["linked"] == len(result.files)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == stamps


def test_one_edit_renders_only_what_shows_it(tmp_path):
    edition = Edition(tmp_path / "edition")
    out = tmp_path / "out"
    builder = IncrementalBuilder(edition.root / "config.yaml", out)
    builder.build()
    changed = edition.apply("body", 0, "新增一句")
    result = builder.build(changed)
    # The article itself, the print edition and the search index show its body:
    # nothing else is rendered or written.
    assert 1 <= result.written["written"] <= 4, result.written
    assert result.written["removed"] == 0


def test_small_edit_killed_while_writing_leaves_previous_output(tmp_path, monkeypatch):
    """However small the change, the new build is staged and swapped: dying
    half-way leaves the previous output byte for byte, and the next build
    finishes the job."""
    from feature.output import write
    edition = Edition(tmp_path / "edition")
    out = tmp_path / "out"
    IncrementalBuilder(edition.root / "config.yaml", out).build()
    before = tree(out)
    edition.apply("body", 1, "改")
    real = write.fill_staging

    def dies(staging, *args):
        (staging / "half-written.html").write_text("x")
        raise KeyboardInterrupt
    monkeypatch.setattr(write, "fill_staging", dies)
    with pytest.raises(KeyboardInterrupt):
        IncrementalBuilder(edition.root / "config.yaml", out).build()
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
    monkeypatch.setattr(write, "fill_staging", real)
    IncrementalBuilder(edition.root / "config.yaml", out).build()
    expected, _ = clean_build(edition.root, tmp_path / "ref")
    assert tree(out) == expected


def test_preview_writes_in_place_and_a_killed_preview_is_repaired(tmp_path, monkeypatch):
    """The preview server's writer replaces only changed files; if it dies
    halfway, the emptied manifest makes the next build rewrite everything."""
    from feature.output import write
    edition = Edition(tmp_path / "edition")
    out = tmp_path / "out"
    preview = IncrementalBuilder(edition.root / "config.yaml", out, in_place=True)
    preview.build()
    untouched = (out / "index.html").stat().st_ino
    edition.apply("body", 1, "改")
    result = preview.build()
    assert 1 <= result.written["written"] <= 4
    assert (out / "index.html").stat().st_ino == untouched      # not restaged
    expected, _ = clean_build(edition.root, tmp_path / "ref")
    assert tree(out) == expected

    edition.apply("body", 1, "再改")
    real, calls = write.replace_file, []

    def dies(path, data):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(path, data)
    monkeypatch.setattr(write, "replace_file", dies)
    with pytest.raises(KeyboardInterrupt):
        IncrementalBuilder(edition.root / "config.yaml", out, in_place=True).build()
    monkeypatch.setattr(write, "replace_file", real)
    assert write.read_manifest(out) == {}                       # marked untrustworthy
    IncrementalBuilder(edition.root / "config.yaml", out).build()
    expected, _ = clean_build(edition.root, tmp_path / "ref2")
    assert tree(out) == expected


def test_parallel_cold_build_matches_clean_build(tmp_path):
    edition = Edition(tmp_path / "edition")
    for _ in range(8):
        edition.apply("add", 3, "再加")
    with _limits(2):
        IncrementalBuilder(edition.root / "config.yaml", tmp_path / "out", jobs=2).build()
    expected, _ = clean_build(edition.root, tmp_path / "ref")
    assert tree(tmp_path / "out") == expected
    assert not any(p.name.startswith(".out.staging") for p in tmp_path.iterdir())


def test_template_reaching_all_articles_is_keyed_on_them(tmp_path):
    """An article template that lists its section's articles must be re-rendered
    when another article's headline changes (pagecache reads the templates)."""
    edition = Edition(tmp_path / "edition")
    page = edition.root / "templates" / "article.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "{% endblock %}", "<ul>{% for a in section.articles %}<li>{{ a.headline }}</li>{% endfor %}</ul>\n"
        "{% endblock %}", 1), encoding="utf-8")
    out = tmp_path / "out"
    builder = IncrementalBuilder(edition.root / "config.yaml", out)
    builder.build()
    builder.build(edition.apply("headline", 2, "改题"))
    expected, _ = clean_build(edition.root, tmp_path / "ref")
    assert tree(out) == expected


def test_help_is_quick_to_import():
    """`build.py --help` must not import Markdown, Jinja or the build."""
    import subprocess
    import sys
    code = ("import sys; sys.argv=['build.py','--help']\n"
            "from feature import cli\n"
            "try: cli.main()\nexcept SystemExit: pass\n"
            "print(sorted(m for m in ('markdown','jinja2','feature.build.pipeline','feature.build.incremental') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ})
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_sharded_search_index_edit_rewrites_one_shard_and_equals_clean_build(tmp_path, monkeypatch):
    from feature.output import search
    monkeypatch.setattr(search, "SHARD_SIZE", 1)
    edition = Edition(tmp_path / "edition")
    out, ref = tmp_path / "out", tmp_path / "ref"
    builder = IncrementalBuilder(edition.root / "config.yaml", out, jobs=1)
    builder.build()
    before = {rel: data for rel, data in tree(out).items() if rel.startswith("search/")}
    assert len(before) == 1 + 4                                    # the manifest and one shard per article
    changed = edition.apply("body", 0, "新增一句")
    builder.build(changed)
    after = {rel: data for rel, data in tree(out).items() if rel.startswith("search/")}
    assert sum(before[rel] != after.get(rel) for rel in before) == 1
    expected, _ = clean_build(edition.root, ref)
    assert tree(out) == expected
    fresh = IncrementalBuilder(edition.root / "config.yaml", out, jobs=1)   # a new process: digests from disk
    assert fresh.build().written["written"] == 0


@pytest.mark.parametrize("fresh_process", [False, True])
def test_a_section_named_by_its_title_follows_config_yaml(tmp_path, fresh_process):
    """`section: 第一部分` names a section by its title: when config.yaml gives that
    title to another section, the article moves with it (its cached parse is stale)."""
    root = write_edition(tmp_path / "edition", {"content/a.md": article("一篇", "第一部分"),
                                                "content/b.md": article("二篇", "beta")})
    out = tmp_path / "dist"
    builder = IncrementalBuilder(root / "config.yaml", out, jobs=1)
    builder.build()
    assert (out / "alpha/a/index.html").is_file()
    config = root / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("title: 第一部分", "title: 甲")
                      .replace("title: 第二部分", "title: 第一部分"), encoding="utf-8")
    if fresh_process:
        builder = IncrementalBuilder(root / "config.yaml", out, jobs=1)
    builder.build()
    expected, _ = clean_build(root, tmp_path / "clean")
    assert "beta/a/index.html" in expected and tree(out) == expected
