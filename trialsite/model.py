"""The content model: one typed record per trial, shared by extraction, validation and rendering.

The JSON Schema in `trialsite/schemas/` is generated from these classes (`python build.py schema`), so the
field list exists only here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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
    """Strict: a hand edit that changes a type or misspells a key is an error, not a coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Intervention(Record):
    type: InterventionType
    name: Text


class Outcome(Record):
    measure: Text
    description: Text | None
    time_frame: Text | None


class Outcomes(Record):
    primary: list[Outcome]
    secondary: list[Outcome]
    other: list[Outcome]


class Eligibility(Record):
    inclusion: list[Text] = Field(
        description="One entry per top-level criterion; sub-items follow on their own lines."
    )
    exclusion: list[Text] = Field(
        description="One entry per top-level criterion; sub-items follow on their own lines."
    )


class Design(Record):
    allocation: Literal["Randomized", "Non-randomized"] | None
    arms: Annotated[int, Field(ge=1)] | None = Field(description="Number of study arms.")
    masking: Literal["None (Open Label)", "Single", "Double", "Triple", "Quadruple"] | None
    centres: Literal["Single centre", "Multicentre"] | None


class Site(Record):
    """A place where the trial runs, as the source states it. Contacts are never kept: names,
    phone numbers and e-mail addresses of site staff are personal data a catalogue need not publish."""

    facility: Text | None
    city: Text | None
    state: Text | None
    country: Text | None
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
    nct_id: NctId | None
    phase: Phase | None
    status: Status | None
    conditions: list[Text]
    condition_headings: dict[Text, Text] = Field(
        default_factory=dict,
        description="Condition as written -> the MeSH heading it names: trials whose conditions name one "
        "heading share one condition page ('Covid19' and 'COVID-19'). Optional; filled by extract.",
    )
    keywords: list[Text]
    interventions: list[Intervention]
    drugs: list[Text] = Field(description="Canonical drug names in order of first mention.")
    enrollment: Annotated[int, Field(ge=0)] | None
    sponsor: Text | None
    sex: Sex | None
    min_age: Age | None
    max_age: Age | None
    eligibility: Eligibility
    outcomes: Outcomes
    summary: Text | None = Field(description="Markdown.")
    description: Text | None = Field(description="Markdown.")
    design: Design
    locations: list[Text] = Field(description="Places as the source writes them, where it states no structure.")
    sites: list[Site] = Field(
        default_factory=list,
        description="Structured locations: facility, city, state, country and coordinates where stated. Optional.",
    )
    mesh_terms: list[Text] = Field(
        default_factory=list,
        description="The registry's own MeSH headings for the trial's conditions, where it states them. Optional.",
    )
    dates: list[StatedDate]
    source: Source
    review: list[Text] = Field(
        description="Notes for an editor: what extraction could not settle. Clear once checked."
    )


class Drug(Record):
    name: Text = Field(description="Canonical name, as the catalogue shows it.")
    drug_class: Text | None = Field(alias="class")
    synonyms: list[Text]
    brands: list[Text]
    codes: list[Text]


class Regimen(Record):
    name: Text
    drugs: list[Text] = Field(min_length=1, description="Canonical names of the regimen's drugs.")


class DrugVocabulary(Record):
    """`content/drugs.yaml`: the editors' drug table."""

    drugs: list[Drug]
    regimens: list[Regimen]


def blank(model: type[BaseModel]) -> dict[str, Any]:
    """A record of `model` that states nothing: every field null, empty list, blank sub-record or
    its default."""
    record: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if not info.is_required():
            record[name] = info.get_default(call_default_factory=True)
        elif get_origin(annotation) is list:
            record[name] = []
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            record[name] = blank(annotation)
        else:
            record[name] = None
    return record
