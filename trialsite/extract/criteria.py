"""Eligibility criteria as bulleted text -> one entry per top-level criterion.

Sub-items (deeper indentation, or a different marker such as `◦` or `1.` under `•`) stay inside
their criterion, one per line after the criterion's own text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import tidy

_HEADING = re.compile(
    r"^(?:key\s+|main\s+)?(?P<kind>inclusion|exclusion)\s+criteria\b\s*:?\s*$", re.IGNORECASE
)
_MARKER = re.compile(r"^(?P<marker>[•◦▪▫●○■□\-*–]|\d{1,2}[.)]|[a-z][.)]|\([a-z0-9]{1,2}\))\s+")
_NUMBERING = re.compile(r"^\d{1,2}[.)]\s+")


@dataclass
class _Item:
    text: str
    indent: int
    kind: str
    subitems: list[str] = field(default_factory=list)

    def render(self) -> str:
        return "\n".join([_top_text(self.text), *self.subitems])


def _top_text(text: str) -> str:
    return _NUMBERING.sub("", text).rstrip(" ;")


def _marker_kind(marker: str) -> str:
    if marker[0].isdigit():
        return "number"
    if marker[0].isalpha() or marker.startswith("("):
        return "letter"
    return marker


def parse_criteria(lines: list[str], strip_prefix: str = "") -> dict[str, list[str]]:
    """Split criteria lines into inclusion and exclusion lists."""
    lists: dict[str, list[_Item]] = {"inclusion": [], "exclusion": []}
    current: list[_Item] | None = None
    for raw in lines:
        line = raw.removeprefix(strip_prefix) if strip_prefix else raw
        if not line.strip():
            continue
        heading = _HEADING.match(line.strip())
        if heading:
            current = lists[heading.group("kind").casefold()]
            continue
        if current is None:
            continue
        _add_line(current, line)
    return {kind: [item.render() for item in items if item.text] for kind, items in lists.items()}


def _add_line(items: list[_Item], line: str) -> None:
    indent = len(line) - len(line.lstrip())
    body = line.strip()
    marker = _MARKER.match(body)
    text = tidy(body[marker.end():] if marker else body)
    if not text:
        return
    kind = _marker_kind(marker.group("marker")) if marker else "text"
    top = items[0] if items else None
    if top is None or (indent <= top.indent and kind == top.kind):
        items.append(_Item(text, indent, kind))
    elif marker:
        items[-1].subitems.append(text if kind != "number" else f"{marker.group('marker')} {text}")
    elif items[-1].subitems:
        items[-1].subitems[-1] += " " + text
    else:
        items[-1].text += " " + text
