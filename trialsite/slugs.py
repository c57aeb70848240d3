"""Names in URLs and file names: lowercase ASCII words joined by '-'. The core of both slugs: a
trial file's (`sync.slugify`, shortened, "trial" when empty) and a term's (`taxonomy.term_slug`, a
short hash when no Latin letter is left)."""

from __future__ import annotations

import re
import unicodedata


def ascii_slug(text: str) -> str:
    """`Café Über, Phase 1/2` -> `cafe-uber-phase-1-2`; "" when nothing Latin is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
