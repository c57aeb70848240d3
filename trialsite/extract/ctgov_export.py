"""Layout A: a ClinicalTrials.gov CSV export row, one field a line, empty fields dropped.

Order: title, brief summary (many lines), conditions, interventions, primary / secondary / other
outcome lines, detailed description. The interventions line is the anchor: it is the only line
made of `TYPE: name` items, so everything else is located relative to it.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import INTERVENTION_TYPES
from ..text import paragraphs_to_markdown, same_text, tidy
from .ages import from_prose
from .conditions import split_registered
from .parsed import Parsed, first_text

_INTERVENTION = re.compile(r"^(?P<type>" + "|".join(INTERVENTION_TYPES) + r"):\s*(?P<name>\S.*)$")
_TIME_POINT = re.compile(r"^(?:baseline|day|week|month|year|cycle|visit|screening|end of|up to|\d)", re.IGNORECASE)
_OUTCOME_KINDS = ("primary", "secondary", "other")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]")


def matches(lines: list[str]) -> bool:
    return _interventions_index(lines) is not None


def _interventions_index(lines: list[str]) -> int | None:
    for i, line in enumerate(lines[1:], start=1):
        items = line.strip().split("|")
        if all(_INTERVENTION.match(item.strip()) for item in items):
            return i
    return None


def parse(lines: list[str]) -> Parsed:
    anchor = _interventions_index(lines)
    assert anchor is not None, "parse() is only called when matches() is true"
    title_at = first_text(lines)
    # The anchor line has text, so some line at or before it does.
    assert title_at is not None, "the interventions line is not blank"
    conditions_at = anchor - 1 if anchor - 1 > title_at and _looks_like_conditions(lines[anchor - 1]) else None
    summary_end = conditions_at if conditions_at is not None else anchor
    outcome_lines, description_at = _outcome_lines(lines, anchor + 1)

    summary = paragraphs_to_markdown(lines[title_at + 1 : summary_end])
    description = paragraphs_to_markdown(lines[description_at:])
    if same_text(summary, description):
        description = None
    terms = _split_terms(lines[conditions_at]) if conditions_at is not None else []
    conditions, keywords = split_registered(terms)
    prose = "\n".join(filter(None, [summary, description]))
    ages = from_prose(prose)
    return Parsed(
        fields={
            "title": tidy(lines[title_at]),
            "conditions": conditions,
            "keywords": keywords,
            "interventions": _interventions(lines[anchor]),
            "outcomes": {
                kind: [outcome_of(o) for o in line.split("|") if o.strip()]
                for kind, line in zip(_OUTCOME_KINDS, [*outcome_lines, "", "", ""], strict=False)
            },
            "summary": summary,
            "description": description,
            "min_age": ages.min_age,
            "max_age": ages.max_age,
        },
        prose=prose,
        review=ages.review,
    )


def _looks_like_conditions(line: str) -> bool:
    """Conditions are short terms; the summary line before an interventions line is a sentence."""
    line = line.strip()
    if not line:
        return False
    return "|" in line or (len(line) <= 200 and not line.endswith((".", ":", ";")))


def _split_terms(line: str) -> list[str]:
    return [term for term in (tidy(t) for t in line.split("|")) if term]


def _interventions(line: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for item in line.strip().split("|"):
        match = _INTERVENTION.match(item.strip())
        if match:
            found.append({"type": match.group("type"), "name": tidy(match.group("name"))})
    return found


def _outcome_lines(lines: list[str], start: int) -> tuple[list[str], int]:
    """The (up to three) outcome lines after the anchor, and where the description starts."""
    outcome_lines: list[str] = []
    i = start
    while i < len(lines) and len(outcome_lines) < len(_OUTCOME_KINDS):
        line = lines[i].strip()
        if not line or not all(_is_outcome(o) for o in line.split("|")):
            break
        outcome_lines.append(line)
        i += 1
    return outcome_lines, i


def _is_outcome(outcome: str) -> bool:
    """`measure, [description,] time frame`: the measure is a title and the time frame a phrase;
    neither holds a sentence break, and only a time frame after a description sentence ends in a
    full stop. A description paragraph is sentences ('Complete DiGeorge anomaly is a congenital
    disorder. Without treatment, ...'; 'This study is a single-arm, multicenter trial ... .')."""
    parts = [p.strip() for p in outcome.strip().split(", ")]
    if len(parts) < 2:
        return False
    measure, tail = parts[0], parts[-1]
    is_title = len(measure) <= 300 and not _SENTENCE_BREAK.search(measure)
    is_phrase = len(tail) <= 250 and not _SENTENCE_BREAK.search(tail) and not tail.endswith(":")
    return is_title and is_phrase and (not tail.endswith(".") or (len(parts) > 2 and parts[-2].endswith(".")))


def outcome_of(text: str) -> dict[str, Any]:
    """`measure, description, time frame` joined by ', ' without escaping: commas inside any part
    are told apart by case. A part that starts lower-case continues the part before it."""
    parts = [p.strip() for p in text.strip().split(", ")]
    frame_start = len(parts) - 1
    # The time frame may hold commas ('Baseline, week 8'); a full stop ends the description before it.
    while frame_start > 1 and not parts[frame_start - 1].endswith(".") and (
        _continues(parts[frame_start]) or _is_time_point(parts[frame_start - 1])
    ):
        frame_start -= 1
    head = parts[:frame_start]
    measure_end = 1
    while measure_end < len(head) and _continues(head[measure_end]):
        measure_end += 1
    description = ", ".join(head[measure_end:])
    return {
        "measure": tidy(", ".join(head[:measure_end])),
        "description": tidy(description) or None,
        "time_frame": tidy(", ".join(parts[frame_start:])) or None,
    }


def _continues(part: str) -> bool:
    return part[:1].islower()


def _is_time_point(part: str) -> bool:
    return len(part) <= 40 and bool(_TIME_POINT.match(part))
