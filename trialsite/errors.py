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
        return f"{where}: {self.message}"


class SeedError(TrialsiteError):
    """A seed document that cannot be read as text."""


class ContentError(TrialsiteError):
    """A content file that cannot be loaded or does not match the model."""


class BuildError(TrialsiteError):
    """The site could not be rendered or written."""
