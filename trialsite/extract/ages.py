"""Age limits, from where each layout states them: a TrialX age line, ClinConnect criteria, or an
eligibility sentence in an export's prose.

An age is only taken from a statement *about* age: a criterion that begins with it ('Age 18 or
older', 'Adults from 18 to 60 years old') or a sentence that says who is eligible. An age inside
another rule ('PSA < 4 if 50-60 years of age'), a consent procedure for minors or a natural
history ('usually die by age 2 years') states no age limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_UNITS = {"y": "Years", "m": "Months", "w": "Weeks", "d": "Days"}
_UNIT = r"(?:years?|yrs?|months?|weeks?|days?)"
_N = r"\d{1,3}"

# The age line of a TrialX page: '18-80 years', '18+ years', '3 months-17 years', 'All ages'.
_LINE_RANGE = re.compile(
    rf"^(?P<min>{_N})\s*(?P<min_unit>{_UNIT})?\s*(?:-|–|to)\s*(?P<max>{_N})\s*(?P<max_unit>{_UNIT})$", re.IGNORECASE
)
_LINE_MIN = re.compile(rf"^(?P<min>{_N})\s*\+\s*(?P<min_unit>{_UNIT})$", re.IGNORECASE)
_LINE_ALL = re.compile(r"^all\s+ages$", re.IGNORECASE)

# An age phrase: a range, a lower bound or an upper bound, with the words that make it an age.
_CUE = r"(?:ages?|aged)"
_OLD = r"(?:\s*(?:old|of\s+age))?"
_RANGE = re.compile(
    rf"(?P<cue>{_CUE}(?:\s+range)?\s*:?\s*(?:between\s+|from\s+)?|between\s+the\s+ages\s+of\s+|from\s+|between\s+)?"
    rf"(?P<min>{_N})\s*(?P<min_unit>{_UNIT})?\s*(?:-|–|to|and)\s*(?P<max>{_N})\s*(?P<max_unit>{_UNIT})?(?P<old>{_OLD})",
    re.IGNORECASE,
)
_LOWER = re.compile(
    rf"(?P<cue>{_CUE}\s*(?:of\s+)?)?(?:≥|>=|>|over|above|older\s+than|at\s+least|minimum(?:\s+of)?)\s*"
    rf"(?P<min>{_N})\s*(?P<min_unit>{_UNIT})?(?P<old>{_OLD})"
    rf"|(?P<cue2>{_CUE}\s*)?(?P<min2>{_N})\s*(?P<min2_unit>{_UNIT})?(?P<old2>{_OLD})\s*(?:\+|(?:or|and)\s+(?:older|over|above))",
    re.IGNORECASE,
)
_UPPER = re.compile(
    rf"(?P<cue>{_CUE}\s*(?:of\s+)?)?(?:≤|<=|<|under(?:\s+the\s+age\s+of|\s+age)?|below|younger\s+than|less\s+than|up\s+to)\s*"
    rf"(?P<max>{_N})\s*(?P<max_unit>{_UNIT})?(?P<old>{_OLD})"
    rf"|(?P<cue2>{_CUE}\s*)?(?P<max2>{_N})\s*(?P<max2_unit>{_UNIT})?(?P<old2>{_OLD})\s*(?:or|and)\s+(?:younger|under|below)",
    re.IGNORECASE,
)
# Who a criterion is about, before its age: 'Adults from 18 to 60', 'Men and women aged 18-65'.
_PEOPLE = re.compile(
    r"\b(?:adults?|men|women|males?|females?|patients?|participants?|subjects?|children|adolescents|infants|"
    r"individuals?|persons?|people|volunteers?|boys|girls)$",
    re.IGNORECASE,
)
_AGE_WORD = re.compile(r"\b(?:ages?|aged|old|of\s+age)\b", re.IGNORECASE)
_CONDITIONAL = re.compile(r"\b(?:if|when|for|in|whose|unless|except|during|prior|before|after)\b", re.IGNORECASE)
_LEAD_WORDS = 3
_CONNECTOR = re.compile(r"\s*(?:,|and|but|to)?\s*", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+")
_ELIGIBILITY = re.compile(r"\b(?:eligib\w*|inclusion\s+criteria|must\s+be\s+aged)\b", re.IGNORECASE)
_CONSENT = re.compile(r"\b(?:consent|assent|parents?|guardians?)\b", re.IGNORECASE)
_MINORS_CONSENT = re.compile(
    r"\b(?:assent|parents?|parental|guardians?|legal(?:ly)?\s+\w+\s+representatives?)\b", re.IGNORECASE
)


@dataclass
class Ages:
    """What a document states about age limits, and notes for an editor on how it was read."""

    min_age: str | None = None
    max_age: str | None = None
    review: list[str] = field(default_factory=list)


def from_age_line(text: str) -> Ages | None:
    """A TrialX age line, or None when the line is not one."""
    text = text.strip()
    if _LINE_ALL.match(text):
        return Ages()
    match = _LINE_RANGE.match(text) or _LINE_MIN.match(text)
    if not match:
        return None
    found = match.groupdict()
    max_unit = found.get("max_unit")
    return Ages(
        _age(found["min"], found["min_unit"] or max_unit),
        _age(found["max"], max_unit) if found.get("max") else None,
    )


def from_criteria(inclusion: list[str], exclusion: list[str]) -> Ages:
    """Ages from criteria that are about age. An excluded age bounds the other side: 'Under age
    18' excluded is a minimum of 18. A criterion on how minors consent ('Participants under 18
    years need a parent's consent') sets no limit."""
    mins: dict[str, str] = {}
    maxes: dict[str, str] = {}
    for criteria, lower, upper, ranges in ((inclusion, mins, maxes, True), (exclusion, maxes, mins, False)):
        for criterion in criteria:
            lead = criterion.split("\n", 1)[0]
            if _MINORS_CONSENT.search(lead):
                continue
            for low, high in _leading_limits(lead, ranges):
                _note(lower, low, lead)
                _note(upper, high, lead)
    return _settle(mins, maxes, "criterion")


def from_prose(text: str) -> Ages:
    """Ages from sentences that say who is eligible ('Eligible patients are aged 18 to 65 years');
    a sentence about consent (of minors, by parents) sets no limit."""
    mins: dict[str, str] = {}
    maxes: dict[str, str] = {}
    for sentence in _SENTENCE.split(text):
        if not _ELIGIBILITY.search(sentence) or _CONSENT.search(sentence):
            continue
        for low, high in _limits(sentence):
            _note(mins, low, sentence)
            _note(maxes, high, sentence)
    return _settle(mins, maxes, "sentence")


def _leading_limits(text: str, ranges: bool = True) -> list[tuple[str | None, str | None]]:
    """The limits of age phrases that open the criterion, perhaps after who it is about."""
    found: list[tuple[str | None, str | None]] = []
    lead_end = 0  # a phrase may follow an opening one: 'Age ≥ 18 years and ≤ 75 years'
    for start, end, low, high in sorted(_phrases(text, ranges)):
        if _is_lead(text[:start]) or (found and _CONNECTOR.fullmatch(text[lead_end:start])):
            found.append((low, high))
            lead_end = end
    return found


def _limits(text: str) -> list[tuple[str | None, str | None]]:
    return [(low, high) for _, _, low, high in _phrases(text, ranges=True)]


def _phrases(text: str, ranges: bool) -> list[tuple[int, int, str | None, str | None]]:
    """(start, end, minimum, maximum) of each age phrase with a word that makes it an age."""
    found = []
    taken: list[range] = []
    patterns = [(_RANGE, "range")] if ranges else []
    for pattern, kind in [*patterns, (_LOWER, "lower"), (_UPPER, "upper")]:
        for match in pattern.finditer(text):
            if any(match.start() in span for span in taken):
                continue
            limits = _read(match, kind, text[: match.start()])
            if limits:
                taken.append(range(match.start(), match.end()))
                found.append((match.start(), match.end(), *limits))
    return found


def _read(match: re.Match[str], kind: str, before: str) -> tuple[str | None, str | None] | None:
    """The limits a phrase states, when something makes it an age: a word in it or before it
    ('age', 'old'), a unit before 'or older', or the people it is about ('Adults 18 to 60 years')."""
    g = {k: v for k, v in match.groupdict().items() if v}
    about_people = bool(_PEOPLE.search(before.strip(" ([,:–-")))
    cued = bool(_AGE_WORD.search(match.group()) or _AGE_WORD.search(before))
    if kind == "range":
        unit = g.get("max_unit") or g.get("min_unit")
        if not (cued or (unit and about_people)):
            return None
        return _age(g["min"], g.get("min_unit") or unit), _age(g["max"], unit)
    bound = "min" if kind == "lower" else "max"
    trailing = f"{bound}2" in g  # '18 years or older': the words after the number make it an age
    number, unit = g.get(bound) or g[f"{bound}2"], g.get(f"{bound}_unit") or g.get(f"{bound}2_unit")
    if not (cued or (unit and (trailing or about_people))):
        return None
    age = _age(number, unit)
    return (age, None) if kind == "lower" else (None, age)


def _is_lead(text: str) -> bool:
    """At most a few words that say who, with no condition: 'Adults', 'Men and women', ''."""
    words = text.split()
    return len(words) <= _LEAD_WORDS and not _CONDITIONAL.search(text) and not re.search(r"[.;:]", text)


def _age(number: str, unit: str | None) -> str:
    return f"{int(number)} {_UNITS[(unit or 'y')[0].casefold()]}"


def _note(found: dict[str, str], age: str | None, where: str) -> None:
    if age:
        found.setdefault(age, where)


def _settle(mins: dict[str, str], maxes: dict[str, str], where: str) -> Ages:
    """One minimum and one maximum, or none where the document states several."""
    ages = Ages()
    read: dict[str, list[str]] = {}  # source -> what was read from it
    for label, found in (("minimum", mins), ("maximum", maxes)):
        if len(found) > 1:
            ages.review.append(f"Several {label} ages ({', '.join(found)}): left not stated.")
            continue
        for age, source in found.items():
            setattr(ages, f"{label[:3]}_age", age)
            read.setdefault(source, []).append(f"{label} age {age}")
    for source, values in read.items():
        what = " and ".join(values)
        ages.review.append(f"{what[0].upper()}{what[1:]} read from the {where} '{source[:120]}': check it.")
    return ages
