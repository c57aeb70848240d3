"""The content model: one typed record per trial, shared by extraction, validation and rendering.

The JSON Schema in `trialsite/schemas/` is generated from these classes (`python build.py schema`), so the
field list exists only here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.fields import FieldInfo

Phase = Literal[
    "Early Phase 1",
    "Phase 1",
    "Phase 1/2",
    "Phase 2",
    "Phase 2/3",
    "Phase 3",
    "Phase 4",
    "Not applicable",
]
PHASES: tuple[str, ...] = get_args(Phase)

# ClinicalTrials.gov overall status as displayed, including the expanded-access values.
Status = Literal[
    "Not yet recruiting",
    "Recruiting",
    "Enrolling by invitation",
    "Active, not recruiting",
    "Suspended",
    "Terminated",
    "Completed",
    "Withdrawn",
    "Unknown status",
    "Available",
    "No longer available",
    "Temporarily not available",
    "Approved for marketing",
    "Withheld",
]
STATUSES: tuple[str, ...] = get_args(Status)

InterventionType = Literal[
    "BEHAVIORAL",
    "BIOLOGICAL",
    "COMBINATION_PRODUCT",
    "DEVICE",
    "DIAGNOSTIC_TEST",
    "DIETARY_SUPPLEMENT",
    "DRUG",
    "GENETIC",
    "PROCEDURE",
    "RADIATION",
    "OTHER",
]
INTERVENTION_TYPES: tuple[str, ...] = get_args(InterventionType)

Sex = Literal["All", "Female", "Male"]
SEXES: tuple[str, ...] = get_args(Sex)

Layout = Literal["ctgov-export", "ctgov-api", "ctgov-csv", "clinconnect", "trialx", "unknown"]

Text = Annotated[str, StringConstraints(min_length=1)]
NctId = Annotated[str, StringConstraints(pattern=r"^NCT\d{8}$")]
Age = Annotated[str, StringConstraints(pattern=r"^\d+ (Years|Months|Weeks|Days|Hours|Minutes)$")]
# A registry states some dates to the month only ("2006-11"); such a date is kept as stated.
IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}(-\d{2})?$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Record(BaseModel):
    """Strict: a hand edit that changes a type or misspells a key is an error, not a coercion.

    Every field but those that make a record what it is (a trial's title and source, an
    intervention's type and name, ...) defaults to its blank value: null, [] or a blank
    sub-record. So a field added in a later trialsite version leaves the content written before it
    valid (the missing key reads as "not stated"), and `trialsite migrate` writes the key in.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Intervention(Record):
    type: InterventionType
    name: Text


class Outcome(Record):
    measure: Text
    description: Text | None = None
    time_frame: Text | None = None


class Outcomes(Record):
    primary: list[Outcome] = []
    secondary: list[Outcome] = []
    other: list[Outcome] = []


class Eligibility(Record):
    inclusion: list[Text] = Field(
        default=[], description="One entry per top-level criterion; sub-items follow on their own lines."
    )
    exclusion: list[Text] = Field(
        default=[], description="One entry per top-level criterion; sub-items follow on their own lines."
    )


class Design(Record):
    allocation: Literal["Randomized", "Non-randomized"] | None = None
    arms: Annotated[int, Field(ge=1)] | None = Field(default=None, description="Number of study arms.")
    masking: Literal["None (Open Label)", "Single", "Double", "Triple", "Quadruple"] | None = None
    centres: Literal["Single centre", "Multicentre"] | None = None


class Site(Record):
    """A place where the trial runs, as the source states it. Contacts are never kept: names,
    phone numbers and e-mail addresses of site staff are personal data a catalogue need not publish."""

    facility: Text | None = None
    city: Text | None = None
    state: Text | None = None
    country: Text | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None


class StatedDate(Record):
    label: Text = Field(description="What the document says the date is, e.g. 'Launched'.")
    date: IsoDate


class Source(Record):
    file: Text
    sha256: Sha256
    layout: Layout


class Trial(Record):
    """A trial as the catalogue shows it. Null or an empty list means the source does not say."""

    title: Text
    nct_id: NctId | None = None
    phase: Phase | None = None
    status: Status | None = None
    conditions: list[Text] = []
    condition_headings: dict[Text, Text] = Field(
        default={},
        description="Condition as written -> the MeSH heading it names: trials whose conditions name one "
        "heading share one condition page ('Covid19' and 'COVID-19'). Filled by extract.",
    )
    keywords: list[Text] = []
    interventions: list[Intervention] = []
    drugs: list[Text] = Field(default=[], description="Canonical drug names in order of first mention.")
    enrollment: Annotated[int, Field(ge=0)] | None = None
    sponsor: Text | None = None
    sex: Sex | None = None
    min_age: Age | None = None
    max_age: Age | None = None
    eligibility: Eligibility = Eligibility()
    outcomes: Outcomes = Outcomes()
    summary: Text | None = Field(default=None, description="Markdown.")
    description: Text | None = Field(default=None, description="Markdown.")
    design: Design = Design()
    locations: list[Text] = Field(
        default=[], description="Places as the source writes them, where it states no structure."
    )
    sites: list[Site] = Field(
        default=[], description="Structured locations: facility, city, state, country and coordinates where stated."
    )
    mesh_terms: list[Text] = Field(
        default=[], description="The registry's own MeSH headings for the trial's conditions, where it states them."
    )
    dates: list[StatedDate] = []
    source: Source
    review: list[Text] = Field(
        default=[], description="Notes for an editor: what extraction could not settle. Clear once checked."
    )


class Drug(Record):
    name: Text = Field(description="Canonical name, as the catalogue shows it.")
    drug_class: Text | None = Field(default=None, alias="class")
    synonyms: list[Text] = []
    brands: list[Text] = []
    codes: list[Text] = []


class Regimen(Record):
    name: Text
    drugs: list[Text] = Field(min_length=1, description="Canonical names of the regimen's drugs.")


class DrugVocabulary(Record):
    """`content/drugs.yaml`: the editors' drug table."""

    drugs: list[Drug] = []
    regimens: list[Regimen] = []


def blank(model: type[BaseModel]) -> dict[str, Any]:
    """A record of `model` that states nothing: every field null, empty list, blank sub-record or
    its default."""
    return {name: blank_value(info) for name, info in model.model_fields.items()}


def blank_value(info: FieldInfo) -> Any:
    """What a field holds when the source does not say, as plain data (as a file writes it)."""
    annotation = info.annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return blank(annotation)
    if not info.is_required():
        return info.get_default(call_default_factory=True)
    return [] if get_origin(annotation) is list else None


def record_type(annotation: Any) -> type[BaseModel] | None:
    """The record a field holds, itself or as the items of its list (`Design`, `list[Outcome]`)."""
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def missing_keys(record: BaseModel) -> list[str]:
    """The keys, dotted (`design.centres`), of the fields `record`'s file left out and that took
    their default: what `trialsite migrate` writes in. List items count once per key."""
    missing: list[str] = []
    for name, info in type(record).model_fields.items():
        key = info.alias or name
        if name not in record.model_fields_set:
            missing.append(key)
            continue
        value = getattr(record, name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, BaseModel):
                missing += [f"{key}.{inner}" for inner in missing_keys(item) if f"{key}.{inner}" not in missing]
    return missing
