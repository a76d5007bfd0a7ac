"""The bad-input tests' edition: a good build in dist/, and a rebuild that
must fail and leave dist/ byte for byte as it was (tests/build/test_invalid_input.py,
tests/system/test_bad_files.py)."""
import contextlib
import io
import shutil

import pytest

from feature.cli import main
from tests.support import article, write_edition

GOOD = {"content/alpha/good.md": article("好文章", "alpha", body="正文。\n")}


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    """The edition built once: each test starts from a copy (a build is most of a case's time)."""
    root = write_edition(tmp_path_factory.mktemp("good") / "edition", GOOD)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        assert main(["build", "--config", str(root / "config.yaml")]) == 0, err.getvalue()
    return root


@pytest.fixture
def built(good_build, tmp_path, capsys):
    """An edition with a good previous build in dist/ and the build's cache beside it,
    as after `build`; returns (root, build-again)."""
    root = tmp_path / "edition"
    shutil.copytree(good_build, root, symlinks=True)      # copy2: times kept, so dist/ verifies by stat
    before = snapshot(root / "dist")

    def rebuild(*options):
        code = main(["build", "--config", str(root / "config.yaml"), *options])
        err = capsys.readouterr().err
        assert code == 1, err
        assert snapshot(root / "dist") == before, "a failed build changed dist/"
        # No staging leftovers beside dist/ (.cache/ is the build's own cache, kept on purpose).
        assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")
                      and p.name not in (".cache", ".dist.lock")) == []   # .dist.lock: outputlock.py
        return err
    return root, rebuild
