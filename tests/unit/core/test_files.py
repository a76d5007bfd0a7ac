"""The folders no command writes into as a whole: the file system's root and the
user's home, refused alike by the build's output check, its lock and a folder deploy."""
from pathlib import Path

import pytest

from feature.core.files import root_or_home
from feature.output.lock import output_lock
from feature.output.write import OutputRefused, check_output_dir
from feature.publish.folder import check_local_target
from feature.publish.plan import DeployRefused


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))     # Path.home() reads it
    return folder


def test_root_and_home_and_nothing_else(home):
    assert root_or_home(Path("/")) and root_or_home(home)
    assert not root_or_home(home / "dist") and not root_or_home(home.parent)


@pytest.mark.parametrize("where", ["root", "home"])
def test_every_writer_refuses_them(home, tmp_path, where):
    folder = Path("/") if where == "root" else home
    with pytest.raises(OutputRefused, match="refusing to use"):
        check_output_dir(folder)
    with pytest.raises(OutputRefused, match="refusing to use"):
        with output_lock(folder, "build"):
            pass
    with pytest.raises(DeployRefused, match="refusing to deploy into"):
        check_local_target(folder, tmp_path / "edition" / "dist")
    assert not (home.parent / ".home.lock").exists() and not list(home.iterdir())
