"""Drug names: split combination interventions, normalize through the curated vocabularies.

Lookup order: the curated vocabulary (the package's, with the catalogue's over it: names,
synonyms, brands, codes, regimens), then DrugBank's open names (`drugbank.py`, exact names of
medicines only), then the name as written, flagged for review.

A name only DrugBank knows is shown as the document writes it when that is a generic name:
DrugBank's preferred name is often an INN or a chemical name the trial never uses. A brand or a
code gives DrugBank's generic. A record holds one name per drug, so for the synonyms of one drug
to meet on one drug page, the name the catalogue already shows a DrugBank drug under is kept
for every later mention of that drug.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..model import DrugVocabulary
from .drugbank import drugbank_name

# A slash joins drugs ('sacubitril/valsartan', 'TMC114/RTV'), not a dose's units ('5 mg/kg').
_SEPARATORS = re.compile(
    r"(?:\s*,)?\s+(?:in combination with|combined with|followed by|plus|and|with|versus|vs\.?|or)\s+"
    r"|\s*[+,;&]\s*|\s+/\s+|(?<![\d\s])(?<!\bmg)(?<!\bmcg)(?<!\bml)(?<!\bg)(?<!\biu)/(?=[^\W\d])",
    re.IGNORECASE,
)
_DOSE = re.compile(
    r"\s+\d[\d.,]*\s*(?:mg|mcg|µg|μg|g|ml|iu|units?|auc|%)\b.*$|\s+(?:q\d+w|qd|bid|tid)\b.*$",
    re.IGNORECASE,
)
_ROUTE = re.compile(
    r"(?:\s+(?:iv|po|sc|im|oral(?:ly)?|intravenous(?:ly)?|subcutaneous(?:ly)?|infusion|injection|"
    r"tablets?|capsules?|monotherapy|therapy|treatment|regimen|fdc|fixed[- ]dose combination))+$",
    re.IGNORECASE,
)
_PARENTHETICAL = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_PLACEBO = re.compile(r"\bplacebo\b|\bdummy\b|\bsham\b", re.IGNORECASE)


@dataclass
class DrugIndex:
    """Case-insensitive name -> canonical drug names (one for a drug, several for a regimen)."""

    names: dict[str, tuple[str, ...]]
    classes: dict[str, str | None] = field(default_factory=dict)
    # The drug names the catalogue's trials already show; read once DrugBank is first needed.
    catalogue_drugs: Callable[[], Iterable[str]] = tuple
    _shown: dict[str, str] | None = field(default=None, repr=False)  # DrugBank drug -> name shown

    @classmethod
    def from_vocabulary(
        cls, vocabulary: DrugVocabulary, catalogue_drugs: Callable[[], Iterable[str]] = tuple
    ) -> DrugIndex:
        names: dict[str, tuple[str, ...]] = {}
        classes: dict[str, str | None] = {}
        for drug in vocabulary.drugs:
            classes[drug.name] = drug.drug_class
            for alias in (drug.name, *drug.synonyms, *drug.brands, *drug.codes):
                names[alias.casefold()] = (drug.name,)
        for regimen in vocabulary.regimens:
            names[regimen.name.casefold()] = tuple(regimen.drugs)
        return cls(names, classes, catalogue_drugs)

    def lookup(self, name: str) -> tuple[str, ...] | None:
        return self.names.get(name.casefold()) or self._drugbank(name)

    def _drugbank(self, name: str) -> tuple[str, ...] | None:
        entry = drugbank_name(name)
        if entry is None:
            return None
        curated = self.names.get(entry.drug)  # a brand whose generic the vocabulary lists
        if curated:
            return curated
        written = " ".join(name.split()).lower()
        return (self._shown_names().setdefault(entry.drug, written if entry.generic else entry.drug),)

    def _shown_names(self) -> dict[str, str]:
        if self._shown is None:
            self._shown = {}
            for name in self.catalogue_drugs():
                entry = None if name.casefold() in self.names else drugbank_name(name)
                if entry:
                    self._shown.setdefault(entry.drug, name)
        return self._shown


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
    """Add the drugs of one intervention name, splitting combinations ('A plus B', 'A/B',
    'x, y, and z'). A name the vocabularies know whole ('tegafur/gimeracil/oteracil') stays whole;
    hyphens never split ('S-1', 'ABC-1234')."""
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
