"""The incremental build's memory: the stat index and the "nothing changed" shortcut.

A fresh `build.py build` over an unchanged edition must not read (or parse)
the sources again, yet report exactly what the last build reported; anything
the build reads that changed since must send it down the normal path.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from feature.output.write import OUTPUT_MARKER
from feature.build import stores as cachestore
from feature.edition import load
from feature.build.incremental import IncrementalBuilder

from tests.support import article, write_edition

RAW_HTML = "正文第一段，全市新建泊位12个。\n\n<div>raw</div>\n"     # raw HTML: a warning every build


@pytest.fixture
def edition(tmp_path, monkeypatch):
    # Tests write files and build within milliseconds; the stat index would
    # (rightly) distrust such recent files. Trust them here: every change a test
    # makes below changes a file's size or inode, or its ctime by a full tick.
    monkeypatch.setattr(cachestore.StatIndex, "RACY_NS", 0)
    root = write_edition(tmp_path / "e", {
        "content/alpha/one.md": article("第一篇", body=RAW_HTML),
        "content/beta/two.md": article("第二篇", section="beta", body="沙颍河两岸绿道长30公里。\n"),
        "content/beta/photo-notes.txt": "not an article",
    })
    return root


@pytest.fixture
def prepares(monkeypatch):
    """The builds that went past the shortcut (parsed and assembled): their article counts."""
    calls = []
    real = IncrementalBuilder.build

    def build(self, changed=None):
        result = real(self, changed)
        if not result.route.unchanged:
            calls.append(result.article_count)
        return result
    monkeypatch.setattr(IncrementalBuilder, "build", build)
    return calls


def fresh_build(root: Path, **kw):
    """As a new `build.py build` process: a new builder reading .cache/ from disk."""
    return IncrementalBuilder(root / "config.yaml", root / "dist", **kw).build()


def test_unchanged_edition_reports_the_last_build_without_parsing(edition, prepares):
    first = fresh_build(edition)
    assert prepares == [2]
    again = fresh_build(edition)
    assert prepares == [2], "an unchanged edition was parsed and assembled again"
    assert again.written == {"written": 0, "linked": len(first.files), "removed": 0}
    assert [str(d) for d in again.warnings] == [str(d) for d in first.warnings]
    assert any("raw HTML" in str(d) for d in again.warnings)
    assert again.links_checked == first.links_checked > 0
    assert again.article_count == 2
    assert sorted(again.files) == sorted(first.files)
    assert again.files["index.html"] == (edition / "dist" / "index.html").read_bytes()
    assert again.route.unchanged and again.edition is None     # nothing assembled, nothing rendered


def change_same_size_same_mtime(path: Path, old: str, new: str) -> None:
    """An edit a stat check could miss: same size, mtime put back (only ctime moves)."""
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert len(old.encode()) == len(new.encode()) and old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


@pytest.mark.parametrize("change", ["article", "same-size-article", "other-file", "template",
                                    "output-edited", "output-removed"])
def test_any_change_goes_down_the_normal_path(edition, prepares, change):
    fresh_build(edition)
    out = edition / "dist"
    page = out / "alpha" / "one" / "index.html"
    if change == "article":
        (edition / "content/alpha/one.md").write_text(article("第一篇改", body=RAW_HTML), encoding="utf-8")
    elif change == "same-size-article":
        change_same_size_same_mtime(edition / "content/alpha/one.md", "第一篇", "第二篇")
    elif change == "other-file":
        (edition / "content/beta/photo-notes.txt").write_text("changed notes", encoding="utf-8")
    elif change == "template":
        footer = edition / "templates/partials/footer.html"
        footer.write_text(footer.read_text(encoding="utf-8") + "<!-- edited -->\n", encoding="utf-8")
    elif change == "output-edited":
        (out / OUTPUT_MARKER).write_text('{"files": {}}')
    elif change == "output-removed":
        shutil.rmtree(out)
    result = fresh_build(edition)
    assert prepares == [2, 2]
    if change in ("article", "same-size-article"):
        assert "<title>第一篇 ·" not in page.read_text(encoding="utf-8")
        assert result.written["written"] > 0
    if change == "template":
        assert "<!-- edited -->" in (out / "index.html").read_text(encoding="utf-8")
    if change.startswith("output"):
        assert page.is_file() and result.written["written"] > 0


def test_a_different_base_url_is_a_change(edition, prepares):
    fresh_build(edition)
    fresh_build(edition, base_url="/specials/x/")
    assert prepares == [2, 2]
    assert 'href="/specials/x/' in (edition / "dist" / "404.html").read_text(encoding="utf-8")


def test_recent_files_are_read_again(edition, monkeypatch):
    """Within the timestamp granularity window a stat proves nothing: such a file
    is read (its bytes decide), and the shortcut is not taken."""
    monkeypatch.setattr(cachestore.StatIndex, "RACY_NS", 10**18)
    fresh_build(edition)
    read = []
    real = load.read_regular

    def spy(path, *args, **kwargs):
        if str(path).endswith(".md"):
            read.append(Path(path).name)
        return real(path, *args, **kwargs)
    monkeypatch.setattr(load, "read_regular", spy)
    result = fresh_build(edition)
    assert sorted(read) == ["one.md", "two.md"]
    assert result.written["written"] == 0          # same bytes: nothing rewritten all the same


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_preview_edits_around_photos_equal_a_clean_build(edition, tmp_path):
    """The preview skips articles it has seen without a photo; articles with one,
    and a replaced photo file, are placed again."""
    from tests.support import jpeg
    from feature.core.config import load_config
    from feature.build.pipeline import build
    photo = edition / "content/beta/dock.jpg"
    photo.write_bytes(jpeg(900, 600))
    story = edition / "content/beta/two.md"
    story.write_text(article("第二篇", section="beta", body="![码头](dock.jpg \"码头｜摄影 张三\")\n\n绿道长30公里。\n"),
                     encoding="utf-8")
    preview = IncrementalBuilder(edition / "config.yaml", edition / "dist", in_place=True)
    preview.build()
    edits = [
        (edition / "content/alpha/one.md", lambda: (edition / "content/alpha/one.md").write_text(
            article("第一篇", body=RAW_HTML + "\n补充一句。\n"), encoding="utf-8")),
        (story, lambda: story.write_text(story.read_text(encoding="utf-8").replace("绿道", "新绿道"), encoding="utf-8")),
        (photo, lambda: photo.write_bytes(jpeg(900, 600, color=(20, 90, 200)))),
    ]
    for changed, edit in edits:
        edit()
        preview.build({changed})
        clean = tmp_path / f"clean-{changed.name}"
        build(load_config(edition / "config.yaml"), clean)
        assert tree(edition / "dist") == tree(clean), f"after editing {changed.name}"


def test_builds_reuse_the_spare_and_a_no_change_build_keeps_it(edition, tmp_path):
    """`build` keeps the build before last beside the output and fills the next
    staging folder from it; every result still equals a clean build."""
    from feature.core.config import load_config
    from feature.build.pipeline import build
    from feature.core.files import digest_of
    from feature.output.write import OUTPUT_MARKER, read_manifest
    spare = edition / ".dist.spare"
    story = edition / "content/alpha/one.md"
    for n in range(4):
        story.write_text(article(f"第一篇{n}", body=RAW_HTML), encoding="utf-8")
        fresh_build(edition)
        clean = tmp_path / f"clean-{n}"
        build(load_config(edition / "config.yaml"), clean)
        assert tree(edition / "dist") == tree(clean)
        assert spare.is_dir() == (n > 0)
        if n:
            assert read_manifest(spare) == {rel: digest_of(data) for rel, data in tree(spare).items()
                                            if rel != OUTPUT_MARKER}
    output = tree(edition / "dist")
    fresh_build(edition, cache=False)             # every page rendered again, into the spare
    assert tree(edition / "dist") == output       # nothing changed: the output is untouched
    # The spare is still there, and its marker says exactly what it holds.
    held = {rel: digest_of(data) for rel, data in tree(spare).items() if rel != OUTPUT_MARKER}
    assert read_manifest(spare) == held and held


def test_a_fresh_process_still_catches_links_an_edit_breaks(edition):
    """A new process checks links from the last verified build's index (saved in
    .cache/build): a lost anchor another page links to must still fail the build."""
    from feature.core.diagnostics import BuildError
    from tests.support import FIXTURE_CONFIG
    # One article per print volume: no page but one's own links to two's heading,
    # so only the index's "links into a page that lost an id" can catch it.
    (edition / "config.yaml").write_text(FIXTURE_CONFIG + "print:\n  volume_articles: 1\n", encoding="utf-8")
    two = edition / "content/beta/two.md"
    two.write_text(article("第二篇", section="beta", body="## 码头\n\n沙颍河两岸绿道长30公里。\n"),
                   encoding="utf-8")
    (edition / "content/alpha/one.md").write_text(
        article("第一篇", body=RAW_HTML + "\n见[码头](../../beta/two/index.html#码头)。\n"), encoding="utf-8")
    fresh_build(edition)
    fresh_build(edition)                          # the saved index is in use from here on
    two.write_text(article("第二篇", section="beta", body="## 港口\n\n沙颍河两岸绿道长30公里。\n"),
                   encoding="utf-8")
    with pytest.raises(BuildError) as failed:
        fresh_build(edition)
    assert any("missing anchor" in d.message and "one.md" in d.path for d in failed.value.diagnostics)
