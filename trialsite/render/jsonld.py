"""schema.org MedicalTrial metadata for a trial page, serialised so content cannot end the script.

Only what the record states is emitted: a missing value is left out, never guessed.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from ..model import Design
from .markdown import shorten
from .trialview import TrialView

SCHEMA = "https://schema.org/"

# ClinicalTrials.gov statuses that have a MedicalStudyStatus; the others have no equivalent.
STUDY_STATUS = {
    "Not yet recruiting": "NotYetRecruiting",
    "Recruiting": "Recruiting",
    "Enrolling by invitation": "EnrollingByInvitation",
    "Active, not recruiting": "ActiveNotRecruiting",
    "Suspended": "Suspended",
    "Terminated": "Terminated",
    "Completed": "Completed",
    "Withdrawn": "Withdrawn",
}
MASKING_DESIGN = {
    "None (Open Label)": "OpenTrial",
    "Single": "SingleBlindedTrial",
    "Double": "DoubleBlindedTrial",
    "Triple": "TripleBlindedTrial",
}
CENTRES_DESIGN = {"Single centre": "SingleCenterTrial", "Multicentre": "MultiCenterTrial"}
ALLOCATION_DESIGN = {"Randomized": "RandomizedTrial"}

# "</script>" or "<!--" in content must not be read as markup by the HTML parser; \u003c is the
# same character to a JSON parser.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def medical_trial(view: TrialView, url: str, drug_classes: dict[str, str]) -> dict[str, Any]:
    trial = view.record
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalTrial",
        "name": trial.title,
        "url": url,
        # The meta description's words, not the whole summary: the summary is on the page.
        "description": shorten(view.plain_summary) if view.plain_summary else None,
        "healthCondition": [{"@type": "MedicalCondition", "name": name} for name in trial.conditions],
        "studySubject": [_drug(name, drug_classes.get(name)) for name in trial.drugs],
        "sponsor": {"@type": "Organization", "name": trial.sponsor} if trial.sponsor else None,
        "status": SCHEMA + STUDY_STATUS[trial.status] if trial.status in STUDY_STATUS else None,
        "phase": trial.phase,
        "trialDesign": [SCHEMA + design for design in trial_designs(trial.design)],
    }
    if trial.nct_id:
        data["code"] = {
            "@type": "MedicalCode",
            "codeValue": trial.nct_id,
            "codingSystem": "ClinicalTrials.gov",
        }
        data["sameAs"] = view.registry_url
    return {key: value for key, value in data.items() if value not in (None, [])}


def _drug(name: str, drug_class: str | None) -> dict[str, Any]:
    drug: dict[str, Any] = {"@type": "Drug", "name": name}
    if drug_class:
        drug["drugClass"] = {"@type": "DrugClass", "name": drug_class}
    return drug


def trial_designs(design: Design) -> list[str]:
    stated = (
        MASKING_DESIGN.get(design.masking or ""),
        ALLOCATION_DESIGN.get(design.allocation or ""),
        CENTRES_DESIGN.get(design.centres or ""),
    )
    return [value for value in stated if value]


def script_json(data: Any) -> Markup:
    """JSON for a <script type="application/ld+json"> element, safe against any content; compact,
    as only machines read it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.translate(_SCRIPT_SAFE))
