"""The registry's own words for status, phase, sex, design and dates, mapped onto the model's.

Both registry readers (API JSON, `registry_api.py`; the CSV download, `registry_csv.py`) write
these values the same way: the API's enumerations (`ACTIVE_NOT_RECRUITING`, `PHASE1|PHASE2`,
`NON_RANDOMIZED`), dates in ISO form, to the day or the month.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

STATUSES = {
    "NOT_YET_RECRUITING": "Not yet recruiting",
    "RECRUITING": "Recruiting",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation",
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "SUSPENDED": "Suspended",
    "TERMINATED": "Terminated",
    "COMPLETED": "Completed",
    "WITHDRAWN": "Withdrawn",
    "UNKNOWN": "Unknown status",
    "AVAILABLE": "Available",
    "NO_LONGER_AVAILABLE": "No longer available",
    "TEMPORARILY_NOT_AVAILABLE": "Temporarily not available",
    "APPROVED_FOR_MARKETING": "Approved for marketing",
    "WITHHELD": "Withheld",
}
# A study in two phases lists both (PHASE1, PHASE2); those the model names as one phase.
PHASES = {
    ("EARLY_PHASE1",): "Early Phase 1",
    ("PHASE1",): "Phase 1",
    ("PHASE1", "PHASE2"): "Phase 1/2",
    ("PHASE2",): "Phase 2",
    ("PHASE2", "PHASE3"): "Phase 2/3",
    ("PHASE3",): "Phase 3",
    ("PHASE4",): "Phase 4",
    ("NA",): "Not applicable",
}
SEXES = {"ALL": "All", "FEMALE": "Female", "MALE": "Male"}
ALLOCATIONS = {"RANDOMIZED": "Randomized", "NON_RANDOMIZED": "Non-randomized"}
MASKINGS = {
    "NONE": "None (Open Label)",
    "SINGLE": "Single",
    "DOUBLE": "Double",
    "TRIPLE": "Triple",
    "QUADRUPLE": "Quadruple",
}
# The dates a record states, by the CSV column that holds each, with the label the catalogue
# shows. Only the first three can be planned dates: the API marks those ESTIMATED.
DATE_LABELS = {
    "Start Date": "Study start",
    "Primary Completion Date": "Primary completion",
    "Completion Date": "Study completion",
    "First Posted": "First posted",
    "Results First Posted": "Results first posted",
    "Last Update Posted": "Last update posted",
}
PLANNED_DATES = {"Start Date", "Primary Completion Date", "Completion Date"}
_ISO = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$")
NCT_ID = re.compile(r"^NCT\d{8}$")


def mapped(table: dict[str, str], value: object, what: str, review: list[str]) -> str | None:
    """The model's word for a registry value; a value the table lacks is left not stated, with a note."""
    if value is None or value == "":
        return None
    found = table.get(str(value).strip().upper())
    if found is None:
        review.append(f"{what} '{value}' is not one the registry defines: left not stated.")
    return found


def phase_of(phases: Iterable[str], review: list[str]) -> str | None:
    stated = tuple(sorted(p.strip().upper() for p in phases if p.strip()))
    if not stated:
        return None
    found = PHASES.get(stated)
    if found is None:
        review.append(f"Phases {'|'.join(stated)} are no phase the catalogue names: left not stated.")
    return found


def stated_date(column: str, date: str | None, estimated: bool, review: list[str]) -> dict[str, str] | None:
    date = str(date or "").strip()
    if not date:
        return None
    label = DATE_LABELS[column] + (" (estimated)" if estimated and column in PLANNED_DATES else "")
    if not _ISO.match(str(date)):
        review.append(f"{label} '{date}' is not an ISO date: left out.")
        return None
    return {"label": label, "date": str(date)}


def design_of(
    allocation: str | None, masking: str | None, arms: int | None, sites: int, review: list[str]
) -> dict[str, object]:
    """A trial with sites in more than one place is multicentre; one listed site says nothing
    about sites not listed, so it states no centre count."""
    return {
        "allocation": None if allocation == "NA" else mapped(ALLOCATIONS, allocation, "Allocation", review),
        "arms": arms or None,
        "masking": mapped(MASKINGS, masking, "Masking", review),
        "centres": "Multicentre" if sites > 1 else None,
    }
