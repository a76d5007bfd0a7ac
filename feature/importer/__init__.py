"""Import raw print text (a newspaper page's OCR or export) into article
drafts and a report of every change made to it.

    import_raw(text, source_name) -> ImportResult   # in memory, no I/O
    import_source(path) -> ImportResult             # raw text, .docx or .pdf
    run(raw_path, out_dir[, corrections]) -> int    # drafts + import-report.md
"""
from .duplicates import UniqueTextDropped
from .pipeline import RawTextError, import_raw, import_source, run
from .records import (
    Block, DroppedDuplicate, Flag, ImportedArticle, ImportResult, Join, Marker, Placement,
)

__all__ = [
    "Block", "DroppedDuplicate", "Flag", "ImportedArticle", "ImportResult", "Join",
    "Marker", "Placement", "RawTextError", "UniqueTextDropped", "import_raw", "import_source", "run",
]
