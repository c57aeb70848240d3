"""The registry's own exports: every field a record states, checked against the JSON read by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from trialsite.extract import extract_registry
from trialsite.model import Trial
from trialsite.registry_seeds import registry_layout, registry_records
from trialsite.seeds import RegistryRecord

REGISTRY = FIXTURES / "registry"


@pytest.fixture(scope="session")
def registry_trials(drug_index):
    """NCT id -> the trial of its JSON record; 'csv:' + NCT id -> the trial of its registry.csv row."""
    trials: dict[str, Trial] = {}
    for path in [*sorted(REGISTRY.glob("*.json")), REGISTRY / "registry.csv"]:
        for record in registry_records(path, registry_layout(path) or ""):
            assert isinstance(record, RegistryRecord), record
            prefix = "csv:" if path.suffix == ".csv" else ""
            trials[prefix + record.nct_id] = extract_registry(record, drug_index)
    return trials


def test_each_json_record_and_each_csv_row_is_one_trial(registry_trials):
    names = {p.stem for p in REGISTRY.glob("NCT*.json")}
    assert set(registry_trials) == names | {f"csv:{n}" for n in names}


def test_a_drug_trial_of_phase_na_with_one_us_site(registry_trials):
    trial = registry_trials["NCT00763412"]
    assert trial.title == (
        "Pilot and Feasibility Study for the Treatment of Pre-diabetes in Patients With Cystic Fibrosis"
    )
    assert (trial.phase, trial.status, trial.enrollment) == ("Not applicable", "Completed", 31)
    assert (trial.sponsor, trial.sex) == ("Arbelaez, Ana Maria", "All")
    assert (trial.min_age, trial.max_age) == ("12 Years", "24 Years")
    assert trial.conditions == ["Cystic Fibrosis Related Diabetes", "Pancreatic Insufficiency"]
    assert trial.keywords[:3] == ["Cystic Fibrosis", "Diabetes", "Cystic Fibrosis Related Diabetes"]
    assert len(trial.keywords) == 10
    assert trial.mesh_terms == [
        "Cystic Fibrosis", "Exocrine Pancreatic Insufficiency", "Diabetes Mellitus", "Prediabetic State",
        "Glucose Intolerance", "Fibrosis",
    ]  # fmt: skip
    assert [(i.type, i.name) for i in trial.interventions] == [("DRUG", "placebo"), ("DRUG", "repaglinide")]
    assert trial.drugs == ["repaglinide"]  # placebo is no drug
    assert (trial.design.allocation, trial.design.masking, trial.design.arms) == ("Randomized", "Quadruple", 2)
    assert trial.design.centres is None  # one listed site says nothing of sites not listed
    assert trial.eligibility.inclusion[0] == "Male or females 12 -24 years old"
    assert trial.eligibility.exclusion[-1] == (
        "Patients taking medications that affect glucose metabolism or contraindicated with repaglinide"
    )
    assert (len(trial.eligibility.inclusion), len(trial.eligibility.exclusion)) == (5, 6)
    assert [(o.measure, o.time_frame) for o in trial.outcomes.primary][:2] == [
        ("BMI", "2 year/end of study"),
        ("Body Composition", "2 year/end of study"),
    ]
    assert (len(trial.outcomes.secondary), trial.outcomes.other) == (6, [])
    assert [s.model_dump() for s in trial.sites] == [
        {"facility": "Washington University School of Medicine", "city": "Saint Louis", "state": "Missouri",
         "country": "United States", "lat": 38.62727, "lon": -90.19789},
    ]  # fmt: skip


def test_dates_keep_their_labels_and_the_month_only_dates_the_registry_states(registry_trials):
    assert [(d.label, d.date) for d in registry_trials["NCT00763412"].dates] == [
        ("Study start", "2006-11"),
        ("Primary completion", "2013-01"),
        ("Study completion", "2013-01"),
        ("First posted", "2008-10-01"),
        ("Results first posted", "2017-06-05"),
        ("Last update posted", "2017-06-05"),
    ]


def test_planned_dates_are_labelled_estimated(registry_trials):
    assert [(d.label, d.date) for d in registry_trials["NCT06171568"].dates][:3] == [
        ("Study start (estimated)", "2024-02-01"),
        ("Primary completion (estimated)", "2025-02-01"),
        ("Study completion (estimated)", "2025-02-01"),
    ]


def test_site_contacts_and_officials_are_never_kept(registry_trials):
    dumped = registry_trials["NCT06171568"].model_dump_json()
    for personal in ("Camille Heslot", "camille.heslot@aphp.fr", "01.49.95.81.69", "Emmanuel Mandonnet"):
        assert personal not in dumped


def test_a_phase_3_biological_with_105_sites_in_9_countries(registry_trials):
    trial = registry_trials["NCT02552212"]
    assert (trial.phase, trial.sponsor, trial.enrollment) == ("Phase 3", "UCB BIOSCIENCES GmbH", 317)
    assert [(i.type, i.name) for i in trial.interventions] == [
        ("BIOLOGICAL", "Certolizumab Pegol"),
        ("OTHER", "Placebo"),
    ]
    assert trial.drugs == ["certolizumab pegol"]
    assert len(trial.sites) == 105
    assert trial.sites[0].model_dump() == {
        "facility": "As0006 125", "city": "Birmingham", "state": "Alabama", "country": "United States",
        "lat": 33.52066, "lon": -86.80249,
    }  # fmt: skip
    assert sorted({s.country for s in trial.sites if s.country}) == [
        "Australia", "Bulgaria", "Canada", "Czechia", "Hungary", "Poland", "Russian Federation", "Taiwan",
        "United States",
    ]  # fmt: skip
    assert trial.design.centres == "Multicentre"
    assert (trial.min_age, trial.max_age) == ("18 Years", None)
    assert (len(trial.outcomes.primary), len(trial.outcomes.secondary)) == (11, 20)


def test_drugs_come_only_from_drug_like_interventions(registry_trials):
    trial = registry_trials["NCT03418623"]
    assert [(i.type, i.name) for i in trial.interventions] == [("DRUG", "GET73"), ("OTHER", "Placebo")]
    assert (trial.drugs, trial.phase) == (["GET73"], "Phase 2")
    assert trial.eligibility.inclusion == ["Male participants..."]
    assert trial.condition_headings == {"Alcohol Use Disorder": "Alcoholism"}
    assert trial.mesh_terms == ["Alcoholism", "Alcohol Drinking"]
    devices = registry_trials["NCT04207047"]
    assert [i.type for i in devices.interventions] == ["DEVICE"] * 5
    assert devices.drugs == []
    assert (devices.design.allocation, devices.design.masking, devices.design.arms) == (
        "Non-randomized", "None (Open Label)", 4,
    )  # fmt: skip


def test_an_observational_registry_of_unknown_status_states_no_phase(registry_trials):
    trial = registry_trials["NCT03475563"]
    assert (trial.status, trial.phase, trial.enrollment) == ("Unknown status", None, 100)
    assert trial.sponsor == "Hospital Universitari Vall d'Hebron Research Institute"
    assert (trial.sites[0].city, trial.sites[0].state, trial.sites[0].country) == ("Sabadell", "Barcelona", "Spain")
    assert {s.country for s in trial.sites} == {"Spain"}
    assert len(trial.sites) == 3
    assert [(o.measure, o.time_frame) for o in trial.outcomes.primary] == [
        ("Successful angioplasty", "1 day"),
        ("MACE", "30 days"),
        ("MACE", "1 year"),
    ]


def test_observational_studies_in_canada_and_france(registry_trials):
    canada, france = registry_trials["NCT05594173"], registry_trials["NCT06171568"]
    assert canada.title == "Chewing and Oral Processing of Solid Food"
    assert (canada.max_age, canada.enrollment) == ("60 Years", 20)
    assert canada.eligibility.inclusion == ["Healthy adults under age 60"]
    assert len(canada.eligibility.exclusion) == 7
    assert canada.condition_headings == {"Dysphagia": "Deglutition Disorders"}
    assert (canada.sites[0].city, canada.sites[0].state, canada.sites[0].country) == ("Toronto", "Ontario", "Canada")
    assert (france.status, france.enrollment, france.sex) == ("Not yet recruiting", 400, "All")
    assert france.keywords[0] == "Brain injuries"


def test_a_trimmed_record_states_only_its_title_and_id(registry_trials):
    trial = registry_trials["NCT00465816"]
    assert (trial.title, trial.nct_id) == ("Primary Study to Demonstrate...", "NCT00465816")
    stated = trial.model_dump(exclude={"title", "nct_id", "source", "design", "eligibility", "outcomes"})
    assert all(value in (None, [], {}) for value in stated.values()), stated
    assert trial.review == []


# The columns of the CSV download that registry.csv holds, by the model's fields they fill.
CSV_FIELDS = "title nct_id phase status conditions interventions drugs enrollment sponsor sex".split()


@pytest.mark.parametrize("nct_id", sorted(p.stem for p in REGISTRY.glob("NCT*.json")))
def test_the_csv_row_gives_what_the_json_gives_for_the_fields_the_csv_has(registry_trials, nct_id):
    json_trial, csv_trial = registry_trials[nct_id], registry_trials[f"csv:{nct_id}"]
    for name in CSV_FIELDS:
        assert getattr(csv_trial, name) == getattr(json_trial, name), name
    assert csv_trial.summary == json_trial.summary
    if nct_id != "NCT03475563":  # see the next test
        assert csv_trial.outcomes == json_trial.outcomes
    assert (csv_trial.design.allocation, csv_trial.design.masking, csv_trial.design.centres) == (
        json_trial.design.allocation, json_trial.design.masking, json_trial.design.centres,
    )  # fmt: skip
    places = [(s.city, s.country) for s in json_trial.sites]
    assert [(s.city, s.country) for s in csv_trial.sites] == places
    # The download does not say which dates are planned.
    assert [(d.label, d.date) for d in csv_trial.dates] == [
        (d.label.removesuffix(" (estimated)"), d.date) for d in json_trial.dates
    ]


def test_a_lower_case_csv_outcome_description_continues_its_measure(registry_trials):
    """The download joins measure, description and time frame with ', ' and escapes nothing: a
    description in lower case cannot be told from the rest of its measure."""
    json_outcome = registry_trials["NCT03475563"].outcomes.secondary[2]
    csv_outcome = registry_trials["csv:NCT03475563"].outcomes.secondary[2]
    assert (json_outcome.measure, json_outcome.description) == ("contrast media volume", "contrast media volume")
    assert (csv_outcome.measure, csv_outcome.description) == ("contrast media volume, contrast media volume", None)
    assert registry_trials["csv:NCT03475563"].outcomes.primary == registry_trials["NCT03475563"].outcomes.primary


def test_the_csv_has_no_coordinates_keywords_criteria_or_ages_in_years(registry_trials):
    trial = registry_trials["csv:NCT00763412"]
    assert (trial.sites[0].lat, trial.keywords, trial.eligibility.inclusion, trial.min_age) == (None, [], [], None)


def test_registry_files_are_told_by_content_not_name(tmp_path: Path):
    renamed = tmp_path / "download.txt"
    renamed.write_bytes((REGISTRY / "registry.csv").read_bytes())
    page = tmp_path / "page.txt"
    page.write_text('{"studies": []}', "utf-8")
    assert (registry_layout(renamed), registry_layout(page)) == ("ctgov-csv", "ctgov-api")
    assert registry_layout(FIXTURES.parent.parent / "seeds" / "000_6e32712db05d5458.txt") is None
