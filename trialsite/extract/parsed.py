"""What a layout parser hands to assembly: fields it read directly, plus text to search."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Parsed:
    fields: dict[str, Any] = field(default_factory=dict)
    # Sentences that may state what the layout has no field for (phase, enrollment, design).
    prose: str = ""
    # Where to look for drug names, in order, when the document lists no drug interventions:
    # (what the text is, e.g. "title", the text).
    drug_texts: tuple[tuple[str, str], ...] = ()
    review: list[str] = field(default_factory=list)


def first_text(lines: list[str], start: int = 0) -> int | None:
    """Index of the first non-blank line at or after `start`."""
    for i in range(start, len(lines)):
        if lines[i].strip():
            return i
    return None
