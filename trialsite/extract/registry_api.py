"""A study record of the registry's API (version 2 JSON: `protocolSection`, `derivedSection`) ->
the fields of a trial, each as the record states it.

What the record states about people is left out on purpose: central and site contacts, the
overall officials (names, phone numbers, e-mail addresses). A public catalogue links to the
registry record for them; it does not republish them.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import INTERVENTION_TYPES
from ..text import paragraphs_to_markdown, tidy
from .criteria import parse_criteria
from .parsed import Parsed
from .registry_values import SEXES, STATUSES, design_of, mapped, phase_of, stated_date

_AGE = re.compile(r"^\d+ (Years|Months|Weeks|Days|Hours|Minutes)$")
# The API's date structures, by the CSV column that holds the same date.
_DATES = {
    "Start Date": "startDateStruct",
    "Primary Completion Date": "primaryCompletionDateStruct",
    "Completion Date": "completionDateStruct",
    "First Posted": "studyFirstPostDateStruct",
    "Results First Posted": "resultsFirstPostDateStruct",
    "Last Update Posted": "lastUpdatePostDateStruct",
}


def module(study: dict[str, Any], section: str, name: str) -> dict[str, Any]:
    found = study.get(section, {}).get(name, {})
    return found if isinstance(found, dict) else {}


def nct_id_of(study: dict[str, Any]) -> str | None:
    value = module(study, "protocolSection", "identificationModule").get("nctId")
    return value if isinstance(value, str) else None


def last_update_of(study: dict[str, Any]) -> str:
    """The date the registry last posted a change: which of two records of one trial is newer."""
    posted = module(study, "protocolSection", "statusModule").get("lastUpdatePostDateStruct", {})
    return str(posted.get("date", "")) if isinstance(posted, dict) else ""


def parse_study(study: dict[str, Any]) -> Parsed:
    def part(name: str) -> dict[str, Any]:
        return module(study, "protocolSection", name)

    review: list[str] = []
    ident, status, eligibility = part("identificationModule"), part("statusModule"), part("eligibilityModule")
    design, conditions = part("designModule"), part("conditionsModule")
    sites = [_site(location) for location in part("contactsLocationsModule").get("locations", [])]
    criteria = parse_criteria(str(eligibility.get("eligibilityCriteria", "")).splitlines())
    description = part("descriptionModule")
    meshes = module(study, "derivedSection", "conditionBrowseModule").get("meshes", [])
    fields: dict[str, Any] = {
        "title": tidy(str(ident.get("briefTitle") or ident.get("officialTitle") or "")),
        "nct_id": nct_id_of(study),
        "phase": phase_of(design.get("phases", []), review),
        "status": mapped(STATUSES, status.get("overallStatus"), "Status", review),
        "conditions": _texts(conditions.get("conditions")),
        "keywords": _texts(conditions.get("keywords")),
        "mesh_terms": _texts(m.get("term") for m in meshes),
        "interventions": _interventions(part("armsInterventionsModule").get("interventions", []), review),
        "enrollment": design.get("enrollmentInfo", {}).get("count"),
        "sponsor": tidy(str(part("sponsorCollaboratorsModule").get("leadSponsor", {}).get("name", ""))) or None,
        "sex": mapped(SEXES, eligibility.get("sex"), "Sex", review),
        "min_age": _age(eligibility.get("minimumAge"), "Minimum age", review),
        "max_age": _age(eligibility.get("maximumAge"), "Maximum age", review),
        "eligibility": criteria.eligibility(),
        "outcomes": _outcomes(part("outcomesModule")),
        "summary": _markdown(description.get("briefSummary")),
        "description": _markdown(description.get("detailedDescription")),
        "design": _design(design, len(part("armsInterventionsModule").get("armGroups", [])), len(sites), review),
        "sites": sites,
        "dates": _dates(status, review),
    }
    return Parsed(fields=fields, review=review + criteria.review)


def _texts(values: Any) -> list[str]:
    return [text for text in (tidy(str(v)) for v in values or [] if v) if text]


def _markdown(text: Any) -> str | None:
    return paragraphs_to_markdown(str(text).splitlines()) if text else None


def _age(value: Any, what: str, review: list[str]) -> str | None:
    if not value:
        return None
    if not _AGE.match(str(value)):
        review.append(f"{what} '{value}' is not an age in years, months, weeks or days: left not stated.")
        return None
    return str(value)


def _interventions(items: list[dict[str, Any]], review: list[str]) -> list[dict[str, str]]:
    found = []
    for item in items:
        kind, name = str(item.get("type", "")), tidy(str(item.get("name", "")))
        if kind not in INTERVENTION_TYPES:
            review.append(f"Intervention '{name}' has the type '{kind}', which the registry does not define: left out.")
        elif name:
            found.append({"type": kind, "name": name})
    return found


def _outcomes(outcomes: dict[str, Any]) -> dict[str, list[dict[str, str | None]]]:
    return {
        kind: [
            {
                "measure": tidy(str(o.get("measure", ""))),
                "description": tidy(str(o.get("description", ""))) or None,
                "time_frame": tidy(str(o.get("timeFrame", ""))) or None,
            }
            for o in outcomes.get(f"{kind}Outcomes", [])
        ]
        for kind in ("primary", "secondary", "other")
    }


def _design(design: dict[str, Any], arms: int, sites: int, review: list[str]) -> dict[str, object]:
    info = design.get("designInfo", {})
    masking = info.get("maskingInfo", {}).get("masking")
    return design_of(info.get("allocation"), masking, arms, sites, review)


def _site(location: dict[str, Any]) -> dict[str, Any]:
    point = location.get("geoPoint") or {}
    return {
        "facility": tidy(str(location.get("facility", ""))) or None,
        "city": tidy(str(location.get("city", ""))) or None,
        "state": tidy(str(location.get("state", ""))) or None,
        "country": tidy(str(location.get("country", ""))) or None,
        "lat": point.get("lat"),
        "lon": point.get("lon"),
    }


def _dates(status: dict[str, Any], review: list[str]) -> list[dict[str, str]]:
    dates = []
    for column, key in _DATES.items():
        struct = status.get(key) or {}
        stated = stated_date(column, struct.get("date"), struct.get("type") == "ESTIMATED", review)
        if stated:
            dates.append(stated)
    return dates
