"""One trial, one record: the documents that state one registry id become one trial.

Each field comes from the most authoritative document that states it: the registry's own API
record, then its CSV download, then the export text layout, then scraped pages. A weaker
document that states a field otherwise is named in `review`; its value is not used.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Trial
from ..provenance import DERIVED_FIELDS, Fact

AUTHORITY = ("ctgov-api", "ctgov-csv", "ctgov-export", "clinconnect", "trialx", "unknown")
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Extracted:
    """A trial as one document gives it, with the places that state its values."""

    trial: Trial
    facts: list[Fact]
    document: str  # as reports name it: 'a.txt', 'export.csv row 4'


def by_authority(items: Sequence[Extracted]) -> list[Extracted]:
    return sorted(items, key=lambda item: AUTHORITY.index(item.trial.source.layout))


def merge(items: Sequence[Extracted]) -> Extracted:
    """The trial the documents give together, most authoritative first, and its facts."""
    ranked = by_authority(items)
    if len(ranked) == 1:
        return ranked[0]
    records = [item.trial.model_dump(mode="json") for item in ranked]
    merged = dict(records[0])
    chosen: dict[str, int] = {}
    review: list[str] = []
    for name in Trial.model_fields:
        if name in DERIVED_FIELDS:
            continue
        stating = [i for i, record in enumerate(records) if _states(record[name])]
        if not stating:
            continue
        chosen[name] = stating[0]
        merged[name] = records[stating[0]][name]
        review.extend(_disagreement(name, ranked, records, stating))
    if "conditions" in chosen:
        merged["condition_headings"] = records[chosen["conditions"]]["condition_headings"]
    for item in ranked:
        review.extend(f"{item.document}: {note}" for note in item.trial.review)
    merged["review"] = review
    facts = _facts(ranked, chosen)
    documents = " + ".join(item.document for item in ranked)
    return Extracted(Trial.model_validate(merged), facts, documents)


def _states(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_states(inner) for inner in value.values())
    return value not in (None, "", [])


def _disagreement(name: str, ranked: list[Extracted], records: list[dict[str, Any]], stating: list[int]) -> list[str]:
    used = stating[0]
    differ = [i for i in stating[1:] if _comparable(records[i][name]) != _comparable(records[used][name])]
    if not differ:
        return []
    others = "; ".join(f"{ranked[i].document} says {_shown(records[i][name])}" for i in differ)
    return [
        f"Sources disagree on {name}: used {ranked[used].document} ({_shown(records[used][name])}); {others}. "
        "Check which is right."
    ]


def _comparable(value: Any) -> Any:
    """A value as words: how a page writes case and punctuation is no disagreement."""
    if isinstance(value, str):
        return tuple(_WORDS.findall(value.casefold()))
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, dict):
        return {key: _comparable(inner) for key, inner in value.items()}
    return value


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _facts(ranked: list[Extracted], chosen: dict[str, int]) -> list[Fact]:
    """The facts of each field from the document it was taken from."""
    return [
        fact
        for name, index in chosen.items()
        for fact in ranked[index].facts
        if re.split(r"[.\[]", fact.key, maxsplit=1)[0] == name
    ]


def likeness_key(trial: Trial) -> tuple[str, str]:
    """What makes two documents look like one trial: the title and sponsor, as words."""
    def words(text: str | None) -> str:
        plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
        return " ".join(_WORDS.findall(plain.casefold()))

    return words(trial.title), words(trial.sponsor)


def look_alike_note(other: str) -> str:
    return (
        f"Looks like the same trial as {other} (same title and sponsor, no registry id to tell): "
        "not merged; if it is one trial, keep one file and delete the other."
    )
