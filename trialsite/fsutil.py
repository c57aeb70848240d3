"""Hashing and writing files whole: the one place for both.

Every file trialsite writes goes through `atomic_write`: a temporary file beside the target,
renamed over it, so that no reader (a web server, the preview, a crash) ever sees half a file.
Files an editor keeps (content, extract's state) are also flushed to disk first (`durable`);
site files are not: a build that dies is rebuilt from its sources.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


def atomic_write(path: Path, data: bytes | str | Iterable[bytes], durable: bool = True) -> None:
    """Write `data` (or its chunks, streamed) to a temporary file beside `path`, then rename it
    over `path`. The temporary name is this process's and thread's, so two writers never share one."""
    chunks = [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def sha256_bytes(data: bytes | str) -> str:
    """What extract records of a seed and of the file it wrote (the content's own hash)."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def digest(data: bytes) -> str:
    """The build's digest of a file's bytes (its outputs manifest, the change checks)."""
    return hashlib.sha1(data).hexdigest()


def key_of(*parts: Any) -> str:
    """A digest of values: a page's key, a listing's. `repr` must not hold an object's address."""
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()


class Digesting:
    """Chunks passed through on their way to a file, digested as they go."""

    def __init__(self, chunks: Iterable[bytes]):
        self.chunks = chunks
        self.hasher = hashlib.sha1()

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.hasher.update(chunk)
            yield chunk

    def hexdigest(self) -> str:
        return self.hasher.hexdigest()
