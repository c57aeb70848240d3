"""A document of no known layout: only its first line is taken, as the title, for review.

Nothing else is safe to read: in an unknown page, a registry id, a sponsor or a date may belong to
another trial or to the page around it.
"""

from __future__ import annotations

from ..text import tidy
from .parsed import Parsed

MAX_TITLE = 300


def matches(lines: list[str]) -> bool:
    return True


def parse(lines: list[str]) -> Parsed:
    # The first line with text once entities are decoded ("&#8203;" alone is no title).
    title = next((text for text in map(tidy, lines) if text), "")[:MAX_TITLE].strip()
    return Parsed(
        fields={"title": title},
        review=["Layout not recognised: only the title was extracted. Fill in the rest by hand."],
    )
