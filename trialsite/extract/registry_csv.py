"""A row of the registry's CSV download -> the fields of a trial.

How the download writes each column (relied on: code that reads these files, see README, "The
registry's own exports"): several values in one cell are joined by `|` (conditions,
interventions, outcomes, phases, locations, design items); an intervention is `TYPE: name`; an
outcome is `measure, description, time frame` joined by ", " without escaping; a location is
`facility, city, state, zip, country` with the parts the registry lacks left out; the design
is `Allocation: RANDOMIZED|Intervention Model: ...|Masking: DOUBLE (PARTICIPANT, ...)|...`;
status, phases and sex are the API's enumerations; dates are ISO, to the day or the month.
The download has no keywords, eligibility criteria, ages in years, arms or coordinates: those
stay not stated. Its `Age` column holds the registry's age groups (ADULT, OLDER_ADULT), which
the model does not keep.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import INTERVENTION_TYPES
from ..text import paragraphs_to_markdown, tidy
from .ctgov_export import outcome_of
from .parsed import Parsed
from .places import registry_site
from .registry_values import DATE_LABELS, SEXES, STATUSES, design_of, mapped, phase_of, stated_date

COLUMNS = (
    "NCT Number", "Study Title", "Study URL", "Acronym", "Study Status", "Brief Summary", "Study Results",
    "Conditions", "Interventions", "Primary Outcome Measures", "Secondary Outcome Measures",
    "Other Outcome Measures", "Sponsor", "Collaborators", "Sex", "Age", "Phases", "Enrollment", "Funder Type",
    "Study Type", "Study Design", "Other IDs", "Start Date", "Primary Completion Date", "Completion Date",
    "First Posted", "Results First Posted", "Last Update Posted", "Locations", "Study Documents",
)  # fmt: skip
ID_COLUMN = "NCT Number"
_INTERVENTION = re.compile(r"^(?P<type>[A-Z_]+):\s*(?P<name>\S.*)$")


def parse_row(row: dict[str, str]) -> Parsed:
    review: list[str] = []
    read = [registry_site(text) for text in _items(row.get("Locations"))]
    sites = [site for site, _ in read]
    if any(uncertain for _, uncertain in read):
        review.append(
            "Sites read from the CSV's Locations column, where a facility name holding a comma can shift "
            "the city and state: check them, or import the trial's JSON record."
        )
    design = dict(item.partition(": ")[::2] for item in _items(row.get("Study Design")))
    masking = design.get("Masking", "").partition(" ")[0]  # 'DOUBLE (PARTICIPANT, INVESTIGATOR)'
    fields: dict[str, Any] = {
        "title": tidy(row.get("Study Title", "")),
        "nct_id": row.get(ID_COLUMN, "").strip() or None,
        "phase": phase_of(_items(row.get("Phases")), review),
        "status": mapped(STATUSES, row.get("Study Status"), "Status", review),
        "conditions": [tidy(c) for c in _items(row.get("Conditions"))],
        "interventions": _interventions(_items(row.get("Interventions")), review),
        "enrollment": _count(row.get("Enrollment"), review),
        "sponsor": tidy(row.get("Sponsor", "")) or None,
        "sex": mapped(SEXES, row.get("Sex"), "Sex", review),
        "outcomes": {
            kind: [outcome_of(text) for text in _items(row.get(f"{kind.capitalize()} Outcome Measures"))]
            for kind in ("primary", "secondary", "other")
        },
        "summary": paragraphs_to_markdown(row.get("Brief Summary", "").splitlines()),
        "design": design_of(design.get("Allocation"), masking, None, len(sites), review),
        "sites": sites,
        "dates": [d for column in DATE_LABELS if (d := stated_date(column, row.get(column, ""), False, review))],
    }
    return Parsed(fields=fields, review=review)


def _items(cell: str | None) -> list[str]:
    return [item.strip() for item in (cell or "").split("|") if item.strip()]


def _count(cell: str | None, review: list[str]) -> int | None:
    text = (cell or "").strip()
    if not text:
        return None
    if not text.isdigit():
        review.append(f"Enrollment '{text}' is not a count: left not stated.")
        return None
    return int(text)


def _interventions(items: list[str], review: list[str]) -> list[dict[str, str]]:
    found = []
    for item in items:
        match = _INTERVENTION.match(item)
        if match and match.group("type") in INTERVENTION_TYPES:
            found.append({"type": match.group("type"), "name": tidy(match.group("name"))})
        else:
            review.append(f"Intervention '{tidy(item)}' is not 'TYPE: name' of a type the registry defines: left out.")
    return found
