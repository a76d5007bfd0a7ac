"""Write the import's files without ever losing an editor's work.

The folder keeps a record of what the importer last wrote there
(`.import-record.json`: each file's SHA-256). A file that still holds
exactly that, or does not exist, is (re)written. A file that differs from
it (an editor worked on the draft, or it is not the importer's at all) is
kept as it is, and the new import goes beside it as `NAME.new` (which the
build never reads: not a `.md` file), with a message saying so.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from feature.core.files import replace_file

RECORD_NAME = ".import-record.json"
BESIDE_SUFFIX = ".new"


class KeptEdit(Exception):
    """An edited file's `.new` was edited too: nothing is written."""


@dataclass(frozen=True)
class Written:
    kept: tuple[tuple[str, str], ...]    # (edited file kept, name the import went to)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def read_record(out_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((out_dir / RECORD_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def _ours(out_dir: Path, name: str, record: dict[str, str], new: bytes) -> bool:
    """May the importer write `name`: absent, unchanged since it wrote it, or already the new text."""
    try:
        current = (out_dir / name).read_bytes()
    except FileNotFoundError:
        return True
    return current == new or record.get(name) == _digest(current)


def plan_writes(files: dict[str, str | bytes], out_dir: Path) -> tuple[dict[str, bytes], Written]:
    """Where each file goes: its own name, or beside an edited file."""
    record = read_record(out_dir)
    targets: dict[str, bytes] = {}
    kept = []
    for name, content in files.items():
        data = _as_bytes(content)
        if _ours(out_dir, name, record, data):
            targets[name] = data
            continue
        beside = name + BESIDE_SUFFIX
        if not _ours(out_dir, beside, record, data):
            raise KeptEdit(f"{out_dir / name} and {out_dir / beside} were both edited since the last "
                           f"import; nothing was written: move one of them away and import again")
        targets[beside] = data
        kept.append((name, beside))
    return targets, Written(tuple(kept))


def write_files(files: dict[str, str | bytes], out_dir: Path) -> Written:
    """Write every file (each atomically), then the record of what was written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    targets, written = plan_writes(files, out_dir)
    record = read_record(out_dir)
    for name, data in targets.items():
        (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
        replace_file(out_dir / name, data)
        record[name] = _digest(data)
    replace_file(out_dir / RECORD_NAME,
                      (json.dumps({"files": record}, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
    return written


def kept_messages(written: Written, out_dir: Path) -> list[str]:
    return [f"{out_dir / name}: warning: edited since the last import, so it was kept as it is; the new "
            f"import is beside it as {out_dir / beside} (compare them and merge by hand)"
            for name, beside in written.kept]
