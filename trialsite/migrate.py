"""`migrate`: write into existing content the keys of fields added to the model since it was written.

A file written by an older trialsite is still valid (a key it leaves out reads as its blank value,
see `model.Record`); `migrate` makes it complete again. Each missing key is inserted as its own
line(s), with its blank value, at its place in the model's field order; no other line changes, so
an editor's comments, quoting and wrapping stay as they were (a YAML round trip would lose them).
A file extract wrote and nobody edited is still unedited afterwards: its new hash goes into the
extract state, so `extract --force` may still regenerate it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from .content import DRUGS_FILE, TRIALS_DIR, InvalidContent, check_trial_name, load_record, trial_paths
from .errors import ContentError, TrialsiteError
from .extract_state import load_state, save_state
from .fsutil import atomic_write, sha256_bytes
from .model import DrugVocabulary, Trial, blank_value, record_type
from .report import Report
from .yamlio import dump, parse

_Composer = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Location = tuple[str | int, ...]


@dataclass(frozen=True)
class Insertion:
    """New lines for one missing key, to go before line `before` (0-based) of the file."""

    before: int
    where: Location  # the mapping the key goes into
    key: str
    value: Any
    lines: list[str]


def migrate(content_dir: Path) -> Report:
    """Complete every trial file and the drug vocabulary; refresh the extract state of unedited files."""
    if not content_dir.is_dir():
        raise TrialsiteError(content_dir, "content directory not found")
    report = Report("migrate")
    state = load_state(content_dir)
    written = {entry["file"]: entry for entry in state.values()}
    refreshed = False
    files: list[tuple[Path, type[BaseModel]]] = [(path, Trial) for path in trial_paths(content_dir)]
    if (content_dir / DRUGS_FILE).exists():
        files.append((content_dir / DRUGS_FILE, DrugVocabulary))
    for path, model in files:
        shown = path.relative_to(content_dir).as_posix()
        try:
            if model is Trial:
                check_trial_name(path)
            load_record(path, model)  # a broken file is reported as `check` would, and left alone
            old = path.read_bytes()
            new, added = complete(old.decode("utf-8"), model, str(path))
        except (InvalidContent, ContentError) as exc:
            problems = exc.problems if isinstance(exc, InvalidContent) else [exc]
            report.fail("\nerror: ".join(map(str, problems)))  # one failed file, each problem on a line
            continue
        if not added:
            report.add("complete")
            continue
        atomic_write(path, new)
        entry = written.get(path.name) if path.parent.name == TRIALS_DIR else None
        if entry is not None and entry["written_sha256"] == sha256_bytes(old):
            entry["written_sha256"] = sha256_bytes(new)
            refreshed = True
        report.add("migrated", f"migrated {shown}: added {', '.join(added)}")
    if refreshed:
        # Saved after the files: a crash in between leaves a migrated file looking hand-edited,
        # which only keeps extract from overwriting it; never the other way round.
        save_state(content_dir, state)
    return report


def complete(text: str, model: type[BaseModel], filename: str) -> tuple[str, list[str]]:
    """`text` (a valid file of `model`) with every key it leaves out inserted, and those keys dotted."""
    body = text.removeprefix("\ufeff")
    root = yaml.compose(body, Loader=_Composer)  # a mapping: the file is valid
    assert isinstance(root, yaml.MappingNode)
    insertions = _insertions(root, model, (), body.splitlines(), filename)
    if not insertions:
        return text, []
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    if not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    # Bottom up, so that earlier lines keep their numbers; keys bound for one line in reverse, so
    # that they end up in field order.
    for _, insertion in sorted(enumerate(insertions), key=lambda pair: (pair[1].before, pair[0]), reverse=True):
        lines[insertion.before:insertion.before] = [line + newline for line in insertion.lines]
    result = "".join(lines)
    _verify(parse(body, filename), parse(result, filename), insertions, filename)
    return result, [".".join(str(part) for part in (*i.where, i.key) if isinstance(part, str)) for i in insertions]


def _insertions(
    node: yaml.MappingNode, model: type[BaseModel], where: Location, lines: list[str], filename: str
) -> list[Insertion]:
    """The keys of `model` the mapping `node` leaves out, and those of the records inside it."""
    present = {key.value: (key, value) for key, value in node.value}
    insertions: list[Insertion] = []
    previous: yaml.Node | None = None  # the value of the last field in model order the file has
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in present:
            previous = value = present[key][1]
            insertions += _inner_insertions(value, record_type(info.annotation), (*where, key), lines, filename)
            continue
        if node.flow_style or not node.value:
            dotted = ".".join(str(part) for part in where) or "(document)"
            raise ContentError(
                filename,
                f"{dotted}: written on one line ({{...}}), so {key} cannot be added as a line of its own; "
                "write it as one key per line and run migrate again",
                node.start_mark.line + 1,
            )
        blank = blank_value(info)
        column = node.value[0][0].start_mark.column
        before = _end_line(previous, lines, column) if previous is not None else node.value[0][0].start_mark.line
        text = dump({key: blank}).splitlines()
        insertions.append(Insertion(before, where, key, blank, [" " * column + line for line in text]))
    return insertions


def _inner_insertions(
    value: yaml.Node, record: type[BaseModel] | None, where: Location, lines: list[str], filename: str
) -> list[Insertion]:
    """The keys missing in the record, or the list of records, a field holds."""
    if record is None:
        return []
    if isinstance(value, yaml.MappingNode):
        return _insertions(value, record, where, lines, filename)
    if isinstance(value, yaml.SequenceNode):
        return [
            insertion
            for index, item in enumerate(value.value)
            if isinstance(item, yaml.MappingNode)
            for insertion in _insertions(item, record, (*where, index), lines, filename)
        ]
    return []


def _end_line(value: yaml.Node, lines: list[str], column: int) -> int:
    """The line after `value` ends (0-based), before any comment or blank line that leads to the
    next key: a parser's end mark for a block collection points at the next key itself."""
    mark = value.end_mark
    ends_before = mark.line >= len(lines) or not lines[mark.line][: mark.column].strip()
    end = mark.line if ends_before else mark.line + 1
    block_scalar = isinstance(value, yaml.ScalarNode) and value.style in ("|", ">")
    while end - 1 > value.start_mark.line and _leads_to_next_key(lines[end - 1], column, block_scalar):
        end -= 1
    return end


def _leads_to_next_key(line: str, column: int, block_scalar: bool) -> bool:
    stripped = line.lstrip(" ")
    if not stripped:
        return not block_scalar  # a blank line may belong to a block scalar (`|+` keeps them)
    return stripped.startswith("#") and len(line) - len(stripped) <= column


def _verify(before: Any, after: Any, insertions: list[Insertion], filename: str) -> None:
    """The new text must read as the old data plus the inserted keys, and nothing else."""
    expected = copy.deepcopy(before)
    for insertion in insertions:
        mapping = expected
        for part in insertion.where:
            mapping = mapping[part]
        mapping[insertion.key] = insertion.value
    if after != expected:
        keys = ", ".join(i.key for i in insertions)
        raise ContentError(filename, f"cannot add {keys} as lines of their own without changing other values")
