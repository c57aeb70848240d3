"""Registry exports among the seeds: the API's JSON (one study, or a `{"studies": [...]}` page)
and the CSV download (a header row of the registry's column names, a trial a row).

Told from other documents by their content, not their name. A file may hold many trials; each
is read as a record of its own, one at a time: a CSV is streamed row by row, a JSON file (one
API page, at most a thousand studies) is parsed whole. Every problem names the file and the
row or JSON path, and a bad record never stops the others.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SeedError
from .extract.registry_api import last_update_of, nct_id_of
from .extract.registry_csv import COLUMNS, ID_COLUMN
from .extract.registry_values import NCT_ID
from .seeds import RegistryRecord

SNIFF_BYTES = 65536
MAX_JSON_BYTES = 256 * 1024 * 1024  # an API page of 1,000 large studies is well under this
_KNOWN = frozenset(COLUMNS)
_ID_PATH = "protocolSection.identificationModule.nctId"


def registry_layout(path: Path) -> str | None:
    """'ctgov-api' or 'ctgov-csv' when the file is a registry export, None for any other document."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES).removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"{") and (b'"protocolSection"' in head or b'"studies"' in head):
        return "ctgov-api"
    first_line = re.split(rb"\r\n|\r|\n", head, maxsplit=1)[0].decode("utf-8", "replace")
    try:
        cells = next(csv.reader([first_line]), [])
    except csv.Error:  # a line no CSV writer makes: a text document
        return None
    return "ctgov-csv" if len(_KNOWN.intersection(c.strip() for c in cells)) >= 2 else None


def registry_records(path: Path, layout: str) -> Iterator[RegistryRecord | SeedError]:
    """Each record of the file, or a SeedError for each one that cannot be read; a SeedError for
    the whole file ends the iteration (a wrong column set, a file cut short)."""
    try:
        yield from (_csv_records(path) if layout == "ctgov-csv" else _json_records(path))
    except SeedError as exc:
        yield exc
    except OSError as exc:
        yield SeedError(path, f"cannot read: {exc.strerror}")
    except UnicodeDecodeError as exc:
        yield SeedError(path, f"not valid UTF-8 (byte {exc.start} of a block); save the file as UTF-8")


def _json_records(path: Path) -> Iterator[RegistryRecord | SeedError]:
    if path.stat().st_size > MAX_JSON_BYTES:
        raise SeedError(path, f"a JSON file over {MAX_JSON_BYTES:,} bytes; save the API's pages one a file")
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except json.JSONDecodeError as exc:
        hint = "" if exc.doc.rstrip().endswith(("}", "]")) else " (the file is cut short)"
        raise SeedError(path, f"not valid JSON: {exc.msg}{hint}", line=exc.lineno) from exc
    if isinstance(document, dict) and "studies" in document:
        studies = document["studies"]
        if not isinstance(studies, list):
            raise SeedError(path, "studies: not a list of study records")
        for i, study in enumerate(studies):
            yield _json_record(path, f"studies[{i}]", study)
    else:
        yield _json_record(path, "the study", document)


def _json_record(path: Path, where: str, study: Any) -> RegistryRecord | SeedError:
    if not isinstance(study, dict) or not isinstance(study.get("protocolSection"), dict):
        return SeedError(path, f"{where}: not a study record (no protocolSection object)")
    nct_id = nct_id_of(study)
    if nct_id is None or not NCT_ID.match(nct_id):
        found = f" ({nct_id!r} is not an NCT number)" if nct_id else ""
        return SeedError(path, f"{where}.{_ID_PATH}: a study without a registry id{found}; not extracted")
    data = json.dumps(study, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return RegistryRecord(path.name, where, "ctgov-api", nct_id, last_update_of(study), _sha(data), study)


def _csv_records(path: Path) -> Iterator[RegistryRecord | SeedError]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        header = [cell.strip() for cell in next(reader, [])]
        _check_header(path, header)
        row_number = 1
        try:
            for row_number, cells in enumerate(reader, start=2):
                yield _csv_record(path, row_number, header, cells)
        except csv.Error as exc:
            why = f"{exc} (the file is cut short, or a quote is unbalanced)"
            raise SeedError(path, f"row {row_number + 1}: {why}") from exc


def _check_header(path: Path, header: list[str]) -> None:
    unknown = [c for c in header if c not in _KNOWN]
    if unknown:
        names = ", ".join(repr(c) for c in unknown[:5])
        known = ", ".join(COLUMNS)
        raise SeedError(path, f"row 1: {names}: no column of the registry's CSV download; its columns are {known}")
    if ID_COLUMN not in header:
        raise SeedError(path, f"row 1: no '{ID_COLUMN}' column; each trial needs its registry id (download it)")
    if len(set(header)) != len(header):
        raise SeedError(path, "row 1: a column is named twice")


def _csv_record(path: Path, number: int, header: list[str], cells: list[str]) -> RegistryRecord | SeedError:
    where = f"row {number}"
    if len(cells) != len(header):
        cut = " (the file is cut short)" if len(cells) < len(header) else ""
        return SeedError(path, f"{where}: {len(cells)} cells where the header has {len(header)}{cut}; not extracted")
    row = dict(zip(header, cells, strict=True))
    nct_id = row[ID_COLUMN].strip()
    if not NCT_ID.match(nct_id):
        found = f" ('{nct_id}' is not an NCT number)" if nct_id else ""
        return SeedError(path, f"{where}: a trial without a registry id in '{ID_COLUMN}'{found}; not extracted")
    data = "\x1f".join(cells).encode("utf-8")
    updated = row.get("Last Update Posted", "").strip()
    return RegistryRecord(path.name, where, "ctgov-csv", nct_id, updated, _sha(data), row)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Chosen:
    """Which record of each trial is extracted, when several files hold it."""

    winners: dict[str, tuple[str, str]]  # NCT id -> (file, where)
    notes: list[str]  # one per trial found more than once: which source won and why


def choose_sources(exports: list[tuple[Path, str]]) -> Chosen:
    """One trial, one file: of the records of one trial, the one the registry updated last; on
    the same date, an API record over a CSV row (it states more: criteria, ages, arms), then the
    first in file-name order (the order seeds are read in)."""
    best: dict[str, RegistryRecord] = {}
    others: dict[str, list[RegistryRecord]] = {}
    for path, layout in exports:
        for record in registry_records(path, layout):
            if isinstance(record, SeedError):
                continue  # reported when the records are extracted
            held = best.get(record.nct_id)
            if held is None:
                best[record.nct_id] = _light(record)
                continue
            loser, winner = (held, record) if _rank(record) > _rank(held) else (record, held)
            best[record.nct_id] = _light(winner)
            others.setdefault(record.nct_id, []).append(_light(loser))
    notes = [_duplicate_note(nct_id, best[nct_id], lost) for nct_id, lost in others.items()]
    return Chosen({nct_id: (r.file, r.where) for nct_id, r in best.items()}, notes)


def _rank(record: RegistryRecord) -> tuple[str, bool]:
    return record.last_update, record.layout == "ctgov-api"


def _light(record: RegistryRecord) -> RegistryRecord:
    """The record without its data: the first pass keeps only where each trial is."""
    return dataclasses.replace(record, data={})


def _duplicate_note(nct_id: str, winner: RegistryRecord, losers: list[RegistryRecord]) -> str:
    def named(r: RegistryRecord) -> str:
        return f"{r.file} ({r.where}, last updated {r.last_update or 'not stated'})"

    if all(winner.last_update > r.last_update for r in losers):
        why = "the registry updated it last"
    elif winner.layout == "ctgov-api" and all(r.layout == "ctgov-csv" for r in losers):
        why = "same last update, and an API record states more than a CSV row"
    else:
        why = "same last update, so the first file in name order"
    return f"duplicate: {nct_id} is in {named(winner)} and {', '.join(map(named, losers))}; used {winner.file}: {why}"
