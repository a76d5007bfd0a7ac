"""Bad input that needs the file system or a real image to make: pipes, devices,
links out of content/, huge files, file names that are not text, image bombs,
settings on the command line, and output whose reader goes away. Each ends in
the exact error, the same in the cached and the clean build, with dist/ as it
was (`built`, tests/support/badinput.py), and nothing is read that should
not be: without the checks these cases hang, exhaust memory, publish an outside
file or end in a traceback."""
from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import warnings

import pytest
from PIL import Image

from feature.core import urls
from feature.cli import main
from feature.core.inputcheck import Refused, read_regular
from tests.support import ROOT, SHARED_CONFIG, article, time_limit, write_edition
from tests.support.badinput import built, good_build  # noqa: F401  (fixtures)

FAILED = "build failed: 1 error(s); the previous output was left untouched\n"


def both_builds(rebuild, expected: str) -> None:
    with time_limit(60):
        assert rebuild() == expected
        assert rebuild("--no-cache") == expected
        assert rebuild() == expected


def make_fifo(path, outside):
    os.mkfifo(path)


def make_socket(path, outside):
    here = os.getcwd()
    os.chdir(path.parent)                   # a socket's path is limited to 108 bytes: bind a short one
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(path.name)               # the socket file stays after close
    finally:
        os.chdir(here)


def link_to_dev_zero(path, outside):
    path.symlink_to("/dev/zero")


def link_outside(path, outside):
    outside.write_text(article("外部文章", "alpha", body="不该发布。\n"), encoding="utf-8")
    path.symlink_to(outside)


def link_to_itself(path, outside):
    path.symlink_to(path.name)


def sparse_five_gigabytes(path, outside):
    path.write_text(article("巨大", "alpha"), encoding="utf-8")
    os.truncate(path, 5 * 2**30)            # nothing is written: reading it would be


SOURCES = {
    make_fifo: "content/alpha/x.md: error: not a regular file but a named pipe (FIFO); nothing was read from it\n",
    make_socket: "content/alpha/x.md: error: not a regular file but a socket; nothing was read from it\n",
    link_to_dev_zero: "content/alpha/x.md: error: a link to /dev/zero, outside content/; nothing was read from it "
                      "(copy the file into content/ instead of linking to it)\n",
    link_outside: "content/alpha/x.md: error: a link to {outside}, outside content/; nothing was read from it "
                  "(copy the file into content/ instead of linking to it)\n",
    link_to_itself: "content/alpha/x.md: error: cannot read file: Too many levels of symbolic links\n",
    sparse_five_gigabytes: "content/alpha/x.md:1: error: 5120.0 MB is too large for one article (the limit is "
                           "1 MB); split it into several articles\n",
}


@pytest.mark.parametrize("make", SOURCES, ids=lambda f: f.__name__)
def test_a_source_that_is_not_a_plain_file_in_content_is_refused_unread(built, tmp_path, make):
    root, rebuild = built
    outside = tmp_path / "outside.md"
    make(root / "content/alpha/x.md", outside)
    both_builds(rebuild, SOURCES[make].format(outside=outside) + FAILED)


def test_file_names_that_are_not_text_are_refused(built):
    root, rebuild = built
    folder = os.fsencode(root / "content/alpha")
    for name in (b"bad\xff.md", "ctl\x01.md".encode()):
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(article("标题", "alpha"))
    both_builds(rebuild, "content/alpha/bad\\xff.md: error: the file name is not UTF-8 text; rename the file "
                         "(its name is shown here with \\x escapes)\n"
                         "content/alpha/ctl\\x01.md: error: the file name contains U+0001 (a control character); "
                         "rename the file\n"
                         "build failed: 2 error(s); the previous output was left untouched\n")


def test_folders_nested_1500_deep_are_walked(built):
    """os.walk recurses once a level: 1,500 nested folders were a RecursionError."""
    root, rebuild = built
    folders = [root / "content" / "a"]
    for _ in range(1499):
        folders.append(folders[-1] / "a")
    try:
        for folder in folders:
            folder.mkdir()
        (folders[-1] / "deep.md").write_text(article("深处", "alpha"), encoding="utf-8")
        (folders[-1] / "bad.md").write_text("---\nheadline: 深处\nsection: alpha\nheadlin: x\n---\n",
                                            encoding="utf-8")
        shown = "content/" + "a/" * 1500 + "bad.md"
        both_builds(rebuild, f"{shown}:4: error: unknown front matter key `headlin` (did you mean \"headline\"?); "
                             "free-form data goes under `extra:`\n" + FAILED)
    finally:        # deepest first: shutil.rmtree (pytest's clean-up of old runs) recurses per level too
        for folder in reversed(folders):
            for child in folder.glob("*.md") if folder.is_dir() else ():
                child.unlink()
            if folder.is_dir():
                folder.rmdir()


def test_a_config_that_is_a_pipe_is_refused_unread(built):
    root, rebuild = built
    (root / "config.yaml").unlink()
    os.mkfifo(root / "config.yaml")
    with time_limit(30):
        assert rebuild() == ("config.yaml: error: not a regular file but a named pipe (FIFO); nothing was read "
                             "from it\n" + FAILED)


def test_read_regular_refuses_devices_and_folders_before_reading(tmp_path):
    for path, kind in (("/dev/zero", "a character device"), (tmp_path, "a folder")):
        with pytest.raises(Refused, match=f"^not a regular file but {kind}; nothing was read from it$"):
            read_regular(path, 10)
    (tmp_path / "big").write_bytes(b"x" * 11)
    with pytest.raises(Refused, match=r"^0\.0 MB is more than the 0\.0 MB limit$"):
        read_regular(tmp_path / "big", 10)


# ---- photos ----------------------------------------------------------------------

def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


PHOTO_BODY = "第一段。\n\n![码头](dock.png)\n"     # the photo is on line 7 of the source


@pytest.mark.parametrize("width, height, size", [
    (12000, 12000, "12000×12000 pixels (144 megapixels)"),     # under Pillow's own error: it only warns
    (20000, 20000, "400 megapixels"),                           # past it: Pillow refuses, we say it plainly
])
def test_a_decompression_bomb_is_refused_before_decoding(built, width, height, size):
    root, rebuild = built
    data = png(width, height)
    assert len(data) < 64 * 1024                # a few KB on disk, gigabytes once decoded
    (root / "content/alpha/bomb.md").write_text(article("炸弹", "alpha", body=PHOTO_BODY), encoding="utf-8")
    (root / "content/alpha/dock.png").write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # a warning on its way to the terminal fails the test
        both_builds(rebuild, f"content/alpha/bomb.md:7: error: photo `dock.png`: {size} is more than the 50 "
                             "megapixels a build decodes; export it smaller (pages show photos at most 1200 "
                             "pixels wide)\n" + FAILED)


@pytest.mark.parametrize("weasyprint_loaded", [False, True])
def test_a_truncated_image_is_named_not_its_memory_buffer(built, monkeypatch, weasyprint_loaded):
    """Also once WeasyPrint was imported in the process (print, long images): it
    sets Pillow's LOAD_TRUNCATED_IMAGES for everyone, which published grey photos."""
    from PIL import ImageFile
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", weasyprint_loaded)
    root, rebuild = built
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 10, 10)).save(buffer, "PNG")
    (root / "content/alpha/a.md").write_text(article("截断", "alpha", body=PHOTO_BODY), encoding="utf-8")
    (root / "content/alpha/dock.png").write_bytes(buffer.getvalue()[:300])
    both_builds(rebuild, "content/alpha/a.md:7: error: photo `dock.png`: cannot be read as an image (image file is "
                         "truncated); save it as JPEG or PNG\n" + FAILED)


@pytest.mark.parametrize("make, expected", [
    (make_fifo, "not a regular file but a named pipe (FIFO); nothing was read from it"),
    (link_to_dev_zero, "a link to /dev/zero, outside content/; nothing was read from it "
                       "(copy the file into content/ instead of linking to it)"),
], ids=["fifo", "dev-zero"])
def test_a_photo_that_is_not_a_plain_file_in_content_is_refused_unread(built, tmp_path, make, expected):
    root, rebuild = built
    (root / "content/alpha/a.md").write_text(article("照片", "alpha", body=PHOTO_BODY), encoding="utf-8")
    make(root / "content/alpha/dock.png", tmp_path / "outside.png")
    both_builds(rebuild, f"content/alpha/a.md:7: error: photo `dock.png`: {expected}\n" + FAILED)


def test_a_photo_error_is_reported_at_the_line_of_the_use_that_has_it(built):
    root, rebuild = built
    (root / "content/alpha/dock.jpg").write_bytes(png(40, 30))
    body = ("第一段。\n\n![周口港码头](dock.jpg)\n\n" + "正文。\n\n" * 4 + "![](dock.jpg)\n\n"
            "![码头再现](dock.jpg)\n")
    (root / "content/alpha/a.md").write_text(article("照片", "alpha", body=body), encoding="utf-8")
    both_builds(rebuild, "content/alpha/a.md:17: error: photo `dock.jpg` has no alt text: write what it shows, "
                         "e.g. ![周口港集装箱码头](dock.jpg)\n" + FAILED)


# ---- settings ------------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(urls.generated_folders()))
def test_no_section_key_may_be_a_folder_the_build_writes(built, key):
    root, rebuild = built
    config = root / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"  - key: {key}\n    title: 冲突\n", encoding="utf-8")
    names = ", ".join(sorted(urls.generated_folders()))
    assert rebuild() == (f"config.yaml:13: error: section key `{key}` is a folder the build writes itself "
                         f"({names}); choose another key\n" + FAILED)


def test_generated_folders_are_every_folder_a_build_writes(make_edition):
    """urls.generated_folders() is what config.py refuses as section keys: a full
    build (photo, print edition, 数说, search, static files, share images) writes no other folder."""
    root = make_edition({"content/alpha/a.md": article("甲", "alpha", body="投资21.99亿元。\n\n![码头](dock.png)\n"),
                         "content/alpha/dock.png": png(40, 30),
                         "content/beta/b.md": article("乙", "beta", body="带动7.74万户。\n")}, SHARED_CONFIG)
    assert main(["build", "--config", str(root / "config.yaml")]) == 0
    folders = {p.name for p in (root / "dist").iterdir() if p.is_dir()}
    assert folders - {"alpha", "beta"} == urls.generated_folders()


@pytest.mark.parametrize("option, value, expected", [
    ("--out", "content/site", "--out: error: `{root}/content/site` is inside content/, which the build reads: the "
                              "next build would take its own output for input; choose a folder outside content/, "
                              "templates/ and static/ (e.g. dist)\n"),
    ("--base-url", "javascript:alert(1)", "--base-url: error: the URL must be an absolute http(s) URL "
                                          "(https://www.example.cn/specials/x/) or a path that starts with / "
                                          "(/specials/x/), not `javascript:alert(1)`\n"),
])
def test_command_line_settings_are_checked_up_front(built, option, value, expected):
    root, rebuild = built
    value = str(root / value) if option == "--out" else value
    assert rebuild(option, value) == expected.format(root=root) + FAILED
    assert not (root / "content/site").exists()


# ---- output whose reader goes away --------------------------------------------------

def test_figures_piped_into_head_ends_quietly():
    """`build.py figures … | head -1`: the reader leaves while figures is still writing."""
    article_paths = ["content/fupin/zongshu.md"] * 40           # ~200 KB: more than a pipe holds
    run = subprocess.Popen([sys.executable, "build.py", "figures", *article_paths], cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run.stdout.readline().startswith(b"# ")
    run.stdout.close()
    err = run.stderr.read().decode()
    assert run.wait(timeout=120) == 141, err
    assert err == ""


def test_errors_piped_into_head_end_quietly(tmp_path):
    """`build.py 2>&1 | head -1` with many errors: stderr's reader leaves."""
    files = {f"content/alpha/bad{i:04d}.md": "---\nheadline: 标题\nsection: alpha\nheadlin: 多余的键\n---\n正文。\n"
             for i in range(800)}
    root = write_edition(tmp_path / "edition", files)
    run = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", "--no-cache"], cwd=root,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert run.stderr.readline().startswith(b"content/alpha/bad0000.md:4: error:")
    run.stderr.close()
    assert run.wait(timeout=120) == 141
    assert not (root / "dist").exists()
