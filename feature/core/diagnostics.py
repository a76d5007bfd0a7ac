"""Problems found in the input, as values with a location.

Every stage appends to a `Diagnostics` list instead of raising at the first
problem, so one run reports everything; the pipeline stops before writing
when any error was collected.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    message: str
    severity: str = "error"   # "error" stops the build, "warning" does not

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class Diagnostics:
    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str | Path, line: int, message: str) -> None:
        self.items.append(Diagnostic(str(path), line, message, "error"))

    def warning(self, path: str | Path, line: int, message: str) -> None:
        self.items.append(Diagnostic(str(path), line, message, "warning"))

    def extend(self, other: "Diagnostics") -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def __bool__(self) -> bool:
        return bool(self.errors)


def source_name(rel: str | Path) -> str:
    """How a diagnostic names an article's source: 'content/fupin/zongshu.md'
    (`rel`: its path inside the content folder)."""
    return f"content/{Path(rel).as_posix()}"


class BuildError(Exception):
    """Raised by the pipeline when input problems stop the build."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))


def did_you_mean(word: str, choices) -> str:
    """A ' (did you mean "x"?)' hint, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""
