"""The few errors trialsite reports to a user. Each names the file (and line, where known)."""

from __future__ import annotations

import errno
from pathlib import Path

from .sitefolder import SiteFolder


class TrialsiteError(Exception):
    """A problem the user can fix; the CLI prints it and exits non-zero, with no traceback."""

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return printable(f"{where}: {self.message}")

    def __reduce__(self) -> tuple[type[TrialsiteError], tuple[str, str, int | None]]:
        # Rebuilt from its parts: worker processes send these to the parent, and the default
        # (the message alone) made unpickling fail in the pool's result thread, which hung the build.
        return (self.__class__, (self.path, self.message, self.line))


def printable(text: str) -> str:
    """`text` with every control or invisible character (an ESC from a hostile file name or key
    can rewrite a terminal) shown as an escape such as \\x1b or \\u202e."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


class SeedError(TrialsiteError):
    """A seed document that cannot be read as text."""


class ContentError(TrialsiteError):
    """A content file that cannot be loaded or does not match the model."""


class BuildError(TrialsiteError):
    """The site could not be rendered or written."""


class OutputError(BuildError):
    """The machine, not the content, stopped the build: the output cannot be written (a full
    disk, a read-only directory) or another build is writing it. Fix that, or wait, and retry."""


_HINTS = {
    errno.ENOSPC: "the disk is full; free some space and build again",
    errno.EDQUOT: "the disk quota is used up; free some space and build again",
    errno.EROFS: "the file system is read-only; choose another --out or make it writable",
    errno.EACCES: "no permission; choose another --out or make it writable",
    errno.EPERM: "not permitted; choose another --out or make it writable",
}


def describe_os_error(exc: OSError, out: Path | None = None) -> str:
    """`file: what happened; what to do`. A file being written into a staged site is named by
    its place in the output directory, since the staged copy is gone by the time this prints."""
    name = str(exc.filename) if exc.filename is not None else str(out or "")
    if out is not None:
        name = SiteFolder(out).published_name(name)
    what = exc.strerror or str(exc)
    hint = _HINTS.get(exc.errno or 0)
    return printable(f"{name}: {what}" + (f" ({hint})" if hint else ""))
