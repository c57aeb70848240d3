"""Layout B: a scraped ClinConnect trial page.

Title; `Launched by SPONSOR · DATE`; `Trial Information`; `Current as of DATE`; status; then
sections under fixed headings. `About <sponsor>` (a promotional blurb), `Contacts` (on these pages
often someone unrelated to the trial) and the empty timeline widgets are page chrome and are read
only to be dropped.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import STATUSES
from ..text import dedupe, paragraphs_to_markdown, smart_title, tidy
from .ages import from_criteria
from .conditions import named_in
from .criteria import parse_criteria
from .dates import iso_date
from .parsed import Parsed, first_text
from .places import city_line_site

_LAUNCHED = re.compile(r"^Launched by\s+(?P<sponsor>.+?)(?:\s*[·•|]\s*(?P<date>.+))?$")
_CURRENT = re.compile(r"^Current as of\s+(?P<date>.+)$", re.IGNORECASE)
_HEADINGS = {
    "trial information": "information",
    "keywords": "keywords",
    "clinconnect summary": "summary",
    "gender": "gender",
    "eligibility criteria": "eligibility",
    "contacts": "chrome",
    "locations": "locations",
    "patients applied": "chrome",
    "timeline": "timeline",
}
# Timeline widget labels; each is followed by a date line when the page has one.
_TIMELINE = {
    "first submit": "First submitted",
    "trial launched": "Launched",
    "trial updated": "Last updated",
    "estimated completion": "Estimated completion",
}
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
_SEX = {"all": "All", "both": "All", "female": "Female", "male": "Male"}


def matches(lines: list[str]) -> bool:
    head = [line.strip() for line in lines[:6]]
    return any(_LAUNCHED.match(line) for line in head) or "ClinConnect Summary" in {
        line.strip() for line in lines
    }


def _is_about_heading(line: str, sponsor: str | None) -> bool:
    """'About <sponsor>' as the header names it (a long name may hold commas and end in 'Inc.'),
    or a short 'About ...' line that is no sentence, where the blurb names the sponsor otherwise."""
    if not line.startswith("About "):
        return False
    if sponsor and _letters(line.removeprefix("About ")) == _letters(sponsor):
        return True
    return len(line) <= 120 and not line.endswith((".", ":"))


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _header_sponsor(lines: list[str]) -> str | None:
    launched = (_LAUNCHED.match(line.strip()) for line in lines[:6])
    return next((m.group("sponsor") for m in launched if m), None)


def sections(lines: list[str]) -> dict[str, list[str]]:
    """Lines under each known heading; the lines before the first heading under 'header'."""
    found: dict[str, list[str]] = {"header": []}
    current = "header"
    sponsor = _header_sponsor(lines)
    for line in lines:
        stripped = line.strip()
        key = _HEADINGS.get(stripped.casefold())
        if (
            key is None
            and current in {"summary", "gender", "eligibility", "keywords"}
            and _is_about_heading(stripped, sponsor)
        ):
            key = "chrome"
        if key is None and stripped.casefold() in _TIMELINE:
            key = "timeline"
        if key is not None:
            current = key
            found.setdefault(key, [])
            if key == "timeline":
                found[key].append(stripped)
            continue
        found.setdefault(current, []).append(line)
    return found


def parse(lines: list[str]) -> Parsed:
    parts = sections(lines)
    header = [line.strip() for line in parts["header"] + parts.get("information", []) if line.strip()]
    title_at = first_text(lines)
    # matches() saw a 'Launched by' or 'ClinConnect Summary' line, so some line has text.
    assert title_at is not None, "a ClinConnect page is not blank"
    fields: dict[str, Any] = {"title": tidy(lines[title_at]), "dates": []}
    for line in header:
        launched = _LAUNCHED.match(line)
        current = _CURRENT.match(line)
        if launched:
            fields["sponsor"] = _sponsor_name(launched.group("sponsor"), lines)
            _add_date(fields["dates"], "Launched", launched.group("date"))
        elif current:
            _add_date(fields["dates"], "Current as of", current.group("date"))
        elif line.casefold() in {s.casefold() for s in STATUSES}:
            fields["status"] = next(s for s in STATUSES if s.casefold() == line.casefold())
    _timeline_dates(parts.get("timeline", []), fields["dates"])

    summary = paragraphs_to_markdown(parts.get("summary", []), line_per_paragraph=True)
    gender = [g.strip().casefold() for g in parts.get("gender", []) if g.strip()]
    criteria = parse_criteria(parts.get("eligibility", []), strip_prefix="- ")
    ages = from_criteria(criteria.inclusion, criteria.exclusion)
    fields.update(
        keywords=dedupe([tidy(k) for k in parts.get("keywords", []) if tidy(k)]),
        summary=summary,
        sex=_SEX.get(gender[0]) if gender else None,
        eligibility=criteria.eligibility(),
        min_age=ages.min_age,
        max_age=ages.max_age,
    )
    fields["sites"], fields["locations"] = _places(parts.get("locations", []))
    fields["conditions"], condition_review = _conditions_named(fields["title"], summary or "")
    drug_texts = (("title", fields["title"]), ("summary", summary or ""))
    return Parsed(
        fields=fields,
        prose=summary or "",
        drug_texts=drug_texts,
        review=criteria.review + ages.review + condition_review,
    )


def _places(lines: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """'City, State, Country' lines (the section may repeat them) as sites; any other line as written."""
    written = dedupe([tidy(line) for line in lines if tidy(line)])
    sites = [site for line in written if (site := city_line_site(line))]
    return sites, [line for line in written if city_line_site(line) is None]


def _conditions_named(title: str, summary: str) -> tuple[list[str], list[str]]:
    """The page lists no conditions, but its title names them ('Ganaxolone in Women With
    Postpartum Depression'), else the first sentence of the summary that names any: later ones
    often name comorbidities or other studies' conditions. Inferred, so put to an editor."""
    for where, text in (("title", title), *(("summary", s) for s in _SENTENCE_BREAK.split(summary))):
        conditions = named_in(text)
        if conditions:
            named = ", ".join(f"'{c}'" for c in conditions)
            return conditions, [f"Conditions {named} inferred from the {where}: the page lists none; confirm them."]
    return [], []


def _sponsor_name(name: str, lines: list[str]) -> str:
    """The heading writes the sponsor in capitals; the page usually spells it properly elsewhere."""
    name = tidy(name)
    if not name.isupper():
        return name
    pattern = re.compile(re.escape(name), re.IGNORECASE)
    for line in lines:
        for match in pattern.finditer(line):
            if not match.group().isupper():
                return match.group()
    return smart_title(name)


def _add_date(dates: list[dict[str, str]], label: str, text: str | None) -> None:
    iso = iso_date(text) if text else None
    if iso and not any(d["label"] == label for d in dates):
        dates.append({"label": label, "date": iso})


def _timeline_dates(lines: list[str], dates: list[dict[str, str]]) -> None:
    label = None
    for line in lines:
        stripped = line.strip()
        if stripped.casefold() in _TIMELINE:
            label = _TIMELINE[stripped.casefold()]
        elif label and stripped:
            _add_date(dates, label, stripped)
            label = None
