"""Trust nothing on disk that was not checked: damaged output is found and repaired.

`write.verify_output` (what deploy and print check) names every difference
between a folder and its marker in plain words; `write.check_folder` (what a
build checks before it reuses a file of the output or the spare: size, and
not modified after the marker) lets the next build rewrite whatever was
damaged. Damage of every kind, in the output and in the spare, must end in a
build equal to a clean one.
"""
from __future__ import annotations

import os
import shutil

import pytest

from feature.cli import main
from feature.output.buildfolder import check_folder
from feature.output.write import OUTPUT_MARKER, verify_output, write_site
from tests.support.buildruns import assert_clean_build, build, reference, snapshot
from tests.support import article

FILES = {
    "content/alpha/one.md": article("第一篇", "alpha", body="第一篇正文。\n"),
    "content/alpha/two.md": article("第二篇", "alpha", body="第二篇正文。\n"),
    "content/beta/three.md": article("第三篇", "beta", body="第三篇正文。\n"),
}


@pytest.fixture
def root(make_edition):
    return make_edition(FILES)


def test_an_intact_build_verifies(tmp_path):
    out = tmp_path / "dist"
    write_site({"index.html": b"<p>a</p>", "a/index.html": b"<p>b</p>"}, out)
    assert verify_output(out) == []
    assert check_folder(out).intact


@pytest.mark.parametrize("damage, problem", [
    ("defaced", "index.html has 8 bytes, not the 9 the build wrote"),
    ("same size", "index.html is not the file the build wrote (its content changed)"),
    ("deleted", "index.html is missing"),
    ("extra", "notes.txt is not part of the build"),
    ("half-written", ".index.html.tmp-4242 is a half-written file left by a writer that was stopped"),
    ("symlink", "index.html is not a regular file"),
    ("empty folder", "empty/ is an empty folder"),
    ("no marker", f"{OUTPUT_MARKER} is missing or unreadable: this is not a finished build"),
    ("emptied marker", f"{OUTPUT_MARKER} lists no files: a writer was stopped before it finished"),
])
def test_every_difference_is_named(tmp_path, damage, problem):
    out = tmp_path / "dist"
    write_site({"index.html": b"<p>ok</p>", "a/index.html": b"<p>b</p>"}, out)
    page = out / "index.html"
    if damage == "defaced":
        page.write_bytes(b"defaced\n")
    elif damage == "same size":
        page.write_bytes(b"<p>no</p>")
    elif damage == "deleted":
        page.unlink()
    elif damage == "extra":
        (out / "notes.txt").write_text("x")
    elif damage == "half-written":
        (out / ".index.html.tmp-4242").write_bytes(b"<p>")
    elif damage == "symlink":
        page.unlink()
        page.symlink_to("/etc/hostname")
    elif damage == "empty folder":
        (out / "empty").mkdir()
    elif damage == "no marker":
        (out / OUTPUT_MARKER).unlink()
    elif damage == "emptied marker":
        (out / OUTPUT_MARKER).write_text('{"files": {}}')
    assert problem in verify_output(out)
    # By stat too: same-size bytes by their time (or, in the marker's own clock
    # tick, as here mostly, by their digest).
    assert not check_folder(out).intact


@pytest.mark.parametrize("rel", ["a/notes.txt", "a/b/.index.html.tmp-4242", "a/empty/", "c/x.html"])
def test_a_stat_check_sees_a_file_added_anywhere(tmp_path, rel):
    """check_folder proves a folder unchanged by the stat of each file and folder
    (a folder's mtime moves when an entry is added): a file put anywhere, even
    one dated long before the build, is a stray."""
    out = tmp_path / "dist"
    write_site({"index.html": b"1", "a/index.html": b"2", "a/b/index.html": b"3"}, out)
    assert check_folder(out).intact
    if rel.endswith("/"):
        (out / rel).mkdir()
    else:
        (out / rel).parent.mkdir(exist_ok=True)
        (out / rel).write_bytes(b"old")
        os.utime(out / rel, ns=(0, 0))
    check = check_folder(out)
    assert not check.intact and check.strays == [rel]
    assert check.held.files.keys() == {"index.html", "a/index.html", "a/b/index.html"}


def test_a_file_changed_in_the_markers_own_clock_tick_is_compared_by_digest(tmp_path):
    """File times are as coarse as the kernel's tick: a change in the tick the
    marker was written in has the marker's very time. Such files are read."""
    out = tmp_path / "dist"
    write_site({"index.html": b"<p>ok</p>", "a/index.html": b"<p>b</p>"}, out)
    tick = (out / OUTPUT_MARKER).stat().st_mtime_ns
    (out / "a/index.html").write_bytes(b"<p>X</p>")                 # same size
    os.utime(out / "a/index.html", ns=(tick, tick))
    os.utime(out / "a", ns=(tick, tick))
    check = check_folder(out)
    assert check.strays == ["a/index.html"] and set(check.held.files) == {"index.html"}
    (out / "a/index.html").write_bytes(b"<p>b</p>")                 # the build's bytes again
    os.utime(out / "a/index.html", ns=(tick, tick))
    assert check_folder(out).intact
    (out / "a/new.html").write_bytes(b"x")                          # added in that tick
    os.utime(out / "a/new.html", ns=(tick, tick))
    os.utime(out / "a", ns=(tick, tick))
    assert check_folder(out).strays == ["a/new.html"]


def deface(path) -> None:
    path.write_bytes(b"defaced\n")


def truncate(path) -> None:
    path.write_bytes(b"")


def delete(path) -> None:
    path.unlink()


def symlink(path) -> None:
    path.unlink()
    path.symlink_to("/etc/hostname")


def folder(path) -> None:
    path.unlink()
    (path / "inner").mkdir(parents=True)
    (path / "inner" / "x.html").write_text("x")


def stray(path) -> None:
    (path.parent / f".{path.name}.tmp-4242").write_bytes(b"<html>half")
    (path.parent / "notes.txt").write_text("x")


DAMAGE = [deface, truncate, delete, symlink, folder, stray]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__)
@pytest.mark.parametrize("no_cache", [False, True], ids=["build", "no-cache"])
def test_damaged_output_is_repaired_by_the_next_build(root, damage, no_cache):
    """Issue 16, case 6: `echo defaced > dist/index.html; : > dist/<article>/index.html`,
    then `build` (or `build --no-cache`): both stayed damaged, "0 written"."""
    extra = ["--no-cache"] if no_cache else []
    build(root)
    build(root)
    damage(root / "dist/index.html")
    damage(root / "dist/alpha/one/index.html")
    build(root, *extra)
    assert_clean_build(root)


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__)
def test_a_damaged_spare_is_not_trusted(root, damage):
    """The spare (the build before last, hard links shared with the output) becomes
    the next staging folder: what is damaged there is made again, what is extra goes."""
    story = root / "content/alpha/one.md"
    build(root)
    story.write_text(article("第一篇（二）", "alpha"), encoding="utf-8")
    build(root)                                     # dist/ is version 2, .dist.spare version 1
    spare = root / ".dist.spare"
    for rel in ("index.html", "alpha/two/index.html", "beta/index.html"):
        target = spare / rel
        if target.exists() and damage is not stray:     # a shared file would damage dist/ too:
            data = target.read_bytes()                  # give the spare its own copy first
            target.unlink()
            target.write_bytes(data)
            os.utime(target, ns=(0, 0))
        damage(target)
    story.write_text(article("第一篇（三）", "alpha"), encoding="utf-8")
    build(root)
    assert_clean_build(root)
    story.write_text(article("第一篇（四）", "alpha"), encoding="utf-8")
    build(root)                                     # and the spare after that
    assert_clean_build(root)


def test_a_page_written_into_through_a_shared_link_is_made_again(root):
    """A file shared by the output and the spare (a hard link) damaged once is
    damaged in both; neither copy is trusted."""
    build(root)
    (root / "content/beta/three.md").write_text(article("第三篇（改）", "beta"), encoding="utf-8")
    build(root)
    dist, spare = root / "dist", root / ".dist.spare"
    shared = [p for p in dist.rglob("*.*") if p.name != OUTPUT_MARKER and (spare / p.relative_to(dist)).exists()
              and p.stat().st_ino == (spare / p.relative_to(dist)).stat().st_ino]
    assert shared
    for page in shared:
        with open(page, "r+b") as f:                # written into, as an editor would
            f.seek(0)
            f.write(b"X")
    build(root)
    assert_clean_build(root)
    (root / "content/beta/three.md").write_text(article("第三篇（再改）", "beta"), encoding="utf-8")
    build(root)
    assert_clean_build(root)


def test_a_no_change_build_finds_damage(root, capsys):
    """The no-change shortcut (nothing the last build read has changed) still looks
    at every file of the output: a damaged one makes it build."""
    build(root)
    build(root)
    capsys.readouterr()
    build(root)
    assert "(0 written," in capsys.readouterr().out
    deface(root / "dist/alpha/two/index.html")
    build(root)
    assert "(1 written," in capsys.readouterr().out
    assert_clean_build(root)


def test_print_refuses_a_damaged_output(root, monkeypatch, capsys):
    """print reads dist/ for its PDFs: the same check as deploy guards it."""
    from feature.output import write
    build(root)
    monkeypatch.setattr(write, "swap_in", lambda staging, out_dir, keep_spare=False: (
        shutil.copy(staging / "index.html", out_dir / "extra.html")))   # a build that left damage
    (root / "content/alpha/one.md").write_text(article("第一篇（改）", "alpha"), encoding="utf-8")
    capsys.readouterr()
    assert main(["print", "--pdf", "--config", str(root / "config.yaml")]) == 1
    err = capsys.readouterr().err
    assert "is not a finished build (extra.html is not part of the build" in err, err
    assert not (root / "dist/print/edition.pdf").exists()


def test_print_leaves_a_folder_that_verifies_and_the_next_build_removes_its_pdf(root):
    """print --pdf adds its PDF (and the 印刷版 page naming it) to the marker: the
    folder still verifies, so it can be deployed; a build, which does not make
    the PDF, removes it and verifies too."""
    from feature.printing.pdf import PDF_NAME
    from feature.output.write import read_manifest
    config = str(root / "config.yaml")
    build(root)
    assert main(["print", "--pdf", "--config", config]) == 0
    assert f"print/{PDF_NAME}" in read_manifest(root / "dist")
    assert verify_output(root / "dist") == []
    (root / "content/alpha/one.md").write_text(article("第一篇（改）", "alpha"), encoding="utf-8")
    build(root)
    assert not (root / "dist/print" / PDF_NAME).exists()
    assert_clean_build(root)


def test_the_reference_is_what_a_clean_build_writes(root):
    """The check above compares with the clean build: make sure it can fail."""
    build(root)
    (root / "dist/alpha/one/index.html").write_bytes(b"x")
    assert snapshot(root / "dist") != reference(root)
