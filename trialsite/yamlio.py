"""YAML in and out: one strict way to read values, line numbers for errors, a deterministic dumper.

Values are always read by yaml-rs (a Rust YAML 1.2 parser, about eight times faster than
PyYAML's C loader on our files): an editor's `NO`, `yes` or `2024-10-27` stays the string it
looks like instead of turning into a bool or a date; duplicate keys and aliases are errors
(content never needs an alias, and refusing them rules out a "billion laughs"). PyYAML's
event parser is used only to find the line of each key when something must be reported, and
on that slow path everything else content never needs is refused with its line: tags
(`!!python/...`, `!include`), nesting deeper than any trial, a second document, numbers too long
to convert. A UTF-8 byte-order mark is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
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
# Python refuses to read integers longer than this (a guard against slow conversions).
_LONG_NUMBER = re.compile(r"[-+]?[0-9_]{4000,}")
# The model nests four levels at most (outcomes.primary.0.measure); far deeper is no trial.
MAX_DEPTH = 32
Lines = dict[tuple[str | int, ...], int]  # the line of every key and list item, by its path
TOO_DEEP = f"invalid YAML: nested more than {MAX_DEPTH} levels deep"
# libyaml 0.2.6 (bundled with PyYAML from 6.0.4) has a nesting limit of its own, far deeper than
# ours, which its scanner can reach before the parser hands us the event past our limit (it reads
# ahead up to 1,024 characters in a flow collection, `[[[[...`): the same refusal, said as ours.
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"
WIDTH = 100


def parse(text: str, filename: str) -> Any:
    """The document's data, or a ContentError naming the file and line."""
    try:
        return yaml_rs.loads(
            text.removeprefix("\ufeff"),
            parse_datetime=False,
            alias_limits=_NO_ALIASES,
            duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
        )
    except yaml_rs.YAMLDecodeError as exc:
        report = str(exc).splitlines() or ["not YAML"]
        message = report[0] if len(report) == 1 else f"{report[0]}: {report[-1].strip()}"
        if "alias" in message:
            message = "YAML aliases (*name) are not allowed here"
        line = _ERROR_LINE.search(str(exc))
        raise ContentError(filename, f"invalid YAML: {message}", int(line.group(1)) if line else None) from exc
    except (ValueError, OverflowError, RecursionError, TypeError) as exc:  # 5,000 digits; a list as a key
        raise ContentError(filename, f"invalid YAML: a value cannot be read ({exc})") from exc


@dataclass(frozen=True)
class Loaded:
    """Parsed data plus the line of every key and list item, to point errors at the right line."""

    data: Any
    lines: Lines

    def line_of(self, path: tuple[str | int, ...]) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


def load(text: str, filename: str) -> Loaded:
    """Parse one YAML document with the line of every key, or raise ContentError."""
    text = text.removeprefix("\ufeff")  # a byte-order mark, as some Windows editors save
    lines = _index_lines(text, filename)
    return Loaded(parse(text, filename), lines)


def _index_lines(text: str, filename: str) -> Lines:
    """The line of every key and list item, from PyYAML's event stream (no recursion, so a
    hostile nesting depth cannot overflow the stack); refuses what content never needs: aliases,
    tags, duplicate keys, non-text keys, deep nesting, several documents, over-long numbers."""
    lines: Lines = {}
    stack: list[_Frame] = []
    documents = 0
    line: int | None = None
    try:
        for event in yaml.parse(text, Loader=_Composer):
            # Both parsers mark every event; without a mark, the top of the file, as `line_of` says.
            line = event.start_mark.line + 1 if event.start_mark else 1
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise ContentError(
                        filename, "invalid YAML: a second document (---); one file holds one trial", line
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
            elif isinstance(event, yaml.AliasEvent):
                raise ContentError(filename, "YAML aliases (*name) are not allowed here", line)
            elif isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
                _index_node(event, stack, lines, filename, line)
            # else the stream's start and end, a document's end
    except yaml.YAMLError as exc:
        raise _invalid_yaml(exc, text, filename, line) from exc
    if () not in lines:
        raise ContentError(filename, "the file is empty", 1)
    return lines


def _index_node(
    event: yaml.ScalarEvent | yaml.CollectionStartEvent, stack: list[_Frame], lines: Lines, filename: str, line: int
) -> None:
    """Note the line of a scalar or the start of a collection (or of the key it is, in a mapping)."""
    if event.tag is not None:
        tag = event.tag.replace("tag:yaml.org,2002:", "!!")
        raise ContentError(filename, f"YAML tags ({tag}) are not allowed here: content is plain data", line)
    if isinstance(event, yaml.ScalarEvent) and not event.style and _LONG_NUMBER.fullmatch(event.value):
        raise ContentError(filename, f"a number with {len(event.value):,} digits is too long to read", line)
    path: tuple[str | int, ...] = ()
    if stack:
        frame = stack[-1]
        if not frame.mapping:
            path, frame.index = (*frame.path, frame.index), frame.index + 1
        elif frame.key is None:
            _index_key(event, frame, lines, filename, line)
            return
        else:
            path, frame.key = (*frame.path, frame.key), None
    lines.setdefault(path, line)
    if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
        if len(stack) >= MAX_DEPTH:
            raise ContentError(filename, TOO_DEEP, line)
        stack.append(_Frame(path, isinstance(event, yaml.MappingStartEvent)))


def _index_key(
    event: yaml.ScalarEvent | yaml.CollectionStartEvent, frame: _Frame, lines: Lines, filename: str, line: int
) -> None:
    if not isinstance(event, yaml.ScalarEvent):
        raise ContentError(filename, "invalid YAML: a key must be a plain name, not a list or mapping", line)
    key = (*frame.path, event.value)
    if key in lines:
        raise ContentError(filename, f"{event.value}: duplicate key (first given on line {lines[key]})", line)
    lines[key] = line
    frame.key = event.value


def _invalid_yaml(exc: yaml.YAMLError, text: str, filename: str, line: int | None) -> ContentError:
    """What PyYAML refused, at its line."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = mark.line + 1 if mark else None
        if _LIBYAML_TOO_DEEP in (exc.problem or ""):
            return ContentError(filename, TOO_DEEP, where)
        return ContentError(filename, f"invalid YAML: {_yaml_problem(exc, text)}", where)
    if isinstance(exc, yaml.reader.ReaderError):
        where = text[: exc.position].count("\n") + 1 if isinstance(exc.position, int) else None
        char = exc.character if isinstance(exc.character, int) else ord(exc.character or "?")
        problem = f"character U+{char:04X} is not allowed ({exc.reason})"
        return ContentError(filename, f"invalid YAML: {problem}", where)
    return ContentError(filename, f"invalid YAML: {exc}", line)


@dataclass
class _Frame:
    path: tuple[str | int, ...]
    mapping: bool
    key: str | None = None  # in a mapping: the key whose value comes next
    index: int = 0  # in a list: the next item's index


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str) -> str:
    problem = exc.problem or exc.context or "not YAML"
    if "tab" in problem or (exc.problem_mark and _char_at(text, exc.problem_mark) == "\t"):
        return f"{problem}: indent with spaces, not tabs"
    return problem


def _char_at(text: str, mark: yaml.Mark) -> str | None:
    """The character a parser error points at (the C parser's marks carry no buffer)."""
    lines = text.splitlines()
    if not 0 <= mark.line < len(lines) or not 0 <= mark.column < len(lines[mark.line]):
        return None
    return lines[mark.line][mark.column]


class _BlockDumper(_Dumper):  # type: ignore[misc, valid-type]  # the C or Python dumper, picked at run time
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


@lru_cache(maxsize=65536)  # a large export repeats its countries, cities and labels thousands of times
def _reads_as_other_type(value: str) -> bool:
    try:
        document = yaml_rs.loads(f"v: {value}", parse_datetime=False)
        return isinstance(document, dict) and document["v"] != value
    except (yaml_rs.YAMLDecodeError, TypeError, KeyError):
        return False


_BlockDumper.add_representer(str, _represent_str)


def dump(data: Any) -> str:
    """Deterministic YAML that loads back to `data` (checked: a mismatch is a bug, not a file)."""
    text = yaml.dump(
        data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=WIDTH, default_flow_style=False
    )
    if parse(text, "<dump>") != data:
        # PyYAML cannot keep some strings (trailing spaces in a block) in block style: quote all.
        text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=WIDTH, default_style='"')
    return text
