"""Page addresses for terms (a drug, a condition, a phase, a status, any later kind).

A term's address is its name's words: lowercase ASCII joined by '-', so that names differing
only in case, punctuation or accents ('Café Über', 'cafe-uber') share one page. The words are
read as Unicode, not only as ASCII, so that 'COVID-19 新冠' and 'COVID-19 肺炎' (or 'Ωmega' and
'mega') are different words and get different pages. A name whose words are not all ASCII, or
are too long for a file name, keeps a readable ASCII prefix and gains '--' and a hash of its
words: unique, the same from build to build, and never equal to an address made of words alone,
which cannot hold '--'. Every address fits a file name (255 bytes) with room to spare.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

MAX_PREFIX = 80  # bytes of readable prefix in a hashed address (ASCII: a byte a character)
HASH_LENGTH = 12  # hex digits: 48 bits, so two names of one catalogue never share one by chance
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@lru_cache(maxsize=65536)
def term_slug(name: str) -> str:
    """The page address of the term `name`: at most MAX_PREFIX + 2 + HASH_LENGTH ASCII bytes."""
    words = term_words(name)
    if _ASCII_WORD.fullmatch(words) and len(words) <= MAX_PREFIX:
        return words
    prefix = re.sub(r"[^a-z0-9]+", "-", words).strip("-")
    if len(prefix) > MAX_PREFIX:
        cut = prefix[: MAX_PREFIX + 1]
        prefix = cut.rsplit("-", 1)[0] if "-" in cut else cut[:MAX_PREFIX]
    # A name of symbols alone ('😀') has no words: its own characters tell it apart.
    hashed = words or "".join(unicodedata.normalize("NFC", name).split())
    return f"{prefix or 'term'}--{hashlib.sha256(hashed.encode('utf-8')).hexdigest()[:HASH_LENGTH]}"


def term_words(name: str) -> str:
    """`name` as the words that identify it: case folded, compatibility forms unfolded
    (a full-width letter is its ASCII one), accents on Latin letters dropped, any run of what is neither a
    letter, a digit nor a mark one '-'. Marks on other scripts stay: they tell words apart."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", name.casefold()):
        kind = unicodedata.category(char)[0]
        if kind == "M" and kept and kept[-1].isascii():
            continue  # an accent on a Latin letter, or a mark on a separator
        kept.append(char if kind in "LNM" else "-")
    return "-".join(word for word in unicodedata.normalize("NFC", "".join(kept)).split("-") if word)


def ascii_slug(text: str) -> str:
    """`Café Über, Phase 1/2` -> `cafe-uber-phase-1-2`; "" when nothing Latin is left. The core
    of a trial file's name (`sync.slugify`, shortened, "trial" when empty)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
