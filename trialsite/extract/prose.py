"""Facts that documents state only in sentences: phase, design, endpoints.

Each finder returns None (or nothing) unless the text states the fact without ambiguity.
"""

from __future__ import annotations

import re

_ROMAN = {"0": 0, "i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PHASE = re.compile(
    r"\bphase\s*(?P<a>0|iv|i{1,3}|[1-4])(?:[ab])?"
    r"(?:\s*(?:/|-|–|and|to)\s*(?:phase\s*)?(?P<b>iv|i{1,3}|[1-4])[ab]?)?\b",
    re.IGNORECASE,
)
_COMBINED_PHASES = {(1, 2): "Phase 1/2", (2, 3): "Phase 2/3"}


def phase_from_badge(text: str) -> str | None:
    """A phase as a page states it: 'Phase 2', 'Phase 1/Phase 2', 'Early Phase 1', 'N/A'."""
    stripped = text.strip().casefold()
    if stripped in {"n/a", "na", "not applicable"}:
        return "Not applicable"
    if stripped in {"early phase 1", "early phase i", "phase 0"}:
        return "Early Phase 1"
    found = phases_in(text)
    return found[0] if len(found) == 1 and _PHASE.fullmatch(text.strip()) else None


def phases_in(text: str) -> list[str]:
    """Every distinct phase mentioned, normalized, in order of mention."""
    found: list[str] = []
    for match in _PHASE.finditer(text):
        phase = _normalize_phase(match.group("a"), match.group("b"))
        if phase and phase not in found:
            found.append(phase)
    return found


def _normalize_phase(a: str, b: str | None) -> str | None:
    first = _ROMAN[a.casefold()]
    if b is None:
        return "Early Phase 1" if first == 0 else f"Phase {first}"
    return _COMBINED_PHASES.get((first, _ROMAN[b.casefold()]))


_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_ABOUT_THIS_STUDY = re.compile(r"\b(?:study|trial)\b", re.IGNORECASE)
_ABOUT_OTHER_STUDIES = re.compile(r"\b(?:previous|prior|earlier|reported|showed|demonstrated)\b", re.IGNORECASE)
_DESIGN = {
    "allocation": [
        (re.compile(r"\bnon-?randomi[sz]ed\b", re.IGNORECASE), "Non-randomized"),
        (re.compile(r"(?<!non-)(?<!non)\brandomi[sz]ed\b", re.IGNORECASE), "Randomized"),
    ],
    "masking": [
        (re.compile(r"\bopen[- ]label\b", re.IGNORECASE), "None (Open Label)"),
        (re.compile(r"\bsingle[- ](?:blind|mask)", re.IGNORECASE), "Single"),
        (re.compile(r"\bdouble[- ](?:blind|mask)", re.IGNORECASE), "Double"),
        (re.compile(r"\btriple[- ](?:blind|mask)", re.IGNORECASE), "Triple"),
        (re.compile(r"\bquadruple[- ](?:blind|mask)", re.IGNORECASE), "Quadruple"),
    ],
    "centres": [
        (re.compile(r"\bsingle[- ](?:cent(?:er|re)|institution(?:al)?|site)\b", re.IGNORECASE), "Single centre"),
        (
            re.compile(
                r"\bmulti-?(?:cent(?:er|re)|institution(?:al)?|site)|\bmultiple\s+(?:cent(?:er|re)s|sites)\b",
                re.IGNORECASE,
            ),
            "Multicentre",
        ),
    ],
}
_NUMBERS = {"single": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_ARMS = re.compile(r"\b(single|one|two|three|four|five|[1-5])[- ]arms?\b", re.IGNORECASE)


def design_in(text: str) -> dict[str, str | int | None]:
    """Allocation, arms, masking and centres from sentences that describe this study."""
    sentences = [
        s for s in _SENTENCE.split(text) if _ABOUT_THIS_STUDY.search(s) and not _ABOUT_OTHER_STUDIES.search(s)
    ]
    design: dict[str, str | int | None] = {"allocation": None, "arms": None, "masking": None, "centres": None}
    for key, patterns in _DESIGN.items():
        values = {value for pattern, value in patterns for s in sentences if pattern.search(s)}
        design[key] = values.pop() if len(values) == 1 else None
    arms = {_NUMBERS.get(m.group(1).casefold()) or int(m.group(1)) for s in sentences for m in _ARMS.finditer(s)}
    design["arms"] = arms.pop() if len(arms) == 1 else None
    return design


_ENDPOINT = re.compile(
    r"\bthe\s+(?P<kind>primary|secondary)\s+(?:end\s?-?points?|outcomes?(?:\s+measures?)?)\s+"
    r"(?P<verb>is|are|was|were|will\s+be|include|includes)\s+(?P<list>[^.]+)\.",
    re.IGNORECASE,
)


def endpoints_in(text: str) -> dict[str, list[str]]:
    """'The primary endpoint is X. The secondary endpoints are Y, Z and W.' -> measures."""
    found: dict[str, list[str]] = {"primary": [], "secondary": []}
    for match in _ENDPOINT.finditer(text):
        plural = match.group("verb").casefold() in {"are", "were", "include"}
        found[match.group("kind").casefold()].extend(_split_list(match.group("list"), plural))
    return found


def _split_list(text: str, plural: bool) -> list[str]:
    items = [item.strip() for item in text.split(", ")]
    if plural and items:
        last = re.split(r",?\s+and\s+", items.pop())
        items.extend(last)
    return [re.sub(r"^and\s+", "", item).strip() for item in items if item.strip()]
