"""Interrupted builds and a disk that says no: the last good dist/ survives.

Kills: `python build.py` runs in a subprocess against a 60-article edition
whose title (on every page) names the build's version, so every rebuild
changes more pages than the incremental builder writes in place (it stages
and swaps above 64; see docs/hardening.md for the in-place case), and
it is SIGKILLed after a
seeded random delay, mostly while it writes (the test waits for the staging
folder to appear, and a slowed disk, 15 ms a file, makes writing last ~1 s),
sometimes before. After each kill dist/ must be either byte-identical to the
last good build or a complete new one (every file as its manifest says, every
page of one version). The next build must succeed and remove the leftovers.

Full or read-only disk: root ignores chmod and there is no small tmpfs here,
so the OSError is injected: Path.write_bytes / write_text / mkdir raise
ENOSPC or EROFS at chosen points, in-process; and in a sweep, at every write,
rename, link and removal of a build in turn: the exit code must tell the truth
(0 and the new build in place, or 1 and the previous output as it was).

Other writers killed: the preview halfway through rewriting pages and print
while it writes a PDF (deploy must refuse what they leave), one worker of a
parallel build (the build must fail within seconds, not hang).
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feature.cli import main
from feature.output.write import OUTPUT_MARKER
from tests.support import ROOT, SHARED_CONFIG, article, write_edition
from tests.support.buildruns import BODY, leftovers, set_version
from tests.support.buildruns import edition  # noqa: F401  (a fixture)

SLOW_DISK = """
import pathlib, sys, time
_write = pathlib.Path.write_bytes
def slow(self, data):
    time.sleep(0.015)
    return _write(self, data)
pathlib.Path.write_bytes = slow
sys.path.insert(0, {root!r})
from feature.cli import main
sys.exit(main(["build", "--config", {config!r}]))
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def complete_version(files: dict[str, bytes]) -> int:
    """The one version a whole build shows, after checking it against its manifest."""
    manifest = json.loads(files[OUTPUT_MARKER])["files"]
    assert set(files) - {OUTPUT_MARKER} == set(manifest), "files missing or extra"
    for rel, digest in manifest.items():
        assert hashlib.sha1(files[rel]).hexdigest() == digest, f"{rel} is not what the manifest says"
    versions = {int(p.decode().split("测试专题第", 1)[1].split("版", 1)[0])
                for rel, p in files.items() if rel.endswith(".html")}
    assert len(versions) == 1, f"pages of several builds mixed: {versions}"
    return versions.pop()


def start_build(root: Path) -> subprocess.Popen:
    script = SLOW_DISK.format(root=str(ROOT), config=str(root / "config.yaml"))
    return subprocess.Popen([sys.executable, "-c", script], cwd=root, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_killed_builds_never_damage_the_last_good_output(edition):
    root, dist = edition, edition / "dist"
    first = start_build(root)
    assert first.wait(timeout=60) == 0, first.stderr.read().decode()
    good = snapshot(dist)
    assert complete_version(good) == 0
    rng = random.Random(20191001)
    outcomes = {"kept": 0, "replaced": 0, "left staging": 0, "during writing": 0}
    for version in range(1, 11):
        set_version(root, version)
        proc = start_build(root)
        writing = rng.random() < 0.8          # most kills aim at the write phase
        if writing:
            deadline = time.monotonic() + 30
            while not leftovers(root) and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.002)
            outcomes["during writing"] += bool(leftovers(root))
            time.sleep(rng.uniform(0, 1.3))
        else:
            time.sleep(rng.uniform(0, 1.5))
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:           # the build finished first
            pass
        proc.wait(timeout=30)
        now = snapshot(dist)
        outcomes["left staging"] += bool(leftovers(root))
        if now == good:
            outcomes["kept"] += 1
        else:
            assert complete_version(now) == version
            outcomes["replaced"] += 1
            good = now
    print(f"\ninterruption: 10 kills, {outcomes}")
    assert outcomes["kept"] >= 3 and outcomes["during writing"] >= 3, outcomes

    set_version(root, 11)
    final = start_build(root)
    assert final.wait(timeout=60) == 0, final.stderr.read().decode()
    assert complete_version(snapshot(dist)) == 11
    assert leftovers(root) == []


def _failing(after: int, code: int):
    """A replacement for Path.write_bytes that fails once `after` files were written
    (after=None: only when the final manifest, the file naming every page, is written)."""
    real = Path.write_bytes
    count = {"n": 0}

    def write_bytes(self, data):
        count["n"] += 1
        last = OUTPUT_MARKER in self.name and b'"index.html"' in data
        if (count["n"] > after) if after is not None else last:
            raise OSError(code, os.strerror(code), str(self))
        return real(self, data)
    return write_bytes


@pytest.mark.parametrize("after, code", [(0, errno.ENOSPC), (30, errno.ENOSPC), (None, errno.ENOSPC),
                                         (5, errno.EROFS)])
def test_full_or_read_only_disk_keeps_dist_and_says_so(edition, monkeypatch, capsys, after, code):
    config = str(edition / "config.yaml")
    assert main(["build", "--config", config]) == 0
    before = snapshot(edition / "dist")
    set_version(edition, 1)
    monkeypatch.setattr(Path, "write_bytes", _failing(after, code))
    real_text = Path.write_text
    monkeypatch.setattr(Path, "write_text", lambda self, data, *a, **k: (   # write_site's manifest
        _raise(code, self) if after is None and self.name == OUTPUT_MARKER and "index.html" in data
        else real_text(self, data, *a, **k)))
    capsys.readouterr()
    assert main(["build", "--config", config]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot ") and f"({os.strerror(code)}" in err, err
    assert "Traceback" not in err
    assert snapshot(edition / "dist") == before
    assert leftovers(edition) == []
    monkeypatch.undo()
    assert main(["build", "--config", config]) == 0
    assert complete_version(snapshot(edition / "dist")) == 1


def _raise(code, path):
    raise OSError(code, os.strerror(code), str(path))


def test_staging_folder_cannot_be_made(edition, monkeypatch, capsys):
    config = str(edition / "config.yaml")
    assert main(["build", "--config", config]) == 0
    before = snapshot(edition / "dist")
    set_version(edition, 1)
    real_mkdir = Path.mkdir
    monkeypatch.setattr(Path, "mkdir", lambda self, *a, **k: (
        _raise(errno.EROFS, self) if ".staging-" in self.name else real_mkdir(self, *a, **k)))
    capsys.readouterr()
    assert main(["build", "--config", config]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot ") and "(Read-only file system" in err and "Traceback" not in err
    assert snapshot(edition / "dist") == before


def test_kill_while_removing_the_previous_build_is_cleaned_up(tmp_path):
    """Killed mid-`_remove_build`: the marker goes last, so the half-deleted folder is still ours."""
    from feature.output.buildfolder import clean_leftovers
    from feature.output.write import write_site
    out = tmp_path / "dist"
    write_site({"index.html": b"v1", "a/index.html": b"a"}, out)
    from tests.support.buildruns import dead_pid
    half = tmp_path / f".dist.staging-{dead_pid()}"   # the previous build, half removed
    (half / "a").mkdir(parents=True)
    (half / "a/index.html").write_bytes(b"a")
    (half / OUTPUT_MARKER).write_text("{}")
    clean_leftovers(out)
    assert leftovers(tmp_path) == []


# ---- other writers killed -----------------------------------------------------

def test_deploy_refuses_what_a_killed_preview_left(edition, tmp_path):
    """Issue 16, case 3: a preview killed halfway through rewriting pages leaves old
    and new pages side by side; deploy published that with exit 0. (The preview
    writes dist/ only when asked, `--out dist`: by default it has a folder of its own.)"""
    from tests.support.buildruns import finish, kill, listed, start, wait_for
    root, dist, site = edition, edition / "dist", tmp_path / "site"
    assert main(["build", "--config", str(root / "config.yaml")]) == 0
    log = root.parent / "serve.log"
    with open(log, "w") as err:
        serve = start(root, "serve", "--port", "0", "--out", str(dist), delay=0.03, stderr=err)
        try:
            wait_for(lambda: "Preview:" in log.read_text(), 60, "the preview to start")
            set_version(root, 1)
            wait_for(lambda: listed(dist) == {}, 30, "the preview to rewrite pages")
            time.sleep(0.3)
        finally:
            kill(serve)
            finish(serve)
    versions = {p.read_text(encoding="utf-8").count("测试专题第1版") > 0 for p in dist.rglob("*.html")}
    assert versions == {True, False}                # old and new pages side by side
    config = str(root / "config.yaml")
    assert main(["deploy", str(site), "--config", config]) == 1
    assert not site.exists()
    assert main(["build", "--config", config]) == 0
    assert main(["deploy", str(site), "--config", config]) == 0
    assert complete_version(snapshot(dist)) == 1
    assert {k: v for k, v in snapshot(site).items() if k != ".feature-deploy.json"} == \
        {k: v for k, v in snapshot(dist).items() if k != OUTPUT_MARKER}


def test_deploy_says_why_and_what_to_do(edition, tmp_path, capsys):
    config = str(edition / "config.yaml")
    assert main(["build", "--config", config]) == 0
    (edition / "dist/.index.html.tmp-4242").write_bytes(b"<html>half")
    capsys.readouterr()
    assert main(["deploy", str(tmp_path / "site"), "--config", config]) == 1
    err = capsys.readouterr().err
    assert ".index.html.tmp-4242 is a half-written file left by a writer that was stopped" in err, err
    assert "Nothing was published; run `python build.py build` first" in err
    assert "Traceback" not in err and not (tmp_path / "site").exists()


SLOW_PDF = """
import time, weasyprint.document
_write_pdf = weasyprint.document.Document.write_pdf
def slow_pdf(self, *args, **kwargs):
    done = _write_pdf(self, *args, **kwargs)
    time.sleep(60)                                  # the PDF lies there half-done, under a .part name
    return done
weasyprint.document.Document.write_pdf = slow_pdf
"""


def test_a_killed_print_is_never_deployed(tmp_path):
    """print killed while it writes a PDF into dist/print/ leaves a .part file that
    no marker lists: deploy refuses the folder, and the next build removes it."""
    from tests.support.buildruns import finish, kill, start, wait_for
    root = write_edition(tmp_path / "edition", {f"content/alpha/p{i}.md": article(f"短文{i}") for i in range(2)})
    config, site = str(root / "config.yaml"), tmp_path / "site"
    printing = start(root, "print", "--pdf", setup=SLOW_PDF)
    try:
        wait_for(lambda: list((root / "dist/print").glob(".edition.pdf.*.part")), 120, "the PDF being written")
    finally:
        kill(printing)
        finish(printing)
    assert main(["deploy", str(site), "--config", config]) == 1
    assert not site.exists()
    assert main(["build", "--config", config]) == 0
    assert not list((root / "dist").rglob("*.part"))
    assert main(["deploy", str(site), "--config", config]) == 0


SLOW_LONG_IMAGE = """
import pathlib, time
from feature.commands import long_images
_draw = long_images._draw
def slow_draw(*args):
    done = _draw(*args)
    pathlib.Path("drawn").touch()                   # one image drawn, none in dist/
    time.sleep(60)
    return done
long_images._draw = slow_draw
"""


def test_a_print_killed_while_drawing_long_images_leaves_the_finished_build(tmp_path):
    """print --long-images draws into .cache/long-images and adds the images with
    the pages offering them in one step at the end: killed while drawing, dist/
    is the finished build it made, deployable as it is."""
    from feature.output.write import verify_output
    from tests.support.buildruns import finish, kill, start, wait_for
    root = write_edition(tmp_path / "edition", {f"content/alpha/p{i}.md": article(f"短文{i}") for i in range(2)})
    config, site = str(root / "config.yaml"), tmp_path / "site"
    printing = start(root, "print", "--long-images", setup=SLOW_LONG_IMAGE)
    try:
        wait_for(lambda: (root / "dist/alpha/p0/index.html").is_file() and verify_output(root / "dist") == [],
                 120, "the build before the long images")
        wait_for((root / "drawn").is_file, 120, "a long image drawn")
    finally:
        kill(printing)
        finish(printing)
    dist = root / "dist"
    assert verify_output(dist) == []
    assert not [p for p in dist.rglob("*.png") if "share" not in p.parts] and not list(dist.rglob("*.tmp-*"))
    assert b"long-image" not in (dist / "alpha/p0/index.html").read_bytes()
    assert main(["deploy", str(site), "--config", config]) == 0


SLOW_PARSE = """
import time
from feature.build import workers as parallel
parallel.PARSE_CHUNK = 4
_load = parallel.load_entry
def slow_load(*args):
    time.sleep(0.05)
    return _load(*args)
parallel.load_entry = slow_load
"""


@pytest.mark.parametrize("stage", ["reading articles", "rendering pages"])
def test_a_killed_worker_fails_the_build_at_once(edition, stage):
    """Issue 16, case 4: kill -9 one worker of a cold `--jobs 2` build (as the OOM
    killer would): the build hung for ever. Now it fails within seconds, says
    why, and the previous output is untouched."""
    import shutil
    from tests.support.buildruns import finish, kill, start, wait_for, worker_processes
    root, dist = edition, edition / "dist"
    assert main(["build", "--config", str(root / "config.yaml")]) == 0
    before = snapshot(dist)
    shutil.rmtree(root / ".cache")                  # cold: every article parsed, every page rendered
    set_version(root, 1)
    proc = start(root, "build", "--jobs", "2", delay=0.02, setup=SLOW_PARSE)
    try:
        if stage == "rendering pages":
            wait_for(lambda: any(p.name.startswith(".dist.staging-") for p in root.iterdir()), 60, "rendering")
        wait_for(lambda: worker_processes(proc.pid), 60, "workers")
        os.kill(worker_processes(proc.pid)[0], signal.SIGKILL)
        killed = time.monotonic()
        code, err = finish(proc, 30)
    finally:
        kill(proc)
    assert time.monotonic() - killed < 15
    assert code == 1
    assert f"error: a worker process ended unexpectedly ({stage})" in err and "Traceback" not in err, err
    assert snapshot(dist) == before
    assert leftovers(root) == []
    assert main(["build", "--config", str(root / "config.yaml")]) == 0
    assert complete_version(snapshot(dist)) == 1


# ---- the exit code tells the truth --------------------------------------------

def _read_only_cache(monkeypatch, root: Path) -> None:
    """.cache/build refuses every write (root ignores chmod: injected)."""
    cache, real = root / ".cache" / "build", Path.write_bytes

    def write_bytes(self, data):
        if self.is_relative_to(cache):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        return real(self, data)
    monkeypatch.setattr(Path, "write_bytes", write_bytes)


def test_a_read_only_cache_never_makes_a_build_that_changed_dist_fail(edition, monkeypatch, capsys):
    """Issue 16, case 5: with .cache/build read-only the build swapped the new
    dist/ in and then exited 1 ("cannot write the output"). The cache only
    spares later work: its save failing is a warning, the build succeeded."""
    config = str(edition / "config.yaml")
    assert main(["build", "--config", config]) == 0
    set_version(edition, 1)
    _read_only_cache(monkeypatch, edition)
    capsys.readouterr()
    assert main(["build", "--config", config]) == 0
    err = capsys.readouterr().err
    assert ".cache/build: warning: cannot save the build cache (Read-only file system" in err, err
    assert complete_version(snapshot(edition / "dist")) == 1


def test_a_read_only_cache_that_stops_a_build_leaves_dist(edition, monkeypatch, capsys):
    """A new article body must be kept in the cache (bodystore.py) before the pages
    are rendered: that build fails, before anything in dist/ changed, and says so."""
    config = str(edition / "config.yaml")
    assert main(["build", "--config", config]) == 0
    before = snapshot(edition / "dist")
    story = edition / "content/alpha/a001.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n新加的一段。\n", encoding="utf-8")
    _read_only_cache(monkeypatch, edition)
    capsys.readouterr()
    assert main(["build", "--config", config]) == 1
    err = capsys.readouterr().err
    assert "(Read-only file system); the previous output was left untouched" in err and "Traceback" not in err
    assert snapshot(edition / "dist") == before


WRITES = [(os, "rename"), (os, "replace"), (os, "link"), (os, "unlink"), (os, "mkdir"), (os, "rmdir"),
          (Path, "write_bytes"), (Path, "write_text")]


class Faults:
    """Counts the build's writes, renames, links and removals (WRITES, and the
    folder swap) and notes their kind (call, folder); with `fail_at`, that one
    raises EROFS."""

    def __init__(self, monkeypatch, fail_at: int | None = None):
        from feature.output import write
        self.kinds, self.fail_at = [], fail_at
        for owner, name in WRITES:
            monkeypatch.setattr(owner, name, self._wrap(name, getattr(owner, name)))
        monkeypatch.setattr(write, "_exchange", self._wrap("swap", write._exchange))

    def _wrap(self, name, real):
        def call(*args, **kwargs):
            path = str(args[0])
            self.kinds.append((name, next((f for f in ("/.cache/", "/.dist.", "/dist") if f in path), "")))
            if len(self.kinds) == self.fail_at:
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
            return real(*args, **kwargs)
        return call

    def points(self) -> list[int]:
        """Calls worth failing (1-based): each kind's first and last, and every third
        call in the output's folders (the cache's ~100 writes are one story: its
        save, after the swap)."""
        picked, last = set(), {}
        for i, kind in enumerate(self.kinds, 1):
            if kind not in last or (i % 3 == 0 and kind[1] != "/.cache/"):
                picked.add(i)
            last[kind] = i
        return sorted(picked | set(last.values()))


def test_the_exit_code_tells_the_truth_whatever_write_fails(tmp_path, monkeypatch, capsys):
    """Each write of a build fails in turn: exit 0 if and only if the new, complete
    build is in place; exit 1 leaves the previous output byte for byte, says so
    without a traceback, and the next build succeeds."""
    import shutil
    from tests.support.buildruns import reference
    files = {f"content/{'alpha' if i % 2 else 'beta'}/a{i}.md": article(f"文章{i}", "alpha" if i % 2 else "beta")
             for i in range(6)}
    pristine = write_edition(tmp_path / "pristine", files)
    for version in (0, 1):              # a spare, as on any working day
        set_version(pristine, version)
        assert main(["build", "--config", str(pristine / "config.yaml")]) == 0
    set_version(pristine, 2)
    wanted = reference(pristine)
    root = tmp_path / "edition"

    def run(fail_at):
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(pristine, root, symlinks=True)
        before = snapshot(root / "dist")
        with monkeypatch.context() as patch:
            faults = Faults(patch, fail_at)
            code = main(["build", "--config", str(root / "config.yaml")])
        return code, faults, before

    _, faults, _ = run(None)
    total, outcomes = len(faults.kinds), {0: 0, 1: 0}
    for fail_at in faults.points():
        capsys.readouterr()
        code, _, before = run(fail_at)
        err = capsys.readouterr().err
        outcomes[code] += 1
        assert "Traceback" not in err
        if code == 0:
            assert snapshot(root / "dist") == wanted, f"write {fail_at} of {total} failed"
        else:
            assert snapshot(root / "dist") == before, f"write {fail_at} of {total} failed: {err}"
            assert code == 1 and err.startswith("error: cannot "), (fail_at, err)
        assert main(["build", "--config", str(root / "config.yaml")]) == 0
        assert snapshot(root / "dist") == wanted
        assert leftovers(root) == []
    print(f"\n{sum(outcomes.values())} of {total} writes failed in turn: {outcomes[0]} builds still "
          f"succeeded, {outcomes[1]} failed cleanly")
    assert outcomes[0] and outcomes[1]


SLOW_DRAW = """
import time
from feature.render import sharing
def slowed(draw):
    def slow(*args):
        time.sleep(0.2)
        return draw(*args)
    return slow
for name in ("render_card", "render_square_card", "render_poster"):
    setattr(sharing, name, slowed(getattr(sharing, name)))
"""


def test_a_build_killed_while_drawing_share_images_leaves_dist_and_whole_images(tmp_path):
    """kill -9 while share cards and posters are drawn: dist/ stays as it was, every
    PNG in the image cache is whole, and the next build finishes the job."""
    from PIL import Image
    from tests.support.buildruns import finish, kill, start, wait_for
    files = {f"content/alpha/a{i}.md": article(f"文章{i}", "alpha", body=BODY) for i in range(4)}
    root = write_edition(tmp_path / "edition", files, SHARED_CONFIG)
    assert main(["build", "--config", str(root / "config.yaml")]) == 0
    before = snapshot(root / "dist")
    set_version(root, 1)                        # a new title: every card and poster is drawn again
    cache = root / ".cache" / "build" / "share"
    drawn = set(cache.iterdir())
    proc = start(root, "build", setup=SLOW_DRAW)
    try:
        wait_for(lambda: len(set(cache.iterdir()) - drawn) >= 2, 120, "images drawn")
        kill(proc)
        finish(proc, 30)
    finally:
        kill(proc)
    assert snapshot(root / "dist") == before
    # A PNG is whole or absent (files.replace_file: written aside, renamed); a write
    # killed before its rename leaves a .tmp-PID file, which no name ever reads.
    for png in cache.glob("*.png"):
        with Image.open(png) as image:
            image.load()
    assert main(["build", "--config", str(root / "config.yaml")]) == 0
    assert complete_version(snapshot(root / "dist")) == 1
