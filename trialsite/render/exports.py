"""The whole catalogue as open data: trials.json.gz (the records as-is) and trials.csv.gz (flat).

Both are gzipped (a tenth of the bytes: the exports were a third of a large site, and GitHub
Pages takes at most 1 GB), and deterministic: no file name and a zero time in the gzip headers,
so the same catalogue gives the same bytes. A file is a series of gzip members, one per block of
rows, so that a build compresses again only the blocks that changed.

The CSV's columns follow the model's field order, so a field added to the model appears here
without a second list to keep in step: sub-records become dotted columns (design.arms), lists
are joined with "; ", and a record inside a list is written as "field: value, field: value".
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any, Protocol

from ..model import Trial, blank
from .urls import Urls, trial_route

LIST_SEPARATOR = "; "
_NEEDS_QUOTES = re.compile(r'[",\r\n]')
JSON_ROUTE = "trials.json.gz"
CSV_ROUTE = "trials.csv.gz"
GZIP_LEVEL = 6  # zlib's default: level 9 takes 40% longer for 1% fewer bytes on the exports
# Rows a gzip member holds: members of 200 rows take 2% more bytes than one stream (trials.json,
# 10,000 trials; 4% at 100, 0.8% at 500) and about 20 ms to compress.
BLOCK_PIECES = 200
_GZIP_FORMAT = 16 + zlib.MAX_WBITS  # a gzip header (its time zero, no name) and trailer


def export_rows(slug: str, trial: Trial, urls: Urls) -> tuple[bytes, bytes]:
    """One trial's record in each export: a JSON object on one line, and a CSV row. Rows are
    made when a trial is rendered and kept, so an export is written by streaming them out."""
    head = json.dumps({"slug": slug, "url": urls.absolute(trial_route(slug))}, ensure_ascii=False)
    # pydantic writes the record in the model's field order, in compiled code.
    json_row = head[:-1].encode("utf-8") + b", " + trial.model_dump_json()[1:].encode("utf-8")
    flat = _flatten(_record(slug, trial, urls))
    return json_row, _csv_line([flat[column] for column in csv_header()])


def trials_json(rows: Iterable[bytes]) -> Iterator[bytes]:
    """A JSON array, one trial a line, in slug order."""
    separator = b"[\n"
    for row in rows:
        yield separator + row
        separator = b",\n"
    yield b"[]\n" if separator == b"[\n" else b"\n]\n"


def trials_csv(rows: Iterable[bytes]) -> Iterator[bytes]:
    yield _csv_line(csv_header())
    yield from rows


class Members(Protocol):
    """The gzip members an earlier build compressed, by `member_key` of their bytes."""

    def get(self, key: bytes) -> bytes | None: ...

    def add(self, key: bytes, member: bytes) -> None: ...


def gzipped(pieces: Iterable[bytes], members: Members) -> Iterator[bytes]:
    """The pieces (rows) as a gzip file of one member per BLOCK_PIECES of them (gzip, zcat,
    Python's gzip and pandas read the members as one stream), memory flat. A block whose bytes
    an earlier build compressed is taken from `members`: an edit compresses the block it is in,
    not the whole catalogue (two seconds at 10,000 trials, ten at 50,000)."""
    for block in _blocks(pieces):
        key = member_key(block)
        member = members.get(key)
        if member is None:
            compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, _GZIP_FORMAT)
            member = compressor.compress(block) + compressor.flush()
            members.add(key, member)
        yield member


def member_key(block: bytes) -> bytes:
    return hashlib.blake2b(block, digest_size=20).digest()


def _blocks(pieces: Iterable[bytes]) -> Iterator[bytes]:
    batch: list[bytes] = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) == BLOCK_PIECES:
            yield b"".join(batch)
            batch = []
    if batch:
        yield b"".join(batch)


@lru_cache(maxsize=1)
def csv_header() -> tuple[str, ...]:
    return tuple(_flatten({"slug": None, "url": None, **blank(Trial)}))


def _csv_line(cells: Iterable[str]) -> bytes:
    """One record the way the csv module writes it (RFC 4180: a cell is quoted only when it holds
    a comma, a quote or a line break), at a fifth of its cost on long cells."""
    quoted = ('"' + cell.replace('"', '""') + '"' if _NEEDS_QUOTES.search(cell) else cell for cell in cells)
    return (",".join(quoted) + "\r\n").encode("utf-8")


def _record(slug: str, trial: Trial, urls: Urls) -> dict[str, Any]:
    return {"slug": slug, "url": urls.absolute(trial_route(slug)), **trial.model_dump(mode="json")}


def _flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    columns: dict[str, str] = {}
    for name, value in record.items():
        if isinstance(value, Mapping):
            columns.update(_flatten(value, f"{prefix}{name}."))
        else:
            columns[prefix + name] = _cell(value)
    return columns


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_cell(item) for item in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{name}: {_cell(item)}" for name, item in value.items() if item is not None)
    return str(value)
