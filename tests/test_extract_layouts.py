"""Documents of the three layouts beyond the five seeds, and documents of no known layout."""

from __future__ import annotations

import pytest

from conftest import FIXTURES

SEEDS = FIXTURES / "seeds"


@pytest.fixture(scope="module")
def export(extract_file):
    return extract_file(SEEDS / "export_randomized.txt")


@pytest.fixture(scope="module")
def trialx(extract_file):
    return extract_file(SEEDS / "trialx_female.txt")


@pytest.fixture(scope="module")
def clinconnect(extract_file):
    return extract_file(SEEDS / "clinconnect_keywords.txt")


def test_export_registry_id_mentioned_in_passing_is_not_this_trials(export):
    assert export.nct_id is None


def test_export_phase_written_ib_ii_is_phase_1_2(export):
    assert export.phase == "Phase 1/2"


def test_export_design_from_prose(export):
    assert (export.design.allocation, export.design.masking, export.design.centres) == (
        "Randomized",
        "Double",
        "Multicentre",
    )


def test_export_enrollment_a_total_of(export):
    assert export.enrollment == 120


def test_export_drugs_drop_placebo_and_doses_and_expand_regimens(export):
    assert export.drugs == ["pembrolizumab", "folinic acid", "fluorouracil", "oxaliplatin", "ASP3082"]


def test_export_unknown_drug_is_kept_and_flagged(export):
    assert any("ASP3082" in note for note in export.review)


def test_export_non_drug_interventions_are_kept_but_not_drugs(export):
    assert ("RADIATION", "Palliative radiotherapy") in [(i.type, i.name) for i in export.interventions]
    assert "Palliative radiotherapy" not in export.drugs


def test_export_all_three_outcome_groups_and_time_point_lists(export):
    assert export.outcomes.secondary[0].measure == "Change in HbA1c"
    assert export.outcomes.secondary[0].time_frame == "Baseline, Week 12"
    assert export.outcomes.other[0].time_frame == "Cycle 1 Day 1, Cycle 2 Day 1"


def test_export_description_follows_the_outcome_lines(export):
    assert export.description.startswith("Participants are assigned 1:1")


def test_trialx_badges(trialx):
    assert (trialx.status, trialx.sex, trialx.phase) == ("Active, not recruiting", "Female", "Phase 1/2")
    assert (trialx.min_age, trialx.max_age) == ("18 Years", None)


def test_trialx_only_the_standalone_registry_id_is_taken(trialx):
    assert trialx.nct_id == "NCT09876543"


def test_trialx_sponsor_and_chrome(trialx):
    assert trialx.sponsor == "Example Oncology Group"
    assert "SITE_NAME" not in trialx.model_dump_json()


def test_trialx_drug_from_overview_via_drugbank_names(trialx):
    assert trialx.drugs == ["olaparib"]


def test_clinconnect_keywords_sex_and_ages(clinconnect):
    assert clinconnect.keywords == ["Pancreatic Cancer", "Older Adults"]
    assert (clinconnect.sex, clinconnect.min_age) == ("Female", "65 Years")


def test_clinconnect_sponsor_casing_is_recovered_from_the_page(clinconnect):
    assert clinconnect.sponsor == "Example Cancer Center"


def test_clinconnect_filled_timeline_widgets_become_dates(clinconnect):
    dates = {(d.label, d.date) for d in clinconnect.dates}
    assert {("First submitted", "2023-01-05"), ("Last updated", "2025-02-01")} <= dates
    assert not any(d.label == "Estimated completion" for d in clinconnect.dates)


def test_clinconnect_sub_item_stays_in_its_criterion(clinconnect):
    assert clinconnect.eligibility.inclusion == ["Age 65 years or older\nconfirmed by records", "Measurable disease."]


def test_unknown_layout_yields_title_only_flagged_for_review(extract_file):
    trial = extract_file(SEEDS / "unknown_layout.txt")
    assert trial.source.layout == "unknown"
    assert trial.title == "Some Newsletter About Trials"
    assert (trial.nct_id, trial.phase, trial.summary) == (None, None, None)
    assert trial.review and "Layout not recognised" in trial.review[0]
