"""YAML in and out: a strict loader that remembers line numbers, and a deterministic dumper.

The loader resolves scalars by YAML 1.2 core rules, so an editor's `NO`, `yes`, `2024-10-27` or
`010` stays the string it looks like instead of turning into a bool, date or octal number; it
rejects duplicate keys instead of silently taking the last value, and aliases, which content
files never need and which make a "billion laughs" possible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from .errors import ContentError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class StrictLoader(_Loader):  # type: ignore[misc, valid-type]
    """Safe loading with YAML 1.2 core scalar resolution and no duplicate keys."""


StrictLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", list("~nN") + [""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$",
        list("-+.0123456789"),
    ),
):
    StrictLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def _construct_int(loader: yaml.BaseLoader, node: yaml.ScalarNode) -> int:
    return int(loader.construct_scalar(node))  # decimal only: no octal or sexagesimal


StrictLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


@dataclass(frozen=True)
class Loaded:
    """Parsed data plus the line of every key and list item, to point errors at the right line."""

    data: Any
    lines: dict[tuple[str | int, ...], int]

    def line_of(self, path: tuple[str | int, ...]) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


def load(text: str, filename: str) -> Loaded:
    """Parse one YAML document, or raise ContentError with the file and line."""
    try:
        node = yaml.compose(text, Loader=StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ContentError(filename, f"invalid YAML: {exc.problem or exc.context}", line) from exc
    except yaml.YAMLError as exc:
        raise ContentError(filename, f"invalid YAML: {exc}") from exc
    if node is None:
        raise ContentError(filename, "the file is empty", 1)
    lines: dict[tuple[str | int, ...], int] = {}
    _check_node(node, (), lines, filename, set())
    loader = StrictLoader("")
    try:
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise ContentError(filename, f"invalid YAML: {exc}", node.start_mark.line + 1) from exc
    finally:
        loader.dispose()
    return Loaded(data, lines)


def _check_node(node: yaml.Node, path: tuple, lines: dict, filename: str, seen: set[int]) -> None:
    """Record line numbers; refuse duplicate keys and aliases before anything is built."""
    lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in seen:  # the composer hands out the anchored node again for each alias
        raise ContentError(filename, "YAML aliases (*name) are not allowed here", lines[path])
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
            line = key_node.start_mark.line + 1
            if path + (key,) in lines:
                first = lines[path + (key,)]
                raise ContentError(filename, f"{key}: duplicate key (first given on line {first})", line)
            lines[path + (key,)] = line
            _check_node(value_node, path + (key,), lines, filename, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _check_node(item, path + (index,), lines, filename, seen)


WIDTH = 100


class _BlockDumper(_Dumper):  # type: ignore[misc, valid-type]
    """Multi-line text as literal blocks, long lines folded; the rest as PyYAML quotes it safely."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else ">" if len(value) > WIDTH - 20 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_str)


def dump(data: Any) -> str:
    """Deterministic YAML that loads back to `data` (checked: a mismatch is a bug, not a file)."""
    text = yaml.dump(
        data,
        Dumper=_BlockDumper,
        allow_unicode=True,
        sort_keys=False,
        width=WIDTH,
        default_flow_style=False,
    )
    if yaml.load(text, Loader=StrictLoader) != data:
        # PyYAML cannot keep some strings (trailing spaces in a block) in block style.
        text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=WIDTH)
    return text
