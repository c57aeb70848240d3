"""YAML in and out: one strict way to read values, line numbers for errors, a deterministic dumper.

Values are always read by yaml-rs (a Rust YAML 1.2 parser, about eight times faster than
PyYAML's C loader on our files): an editor's `NO`, `yes` or `2024-10-27` stays the string it
looks like instead of turning into a bool or a date; duplicate keys and aliases are errors
(content never needs an alias, and refusing them rules out a "billion laughs"). PyYAML's
composer is used only to find the line of each key when something must be reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
import yaml_rs

from .errors import ContentError

_Composer = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_NO_ALIASES = yaml_rs.AliasLimits(
    max_alias_expansions_per_anchor=0, max_replay_stack_depth=0, max_total_replayed_events=0
)
_ERROR_LINE = re.compile(r"\bline (\d+)")
WIDTH = 100


def parse(text: str, filename: str) -> Any:
    """The document's data, or a ContentError naming the file and line."""
    try:
        return yaml_rs.loads(
            text,
            parse_datetime=False,
            alias_limits=_NO_ALIASES,
            duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
        )
    except yaml_rs.YAMLDecodeError as exc:
        message = str(exc).splitlines()[0]
        if "alias" in message:
            message = "YAML aliases (*name) are not allowed here"
        line = _ERROR_LINE.search(str(exc))
        raise ContentError(filename, f"invalid YAML: {message}", int(line.group(1)) if line else None) from exc


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
    """Parse one YAML document with the line of every key, or raise ContentError."""
    lines: dict[tuple[str | int, ...], int] = {}
    try:
        node = yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ContentError(filename, f"invalid YAML: {exc.problem or exc.context}", mark.line + 1 if mark else None) from exc
    except yaml.YAMLError as exc:
        raise ContentError(filename, f"invalid YAML: {exc}") from exc
    if node is None:
        raise ContentError(filename, "the file is empty", 1)
    _check_node(node, (), lines, filename, set())
    return Loaded(parse(text, filename), lines)


def _check_node(node: yaml.Node, path: tuple, lines: dict, filename: str, seen: set[int]) -> None:
    """Record line numbers; name the line of a duplicate key or an alias."""
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


class _BlockDumper(_Dumper):  # type: ignore[misc, valid-type]
    """Multi-line text as literal blocks, long lines folded; the rest as PyYAML quotes it safely."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        style = "|"
    elif len(value) > WIDTH - 20:
        style = ">"
    elif _reads_as_other_type(value):
        style = "'"  # PyYAML (YAML 1.1) would write `0o17` or `.inf` bare; yaml-rs reads those as numbers
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _reads_as_other_type(value: str) -> bool:
    try:
        return yaml_rs.loads(f"v: {value}", parse_datetime=False)["v"] != value
    except (yaml_rs.YAMLDecodeError, TypeError, KeyError):
        return False


_BlockDumper.add_representer(str, _represent_str)


def dump(data: Any) -> str:
    """Deterministic YAML that loads back to `data` (checked: a mismatch is a bug, not a file)."""
    text = yaml.dump(data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=WIDTH, default_flow_style=False)
    if parse(text, "<dump>") != data:
        # PyYAML cannot keep some strings (trailing spaces in a block) in block style: quote all.
        text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=WIDTH, default_style='"')
    return text
