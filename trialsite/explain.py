"""A trial's facts beside their sources: `trialsite explain`, and the warnings `check` gives
when a source no longer says what it was cited for.

Reads the content file, its provenance sidecar and the seeds; never the extractors.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .content import TRIALS_DIR
from .errors import ContentError, SeedError
from .provenance import (
    KIND_LABELS,
    MAX_QUOTE,
    Citation,
    Fact,
    Provenance,
    edited_by_hand,
    json_at,
    place_in,
    quote_lines,
    value_at,
)
from .seeds import read_seed

_ROW = re.compile(r"^row (?P<row>\d+), column (?P<column>.+)$")


def place_of(citation: Citation) -> str:
    return f"{citation.document}, {place_in(citation)}"


def status_of(fact: Fact, record: dict[str, Any]) -> str:
    """'edited by hand', or how extract read the value ('labelled field', 'inferred from prose')."""
    if edited_by_hand(fact, record):
        return "edited by hand"
    return KIND_LABELS[fact.cited.kind] if fact.cited else "source not located"


def explain_lines(record: dict[str, Any], provenance: Provenance) -> Iterator[str]:
    """Each fact of the trial, its current value, where it came from and how it was read."""
    yield f"read from: {', '.join(provenance.documents)}"
    for fact in provenance.facts:
        current = value_at(record, fact.key)
        status = status_of(fact, record)
        yield f"{fact.key}: {_shown(current if current is not None else fact.value)}"
        if status == "edited by hand":
            yield f"    edited by hand (extract wrote {_shown(fact.value)})"
        if fact.cited is not None:
            yield f"    {place_of(fact.cited)} ({KIND_LABELS[fact.cited.kind]}): \"{_short(fact.cited.quote)}\""
        else:
            yield "    source not located"


def _shown(value: Any) -> str:
    return _short(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def stale_citations(
    content_dir: Path, seeds_dir: Path, trial_file: str, record: dict[str, Any], provenance: Provenance
) -> list[ContentError]:
    """One warning per document whose cited text no longer says what extract read there (the
    document changed, or is gone). Values edited by hand are the editor's: never checked."""
    now: dict[tuple[str, str | None, tuple[int, ...], int], str | None] = {}
    stale: dict[str, list[str]] = {}
    for fact in provenance.facts:
        cited = fact.cited
        if cited is None or edited_by_hand(fact, record):
            continue
        where = (cited.document, cited.path, tuple(cited.lines), cited.offset)
        if where not in now:
            now[where] = cited_text(seeds_dir / cited.document, cited)
        text = now[where]
        said = text is not None and (cited.quote in text if cited.layout == "ctgov-csv" else text == cited.quote)
        if not said:
            stale.setdefault(cited.document, []).append(fact.key)
    path = content_dir / TRIALS_DIR / trial_file
    return [
        ContentError(
            path,
            f"provenance: seeds/{document} no longer says what {', '.join(keys[:5])}"
            f"{' and more' if len(keys) > 5 else ''} were read from (changed or missing); "
            "check the values, or extract again",
        )
        for document, keys in stale.items()
    ]


def cited_text(path: Path, cited: Citation) -> str | None:
    """The text at a citation's place as the document reads now; None when it cannot be read."""
    try:
        if cited.layout == "ctgov-api":
            return _json_text(path, cited)
        if cited.layout == "ctgov-csv":
            return _csv_cell(path, cited)
        return quote_lines(read_seed(path).lines, cited.lines[0], cited.lines[-1], cited.offset)
    except (OSError, SeedError, ValueError, csv.Error):
        return None


def _json_text(path: Path, cited: Citation) -> str | None:
    stated = json_at(json.loads(path.read_text("utf-8-sig")), cited.path or "")
    if stated is None:
        return None
    if isinstance(stated, str) and cited.lines:
        return quote_lines(stated.splitlines(), cited.lines[0], cited.lines[-1], cited.offset)
    return (stated if isinstance(stated, str) else json.dumps(stated, ensure_ascii=False))[:MAX_QUOTE]


def _csv_cell(path: Path, cited: Citation) -> str | None:
    match = _ROW.match(cited.path or "")
    if match is None:
        return None
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle)
        header = [cell.strip() for cell in next(rows, [])]
        for number, cells in enumerate(rows, start=2):
            if number == int(match.group("row")):
                return dict(zip(header, cells, strict=False)).get(match.group("column"))
    return None
