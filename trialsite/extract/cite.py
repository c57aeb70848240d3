"""Each extracted value of a trial with the place of its document that states it."""

from __future__ import annotations

from ..model import Trial
from ..provenance import Citation, Fact, Kind, facts_of
from ..seeds import RegistryRecord
from .ages import from_age_line
from .cite_registry import api_citation, csv_citation, field_of, kind_of
from .drugs import DrugIndex
from .locate import Document, Place, locate


def text_facts(trial: Trial, lines: list[str], labelled: frozenset[str], drug_index: DrugIndex) -> list[Fact]:
    """`labelled`: the fields the layout read from its labelled parts; the rest came from prose."""
    document = Document(lines)
    facts = []
    for key, value in facts_of(trial.model_dump(mode="json")):
        place = _drug_place(document, value, drug_index) if key.startswith("drugs[") else locate(document, key, value)
        cited = None
        if place is not None:
            kind = _text_kind(key, place, labelled)
            cited = Citation(
                document=trial.source.file, layout=trial.source.layout, kind=kind,
                lines=[place.first, place.last], offset=place.offset, quote=place.quote,
            )  # fmt: skip
        facts.append(Fact(key=key, value=value, cited=cited))
    return facts


def _drug_place(document: Document, drug: str, drug_index: DrugIndex) -> Place | None:
    """A drug as written, or under a name the vocabulary gives it (a brand, a regimen: FOLFOX)."""
    names = [drug, *(alias for alias, drugs in drug_index.names.items() if drug in drugs)]
    return next((p for name in names if (p := document.find_words(name)) is not None), None) or next(
        (p for name in names if (p := document.find_words(name, whole_words=False)) is not None), None
    )


def _text_kind(key: str, place: Place, labelled: frozenset[str]) -> Kind:
    field = field_of(key)
    if field in {"min_age", "max_age"}:  # an age line is a field; an age in a criterion is read from prose
        return "field" if from_age_line(place.quote) is not None else "inferred"
    if field == "drugs":  # drugs of a listed intervention, or named as treatment in the title or summary
        return "field" if "interventions" in labelled else "inferred"
    return "field" if field.split(".")[0] in labelled else "inferred"


def registry_facts(trial: Trial, record: RegistryRecord) -> list[Fact]:
    facts = []
    for key, value in facts_of(trial.model_dump(mode="json")):
        cited = None
        if record.layout == "ctgov-api":
            found = api_citation(record.data, record.where, key, value)
            if found is not None:
                path, quote, lines, offset = found
                cited = Citation(
                    document=record.file, layout="ctgov-api", kind=kind_of(key), path=path, lines=lines,
                    offset=offset, quote=quote,
                )  # fmt: skip
        else:
            cell = csv_citation(record.data, record.where, key, value)
            if cell is not None:
                path, quote = cell
                cited = Citation(document=record.file, layout="ctgov-csv", kind=kind_of(key), path=path, quote=quote)
        facts.append(Fact(key=key, value=value, cited=cited))
    return facts
