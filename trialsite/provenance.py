"""Where each value of a trial came from: `content/.provenance/<trial>.json`, beside the content.

Extract writes one such sidecar with every content file it writes, and never otherwise: a file
edited by hand keeps the sidecar of what extract wrote, so comparing the file's current values
with the ones recorded here tells an extracted value from one an editor changed. The sidecars
live in one hidden folder, not beside the YAML, so the folder editors work in holds only their
files. `build` and `check` read them with nothing but this module: no extraction vocabulary.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from .fsutil import atomic_write
from .model import Layout, Record, Text

PROVENANCE_DIR = ".provenance"
Kind = Literal["field", "inferred"]  # read from a labelled field, or inferred from prose
KIND_LABELS = {"field": "labelled field", "inferred": "inferred from prose"}
# Worked out from other fields, not read from any document: they have no source of their own.
DERIVED_FIELDS = frozenset({"source", "review", "condition_headings"})
MAX_QUOTE = 1000
_KEY = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


class Citation(Record):
    """One place of one document that states a value."""

    document: Text  # the seed's file name
    layout: Layout
    kind: Kind
    # 1-based, the first and the last, in a text document (or in a JSON record's text value)
    lines: list[int] = Field(default_factory=list)
    offset: int = 0  # where the quote starts in those lines' text, when they are longer than a quote
    path: Text | None = None  # a JSON path ('studies[0].protocolSection...') or 'row 4, column Phases'
    quote: str  # the cited text as it stood when extracted


class Fact(Record):
    key: Text  # 'phase', 'eligibility.inclusion[2]', 'outcomes.primary[0]'
    value: Any  # as extract wrote it, to tell a hand edit
    cited: Citation | None = None  # None: extract found no place that states it


class Provenance(Record):
    trial: Text  # the content file's name
    documents: list[Text]  # every document this trial was read from, most authoritative first
    facts: list[Fact]


def facts_of(record: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every stated value of a trial (as plain data), one per scalar field and one per list
    item, keyed by its dotted path; a blank value states nothing and has no fact."""
    for name, value in record.items():
        if name in DERIVED_FIELDS:
            continue
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                yield from _items(f"{name}.{inner}", inner_value)
        else:
            yield from _items(name, value)


def _items(key: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, list):
        yield from ((f"{key}[{i}]", item) for i, item in enumerate(value) if item not in (None, "", [], {}))
    elif value not in (None, "", [], {}):
        yield key, value


def value_at(record: Any, key: str) -> Any:
    """The value at a fact's key in a trial's data; None when the record no longer has it."""
    for part in key.split("."):
        match = _KEY.fullmatch(part)
        if match is None or not isinstance(record, dict):
            return None
        record = record.get(match.group(1))
        if match.group(2) is not None:
            index = int(match.group(2))
            record = record[index] if isinstance(record, list) and index < len(record) else None
    return record


def sidecar_path(content_dir: Path, trial_file: str) -> Path:
    return content_dir / PROVENANCE_DIR / f"{Path(trial_file).stem}.json"


def save_provenance(content_dir: Path, provenance: Provenance) -> None:
    text = json.dumps(provenance.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n"
    atomic_write(sidecar_path(content_dir, provenance.trial), text)


def load_provenance(content_dir: Path, trial_file: str) -> Provenance | None:
    """The sidecar of a content file; None when there is none or it does not read (a sidecar is
    a record of what extract did, never content: a broken one is only a warning)."""
    return read_sidecar(sidecar_path(content_dir, trial_file))


def read_sidecar(path: Path) -> Provenance | None:
    try:
        return Provenance.model_validate(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, ValidationError):
        return None


def place_in(citation: Citation) -> str:
    """Where in its document a citation is: 'line 8', 'lines 3-5', a JSON path or a CSV cell."""
    lines = f"line {_span(citation.lines)}" if citation.lines else ""
    return ", ".join(part for part in (citation.path, lines) if part)


def _span(lines: list[int]) -> str:
    first, last = lines
    return str(first) if first == last else f"{first}-{last}"


def edited_by_hand(fact: Fact, record: dict[str, Any]) -> bool:
    return bool(value_at(record, fact.key) != fact.value)


def json_at(data: Any, path: str) -> Any:
    """The value at a dotted JSON path with [i] indices; None when it is not there."""
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            index = int(part[1:-1])
            data = data[index] if isinstance(data, list) and index < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data


def quote_lines(lines: list[str] | tuple[str, ...], first: int, last: int, offset: int = 0) -> str:
    """What a citation of lines `first` to `last` (1-based) quotes: their text, on one line, from
    `offset` on and at most MAX_QUOTE characters of it (a value on a long line is quoted from near it)."""
    return " ".join(line.strip() for line in lines[first - 1 : last] if line.strip())[offset : offset + MAX_QUOTE]
