"""Drug names: split combination interventions, normalize through the editors' vocabulary.

Lookup order: our vocabulary (names, synonyms, brands, codes, regimens), then DrugBank's open
names from `drug-named-entity-recognition` with exact matches only (its fuzzy mode maps the typo
`aptinib` to alprenolol), then the name as written, flagged for review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import DrugVocabulary

_SEPARATORS = re.compile(
    r"\s+(?:in combination with|combined with|followed by|plus|and|with|versus|vs\.?|or)\s+"
    r"|\s*[+,;&]\s*|\s+/\s+",
    re.IGNORECASE,
)
_DOSE = re.compile(
    r"\s+\d[\d.,]*\s*(?:mg|mcg|µg|μg|g|ml|iu|units?|auc|%)\b.*$|\s+(?:q\d+w|qd|bid|tid)\b.*$",
    re.IGNORECASE,
)
_ROUTE = re.compile(
    r"(?:\s+(?:iv|po|sc|im|oral(?:ly)?|intravenous(?:ly)?|subcutaneous(?:ly)?|infusion|injection|"
    r"tablets?|capsules?|monotherapy|therapy|treatment|regimen))+$",
    re.IGNORECASE,
)
_PARENTHETICAL = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_PLACEBO = re.compile(r"\bplacebo\b|\bdummy\b|\bsham\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/]*[A-Za-z0-9]|[A-Za-z0-9]")
_MAX_NAME_WORDS = 5


@dataclass(frozen=True)
class DrugIndex:
    """Case-insensitive name -> canonical drug names (one for a drug, several for a regimen)."""

    names: dict[str, tuple[str, ...]]
    classes: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def from_vocabulary(cls, vocabulary: DrugVocabulary) -> DrugIndex:
        names: dict[str, tuple[str, ...]] = {}
        classes: dict[str, str | None] = {}
        for drug in vocabulary.drugs:
            classes[drug.name] = drug.drug_class
            for alias in (drug.name, *drug.synonyms, *drug.brands, *drug.codes):
                names[alias.casefold()] = (drug.name,)
        for regimen in vocabulary.regimens:
            names[regimen.name.casefold()] = tuple(regimen.drugs)
        return cls(names, classes)

    def lookup(self, name: str) -> tuple[str, ...] | None:
        found = self.names.get(name.casefold())
        if found is None:
            found = _drugbank_lookup(name)
        return found


@lru_cache(maxsize=4096)
def _drugbank_lookup(name: str) -> tuple[str, ...] | None:
    words = name.split()
    if not words or len(words) > _MAX_NAME_WORDS:
        return None
    from drug_named_entity_recognition import find_drugs  # loads ~2 s of data: only on demand

    matches = find_drugs(words, is_ignore_case=True, is_fuzzy_match=False)
    whole = [m for m in matches if m[1] == 0 and m[2] == len(words)]
    return (whole[0][0]["name"].lower(),) if whole else None


@dataclass
class DrugFindings:
    drugs: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def add(self, names: tuple[str, ...]) -> None:
        for name in names:
            if name.casefold() not in {d.casefold() for d in self.drugs}:
                self.drugs.append(name)


def bare_name(part: str) -> str:
    """'Pembrolizumab 200 mg IV' -> 'Pembrolizumab'; keeps the name as written otherwise."""
    part = _PARENTHETICAL.sub("", part)
    part = _DOSE.sub("", part)
    part = _ROUTE.sub("", part)
    return part.strip(" .:-")


def drugs_in_intervention(name: str, index: DrugIndex, findings: DrugFindings) -> None:
    """Add the drugs of one intervention name, splitting combinations ('A plus B')."""
    whole = index.lookup(bare_name(name))
    if whole:
        findings.add(whole)
        return
    for part in _SEPARATORS.split(name):
        if not part.strip() or _PLACEBO.search(part):
            continue
        bare = bare_name(part)
        if not bare:
            continue
        found = index.lookup(bare) or _lookup_parenthetical(part, index)
        if found:
            findings.add(found)
        else:
            findings.add((bare,))
            findings.unknown.append(bare)


def _lookup_parenthetical(part: str, index: DrugIndex) -> tuple[str, ...] | None:
    """'Investigational agent (MEDI4736)': the code in brackets may be the known name."""
    for inner in re.findall(r"[(\[]([^)\]]+)[)\]]", part):
        found = index.lookup(inner.strip())
        if found:
            return found
    return None


def drugs_in_text(text: str, index: DrugIndex) -> list[str]:
    """Known drug names mentioned in free text, in order of first mention (no unknowns: prose
    is full of words that are not drugs)."""
    words = _WORD.findall(text)
    findings = DrugFindings()
    i = 0
    while i < len(words):
        for size in range(min(_MAX_NAME_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + size])
            found = index.lookup(phrase) if _could_be_drug(phrase) else None
            if found:
                findings.add(found)
                i += size
                break
        else:
            i += 1
    return findings.drugs


def _could_be_drug(phrase: str) -> bool:
    """Skip phrases DrugBank would only match by accident: short words, plain numbers."""
    return len(phrase) >= 3 and not phrase.replace("-", "").isdigit()
