"""Where in a registry record each extracted value is stated: a JSON path, or a CSV row's column.

A registry record states every value it gives in a field of its own, so each citation is of
kind `field`; the few values worked out from a count (arms, centres) are `inferred`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..provenance import MAX_QUOTE, Kind, json_at
from .locate import Document, locate
from .registry_values import DATE_LABELS

_P = "protocolSection"
# The API path of each field, and of each list field's items.
API_PATHS = {
    "title": f"{_P}.identificationModule.briefTitle",
    "nct_id": f"{_P}.identificationModule.nctId",
    "phase": f"{_P}.designModule.phases",
    "status": f"{_P}.statusModule.overallStatus",
    "conditions": f"{_P}.conditionsModule.conditions",
    "keywords": f"{_P}.conditionsModule.keywords",
    "mesh_terms": "derivedSection.conditionBrowseModule.meshes",
    "interventions": f"{_P}.armsInterventionsModule.interventions",
    "drugs": f"{_P}.armsInterventionsModule.interventions",
    "enrollment": f"{_P}.designModule.enrollmentInfo.count",
    "sponsor": f"{_P}.sponsorCollaboratorsModule.leadSponsor.name",
    "sex": f"{_P}.eligibilityModule.sex",
    "min_age": f"{_P}.eligibilityModule.minimumAge",
    "max_age": f"{_P}.eligibilityModule.maximumAge",
    "eligibility.inclusion": f"{_P}.eligibilityModule.eligibilityCriteria",
    "eligibility.exclusion": f"{_P}.eligibilityModule.eligibilityCriteria",
    "outcomes.primary": f"{_P}.outcomesModule.primaryOutcomes",
    "outcomes.secondary": f"{_P}.outcomesModule.secondaryOutcomes",
    "outcomes.other": f"{_P}.outcomesModule.otherOutcomes",
    "summary": f"{_P}.descriptionModule.briefSummary",
    "description": f"{_P}.descriptionModule.detailedDescription",
    "design.allocation": f"{_P}.designModule.designInfo.allocation",
    "design.masking": f"{_P}.designModule.designInfo.maskingInfo.masking",
    "design.arms": f"{_P}.armsInterventionsModule.armGroups",
    "design.centres": f"{_P}.contactsLocationsModule.locations",
    "sites": f"{_P}.contactsLocationsModule.locations",
}
_API_DATES = {
    "Study start": "startDateStruct",
    "Primary completion": "primaryCompletionDateStruct",
    "Study completion": "completionDateStruct",
    "First posted": "studyFirstPostDateStruct",
    "Results first posted": "resultsFirstPostDateStruct",
    "Last update posted": "lastUpdatePostDateStruct",
}
CSV_COLUMNS = {
    "title": "Study Title",
    "nct_id": "NCT Number",
    "phase": "Phases",
    "status": "Study Status",
    "conditions": "Conditions",
    "interventions": "Interventions",
    "drugs": "Interventions",
    "enrollment": "Enrollment",
    "sponsor": "Sponsor",
    "sex": "Sex",
    "outcomes.primary": "Primary Outcome Measures",
    "outcomes.secondary": "Secondary Outcome Measures",
    "outcomes.other": "Other Outcome Measures",
    "summary": "Brief Summary",
    "design.allocation": "Study Design",
    "design.masking": "Study Design",
    "design.centres": "Locations",
    "sites": "Locations",
}
_COUNTED = {"design.arms", "design.centres"}
_INDEX = re.compile(r"\[(\d+)\]$")


def field_of(key: str) -> str:
    return _INDEX.sub("", key)


def kind_of(key: str) -> Kind:
    return "inferred" if field_of(key) in _COUNTED else "field"


def api_citation(study: dict[str, Any], where: str, key: str, value: Any) -> tuple[str, str, list[int], int] | None:
    """(JSON path, the JSON it holds, lines within a text value, offset in them) for one fact, or None."""
    field = field_of(key)
    path = API_PATHS.get(field)
    if field == "dates":
        label = value["label"].removesuffix(" (estimated)")
        path = f"{_P}.statusModule.{_API_DATES[label]}.date"
    if path is None:
        return None
    stated = json_at(study, path)
    if stated is None:
        return None
    prefix = "" if where == "the study" else f"{where}."
    if isinstance(stated, list) and field not in _COUNTED:
        index = _item_index(stated, value)
        if index is not None:
            path, stated = f"{path}[{index}]", stated[index]
    lines: list[int] = []
    offset = 0
    if isinstance(stated, str) and "\n" in stated:
        place = locate(Document(stated.splitlines()), key, value)
        if place is not None:
            lines, stated, offset = [place.first, place.last], place.quote, place.offset
    quote = stated if isinstance(stated, str) else json.dumps(stated, ensure_ascii=False)
    return prefix + path, quote[:MAX_QUOTE], lines, offset


def _item_index(items: list[Any], value: Any) -> int | None:
    words = _words(value)
    return next((i for i, item in enumerate(items) if words and words <= _words(item)), None)


def _words(value: Any) -> set[str]:
    if isinstance(value, dict):
        value = value.get("name") or value.get("measure") or value.get("term") or value.get("facility") or ""
    return set(re.findall(r"\w+", str(value).casefold()))


def csv_citation(row: dict[str, str], where: str, key: str, value: Any) -> tuple[str, str] | None:
    """('row 4, column Phases', the cell or the part of it that states the value), or None."""
    field = field_of(key)
    column = CSV_COLUMNS.get(field)
    if field == "dates":
        column = next((c for c, label in DATE_LABELS.items() if label == value["label"]), None)
    if column is None or not row.get(column, "").strip():
        return None
    cell = row[column]
    parts = [part for part in cell.split("|") if part.strip()]
    index = _item_index(parts, value) if len(parts) > 1 and field not in _COUNTED else None
    quote = parts[index].strip() if index is not None else cell.strip()
    return f"{where}, column {column}", quote[:MAX_QUOTE]
