"""The import contract (.importlinter): feature/'s tiers import only downward,
no cycles at any depth (imports inside functions count), heavy libraries kept
out of the tiers that every command loads. An upward import fails here with
the module and line of the offending import."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                              "sys.exit(lint_imports_command())", "--no-cache", "--no-logo"]


def lint(root: Path) -> subprocess.CompletedProcess:
    """lint-imports on the package feature/ under `root`, with root's .importlinter."""
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "200"}     # wide: a report line is never wrapped
    return subprocess.run(LINT + ["--config", str(root / ".importlinter")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_import_contract_holds():
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout


def test_an_upward_import_breaks_it_naming_the_line(tmp_path):
    """core/ importing the build, inside a function: the layers and the cycle
    contracts fail, and the report names the importing module and its line."""
    shutil.copytree(ROOT / "feature", tmp_path / "feature", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path)
    assert lint(tmp_path).returncode == 0
    urls = tmp_path / "feature" / "core" / "urls.py"
    text = urls.read_text(encoding="utf-8")
    line = text.count("\n") + 4
    urls.write_text(text + "\n\ndef _built():\n    from feature.build import pipeline\n    return pipeline\n",
                    encoding="utf-8")
    done = lint(tmp_path)
    assert done.returncode == 1
    # Layers, cycles, and (through the build) the heavy libraries core/ must not load.
    assert "Contracts: 0 kept, 3 broken." in done.stdout
    assert "feature.core is not allowed to import feature.build:" in done.stdout
    assert f"feature.core.urls -> feature.build.pipeline (l.{line})" in done.stdout, done.stdout


def test_readme_draws_the_contract():
    """README's "How it works" diagram names the contract's tiers, top to bottom."""
    import configparser
    import re
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    diagram = readme.split("## How it works", 1)[1].split("```", 2)[1]
    # A tier's line starts with its packages (cli.py: the module), then the words about them.
    heads = [re.split(r"\s{4,}", line)[0] for line in diagram.splitlines() if line[:1].isalpha()]
    drawn = [set(re.findall(r"(\w+)(?:/|\.py)", head)) - {"feature"} for head in heads]
    contract = configparser.ConfigParser()
    contract.read(ROOT / ".importlinter", encoding="utf-8")
    layers = [set(part.strip() for part in line.split("|"))
              for line in contract["importlinter:contract:layers"]["layers"].split("\n") if line.strip()]
    assert drawn == layers
