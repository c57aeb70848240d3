"""Drugs of pages without an interventions field: what the title or summary gives as treatment."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from trialsite.extract.treatment import treatment_drugs

DOCUMENTS = FIXTURES / "drugs"


def drugs_of(extract_file, name):
    return extract_file(DOCUMENTS / f"{name}.txt").drugs


def test_a_class_in_the_title_is_no_drug_the_summary_names_it(extract_file):
    assert drugs_of(extract_file, "clinconnect_class_in_title_drug_in_summary") == ["tocilizumab"]


def test_drugs_named_only_in_the_criteria_are_not_the_trials(extract_file):
    # Its exclusion criteria name rituximab as prior or concurrent treatment.
    assert "rituximab" not in drugs_of(extract_file, "clinconnect_class_in_title_drug_in_summary")


def test_a_measured_hormone_is_not_a_treatment(extract_file):
    assert drugs_of(extract_file, "clinconnect_measured_hormone_not_a_treatment") == []


def test_a_code_named_as_the_study_drug(extract_file):
    assert drugs_of(extract_file, "trialx_code_named_as_study_drug") == ["AAV2CUhCLN2"]


def test_a_code_in_the_title_and_not_the_study_codes(extract_file):
    assert drugs_of(extract_file, "clinconnect_code_combination_in_title") == ["TMC114"]


def test_combinations_and_no_class(extract_file):
    drugs = drugs_of(extract_file, "trialx_combinations_and_criteria_drugs")
    assert drugs == ["lamivudine", "abacavir", "cotrimoxazole"]


def test_an_observational_study_has_no_drugs(extract_file):
    assert drugs_of(extract_file, "trialx_observational_vaccine_exposure") == []


def test_prior_therapy_written_as_a_modifier_is_left_out(extract_file):
    assert drugs_of(extract_file, "clinconnect_prior_therapy_modifier") == ["nab-paclitaxel", "capecitabine"]


def test_a_named_vaccine_keeps_its_words(extract_file):
    assert drugs_of(extract_file, "trialx_named_vaccine")[0] == "omicron covid-19 vaccine"


def test_every_drug_read_from_prose_is_flagged_for_review(extract_file):
    trial = extract_file(DOCUMENTS / "clinconnect_class_in_title_drug_in_summary.txt")
    assert "Drug 'tocilizumab' read from the summary: confirm the trial gives it." in trial.review


@pytest.mark.parametrize(
    "text, drugs",
    [
        ("Ruxolitinib plus Capecitabine in Advanced Cancer", ["ruxolitinib", "capecitabine"]),
        ("A study of XYZ-1234 in combination with oxaliplatin", ["XYZ-1234", "oxaliplatin"]),
        ("Patients on methadone maintenance will receive buprenorphine.", ["buprenorphine"]),
        ("Patients previously treated with docetaxel will receive cabazitaxel.", ["cabazitaxel"]),
        ("Cortisol is a hormone associated with stress.", []),
        ("Glucocorticoids for septic shock", []),
        ("Safety of HIV-1 vaccination in COVID-19", []),
    ],
)
def test_sentences_give_their_treatment(drug_index, text, drugs):
    assert treatment_drugs(text, drug_index) == drugs
