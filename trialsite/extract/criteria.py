"""Eligibility criteria as bulleted text -> one entry per top-level criterion.

A section starts at a heading: 'Inclusion Criteria:', a bare 'Exclusion:', a bracketed
'[Inclusion Criteria]', a prefixed 'Key Inclusion Criteria:', 'Non-inclusion criteria', or a
sentence introducing the list ('... Inclusion criteria', 'Patients will be excluded if:'). Sections
of one kind add up (a trial with several randomisations has several). A heading of a third kind
('Elimination criteria:') starts criteria that are neither, which are left out with a note.

Within a section the first bullet sets the top level. Sub-items (deeper indentation, or a
different marker such as `◦` or `1.` under `•`) stay inside their criterion, one per line after
the criterion's own text. Plain lines are not criteria: a lead-in ('Cohort 2:') opens the next
criterion, other text continues the one before. Only a section without any bullet has one
criterion a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import tidy

_KINDS = re.compile(
    r"(?P<exclusion>\bnon-?\s?inclusion\b|\bexclusion\b|\bexcluded\b|\bineligible\b|\bnot\s+eligible\b)"
    r"|(?P<inclusion>\binclusion\b|\bincluded\b|\beligib\w*)",
    re.IGNORECASE,
)
# 'Inclusion:', '[Exclusion Criteria]', 'Key Inclusion Criteria:', 'Non-inclusion criteria'.
_SHORT_KIND = re.compile(
    r"^\[?(?:(?:key|main|major|general|specific)\s+)?(?:non-?\s?)?(?:inclusion|exclusion)(?:\s+criteria)?\]?\s*:?$",
    re.IGNORECASE,
)
_NAMED_CRITERIA = re.compile(r"^\[?(?:[\w-]+\s+){0,2}criteria\]?\s*:?$", re.IGNORECASE)
_ENDS_HEADING = re.compile(r"(?:criteria\]?\s*:?|:)$", re.IGNORECASE)
_MARKER = re.compile(r"^(?P<marker>[•◦▪▫●○■□\-*–]|\d{1,2}[.)]|[a-z][.)]|\([a-z0-9]{1,2}\))\s+")
_NUMBERING = re.compile(r"^\d{1,2}[.)]\s+")


@dataclass
class Criteria:
    inclusion: list[str] = field(default_factory=list)
    exclusion: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)

    def eligibility(self) -> dict[str, list[str]]:
        return {"inclusion": self.inclusion, "exclusion": self.exclusion}


@dataclass
class _Item:
    text: str
    indent: int
    kind: str
    lead_in: str = ""
    subitems: list[str] = field(default_factory=list)

    def render(self) -> str:
        return "\n".join([" ".join(filter(None, [self.lead_in, _top_text(self.text)])), *self.subitems])


def _top_text(text: str) -> str:
    return _NUMBERING.sub("", text).rstrip(" ;")


def _marker_kind(marker: str) -> str:
    if marker[0].isdigit():
        return "number"
    if marker[0].isalpha() or marker.startswith("("):
        return "letter"
    return marker


def heading_kind(line: str) -> str | None:
    """'inclusion', 'exclusion' or 'other' for a heading line; None for any other line."""
    text = tidy(line)
    if _MARKER.match(text) or not text:
        return None
    kinds = [m.lastgroup for m in _KINDS.finditer(text)]
    if _SHORT_KIND.match(text):
        return kinds[-1]
    if _NAMED_CRITERIA.match(text):  # 'Elimination criteria:', 'Withdrawal Criteria'
        return kinds[-1] if kinds else "other"
    if kinds and _ENDS_HEADING.search(text):  # a sentence introducing the list
        return kinds[-1]
    return None


def parse_criteria(lines: list[str], strip_prefix: str = "") -> Criteria:
    """Split criteria lines into inclusion and exclusion lists."""
    sections: list[tuple[str, str, list[str]]] = []  # (kind, heading, lines)
    for raw in lines:
        line = raw.removeprefix(strip_prefix) if strip_prefix else raw
        if not line.strip():
            continue
        kind = heading_kind(line)
        if kind:
            sections.append((kind, tidy(line), []))
        elif sections:
            sections[-1][2].append(line)
    criteria = Criteria()
    for kind, heading, section in sections:
        items = _section_items(section)
        if kind == "other":
            if items:
                criteria.review.append(
                    f"{len(items)} criteria under '{heading[:80]}' left out: they are neither inclusion nor exclusion."
                )
            continue
        getattr(criteria, kind).extend(items)
    return criteria


def _section_items(lines: list[str]) -> list[str]:
    if not any(_MARKER.match(line.strip()) for line in lines):
        return [text for text in map(tidy, lines) if text]
    items: list[_Item] = []
    lead_in: list[str] = []
    for line in lines:
        _add_line(items, lead_in, line)
    return [item.render() for item in items if item.text]


def _add_line(items: list[_Item], lead_in: list[str], line: str) -> None:
    indent = len(line) - len(line.lstrip())
    body = line.strip()
    marker = _MARKER.match(body)
    text = tidy(body[marker.end():] if marker else body)
    if not text:
        return
    top = items[0] if items else None
    if not marker:
        if top is None or (indent <= top.indent and text.endswith(":")):
            lead_in.append(text)  # 'Cohort 2:' introduces the criteria after it
        elif items[-1].subitems:
            items[-1].subitems[-1] += " " + text
        else:
            items[-1].text += " " + text
        return
    kind = _marker_kind(marker.group("marker"))
    if top is None or (indent <= top.indent and kind == top.kind):
        items.append(_Item(text, indent, kind, lead_in=" ".join(lead_in)))
        lead_in.clear()
    else:
        items[-1].subitems.append(text if kind != "number" else f"{marker.group('marker')} {text}")
