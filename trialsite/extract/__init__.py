"""Seed document -> Trial: detect the layout, parse it, then fill in what only prose states."""

from __future__ import annotations

import re
from typing import Any

from ..errors import SeedError
from ..model import Trial, blank
from ..provenance import Fact
from ..seeds import RegistryRecord, Seed
from . import clinconnect, ctgov_export, registry_api, registry_csv, trialx, unknown
from .cite import registry_facts, text_facts
from .conditions import headings_of
from .drugs import DrugFindings, DrugIndex, drugs_in_intervention
from .enrollment import enrollment_in
from .parsed import Parsed
from .prose import design_in, endpoints_in, phases_in
from .treatment import treatment_drugs

# Most specific first: a TrialX page may contain an interventions-like line, an export never has
# TrialX's headings.
LAYOUTS = {
    "trialx": trialx,
    "clinconnect": clinconnect,
    "ctgov-export": ctgov_export,
    "unknown": unknown,
}
_DRUG_TYPES = {"DRUG", "BIOLOGICAL", "COMBINATION_PRODUCT"}
# An observational study assigns no treatment: the drugs or vaccines it names are exposures.
_OBSERVATIONAL = re.compile(r"\bobservational\b", re.IGNORECASE)


def detect_layout(lines: list[str]) -> str:
    return next(name for name, module in LAYOUTS.items() if module.matches(lines))


def extract(seed: Seed, drug_index: DrugIndex) -> Trial:
    return extract_cited(seed, drug_index)[0]


def extract_cited(seed: Seed, drug_index: DrugIndex) -> tuple[Trial, list[Fact]]:
    """The trial, and each of its values with the lines of the seed that state it."""
    trial, labelled = _assemble(seed, drug_index)
    return trial, text_facts(trial, list(seed.lines), labelled, drug_index)


def _assemble(seed: Seed, drug_index: DrugIndex) -> tuple[Trial, frozenset[str]]:
    """The trial, and the fields its layout read from labelled parts (the rest came from prose)."""
    lines = list(seed.lines)
    layout = detect_layout(lines)
    parsed = LAYOUTS[layout].parse(lines)
    record = blank(Trial)
    record.update(parsed.fields)
    labelled = frozenset(name for name, value in parsed.fields.items() if value not in (None, "", [], {}))
    if not record["title"]:
        record.update(unknown.parse(lines).fields)
    if not record["title"]:
        raise SeedError(seed.file, "no text: no line of the document has any once decoded")
    review = list(parsed.review)
    _fill_from_prose(record, parsed, review)
    _fill_drugs(record, parsed, drug_index, review)
    record["condition_headings"] = headings_of(record["conditions"])
    record["source"] = {"file": seed.file, "sha256": seed.sha256, "layout": layout}
    record["review"] = review
    return Trial.model_validate(_drop_empty(record)), labelled


def extract_registry(record: RegistryRecord, drug_index: DrugIndex) -> Trial:
    return extract_registry_cited(record, drug_index)[0]


def extract_registry_cited(record: RegistryRecord, drug_index: DrugIndex) -> tuple[Trial, list[Fact]]:
    trial = _assemble_registry(record, drug_index)
    return trial, registry_facts(trial, record)


def _assemble_registry(record: RegistryRecord, drug_index: DrugIndex) -> Trial:
    """A registry record states its fields: nothing is read from its prose, and drugs come only
    from its drug-like interventions."""
    reader = registry_csv.parse_row if record.layout == "ctgov-csv" else registry_api.parse_study
    parsed = reader(record.data)
    record_fields = blank(Trial)
    record_fields.update(parsed.fields)
    if not record_fields["title"]:
        raise SeedError(record.file, f"{record.where}: the trial {record.nct_id} has no title; not extracted")
    review = list(parsed.review)
    _fill_drugs(record_fields, parsed, drug_index, review)
    record_fields["condition_headings"] = headings_of(record_fields["conditions"])
    record_fields["source"] = {"file": record.file, "sha256": record.sha256, "layout": record.layout}
    record_fields["review"] = review
    return Trial.model_validate(_drop_empty(record_fields))


def _drop_empty(record: dict[str, Any]) -> dict[str, Any]:
    """Text that decoding left empty (a line of nothing but '&#8203;') states nothing: such a
    value becomes null, and such a list item, intervention, outcome or date is left out."""
    for key in ("sponsor", "summary", "description"):
        record[key] = record[key] or None
    for key in ("conditions", "keywords", "drugs", "locations", "review"):
        record[key] = [item for item in record[key] if item]
    for kind in ("inclusion", "exclusion"):
        record["eligibility"][kind] = [item for item in record["eligibility"][kind] if item]
    record["interventions"] = [item for item in record["interventions"] if item["name"]]
    record["dates"] = [item for item in record["dates"] if item["label"]]
    for kind, outcomes in record["outcomes"].items():
        record["outcomes"][kind] = [
            {**o, "description": o["description"] or None, "time_frame": o["time_frame"] or None}
            for o in outcomes if o["measure"]
        ]
    return record


def _fill_from_prose(record: dict[str, Any], parsed: Parsed, review: list[str]) -> None:
    """Phase, enrollment, design and endpoints, where the layout has no field for them."""
    if record["phase"] is None:
        phases = phases_in(record["title"]) or phases_in(parsed.prose)
        if len(phases) == 1:
            record["phase"] = phases[0]
            review.append(f"{phases[0]} read from the text: check it.")
        elif phases:
            review.append(f"Several phases mentioned ({', '.join(phases)}): phase left not stated.")
    if record["enrollment"] is None:
        enrollment = enrollment_in(parsed.prose)
        record["enrollment"] = enrollment.count
        if enrollment.evidence:
            sentence = enrollment.evidence[:160]
            review.append(f"Enrollment {enrollment.count} read from the sentence '{sentence}': check it.")
        elif enrollment.candidates:
            figures = ", ".join(map(str, enrollment.candidates))
            review.append(f"Several enrollment figures ({figures}): left not stated.")
    record["design"] = design_in(parsed.prose)
    outcomes = record["outcomes"]
    if not any(outcomes.values()):
        for kind, measures in endpoints_in(parsed.prose).items():
            outcomes[kind] = [{"measure": m, "description": None, "time_frame": None} for m in measures]
            if measures:
                review.append(f"{kind.capitalize()} outcomes read from the text ({'; '.join(measures)}): check them.")


def _fill_drugs(record: dict[str, Any], parsed: Parsed, drug_index: DrugIndex, review: list[str]) -> None:
    """Drugs from drug interventions when listed; otherwise what the title gives as treatment, or
    failing that the summary, each drug flagged for review."""
    drug_interventions = [i for i in record["interventions"] if i["type"] in _DRUG_TYPES]
    if drug_interventions:
        findings = DrugFindings()
        for intervention in drug_interventions:
            drugs_in_intervention(intervention["name"], drug_index, findings)
        record["drugs"] = findings.drugs
        review.extend(
            f"Drug '{name}' is in neither the drug vocabulary nor DrugBank's names: kept as written; "
            "add it to content/drugs.yaml or correct it."
            for name in findings.unknown
        )
        return
    if _OBSERVATIONAL.search(f"{record['title']}\n{parsed.prose}"):
        return
    for where, text in parsed.drug_texts:
        drugs = treatment_drugs(text, drug_index)
        if drugs:
            record["drugs"] = drugs
            review.extend(f"Drug '{name}' read from the {where}: confirm the trial gives it." for name in drugs)
            return
