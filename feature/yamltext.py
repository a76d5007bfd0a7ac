"""YAML parsing that remembers where each key was written.

Both config.yaml and article front matter need "file:line" in their error
messages, which plain `yaml.safe_load` cannot give.
"""
from __future__ import annotations

import yaml

# libyaml when it is there: ~10× faster than the pure-Python loader. Only a
# document it accepts takes that path; any error is re-parsed by the pure-Python
# loader, whose messages and marks are the ones users (and the tests) see.
_FAST = getattr(yaml, "CSafeLoader", None)


class YamlProblem(Exception):
    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message
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
            node, data = _compose_and_construct(_FAST, text)
            parsed = True
        except Exception:           # the slow path below reports it exactly
            pass
    try:
        if not parsed:
            node, data = _compose_and_construct(yaml.SafeLoader, text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        raise YamlProblem(line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(first_line, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlProblem(first_line, "invalid YAML: nested too deeply") from None
    except (ValueError, TypeError, OverflowError) as exc:   # e.g. date: 2019-13-45
        raise YamlProblem(first_line, f"invalid YAML value: {exc}") from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise YamlProblem(first_line, "expected a mapping of `key: value` lines")
    lines = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag != "tag:yaml.org,2002:str":
            raise YamlProblem(first_line + key.start_mark.line,
                              "each key must be a name such as `headline` (not a number, list or date)")
        lines[str(key.value)] = first_line + key.start_mark.line
        if isinstance(value, yaml.SequenceNode):   # `figures[2]` → its own line
            for i, item in enumerate(value.value):
                lines[f"{key.value}[{i}]"] = first_line + item.start_mark.line
    return data, lines


def _compose_and_construct(loader_class, text: str):
    """The node tree (for line numbers) and the data built from it: one parse."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data
