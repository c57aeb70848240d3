"""Reading seed documents: bytes in, clean lines of text out, or a SeedError naming the file."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SeedError
from .fsutil import sha256_bytes
from .text import clean_line

# Registry pages are a few kB; anything this large is not a trial document, and reading it whole
# would only slow every later run.
MAX_SEED_BYTES = 5 * 1024 * 1024
# Registry exports (`registry_seeds.py`) are told from other documents by their content, whatever
# their name; these are the names a seed may have at all, so a README beside them is no seed.
SEED_SUFFIXES = (".txt", ".json", ".csv")


@dataclass(frozen=True)
class Seed:
    file: str
    sha256: str
    lines: tuple[str, ...]


def find_seeds(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise SeedError(directory, "seed directory not found")
    return sorted(p for p in directory.iterdir() if p.name.endswith(SEED_SUFFIXES))


def read_seed(path: Path) -> Seed:
    """A seed's text, or a SeedError."""
    check_document(path)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(MAX_SEED_BYTES + 1) if size <= MAX_SEED_BYTES else b""
            size = max(size, len(data))  # never read more, even if the file grew meanwhile
    except OSError as exc:
        raise SeedError(path, f"cannot read: {exc.strerror}") from exc
    if size > MAX_SEED_BYTES:
        raise SeedError(path, f"file is {size:,} bytes; seeds larger than {MAX_SEED_BYTES:,} are refused")
    return parse_seed(path.name, data, path)


def check_document(path: Path) -> None:
    """A SeedError unless `path` is a regular file. Symbolic links are refused, not followed: a seed
    must be a document in seeds/, not a pointer to a file anywhere else on the machine."""
    if path.is_symlink():
        raise SeedError(path, "a symbolic link, not a seed document; copy the file into seeds/ instead")
    if path.is_dir():
        raise SeedError(path, "a directory, not a seed document")
    if not path.is_file():
        raise SeedError(path, "not a regular file (a device, pipe or socket), not a seed document")


def parse_seed(name: str, data: bytes, path: Path | str | None = None) -> Seed:
    """Decode and split a seed; pure apart from the file name used in errors."""
    text = decode(data, path or name)
    lines = tuple(clean_line(line) for line in text.splitlines())
    if not any(line.strip() for line in lines):
        raise SeedError(path or name, "no text: the file is empty")
    return Seed(file=name, sha256=sha256_bytes(data), lines=lines)


def decode(data: bytes, path: Path | str) -> str:
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _decode(data[len(bom):], encoding, path)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if b"\x00" in data:
        if _looks_like_utf16(data):
            raise SeedError(path, "UTF-16 without a byte-order mark; save the file as UTF-8")
        raise SeedError(path, "binary file (contains NUL bytes), not a text document")
    return _decode(data, "utf-8", path)


def _looks_like_utf16(data: bytes) -> bool:
    """Text saved as UTF-16 without a BOM: mostly ASCII, so every other byte is NUL."""
    sample = data[:4096]
    return len(sample) >= 4 and any(
        sample[start::2].count(0) >= 0.9 * len(sample[start::2]) and 0 not in sample[1 - start :: 2]
        for start in (0, 1)
    )


def _decode(data: bytes, encoding: str, path: Path | str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SeedError(
            path, f"not valid {encoding.upper()} (byte {exc.start}); save the file as UTF-8", line=line
        ) from exc


@dataclass(frozen=True)
class RegistryRecord:
    """One trial of a registry export (an API JSON study or a CSV row), as the export states it."""

    file: str  # the seed file's name
    where: str  # 'row 4' or 'studies[3]': the record's place in its file
    layout: str  # 'ctgov-api' or 'ctgov-csv'
    nct_id: str
    last_update: str  # ISO date the registry last posted a change, '' when not stated
    sha256: str  # of the record itself, not the file: an export holds many trials
    data: dict[str, Any]  # the study object, or the row by column name
