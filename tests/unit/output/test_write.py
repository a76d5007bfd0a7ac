"""Atomic output: staging + swap, the marker, and never deleting what is not ours."""

import pytest

from feature.output.buildfolder import clean_leftovers
from feature.output.write import OUTPUT_MARKER, OutputRefused, write_site


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_first_write_then_unchanged_files_are_linked(tmp_path):
    out = tmp_path / "dist"
    stats = write_site({"index.html": b"a", "x/index.html": b"b"}, out)
    assert stats == {"written": 2, "linked": 0, "removed": 0}
    stats = write_site({"index.html": b"a", "x/index.html": b"c"}, out)
    assert stats == {"written": 1, "linked": 1, "removed": 0}
    assert (out / "x/index.html").read_bytes() == b"c"
    stats = write_site({"index.html": b"a"}, out)
    assert stats["removed"] == 1 and not (out / "x").exists()
    assert (out / OUTPUT_MARKER).is_file()


def test_rewritten_file_never_changes_the_previous_build_in_place(tmp_path):
    out = tmp_path / "dist"
    write_site({"a.html": b"one"}, out)
    old_inode = (out / "a.html").stat().st_ino
    held = open(out / "a.html", "rb")            # a reader mid-request
    write_site({"a.html": b"two"}, out)
    assert held.read() == b"one"                  # the old file was not overwritten
    assert (out / "a.html").stat().st_ino != old_inode
    held.close()


def test_refuses_a_folder_it_did_not_make(tmp_path):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"years of work")
    with pytest.raises(OutputRefused, match="was not made by this generator"):
        write_site({"index.html": b"x"}, out)
    assert (out / "thesis.docx").read_bytes() == b"years of work"
    assert [p.name for p in tmp_path.iterdir()] == ["precious"]   # no staging left behind


def test_refuses_to_replace_sources(tmp_path):
    (tmp_path / "content").mkdir()
    with pytest.raises(OutputRefused, match="would replace"):
        write_site({"index.html": b"x"}, tmp_path, protected=[tmp_path / "content"])
    with pytest.raises(OutputRefused, match="would replace"):
        write_site({"index.html": b"x"}, tmp_path / "content", protected=[tmp_path / "content"])


def test_paths_escaping_the_output_are_refused(tmp_path):
    out = tmp_path / "dist"
    write_site({"index.html": b"ok"}, out)
    with pytest.raises(OutputRefused, match="outside the output folder"):
        write_site({"../evil.html": b"x"}, out)
    assert not (tmp_path / "evil.html").exists()
    assert snapshot(out)["index.html"] == b"ok"


def test_failure_mid_write_leaves_previous_output_intact(tmp_path, monkeypatch):
    out = tmp_path / "dist"
    write_site({"index.html": b"old", "a/index.html": b"old a"}, out)
    before = snapshot(out)

    class Boom(dict):
        def items(self):
            yield "index.html", b"new"
            raise OSError("disk full")
    with pytest.raises(OSError, match="disk full"):
        write_site(Boom(), out)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_leftovers_of_killed_builds_are_cleaned_only_if_ours(tmp_path):
    from tests.support.buildruns import dead_pid
    out = tmp_path / "dist"
    ours = tmp_path / f".dist.staging-{dead_pid()}"      # of a build that has ended
    ours.mkdir()
    (ours / OUTPUT_MARKER).write_text("{}")
    (ours / "half.html").write_text("x")
    foreign = tmp_path / ".dist.staging-123"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("not ours")
    clean_leftovers(out)
    assert not ours.exists() and (foreign / "keep.txt").exists()


def test_output_is_deterministic(tmp_path):
    files = {"b.html": b"2", "a.html": b"1"}
    write_site(files, tmp_path / "one")
    write_site(dict(reversed(files.items())), tmp_path / "two")
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def staged_write(files: dict, out, written_here=()):
    """As the incremental build writes: reuse the spare, keep it after the swap."""
    from feature.output.buildfolder import check_folder
    from feature.core.files import digest_of
    from feature.output.write import fill_staging, stage_file, staged_output, swap_in
    previous = check_folder(out).held
    with staged_output(out, reuse_spare=True) as staging:
        for rel in written_here:                 # as a render worker does
            stage_file(staging / rel, files[rel])
        manifest = {rel: digest_of(data) for rel, data in files.items()}
        stats, _ = fill_staging(staging, out, manifest, previous, files.__getitem__, set(written_here))
        swap_in(staging, out, keep_spare=True)
    return stats


def test_the_spare_is_reused_without_touching_the_output(tmp_path):
    """The build before last comes back as the staging folder; its files are hard
    links shared with the output, so they are replaced, never written into."""
    from feature.output.write import spare_of
    out = tmp_path / "dist"
    staged_write({"a.html": b"1", "b/index.html": b"1", "gone.html": b"1"}, out)
    staged_write({"a.html": b"2", "b/index.html": b"1", "gone.html": b"1"}, out)
    spare = spare_of(out)
    assert snapshot(spare)["a.html"] == b"1" and (spare / OUTPUT_MARKER).is_file()
    live = snapshot(out)
    held = open(out / "b/index.html", "rb")
    stats = staged_write({"a.html": b"3", "b/index.html": b"3", "new.html": b"3"}, out,
                         written_here=["b/index.html"])
    assert held.read() == b"1"                   # the old output's file was not written into
    held.close()
    assert {k: v for k, v in snapshot(out).items() if k != OUTPUT_MARKER} == \
        {"a.html": b"3", "b/index.html": b"3", "new.html": b"3"}
    assert {k: v for k, v in snapshot(spare_of(out)).items() if k != OUTPUT_MARKER} == \
        {k: v for k, v in live.items() if k != OUTPUT_MARKER}       # the previous build, intact
    assert stats["written"] == 3 and stats["removed"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.spare", "dist"]


def test_a_spare_without_the_marker_is_not_ours(tmp_path):
    from feature.output.write import spare_of
    out = tmp_path / "dist"
    spare = spare_of(out)
    spare.mkdir()
    (spare / "notes.txt").write_bytes(b"someone's")
    staged_write({"a.html": b"1"}, out)
    staged_write({"a.html": b"2"}, out)
    assert (spare / "notes.txt").read_bytes() == b"someone's"
    assert snapshot(out)["a.html"] == b"2"


def test_verify_output_accepts_a_finished_build_and_names_each_problem(tmp_path):
    from feature.output.write import verify_output
    out = tmp_path / "dist"
    write_site({"index.html": b"cover", "a/index.html": b"page", "static/x.css": b"css"}, out)
    assert verify_output(out) == []
    (out / "a/index.html").unlink()
    (out / "static/x.css").write_bytes(b"edited by hand")
    (out / "notes.txt").write_text("stray")
    (out / "static/.y.css.tmp-123").write_bytes(b"half")
    assert verify_output(out) == [
        "a/index.html is missing",
        "static/x.css has 14 bytes, not the 3 the build wrote",
        "notes.txt is not part of the build",
        "static/.y.css.tmp-123 is a half-written file left by a writer that was stopped",
        "a/ is an empty folder",
    ]


@pytest.mark.parametrize("marker", [None, "{}", "not json"])
def test_verify_output_refuses_a_build_that_did_not_finish(tmp_path, marker):
    from feature.output.write import verify_output
    out = tmp_path / "dist"
    write_site({"index.html": b"cover"}, out)
    if marker is None:
        (out / OUTPUT_MARKER).unlink()
    else:
        (out / OUTPUT_MARKER).write_text(marker)         # "{}" is what a staging folder starts with
    assert verify_output(out) == [f"{OUTPUT_MARKER} is missing or unreadable: this is not a finished build"]
