"""What the build accepts from the disk and from editors' text, checked before use.

- A read is bounded before it happens: only a regular file is opened (a FIFO
  would block for ever, /dev/zero never ends, a device may act on open), only
  below the folder it belongs to (a symlink to an outside file would publish
  it), and only up to a size limit known from its stat.
- Text must be text a page can carry: HTML and XML have no place for control
  characters, lone surrogates or noncharacters (feed.xml stops being XML).
- A file name must be UTF-8 text without control characters: it is shown in
  every message and may become part of an address.
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

# C0 controls but tab and line feed (carriage returns are normalised first), DEL,
# C1 controls, lone surrogates and the noncharacters: none is valid in XML 1.0
# or allowed by HTML's parser, and none can be typed on purpose.
NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                      "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff"
                      "\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]")
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


class Refused(Exception):
    """A file the build does not read; `message` says why, for `path: error: …`."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read_regular(path: Path | str, limit: int, inside: Path | None = None) -> bytes:
    """The bytes of `path`, or Refused before anything is read: not a regular
    file, outside `inside` once symlinks are followed, or over `limit` bytes.
    OSError (missing, no permission) is left to the caller."""
    path = os.fspath(path)
    if inside is not None:
        real, root = os.path.realpath(path), os.path.realpath(inside)
        if os.path.commonpath([real, root]) != root:
            folder = Path(inside).name
            raise Refused(f"a link to {shown_name(real)}, outside {folder}/; nothing was read from it "
                          f"(copy the file into {folder}/ instead of linking to it)")
    _check_kind(os.stat(path).st_mode)              # follows symlinks: /dev/zero is a device
    # O_NONBLOCK: should the path have become a FIFO since the stat, open returns at once.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        _check_kind(info.st_mode)
        if info.st_size > limit:
            raise TooLarge(info.st_size, limit)
        data = f.read(limit + 1)
    if len(data) > limit:                           # it grew while being read
        raise TooLarge(len(data), limit)
    return data


class TooLarge(Refused):
    def __init__(self, size: int, limit: int):
        super().__init__(f"{megabytes(size)} is more than the {megabytes(limit)} limit")
        self.size, self.limit = size, limit


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size % 2**20 else f"{size // 2**20} MB"


def _check_kind(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "something else")
    raise Refused(f"not a regular file but {kind}; nothing was read from it")


# NOT_TEXT's astral noncharacters, one by one, make every search ~4× slower
# (~60 µs an article): searched for as one range instead, whose other
# characters (CJK extension B …) are skipped one match at a time.
_SUSPECT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                      "\U0001fffe-\U0010ffff]")


def first_not_text(text: str) -> re.Match | None:
    found = _SUSPECT.search(text)
    while found is not None and ord(found.group()) > 0xFFFF and ord(found.group()) & 0xFFFE != 0xFFFE:
        found = _SUSPECT.search(text, found.end())
    return found


def text_problems(text: str, references: bool = False) -> list[tuple[int, str]]:
    """[(line, message)] for characters no page or feed can hold in a whole
    file, typed or (`references`: Markdown, which decodes them) written as
    `&#1;`: the first of each kind with its column, and how many more there are."""
    found = []
    for pattern, words_for in ((NOT_TEXT, _typed), (_CHAR_REF, _referenced)):
        if (first_not_text(text) is None) if pattern is NOT_TEXT else (not references or "&#" not in text):
            continue                        # the usual case, found out quickly
        hits = [(m, words) for m in pattern.finditer(text) if (words := words_for(m)) is not None]
        if hits:
            found.append((hits[0][0].start(), hits[0][1], len(hits) - 1))
    out = []
    for at, words, more in sorted(found):
        column = at - text.rfind("\n", 0, at)
        out.append((text.count("\n", 0, at) + 1, f"column {column} holds {words}: not text a page or feed can "
                    "hold; delete it" + (f" ({more} more in this file)" if more else "")))
    return out


_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _typed(m: re.Match) -> str:
    return f"{describe(m.group())}, invisible in most editors"


def _referenced(m: re.Match) -> str | None:
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    if code > 0x10FFFF:
        return f"`{m.group()}`, beyond Unicode"
    return f"`{m.group()}`, which stands for {describe(chr(code))}" if code == 0 or NOT_TEXT.match(chr(code)) else None


def describe(ch: str) -> str:
    """'U+0001 (a control character)' for a message: the character itself is invisible."""
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        kind = "half of a surrogate pair"
    elif code < 0x20 or 0x7F <= code <= 0x9F:
        kind = "a control character"
    else:
        kind = "a noncharacter"
    return f"U+{code:04X} ({kind})"


def shown_name(path: str) -> str:
    """A path as it can be printed: bytes that are not UTF-8, and characters that
    are not text, as \\x escapes."""
    if _undecodable(path):
        path = os.fsencode(path).decode("utf-8", "backslashreplace")
    return NOT_TEXT.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), path)


def name_problem(path: str) -> str | None:
    """Why a file name cannot be used (shown in messages, part of an address), or None."""
    if _undecodable(path):
        return "the file name is not UTF-8 text; rename the file (its name is shown here with \\x escapes)"
    bad = NOT_TEXT.search(path)
    if bad:
        return f"the file name contains {describe(bad.group())}; rename the file"
    return None


def _undecodable(path: str) -> bool:
    """os.walk hands out bytes that are not UTF-8 as lone surrogates (surrogateescape)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
