"""What a parsed YAML document may hold, checked on its nodes before any data
is built from them (yamltext.load_mapping).

- Aliases may not expand a few lines into gigabytes ("billion laughs", merge
  keys `<<`), nor name a value that holds them (it would never end).
- Nesting stays shallow: later stages (pickling the build cache, Jinja) recurse
  and fail somewhere below a thousand levels.
- Only plain data: text, numbers, dates, true/false, lists, mappings (no
  `!!binary`, `!!set`, `!!python/…`, local tags); every string is text a page
  or feed can hold; dates are real dates; a key is not given twice (YAML would
  keep the second silently).

An alias is the very node its anchor names, met again. Only a document that
can hold one (`*` in its text) pays for counting expanded sizes.
"""
from __future__ import annotations

import yaml

from .inputcheck import describe, first_not_text, shown_name

# Front matter nests two or three levels.
MAX_DEPTH = 50
# Values plus characters once aliases are expanded. Anything written out in a
# 1 MB file stays below it; `&a [*b, *b, …]` chains pass it within a few lines.
MAX_EXPANDED = 2_000_000
_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")}
_TAG_WORDS = {"binary": "binary data", "set": "a set", "omap": "an ordered mapping", "pairs": "a list of pairs"}
_constructor = yaml.constructor.SafeConstructor()
_SAFE = yaml.constructor.SafeConstructor
# Scalars built before the document is (an explicit tag may not fit the value).
_SCALAR_TYPES = {_TAG + "int": (_SAFE.construct_yaml_int, "a whole number"),
                 _TAG + "float": (_SAFE.construct_yaml_float, "a number"),
                 _TAG + "bool": (_SAFE.construct_yaml_bool, "true or false"),
                 _TAG + "timestamp": (_SAFE.construct_yaml_timestamp, "a date")}


def node_problems(root, text: str, first_line: int) -> list[tuple[int, str]]:
    """[(file line, message)] for the document `root` composed from `text`."""
    if "*" in text:
        shape = _shape_problem(root, first_line)
        if shape:
            return [shape]
    return _value_problems(root, first_line)


def too_deep(name: str, aliases: bool = False) -> str:
    return (f"{name} is nested more than {MAX_DEPTH} levels deep{' (aliases included)' if aliases else ''}; "
            "two or three is usual")


def _shape_problem(root, first_line: int) -> tuple[int, str] | None:
    """Expanded size, expanded depth and self-reference, in one post-order walk
    that visits each distinct node once."""
    sizes: dict[int, tuple[int, int]] = {}          # id(node) → (expanded size, height)
    open_nodes: set[int] = set()
    stack = [(root, None, 1, False)]
    while stack:
        node, where, depth, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            size, height = sizes[key] = _size(node, sizes)
            if size > MAX_EXPANDED:
                return _at(node, first_line, f"{_named(where)}: aliases (`*name`) expand this value to more than "
                                             f"{MAX_EXPANDED:,} values and characters; write the values out "
                                             "instead of repeating them through anchors")
            if depth + height - 1 > MAX_DEPTH:
                return _at(node, first_line, too_deep(_named(where), aliases=True))
        elif key in open_nodes:
            return _at(node, first_line, f"{_named(where)} contains an alias (`*name`) of itself: it would never end")
        elif key not in sizes:
            if depth > MAX_DEPTH:
                return _at(node, first_line, too_deep(_named(where)))
            open_nodes.add(key)
            stack.append((node, where, depth, True))
            # reversed: the walk meets nodes in the document's order, an anchor before its aliases
            stack.extend(reversed([(child, (where, step), depth + 1, False) for step, child in _children(node)]))
    return None


def _size(node, sizes) -> tuple[int, int]:
    if isinstance(node, yaml.ScalarNode):
        return 1 + len(node.value), 1
    known = [sizes[id(child)] for step, child in _children(node) if child is not step]
    for key, _ in node.value if isinstance(node, yaml.MappingNode) else ():
        known.append((1 + len(key.value), 1) if isinstance(key, yaml.ScalarNode) else sizes[id(key)])
    return 1 + sum(s for s, _ in known), 1 + max((h for _, h in known), default=0)


def _children(node):
    """(step, child) below a collection; a mapping's keys are walked as values of the key itself."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key, value
            if not isinstance(key, yaml.ScalarNode):
                yield key, key
    elif isinstance(node, yaml.SequenceNode):
        yield from enumerate(node.value)


def _value_problems(root, first_line: int) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    done: set[int] = set()
    stack = [(root, None, 1)]
    while stack:
        node, where, depth = stack.pop()
        if id(node) in done:                        # an alias: its value was checked where it was written
            continue
        done.add(id(node))
        if depth > MAX_DEPTH:
            return [_at(node, first_line, too_deep(_named(where)))]
        problem = _value_problem(node, where)
        if problem:
            found.append(_at(node, first_line, problem))
        if isinstance(node, yaml.MappingNode):
            _key_problems(node, where, first_line, found)
        if not isinstance(node, yaml.ScalarNode):
            stack.extend(reversed([(child, (where, step), depth + 1) for step, child in _children(node)]))
    return sorted(found)


def _value_problem(node, where) -> str | None:
    if node.tag not in _PLAIN_TAGS:
        short = node.tag.removeprefix(_TAG)
        what = _TAG_WORDS.get(short, f"tagged `{'!!' + short if short != node.tag else short}`")
        return f"{_named(where)} is {what}; only text, numbers, dates, true/false, lists and mappings are allowed here"
    if isinstance(node, yaml.ScalarNode):
        bad = first_not_text(node.value)
        if bad:
            return f"{_named(where)} holds {describe(bad.group())}: not text a page or feed can hold; delete it"
        if node.tag in _SCALAR_TYPES:
            return _scalar_problem(node, where)
    return None


def _scalar_problem(node, where) -> str | None:
    """A date that does not exist, a number too long to convert, `!!bool maybe`:
    what construction would raise, said of the value."""
    construct, meaning = _SCALAR_TYPES[node.tag]
    try:
        construct(_constructor, node)
    except Exception as exc:        # each type fails its own way (ValueError, KeyError, AttributeError)
        if "digits" in str(exc):
            return f"{_named(where)}: the number `{node.value[:20]}…` has too many digits"
        why = f" ({exc})" if node.tag == _TAG + "timestamp" and isinstance(exc, ValueError) else ""
        return f"{_named(where)}: `{node.value[:40]}` is not {meaning}{why}"
    return None


def _key_problems(node, where, first_line: int, found: list) -> None:
    seen: dict[str, int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        bad = first_not_text(key.value)
        if bad:
            found.append(_at(key, first_line, f"the key {_named((where, key))} holds {describe(bad.group())}; "
                                              "rename it"))
        if key.value in seen and key.tag != _TAG + "merge":
            found.append(_at(key, first_line, f"{_named((where, key))} is given twice (also on line "
                                              f"{seen[key.value]}); keep one: YAML would silently drop the first"))
        seen.setdefault(key.value, first_line + key.start_mark.line)


def _at(node, first_line: int, message: str) -> tuple[int, str]:
    return first_line + node.start_mark.line, message


def _named(where) -> str:
    """`extra.photos[2]` for a message (`where` is (parent's where, step) or None
    at the top); a long path by its first and last steps."""
    steps = []
    while where is not None:
        where, step = where
        steps.append(f"[{step}]" if isinstance(step, int) else
                     "." + (shown_name(step.value) if isinstance(step, yaml.ScalarNode) else "?"))
    path = "".join(reversed(steps)).removeprefix(".")
    if not path:
        return "the YAML"
    return f"`{path}`" if len(path) <= 60 else f"`{path[:28]}…{path[-28:]}`"
