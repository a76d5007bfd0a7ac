"""A YAML syntax error in plain words, at the line an editor has to change.

PyYAML reports where its scanner gave up, which is often a line or two after
the mistake and in a parser's words ("mapping values are not allowed here").
Each rule below recognises one common mistake from PyYAML's error and the
lines around it, and says what to write instead; PyYAML's own text follows
on a second line. Unrecognised errors keep PyYAML's line.
"""
from __future__ import annotations

import re

import yaml

# `key: value` or `- key: value`; group 1 is everything up to the value.
_KEY_VALUE = re.compile(r"^(\s*(?:-\s+)?([^\s#:'\"][^:#]*?)\s*:)(?:[ \t]+|$)(.*)$")
_FULL_WIDTH_KEY = re.compile(r"^\s*(?:-\s+)?([^\s:：#'\"\[\]{}]+)\s*：\s*(.*)$")
_NO_SPACE_KEY = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*):(?![ \t/]|$)(.*)$")
_STARTS = {"[": "a list", "{": "a mapping", "*": "an alias of an `&anchor`", "&": "an anchor",
           "!": "a tag", "-": "a list item", "@": None, "`": None, "%": None,
           "|": "a block of text", ">": "a block of text", "?": "a complex key"}


def explain(text: str, exc: yaml.MarkedYAMLError | None, first_line: int,
            not_a_mapping: bool = False) -> tuple[int, str]:
    """(file line, message) for a document PyYAML refused (`exc`) or that is
    not a mapping at all."""
    lines = text.split("\n")
    if not_a_mapping:
        hit = _full_width_colon(lines, range(len(lines)))
        if hit:
            return first_line + hit[0], hit[1]
        return first_line, "expected a mapping of `key: value` lines"
    mark = exc.problem_mark or exc.context_mark
    at = mark.line if mark else 0
    words = f"{exc.context}: {exc.problem}" if exc.context and exc.problem else (exc.problem or exc.context)
    for rule in _RULES:
        hit = rule(lines, exc, at)
        if hit:
            return first_line + hit[0], f"{hit[1]}\n  (YAML says: {words})"
    return (first_line + at, "invalid YAML: write one `key: value` a line, and put a value in quotes when it "
                             f"holds `: ` or ` #` or starts with [ {{ * & ! @ `\n  (YAML says: {words})")


def _tab(lines, exc, at):
    if "'\\t'" in (exc.problem or "") and at < len(lines):
        return at, "a tab here: YAML indents with spaces only; replace the tab with spaces"
    return None


def _full_width_colon(lines, candidates):
    for i in candidates:
        m = _FULL_WIDTH_KEY.match(lines[i]) if 0 <= i < len(lines) else None
        if m:
            return i, (f"`{m.group(1)}：` has a full-width colon `：`; YAML needs a half-width colon and a "
                       f"space: `{m.group(1)}: {m.group(2)}`")
    return None


def _full_width(lines, exc, at):
    context = exc.context_mark.line if exc.context_mark else at
    return _full_width_colon(lines, dict.fromkeys((at - 1, at, context)))


def _unclosed_quote(lines, exc, at):
    """A quote that the line it opens on does not close (the value may run on
    for lines, up to the next quote, before PyYAML complains)."""
    if exc.context == "while scanning a quoted scalar" and exc.context_mark:
        i = exc.context_mark.line
        quote = lines[i][exc.context_mark.column] if exc.context_mark.column < len(lines[i]) else '"'
        return i, _never_closed(quote)
    if "found unexpected end of stream" in (exc.problem or "") or "but found '<scalar>'" in (exc.problem or ""):
        for i in range(min(at, len(lines) - 1) + 1):
            m = _KEY_VALUE.match(lines[i])
            value = (m.group(3) if m else lines[i].strip()).rstrip()
            if value[:1] in ('"', "'") and _closing(value) < 0:
                return i, _never_closed(value[0])
    return None


def _never_closed(quote: str) -> str:
    return (f"the quote {quote} that opens this value is not closed on this line; end the value with {quote} "
            "(for quotation marks inside it write “ ” or ‘ ’)")


def _closing(value: str) -> int:
    """Index of the quote that closes `value` (which starts with one), or -1."""
    quote, i = value[0], 1
    while i < len(value):
        if quote == '"' and value[i] == "\\":
            i += 2
            continue
        if value[i] == quote:
            if quote == "'" and value[i + 1:i + 2] == "'":
                i += 2
                continue
            return i
        i += 1
    return -1


def _early_quote(lines, exc, at):
    """`headline: "他说"好""`: the second quote ends the value."""
    m = _KEY_VALUE.match(lines[at]) if at < len(lines) else None
    if m and m.group(3)[:1] in ('"', "'") and _closing(m.group(3)) >= 0 and "but found" in (exc.problem or ""):
        q = m.group(3)[0]
        return at, (f"the value in quotes ends at its second {q}, and more text follows; for quotation marks "
                    f"inside a value write “ ” or ‘ ’ (or \\{q} in double quotes)")
    return None


def _starts_with_sign(lines, exc, at):
    for i in dict.fromkeys((at, exc.context_mark.line if exc.context_mark else at)):
        m = _KEY_VALUE.match(lines[i]) if i < len(lines) else None
        sign = m.group(3)[:1] if m else ""
        if sign in _STARTS and not (sign in "-|>?" and m.group(3)[1:2] not in (" ", "")):
            reads = _STARTS[sign]
            how = f"YAML reads it as {reads}" if reads else "YAML reserves that sign"
            return i, (f"a value that starts with {sign} must be in quotes ({how}): "
                       f"`{m.group(2)}: {_quoted(m.group(3))}`")
    return None


def _no_space(lines, exc, at):
    for i in (at - 1, at):
        m = _NO_SPACE_KEY.match(lines[i]) if 0 <= i < len(lines) else None
        if m:
            return i, f"put a space after the colon: `{m.group(1)}: {m.group(2)}`"
    return None


def _colon_in_value(lines, exc, at):
    m = _KEY_VALUE.match(lines[at]) if at < len(lines) else None
    if m and exc.problem == "mapping values are not allowed here" and m.group(3) \
            and exc.problem_mark.column > len(m.group(1)):
        return at, (f"the value of `{m.group(2)}` holds `: `, which YAML reads as another key; put the value "
                    f"in quotes: `{m.group(2)}: {_quoted(m.group(3))}`")
    return None


def _indentation(lines, exc, at):
    problem = exc.problem or ""
    if not (problem == "mapping values are not allowed here" or "found '<block" in problem):
        return None
    above = next((i for i in range(at - 1, -1, -1) if lines[i].strip() and not lines[i].lstrip().startswith("#")),
                 None)
    if above is None or at >= len(lines):
        return None
    return at, ("this line is indented differently from the lines above it: keys of one mapping, and the "
                "`- ` items of one list, start in the same column (a value that goes on to the next line "
                "needs quotes)")


def _quoted(value: str) -> str:
    value = value.strip()
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_RULES = (_tab, _full_width, _unclosed_quote, _early_quote, _starts_with_sign, _no_space, _colon_in_value,
          _indentation)
