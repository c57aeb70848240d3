"""Layout C: a scraped TrialX trial-finder page.

`Image`; the title twice; badges (status, age range, sex, phase); `Powered by AI`; `Overview`;
`Eligibility`; `Study details` (conditions and keywords mixed); the NCT id, the sponsor and a date;
then page chrome (contact form, languages, sign-up, FAQ, notes widget) that is never trial data.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import SEXES, STATUSES
from ..text import dedupe, paragraphs_to_markdown, tidy
from .ages import from_age_line, from_criteria
from .conditions import split_listed
from .criteria import parse_criteria
from .dates import iso_date
from .parsed import Parsed
from .prose import phase_from_badge

_NCT_LINE = re.compile(r"^NCT\d{8}$")
# Where the page chrome begins after the trial's own facts.
_CHROME_START = re.compile(
    r"^(?:Step \d|We have submitted|Send a message|Enter your contact|Sign up|Would you like|FAQs|"
    r"Investigator Avatar|Primary Contact|Add a private note|Learn more about)",
    re.IGNORECASE,
)
_SECTIONS = ("overview", "eligibility", "study details")


def matches(lines: list[str]) -> bool:
    stripped = {line.strip() for line in lines}
    return "Overview" in stripped and "Study details" in stripped and (
        "Powered by AI" in stripped or any(line.strip() == "Image" for line in lines[:3])
    )


def parse(lines: list[str]) -> Parsed:
    stripped = [line.strip() for line in lines]
    marks = _section_marks(stripped)
    header = [s for s in stripped[: marks["overview"]] if s and s not in {"Image", "Powered by AI"}]
    title = tidy(header[0]) if header else ""
    fields: dict[str, Any] = {"title": title}
    for badge in header[1:]:
        _read_badge(badge, title, fields)

    overview = paragraphs_to_markdown(lines[marks["overview"] + 1 : marks["eligibility"]], line_per_paragraph=True)
    details_end = _block_end(stripped, marks["study details"] + 1)
    terms = dedupe([_restore_acronym(tidy(t)) for t in stripped[marks["study details"] + 1 : details_end] if t])
    criteria = parse_criteria(lines[marks["eligibility"] + 1 : marks["study details"]])
    fields.update(summary=overview, eligibility=criteria.eligibility())
    fields["conditions"], fields["keywords"] = split_listed(terms)
    review = criteria.review + _read_footer(stripped[details_end:], fields)
    if "min_age" not in fields:  # no age line: the criteria may still state the ages
        ages = from_criteria(criteria.inclusion, criteria.exclusion)
        fields.update(min_age=ages.min_age, max_age=ages.max_age)
        review.extend(ages.review)
    drug_texts = (("title", title), ("overview", overview or ""))
    return Parsed(fields=fields, prose=overview or "", drug_texts=drug_texts, review=review)


def _restore_acronym(term: str) -> str:
    """The page title-cases every term, acronyms included: 'Cholangiocarcinoma (Icc)'."""
    return re.sub(r"\(([A-Z][a-z]{1,4})\)$", lambda m: f"({m.group(1).upper()})", term)


def _section_marks(lines: list[str]) -> dict[str, int]:
    """Line index of each section heading; a missing section is empty, ending where the next starts."""
    marks: dict[str, int] = {}
    for name in reversed(_SECTIONS):
        following = min(marks.values(), default=len(lines))
        marks[name] = next((i for i, line in enumerate(lines) if line.casefold() == name), following)
    return marks


def _block_end(lines: list[str], start: int) -> int:
    i = start
    while i < len(lines) and lines[i]:
        i += 1
    return i


def _read_badge(badge: str, title: str, fields: dict[str, Any]) -> None:
    folded = badge.casefold()
    if badge == title:
        return
    if folded in {s.casefold() for s in STATUSES}:
        fields["status"] = next(s for s in STATUSES if s.casefold() == folded)
    elif folded in {s.casefold() for s in SEXES}:
        fields["sex"] = next(s for s in SEXES if s.casefold() == folded)
    elif (ages := from_age_line(badge)) is not None:
        fields["min_age"], fields["max_age"] = ages.min_age, ages.max_age
    elif phase := phase_from_badge(badge):
        fields["phase"] = phase


def _read_footer(lines: list[str], fields: dict[str, Any]) -> list[str]:
    """NCT id, sponsor and date stand alone between Study details and the chrome."""
    review = []
    facts = []
    for line in lines:
        if _CHROME_START.match(line):
            break
        if line:
            facts.append(line)
    for line in facts:
        if _NCT_LINE.match(line) and "nct_id" not in fields:
            fields["nct_id"] = line
        elif iso := iso_date(line):
            fields["dates"] = [{"label": "Date on page (unlabelled)", "date": iso}]
        elif "sponsor" not in fields and "{{" not in line and len(line) <= 200:
            fields["sponsor"] = tidy(line)
        else:
            review.append(f"Unrecognised line after Study details left out: {tidy(line)[:120]!r}")
    return review
