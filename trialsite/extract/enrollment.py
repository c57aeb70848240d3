"""Enrollment: the number of participants the text says this trial enrols, planned or done.

Figures count in digits or in words ('we will enrol 200 participants', 'Eighty patients ... were
treated'). A statement that people are (or will be) enrolled, recruited, included, randomised or
treated comes first; a sample-size statement is used only when there is none, since a power
calculation's figure is often raised before enrolment. Not counted: a maximum ('up to 100'),
group sizes ('100 per arm'), proportions, prevalence and prior data ('a previous study of 100
patients'). Two different figures of the same standing give none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
_UNITS += "seventeen eighteen nineteen"
_ONES = {word: value for value, word in enumerate(_UNITS.split())}
_TENS = {
    word: 10 * value for value, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}
_SCALES = {"hundred": 100, "thousand": 1000}
_WORD = "|".join([*_TENS, *_ONES, *_SCALES])
_NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|(?:{_WORD})(?:(?:\s+and\s+|[\s-]+)(?:{_WORD}))*)\b"

_PEOPLE = (
    r"(?:patients|participants|subjects|people|persons|individuals|volunteers|adults|children|adolescents|"
    r"infants|neonates|newborns|women|men|mothers|fathers|parents|caregivers|carers|families|couples|pairs|"
    r"dyads|students|pupils|employees|workers|residents|nurses|physicians|clinicians|donors|recipients|"
    r"smokers|users|survivors|athletes|veterans|inpatients|outpatients|healthy\s+volunteers)"
)
# Words that may stand between a figure and the people it counts ('200 healthy adult volunteers'),
# but not words that make it count something else ('20 percent of patients', '10 per arm').
_BETWEEN = r"(?:(?!(?:of|per|percent|in|from|with|and|or|to|at|for|each)\b)[\w-]+\s+){0,3}?"
_ENROLLED = r"(?:enrol+ed|recruited|included|randomi[sz]ed|treated|studied|allocated|assigned)"
_STATEMENTS = [
    # 'we will enrol 200 participants', 'randomized 362 neonates'
    re.compile(
        r"\b(?:enrol+(?:ing|s|ed)?|includ(?:e|es|ed|ing)|recruit(?:ing|s|ed)?|randomi[sz](?:e|es|ed|ing))\s+"
        rf"(?:a\s+total\s+of\s+|approximately\s+|about\s+|around\s+|an\s+estimated\s+)?(?P<n>{_NUMBER})\s+"
        + _BETWEEN + _PEOPLE + r"\b",
        re.IGNORECASE,
    ),
    # '362 neonates, with a birthweight <750g, were randomized', 'Eighty patients ... were treated'
    re.compile(
        rf"(?<![\w.,])(?P<n>{_NUMBER})\s+" + _BETWEEN + _PEOPLE + r"\b[^.]{0,120}?\b"
        r"(?:(?:(?:will|would|shall|are\s+(?:planned|expected)\s+to|are\s+to)\s+be|were|was|have\s+been|had\s+been)"
        rf"\s+(?:\w+\s+)?{_ENROLLED}|(?:will|would)\s+(?:take\s+part|participate))\b",
        re.IGNORECASE,
    ),
    # 'target enrollment of 120', 'planned enrolment: 80', 'enrolment of 300 patients'
    re.compile(
        rf"\b(?:target|planned|anticipated|expected)\s+enrol+ment\s*(?:of|is|will\s+be|:)\s*(?:approximately\s+)?"
        rf"(?P<n>{_NUMBER})",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\benrol+ment\s+of\s+(?:approximately\s+|about\s+)?(?P<n>{_NUMBER})\s+" + _BETWEEN + _PEOPLE + r"\b",
        re.IGNORECASE,
    ),
]
_SAMPLE_SIZE = [
    # 'a sample size of 176', 'a sample size 112 patients would be required', 'sample size was calculated to be 88'
    re.compile(
        rf"\bsample\s+size\s+(?:[\w-]+\s+){{0,4}}?(?:(?:of|is|be|:|=)\s*)?(?:approximately\s+|about\s+)?"
        rf"(?P<n>{_NUMBER})(?!\s*(?:%|percent|per\b))",
        re.IGNORECASE,
    ),
]
_MAXIMUM = re.compile(r"\b(?:up\s+to|maximum\s+of|max\.?|at\s+most|no\s+more\s+than)\s*$", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_OTHER_STUDY = re.compile(r"\b(?:previous(?:ly)?|prior|earlier|unpublished|published)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Enrollment:
    count: int | None
    candidates: tuple[int, ...]  # every distinct figure of the standing that was used
    evidence: str | None  # the sentence the count was read from


def enrollment_in(text: str) -> Enrollment:
    sentences = _SENTENCE.split(text)
    for patterns in (_STATEMENTS, _SAMPLE_SIZE):
        found: dict[int, str] = {}
        for sentence in sentences:
            for pattern in patterns:
                for match in pattern.finditer(sentence):
                    count = number_value(match.group("n"))
                    before = sentence[: match.start("n")]
                    if count and not _MAXIMUM.search(before) and not _OTHER_STUDY.search(before):
                        found.setdefault(count, sentence)
        if found:
            (count, evidence), *others = found.items()
            if others:
                return Enrollment(None, tuple(found), None)
            return Enrollment(count, (count,), evidence)
    return Enrollment(None, (), None)


def number_value(text: str) -> int | None:
    """'1,200' -> 1200, 'Eighty' -> 80, 'two hundred and forty' -> 240."""
    if text[0].isdigit():
        return int(text.replace(",", ""))
    total = current = 0
    for word in re.split(r"[\s-]+", text.casefold()):
        if word in _ONES or word in _TENS:
            current += _ONES.get(word, 0) + _TENS.get(word, 0)
        elif word == "hundred":
            current = (current or 1) * 100
        elif word == "thousand":
            total, current = total + (current or 1) * 1000, 0
    return total + current or None
