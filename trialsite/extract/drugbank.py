"""DrugBank's open names (from `drug-named-entity-recognition`), read as a table of exact names.

The package's own finder only matches one- and two-word names and its fuzzy mode maps the typo
`aptinib` to alprenolol, so its tables are read directly: exact names, any length, any case.
Its data also holds MeSH descriptors that are no medicine a trial gives (classes such as
"Antibodies" or "Glucocorticoids", enzymes, "DNA, Complementary"): only entries that DrugBank,
MedlinePlus or the NHS list as a medicine count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

# Generic names end in an INN stem; the WHO asks that brand names never be formed from one.
_INN_STEM = re.compile(
    r"(?:mab|nib|lisib|zomib|ciclib|parib|rafenib|degib|vir|vudine|citabine|cillin|cef\w*|"
    r"floxacin|oxacin|cycline|mycin|micin|conazole|azole|fungin|olol|pril|sartan|statin|platin|taxel|"
    r"tecan|rubicin|mustine|lukast|profen|coxib|prazole|tidine|dronate|gliptin|gliflozin|glitazone|glutide|"
    r"afil|setron|triptan|semide|thiazide|azepam|azolam|caine|sone|olone|parin|xaban|gatran|dipine|"
    r"oxetine|ipramine|triptyline|peridol|apine|idone|terol|tropium|lutamide|trozole|stim|relin|relix|"
    r"tide|alfa|beta)$"
)
_COMMON_PREFIX = 5
_MEDICINE_SOURCES = ("drugbank_id", "medline_plus_id", "nhs_url")


@dataclass(frozen=True)
class DrugBankName:
    drug: str  # DrugBank's preferred name, lower-cased: what ties one drug's names together
    generic: bool  # the name as written is a generic name, not a brand or a code


@cache
def _tables() -> tuple[dict[str, list[str]], dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    from drug_named_entity_recognition import drugs_finder  # ~1.5 s: on demand

    return (
        drugs_finder.drug_variant_to_canonical,
        drugs_finder.drug_canonical_to_data,
        drugs_finder.drug_variant_to_variant_data,
    )


@lru_cache(maxsize=8192)
def drugbank_name(name: str) -> DrugBankName | None:
    """What DrugBank's data says about `name` when it names a medicine; None otherwise."""
    variants, drugs, variant_data = _tables()
    written = " ".join(name.split()).lower()
    found = variants.get(written)
    if not found or not any(drugs.get(found[0], {}).get(source) for source in _MEDICINE_SOURCES):
        return None
    drug = found[0]
    return DrugBankName(drug, _is_generic(written, drug, variant_data.get(written, {})))


def _is_generic(written: str, drug: str, data: dict[str, Any]) -> bool:
    """A brand or a code gives DrugBank's generic; a generic name is shown as the trial writes it.
    The data flags some brands and some generics; the rest is told by the name's form: a spelling
    or salt of DrugBank's name, or an INN stem."""
    if "is_brand" in data:
        return not data["is_brand"]
    if " " in written:
        return True  # "vitamin D3", "magnesium sulphate": brands and codes are one word
    if any(ch.isdigit() for ch in written):
        return False  # a code name
    return written[:_COMMON_PREFIX] == drug[:_COMMON_PREFIX] or bool(_INN_STEM.search(written))
