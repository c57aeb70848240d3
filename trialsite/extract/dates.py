"""Dates as pages write them ('Oct 27, 2024', 'August 27, 2025', '15 October 2025') -> ISO."""

from __future__ import annotations

import re
from datetime import datetime

# Day precision only: a month-only date ('October 2025') has no honest ISO day, so it is not read.
_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d")


def iso_date(text: str) -> str | None:
    cleaned = re.sub(r"\s+", " ", text.strip().rstrip("."))
    cleaned = re.sub(r"^(Sept)\b", "Sep", cleaned)
    for fmt in _FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date().isoformat()
        except ValueError:
            continue
    return None
