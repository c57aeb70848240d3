"""Where each fact a trial page shows came from, for a reader: the document, the place in it, the
quoted text and how it was read, from the trial's provenance sidecar (`provenance.py`).

A value is matched to what extract recorded by its key and its value; a list item an editor only
moved is still found by its value within its list. A value that matches nothing extract wrote
was edited by hand: the page says so, and never shows the quote extract read as its source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..model import Trial
from ..provenance import Fact, Kind, Provenance, facts_of, place_in

QUOTE_LIMIT = 300  # a page shows this much of a quote (the sidecar keeps up to MAX_QUOTE)
_HOW: dict[Kind, str] = {"field": "Read from a labelled field", "inferred": "Inferred from prose"}


@dataclass(frozen=True)
class Source:
    value: str  # the value it is the source of, as the page can name it
    how: str  # 'Read from a labelled field', 'Inferred from prose', 'Edited by hand', 'Source not located'
    document: str | None = None
    place: str | None = None  # 'line 8', a JSON path, 'row 4, column Phases'
    quote: str | None = None  # at most QUOTE_LIMIT characters of the cited text


TrialSources = dict[str, Source]  # by fact key: 'phase', 'drugs[1]', 'eligibility.inclusion[2]'


def field_of(key: str) -> str:
    """'drugs[1]' -> 'drugs': the field a fact's value belongs to."""
    return key.partition("[")[0]


def sources_of(trial: Trial, provenance: Provenance | None) -> TrialSources:
    """The source of every value the trial states now; none at all when it has no sidecar."""
    if provenance is None:
        return {}
    recorded = {fact.key: fact for fact in provenance.facts}
    by_value = {(field_of(fact.key), _as_text(fact.value)): fact for fact in reversed(provenance.facts)}
    sources = {}
    for key, value in facts_of(trial.model_dump(mode="json")):
        fact = recorded.get(key)
        if fact is None or fact.value != value:
            fact = by_value.get((field_of(key), _as_text(value)))
        sources[key] = _source(_as_text(value), fact)
    return sources


def _source(value: str, fact: Fact | None) -> Source:
    if fact is None:
        return Source(value, "Edited by hand")
    if fact.cited is None:
        return Source(value, "Source not located")
    cited = fact.cited
    return Source(value, _HOW[cited.kind], cited.document, place_in(cited), shortened(cited.quote, value))


def shortened(quote: str, value: str) -> str:
    """At most QUOTE_LIMIT characters of a quote, from a little before the value when the quote
    states it further on; a cut end is marked."""
    if len(quote) <= QUOTE_LIMIT:
        return quote
    at = quote.casefold().find(value.casefold())
    start = min(max(0, at - QUOTE_LIMIT // 5), len(quote) - QUOTE_LIMIT)
    if start:  # from the next word on
        start = quote.find(" ", start, at if at > start else None) + 1 or start
    end = start + QUOTE_LIMIT
    return ("…" if start else "") + quote[start:end] + ("…" if end < len(quote) else "")


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
