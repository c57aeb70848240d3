"""The few errors trialsite reports to a user. Each names the file (and line, where known)."""

from __future__ import annotations

from pathlib import Path


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
