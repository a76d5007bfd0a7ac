"""YAML parsing that remembers where each key was written.

Both config.yaml and article front matter need "file:line" in their error
messages, which plain `yaml.safe_load` cannot give. Nothing is built from a
document before yamlcheck.py has checked its nodes (alias expansion, depth,
plain data, text); a syntax error is explained by yamlhelp.py, with PyYAML's
own words on a second line.
"""
from __future__ import annotations

import yaml

from .yamlcheck import MAX_DEPTH, node_problems, too_deep
from .yamlhelp import explain

# libyaml when it is there: ~10× faster than the pure-Python loader. Only a
# document it accepts takes that path; any error is re-parsed by the pure-Python
# loader, whose messages and marks are the ones users (and the tests) see.
_FAST = getattr(yaml, "CSafeLoader", None)
_STR = "tag:yaml.org,2002:str"


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
        if not isinstance(key, yaml.ScalarNode) or key.tag != _STR:
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
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(*explain(text, exc, first_line)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(first_line, f"invalid YAML: {exc}") from None
    except RecursionError:          # the pure-Python composer recurses per level
        raise YamlProblem(first_line + _too_deep_at(text), too_deep("the value here")) from None
    except Exception as exc:        # what yamlcheck did not foresee: an error, never a traceback
        raise YamlProblem(first_line, f"invalid YAML value: {exc}") from None


def _compose_and_construct(loader_class, text: str, first_line: int):
    """The node tree (for line numbers) and the data built from it: one parse,
    and nothing is built from a tree that fails the checks."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        problems = node_problems(node, text, first_line)
        if problems:
            raise YamlProblem(*problems[0], problems[1:])
        return node, loader.construct_document(node)
    finally:
        loader.dispose()


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


