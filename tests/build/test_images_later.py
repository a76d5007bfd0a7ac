"""What the preview does after the reload (IncrementalBuilder `after_reload`): an
edit's new share images are listed and glyph-checked by the build, drawn by
draw_later; the output marker is written by save (the preview server calls both
once the browsers were told). Then the folder is what a clean build makes, byte
for byte, however edits, stops, restarts and other writers come in between."""
from __future__ import annotations

import json
import shutil

import pytest

from feature.build.incremental import IncrementalBuilder
from feature.build.output import LATER
from feature.core.diagnostics import BuildError
from feature.output.write import OUTPUT_MARKER, verify_output
from tests.support import SHARED_CONFIG
from tests.support.edits import Edition, clean_build, tree

# One figure a sidebar: a poster an article, besides its cards, is all these tests need,
# and every clean build they compare with draws all images again.
CONFIG = SHARED_CONFIG + "sidebar_figures: 1\n"


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """The fixture edition with share images, built cold by the preview's builder once:
    every image drawn, kept in its cache and its output folder."""
    edition = Edition(tmp_path_factory.mktemp("later") / "edition", CONFIG)
    IncrementalBuilder(edition.root / "config.yaml", edition.root / "out", in_place=True, after_reload=True).build()
    return edition.root


@pytest.fixture
def preview(built_once, tmp_path):
    """A copy of that edition (copy2 keeps the times: the folder verifies by stat) and a
    preview's builder that has built it once, as a preview started on a built folder."""
    root = tmp_path / "edition"
    shutil.copytree(built_once, root, symlinks=True)
    edition = Edition(root, config=None)
    out = root / "out"
    builder = IncrementalBuilder(root / "config.yaml", out, in_place=True, after_reload=True)
    builder.build()
    return edition, builder, out


def listed_later(out) -> list[str]:
    marker = json.loads((out / OUTPUT_MARKER).read_text(encoding="utf-8"))
    return sorted(rel for rel, d in marker["files"].items() if d == LATER)


def assert_clean(edition, out, tmp_path) -> None:
    expected, _ = clean_build(edition.root, tmp_path / "reference")
    got = tree(out)
    assert sorted(got) == sorted(expected)
    assert [rel for rel in expected if got[rel] != expected[rel]] == []


def test_a_cold_preview_draws_every_image_before_it_shows_a_page(tmp_path):
    edition = Edition(tmp_path / "edition", CONFIG)
    out = tmp_path / "out"
    builder = IncrementalBuilder(edition.root / "config.yaml", out, in_place=True, after_reload=True)
    builder.build()
    assert builder.images_pending() == 0 and listed_later(out) == []
    assert_clean(edition, out, tmp_path)


def test_an_edit_lists_its_new_images_and_draw_later_writes_them(preview, tmp_path):
    edition, builder, out = preview
    [edited] = edition.apply("headline", 1, "数字")
    builder.build({edited})
    assert json.loads((out / OUTPUT_MARKER).read_text(encoding="utf-8"))["files"] == {}    # until save()
    builder.save()
    later = listed_later(out)
    # The article's two cards and its posters (they name the headline), the section's and
    # cover's cards do not show it.
    assert len(later) >= 3 and builder.images_pending() == len(later)
    assert not any((out / rel).exists() for rel in later)
    page = (out / edited.parent.name / edited.stem / "index.html").read_text(encoding="utf-8")
    assert sum(rel.removeprefix("share/") in page for rel in later) >= 3     # linked from the page already
    assert sorted(builder.draw_later()) == later
    assert builder.images_pending() == 0 and listed_later(out) == []
    assert verify_output(out) == []
    assert_clean(edition, out, tmp_path)


def test_a_character_the_font_lacks_still_fails_the_edit_at_its_line(preview):
    edition, builder, out = preview
    before = tree(out)
    path = edition.root / "content/beta/a1.md"
    path.write_text(path.read_text(encoding="utf-8").replace("headline: ", "headline: 𪚥", 1), encoding="utf-8")
    with pytest.raises(BuildError) as failed:
        builder.build({path})
    assert any(d.path == "content/beta/a1.md" and d.line == 2 and "U+2A6A5" in d.message
               for d in failed.value.diagnostics), [str(d) for d in failed.value.diagnostics]
    assert tree(out) == before and builder.images_pending() == 0


def test_edits_before_the_drawing_and_a_stop_leave_nothing_out(preview, tmp_path):
    edition, builder, out = preview
    builder.build(edition.apply("headline", 1, "一"))
    first = listed_later(out)
    assert builder.draw_later(stop=lambda: True) == []          # a save came in at once
    builder.build(edition.apply("headline", 1, "二"))            # the same article again: new names
    builder.build(edition.apply("body", 2, "三十二万"))           # another article: a patched build
    assert set(first) - set(listed_later(out)) == set(first)     # the first names are linked no more
    drawn = builder.draw_later()
    assert set(first) <= set(drawn) and not any((out / rel).exists() for rel in first)   # cached, not written
    assert listed_later(out) == [] and verify_output(out) == []
    assert_clean(edition, out, tmp_path)


def test_a_preview_stopped_before_drawing_is_repaired_by_the_next(preview, tmp_path):
    edition, builder, out = preview
    builder.build(edition.apply("headline", 3, "五"))
    builder.save()
    assert listed_later(out)
    # A new process: nothing pending in memory, a marker that lists files not there.
    again = IncrementalBuilder(edition.root / "config.yaml", out, in_place=True, after_reload=True)
    again.build()
    again.draw_later()
    assert listed_later(out) == [] and verify_output(out) == []
    assert_clean(edition, out, tmp_path)


def test_a_preview_stopped_before_its_marker_is_repaired_by_the_next(preview, tmp_path):
    edition, builder, out = preview
    builder.build(edition.apply("headline", 2, "六"))
    assert verify_output(out) != []             # pages written, the marker not yet: not a finished build
    again = IncrementalBuilder(edition.root / "config.yaml", out, in_place=True, after_reload=True)
    again.build()
    again.save()
    again.draw_later()
    assert verify_output(out) == []
    assert_clean(edition, out, tmp_path)


def test_a_writer_between_the_build_and_its_marker_keeps_its_own(preview, tmp_path):
    """`build --out` the same folder once the preview let go of the lock: the marker the
    preview owes is not written over that build's (write_due_marker sees the folder changed)."""
    from feature.build.pipeline import build
    from feature.core.config import load_config
    edition, builder, out = preview
    builder.build(edition.apply("headline", 1, "七"))
    build(load_config(edition.root / "config.yaml"), out)      # another writer, between the two
    theirs = tree(out)
    builder.save()
    builder.draw_later()
    assert tree(out) == theirs and verify_output(out) == []
    builder.build(edition.apply("body", 2, "八"))               # and the preview goes on from the folder as it is
    builder.save()
    builder.draw_later()
    assert_clean(edition, out, tmp_path)


def test_a_body_edit_after_the_drawing_is_still_patched(preview, tmp_path):
    """Writing the marker after the reload keeps the last build patchable: the next body
    edit keys only the pages that show it (at 10,000 articles, 80 ms instead of 400)."""
    edition, builder, out = preview
    builder.build(edition.apply("headline", 1, "九"))
    builder.save()
    assert builder.draw_later()
    result = builder.build(edition.apply("body", 2, "十"))
    assert result.route.patched_pages
    builder.save()
    assert_clean(edition, out, tmp_path)
