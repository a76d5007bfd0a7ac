"""YAML parsing that remembers where each key was written, bounds what a
document may expand to, and explains its errors in plain words.

Both config.yaml and article front matter need "file:line" in their error
messages, which plain `yaml.safe_load` cannot give. Before anything is built
from the parsed nodes, they are checked (`_NodeCheck`): aliases may not expand
a few lines into gigabytes ("billion laughs", merge keys), nesting stays
shallow (deep data crashes later stages that recurse), every string is text a
page can hold, and only plain data types are accepted (no `!!binary`, `!!set`
…). A syntax error is explained by yamlhelp.py; PyYAML's own words follow on
a second line.
"""
from __future__ import annotations

import yaml

from .inputcheck import describe, first_not_text, shown_name
from .yamlhelp import explain

# libyaml when it is there: ~10× faster than the pure-Python loader. Only a
# document it accepts takes that path; any error is re-parsed by the pure-Python
# loader, whose messages and marks are the ones users (and the tests) see.
_FAST = getattr(yaml, "CSafeLoader", None)
# Front matter nests two or three levels; code that walks data recursively
# (pickling the build cache, Jinja) fails somewhere below a thousand.
MAX_DEPTH = 50
# Values plus characters once aliases are expanded. Anything written out in a
# 1 MB file stays below it; `&a [*b, *b, …]` chains pass it within a few lines.
MAX_EXPANDED = 2_000_000
_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")}
_TAG_WORDS = {"binary": "binary data", "set": "a set", "omap": "an ordered mapping", "pairs": "a list of pairs"}


class YamlProblem(Exception):
    """Every problem of one document: `problems` is [(line, message)]; `line`
    and `message` are the first one's."""

    def __init__(self, line: int, message: str, more: list[tuple[int, str]] = ()):
        self.problems = [(line, message), *more]
        self.line, self.message = line, message
        super().__init__(f"line {line}: {message}")


def load_mapping(text: str, first_line: int = 1) -> tuple[dict, dict[str, int]]:
    """Parse a YAML mapping; return it and the line of each top-level key
    (and of each item of a list value, as `key[i]`).

    `first_line` is the file line where `text` starts, so reported lines are
    lines of the file, not of the fragment.
    """
    node = data = None
    parsed = False
    if _FAST is not None:
        try:
            node, data = _compose_and_construct(_FAST, text, first_line)
            parsed = True
        except YamlProblem:
            raise
        except Exception:           # the slow path below reports it exactly
            pass
    if not parsed:
        node, data = _parse_slowly(text, first_line)
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise YamlProblem(*explain(text, None, first_line, not_a_mapping=True))
    lines = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag != _TAG + "str":
            raise YamlProblem(first_line + key.start_mark.line,
                              "each key must be a name such as `headline` (not a number, list or date)")
        lines[str(key.value)] = first_line + key.start_mark.line
        if isinstance(value, yaml.SequenceNode):   # `figures[2]` → its own line
            for i, item in enumerate(value.value):
                lines[f"{key.value}[{i}]"] = first_line + item.start_mark.line
    return data, lines


def _parse_slowly(text: str, first_line: int):
    try:
        return _compose_and_construct(yaml.SafeLoader, text, first_line)
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(*explain(text, exc, first_line)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(first_line, f"invalid YAML: {exc}") from None
    except RecursionError:          # the pure-Python composer recurses per level
        raise YamlProblem(first_line + _too_deep_at(text), _too_deep("the value here")) from None
    except (ValueError, TypeError, OverflowError) as exc:   # what _NodeCheck did not foresee
        raise YamlProblem(first_line, f"invalid YAML value: {exc}") from None


def _compose_and_construct(loader_class, text: str, first_line: int):
    """The node tree (for line numbers) and the data built from it: one parse,
    and nothing is built from a tree that fails the checks."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        problems = _NodeCheck(first_line).problems(node)
        if problems:
            raise YamlProblem(*problems[0], problems[1:])
        return node, loader.construct_document(node)
    finally:
        loader.dispose()


def _too_deep(name: str, aliases: bool = False) -> str:
    return (f"{name} is nested more than {MAX_DEPTH} levels deep{' (aliases included)' if aliases else ''}; "
            "two or three is usual")


def _too_deep_at(text: str) -> int:
    """The line (0-based) where nesting passes MAX_DEPTH, from the scanner's
    tokens (it does not recurse, the composer does)."""
    depth = 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken,
                              yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)):
            depth += 1
            if depth > MAX_DEPTH:
                return token.start_mark.line
        elif isinstance(token, (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)):
            depth -= 1
    return 0


class _NodeCheck:
    """One walk over the composed nodes (iterative: depth is what it checks).
    An alias is the very node its anchor names, met again: its size is counted
    each time it is met (that is what construction and every later stage pay),
    and the walk below it is done once."""

    _constructor = yaml.constructor.SafeConstructor()

    def __init__(self, first_line: int):
        self.first_line = first_line

    def problems(self, root) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []
        sizes: dict[int, tuple[int, int]] = {}       # id(node) → (expanded size, height)
        open_nodes: set[int] = set()
        stack = [(root, "", 1, False)]
        while stack:
            node, path, depth, finished = stack.pop()
            key = id(node)
            if finished:
                open_nodes.discard(key)
                size, height = self._size(node, sizes)
                sizes[key] = (size, height)
                if size > MAX_EXPANDED:
                    return [self._at(node, f"{_named(path)}: aliases (`*name`) expand this value to more than "
                                           f"{MAX_EXPANDED:,} values and characters; write the values out "
                                           "instead of repeating them through anchors")]
                if depth + height - 1 > MAX_DEPTH:
                    return [self._at(node, _too_deep(_named(path), aliases=True))]
                continue
            if key in sizes:
                continue
            if key in open_nodes:
                return [self._at(node, f"{_named(path)} contains an alias (`*name`) of itself: it would never end")]
            if depth > MAX_DEPTH:
                return [self._at(node, _too_deep(_named(path)))]
            open_nodes.add(key)
            stack.append((node, path, depth, True))
            problem = self._value_problem(node, path)
            if problem:
                found.append(self._at(node, problem))
            if isinstance(node, yaml.MappingNode):
                self._check_keys(node, path, found)
                for k, v in reversed(node.value):
                    stack.append((v, _child(path, k), depth + 1, False))
            elif isinstance(node, yaml.SequenceNode):
                for i in range(len(node.value) - 1, -1, -1):
                    stack.append((node.value[i], f"{path}[{i}]", depth + 1, False))
        return sorted(found)

    @staticmethod
    def _size(node, sizes) -> tuple[int, int]:
        if isinstance(node, yaml.ScalarNode):
            return 1 + len(node.value), 1
        children = [c for kv in node.value for c in kv] if isinstance(node, yaml.MappingNode) else node.value
        known = [sizes.get(id(c), (1, 1)) for c in children]
        return 1 + sum(s for s, _ in known), 1 + max((h for _, h in known), default=0)

    def _value_problem(self, node, path: str) -> str | None:
        name = _named(path)
        if node.tag not in _PLAIN_TAGS:
            short = node.tag.removeprefix(_TAG)
            what = _TAG_WORDS.get(short, f"tagged `{'!!' + short if short != node.tag else short}`")
            return f"{name} is {what}; only text, numbers, dates, true/false, lists and mappings are allowed here"
        if isinstance(node, yaml.ScalarNode):
            bad = first_not_text(node.value)
            if bad:
                return f"{name} holds {describe(bad.group())}: not text a page or feed can hold; delete it"
            if node.tag in (_TAG + "timestamp", _TAG + "int"):
                return self._number_problem(node, name)
        return None

    def _number_problem(self, node, name: str) -> str | None:
        try:
            if node.tag == _TAG + "int":
                self._constructor.construct_yaml_int(node)
            else:
                self._constructor.construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            if node.tag == _TAG + "int":
                return f"{name}: the number `{node.value[:20]}…` has too many digits"
            return f"{name}: `{node.value}` is not a date ({exc})"
        return None

    def _check_keys(self, node, path: str, found: list) -> None:
        seen: dict[str, int] = {}
        for k, _ in node.value:
            if not isinstance(k, yaml.ScalarNode):
                continue
            bad = first_not_text(k.value)
            if bad:
                found.append(self._at(k, f"the key `{_child(path, k)}` contains {describe(bad.group())}; rename it"))
            line = self.first_line + k.start_mark.line
            if k.value in seen and k.tag != _TAG + "merge":
                found.append((line, f"`{_child(path, k)}` is given twice (also on line {seen[k.value]}); "
                                    "keep one: YAML would silently drop the first"))
            seen.setdefault(k.value, line)

    def _at(self, node, message: str) -> tuple[int, str]:
        return self.first_line + node.start_mark.line, message


def _named(path: str) -> str:
    """`extra.photos[2]` for a message; a long path by its first and last steps."""
    if not path:
        return "the YAML"
    return f"`{path}`" if len(path) <= 60 else f"`{path[:28]}…{path[-28:]}`"


def _child(path: str, key_node) -> str:
    name = shown_name(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
    return f"{path}.{name}" if path else name
