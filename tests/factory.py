"""Trial files for tests, made from one complete record with overrides.

A case states only what it changes: `trial_text("The sponsor holds a NUL.", sponsor="a\\x00b")`.
The record is tests/fixtures/render/content/trials/complete.yaml (every field stated), so a field
added to the model reaches every generated case once `trialsite migrate` has written it there.
What a value cannot say (a tag, a duplicate key, 5,000 digits) is given as the raw YAML text of
one top-level key. Tests find a line by what it starts with (`line_of`), never by a pinned number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trialsite.yamlio import dump, load

COMPLETE = Path(__file__).resolve().parent / "fixtures" / "render" / "content" / "trials" / "complete.yaml"


def record(**values: Any) -> dict[str, Any]:
    """The complete record with top-level `values` in place of its own (new keys go last)."""
    data = load(COMPLETE.read_text("utf-8"), str(COMPLETE)).data
    return {**data, **values}


def trial_text(comment: str, raw: dict[str, str] | None = None, **values: Any) -> str:
    """A trial file: `# comment`, then the record with `values`, each key in `raw` written as given."""
    lines = dump(record(**values)).splitlines()
    for key, text in (raw or {}).items():
        start = lines.index(next(line for line in lines if line.startswith(f"{key}:")))
        end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith((" ", "-"))), len(lines))
        lines[start:end] = text.splitlines()
    return f"# {comment}\n" + "\n".join(lines) + "\n"


def write_trial(path: Path, comment: str, raw: dict[str, str] | None = None, **values: Any) -> Path:
    path.write_text(trial_text(comment, raw, **values), "utf-8")
    return path


def line_of(path: Path, needle: str | bytes, after: int = 0) -> int:
    """The number of the first line after line `after` that starts with `needle` (a key, say),
    read as bytes when the needle is: files that are not UTF-8."""
    data = path.read_bytes()
    lines = data.split(b"\n") if isinstance(needle, bytes) else data.decode("utf-8").split("\n")
    return next(n for n, line in enumerate(lines, 1) if n > after and line.startswith(needle))  # type: ignore[arg-type]
