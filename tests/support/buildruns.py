"""`python build.py …` in subprocesses, slowed down on purpose, and the checks
the writer tests share (tests/system/test_writers.py, test_interruption.py): the
60-article edition whose title names its build's version, and the leftovers a
build may leave beside it.

A subprocess runs `feature.cli.main(ARGV)` after a prelude: every
Path.write_bytes sleeps `delay` seconds first (a slow disk: a write phase
then lasts long enough for a second writer, or a kill, to land inside it),
plus any `setup` code (e.g. a slower parse). Its own process group, so a kill
takes its workers too.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feature.cli import main
from feature.output.write import OUTPUT_MARKER, verify_output
from tests.support import FIXTURE_CONFIG, ROOT, article, write_edition

SCRIPT = """
import pathlib, sys, time
_write = pathlib.Path.write_bytes
def slow(self, data):
    time.sleep({delay})
    return _write(self, data)
pathlib.Path.write_bytes = slow
sys.path.insert(0, {root!r})
{setup}
from feature.cli import main
sys.exit(main({argv!r}))
"""


def start(root: Path, *argv: str, delay: float = 0.0, setup: str = "", stderr=subprocess.PIPE) -> subprocess.Popen:
    """`python build.py ARGV --config ROOT/config.yaml`, each file write slowed by `delay` s."""
    script = SCRIPT.format(delay=delay, root=str(ROOT), setup=setup,
                           argv=[*argv, "--config", str(root / "config.yaml")])
    return subprocess.Popen([sys.executable, "-c", script], cwd=root, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=stderr, text=True)


def finish(proc: subprocess.Popen, timeout: float = 90) -> tuple[int, str]:
    """(exit code, stderr); a process still running after `timeout` is killed and fails the test."""
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill(proc)
        _, err = proc.communicate()
        raise AssertionError(f"still running after {timeout} s:\n{err}")
    return proc.returncode, err or ""


def kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def wait_for(predicate, timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.002)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def listed(dist: Path) -> dict | None:
    """The files the output's marker lists now (None while it cannot be read)."""
    try:
        return json.loads((dist / OUTPUT_MARKER).read_bytes())["files"]
    except (OSError, ValueError, KeyError):
        return None


def build(root: Path, *extra: str) -> None:
    assert main(["build", "--config", str(root / "config.yaml"), *extra]) == 0


def reference(root: Path) -> dict[str, bytes]:
    """What a clean `--no-cache` build of the sources at `root` writes."""
    out = root.parent / "reference"
    shutil.rmtree(out, ignore_errors=True)
    assert main(["build", "--no-cache", "--config", str(root / "config.yaml"), "--out", str(out)]) == 0
    return snapshot(out)


def assert_clean_build(root: Path) -> None:
    """dist/ holds exactly what a clean `--no-cache` build of the same sources
    writes (nothing half-written either), and it verifies. (The spare beside it
    may hold anything: it is checked when a build takes it, tests/system/test_verify.py.)"""
    got, want = snapshot(root / "dist"), reference(root)
    assert got.keys() == want.keys(), (sorted(got.keys() - want.keys()), sorted(want.keys() - got.keys()))
    assert got == want
    assert verify_output(root / "dist") == []


def children(pid: int) -> list[int]:
    """PIDs of a process's children (Linux /proc)."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def worker_processes(pid: int) -> list[int]:
    """PIDs of a build's worker processes: its children that are Python (forked), not a
    program it runs (fc-match, finding the share images' faces)."""
    found = []
    for child in children(pid):
        try:
            if Path(f"/proc/{child}/exe").resolve() == Path(f"/proc/{pid}/exe").resolve():
                found.append(child)
        except OSError:         # ended meanwhile
            pass
    return found


def dead_pid() -> int:
    """The PID of a process that has ended (and been reaped): the owner of a
    leftover staging folder that is provably gone."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


ARTICLES = 60
BODY = "".join(f"第{k}段：周口市投入资金{k}.5亿元，带动{k}万户增收。这句话让页面有些分量。\n\n" for k in range(25))


def set_version(root: Path, version: int) -> None:
    config = root / "config.yaml"
    lines = config.read_text(encoding="utf-8").splitlines()
    lines[0] = f"title: 测试专题第{version}版"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def leftovers(root: Path) -> list[str]:
    """Staging folders and the like; not `.dist.spare`, the build before last, which
    `build` keeps on purpose (write.swap_in) and which always holds its marker, nor
    `.dist.lock`, the output lock's file (outputlock.py), which is never removed."""
    spare = root / ".dist.spare"
    assert not spare.exists() or (spare / ".feature-build.json").is_file()
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".dist.") and p != spare
                  and p.name != ".dist.lock")


@pytest.fixture
def edition(tmp_path):
    files = {f"content/{'alpha' if i % 2 else 'beta'}/a{i:03d}.md":
             article(f"文章{i}", "alpha" if i % 2 else "beta", body=BODY) for i in range(ARTICLES)}
    # Without share cards and posters (FIXTURE_CONFIG): each new version's title would redraw all 540 of
    # them (27 CPU s) before a page is written. test_a_build_killed_while_drawing_share_images
    # kills a build in that stage.
    root = write_edition(tmp_path / "edition", files, FIXTURE_CONFIG)
    set_version(root, 0)
    return root

