"""One writer per output folder: builds, the preview and print started together.

Every command that writes the output folder (`build`, `serve --out dist` while
it rebuilds, `print`) or reads it to publish (`deploy`) holds an exclusive lock
on `.dist.lock` beside it (feature/output/lock.py); a second one waits, saying
for whom, and gives up with a message after a timeout. After any mix of them
the output must equal a clean `--no-cache` build byte for byte.

The processes are real (`python build.py …` in subprocesses, tests/support/buildruns.py;
the preview server in threads of this process); a slowed disk stretches each
write phase so that the second writer arrives in the middle of the first.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feature.commands.serve import preview_builder
from feature.output import lock as outputlock
from feature.cli import main
from feature.printing.pdf import PDF_NAME
from feature.preview.server import PreviewServer
from feature.output.buildfolder import clean_leftovers
from feature.output.write import verify_output
from tests.support import article, write_edition
from tests.support.buildruns import assert_clean_build, build, finish, leftovers, listed, set_version, start, wait_for
from tests.support.buildruns import edition  # noqa: F401  (a fixture)


def staging(root: Path) -> bool:
    return any(p.name.startswith(".dist.staging-") for p in root.iterdir())


def edit_article(root: Path, n: int) -> None:
    path = root / "content/alpha/a001.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n第{n}次补充的一句话。\n", encoding="utf-8")


def test_a_second_build_waits_for_the_first(edition):
    """Issue 16, case 1: the second build's clean-up removed the first one's staging
    folder (any PID matched), the first swapped in a folder with pages missing and a
    marker listing them, and every later build trusted that marker."""
    root = edition
    build(root)
    set_version(root, 1)
    build(root)                                     # now there is a spare, as on any working day
    set_version(root, 2)
    first = start(root, "build", "--jobs", "1", delay=0.03)
    wait_for(lambda: staging(root) or first.poll() is not None, what="the first build's staging folder")
    second = start(root, "build")
    (code1, err1), (code2, err2) = finish(first), finish(second)
    assert code1 == 0, err1
    assert code2 == 0, err2
    edit_article(root, 1)
    build(root)
    assert_clean_build(root)
    assert leftovers(root) == []
    assert "waiting for `build` (PID " in err2, err2


def test_many_builds_at_once(edition):
    root = edition
    build(root)
    set_version(root, 1)
    builds = [start(root, "build", delay=0.01) for _ in range(3)]
    results = [finish(p) for p in builds]
    assert [code for code, _ in results] == [0, 0, 0], results
    assert_clean_build(root)
    edit_article(root, 2)
    build(root)
    assert_clean_build(root)
    assert sum("waiting for `build`" in err for _, err in results) >= 1


@pytest.fixture
def preview(edition):
    """The preview server of the edition, in this process, asked to build into dist/
    (`serve --out dist`; by default it has a folder of its own); `.log` is what it printed."""
    from livereload.handlers import LiveReloadHandler
    LiveReloadHandler.waiters.clear()
    log = io.StringIO()
    server = PreviewServer(edition / "config.yaml", edition / "dist", port=0, log=log,
                           builder=preview_builder(edition / "config.yaml", edition / "dist"))
    server.start()
    server.log_text = log.getvalue
    yield server
    server.stop()


def slow_writes(monkeypatch, delay: float) -> None:
    """This process's atomic file writes (the preview's: write.replace_file, a
    temporary file renamed into place) take `delay` s more each, between the
    write and the rename."""
    real = os.replace

    def slow(source, target, **kwargs):
        time.sleep(delay)
        return real(source, target, **kwargs)
    monkeypatch.setattr(os, "replace", slow)


def test_build_while_the_preview_rewrites_pages(edition, preview, monkeypatch):
    """Issue 16, case 2: `build` swapped dist/ away while the preview replaced its
    pages one by one; the preview crashed ("a bug in the generator") and left a
    `.index.html.tmp-PID` that later builds carried along and deploy published."""
    root, seq = edition, preview.seq
    slow_writes(monkeypatch, 0.03)
    set_version(root, 1)                            # every page changes: rewritten in place, slowly
    wait_for(lambda: listed(root / "dist") == {}, what="the preview to start rewriting pages")
    code, err = finish(start(root, "build"))
    wait_for(lambda: preview.seq > seq, 60, "the preview's rebuild")
    monkeypatch.undo()
    preview.stop()
    assert code == 0, err
    log = preview.log_text()
    assert "Traceback" not in log and "a bug in the generator" not in log, log
    assert preview.errors == []
    build(root)
    assert_clean_build(root)
    assert "waiting for `serve` (PID " in err, err


def test_the_preview_waits_while_print_prints(tmp_path, monkeypatch):
    """`print --pdf` holds the output from its build to its last PDF; a save in a
    preview serving the same folder (`serve --out dist`) is rebuilt after it, and
    the folder verifies throughout."""
    from livereload.handlers import LiveReloadHandler
    root = write_edition(tmp_path / "small", {f"content/alpha/p{i}.md": article(f"短文{i}", "alpha")
                                              for i in range(3)})
    build(root)
    LiveReloadHandler.waiters.clear()
    log = io.StringIO()
    server = PreviewServer(root / "config.yaml", root / "dist", port=0, log=log,
                           builder=preview_builder(root / "config.yaml", root / "dist"))
    server.start()
    try:
        printing = start(root, "print", "--pdf")
        wait_for(lambda: "print" in (root / ".dist.lock").read_text(), 60, "print to hold the output")
        seq = server.seq
        (root / "content/alpha/p0.md").write_text(article("短文0（改）", "alpha"), encoding="utf-8")
        code, err = finish(printing, 120)
        wait_for(lambda: server.seq > seq, 60, "the preview's rebuild")
    finally:
        server.stop()
    assert code == 0, err
    assert f"waiting for `print` (PID {printing.pid})" in log.getvalue(), log.getvalue()
    assert server.errors == []
    assert verify_output(root / "dist") == []
    assert "短文0（改）" in (root / "dist/alpha/p0/index.html").read_text(encoding="utf-8")
    assert not (root / "dist/print" / PDF_NAME).exists()     # made for the build before the edit


HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
os.write(fd, b"%d build" % os.getpid())
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold_lock(root: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(root / ".dist.lock"), str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_writer_that_keeps_the_output_too_long_is_named(make_edition, capsys, monkeypatch):
    root = make_edition({"content/alpha/one.md": article("第一篇")})
    config = str(root / "config.yaml")
    holder = hold_lock(root, 30)
    monkeypatch.setattr(outputlock, "LOCK_TIMEOUT", 0.5)
    try:
        assert main(["build", "--config", config]) == 1
        err = capsys.readouterr().err
        assert f"waiting for `build` (PID {holder.pid}) to finish with {root / 'dist'}" in err, err
        assert f"error: {root / 'dist'} is still in use by `build` (PID {holder.pid}) after 0 s" in err, err
        assert not (root / "dist").exists()
        assert main(["deploy", str(root / "site"), "--config", config]) == 1
        assert "is still in use by `build`" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    assert main(["build", "--config", config]) == 0      # the kernel released the dead holder's lock


def test_a_build_waits_for_a_short_holder(make_edition, capsys):
    root = make_edition({"content/alpha/one.md": article("第一篇")})
    holder = hold_lock(root, 1.0)
    try:
        assert main(["build", "--config", str(root / "config.yaml")]) == 0
        assert "waiting for `build`" in capsys.readouterr().err
        assert holder.poll() is not None            # it ended before the build could write
    finally:
        holder.kill()
        holder.wait()


def test_leftovers_are_removed_only_when_their_owner_is_gone(tmp_path):
    """A staging folder of a running process stays, even one of ours by its marker;
    one of a process that has ended goes."""
    from feature.output.write import OUTPUT_MARKER
    out = tmp_path / "dist"
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    try:
        for pid in (alive.pid, ended.pid):
            folder = tmp_path / f".dist.staging-{pid}"
            folder.mkdir()
            (folder / OUTPUT_MARKER).write_text("{}")
            (folder / "index.html").write_text("half")
        clean_leftovers(out)
        assert (tmp_path / f".dist.staging-{alive.pid}/index.html").exists()
        assert not (tmp_path / f".dist.staging-{ended.pid}").exists()
    finally:
        alive.kill()
        alive.wait()
    clean_leftovers(out)
    assert not (tmp_path / f".dist.staging-{alive.pid}").exists()
