"""Conditions: told from keywords, found in titles, and named by their MeSH heading."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from trialsite.extract.conditions import heading_of, headings_of, named_in, names_a_condition, split_listed
from trialsite.model import Trial

CASES = FIXTURES / "conditions"


def test_trialx_single_disease_name_is_the_condition(extract_file):
    trial = extract_file(CASES / "trialx_single_condition.txt")
    assert (trial.conditions, trial.keywords) == (["COVID-19"], [])


def test_trialx_conditions_named_without_a_disease_word_are_conditions(extract_file):
    trial = extract_file(CASES / "trialx_two_conditions.txt")
    assert trial.conditions == ["Batten Disease", "Late Infantile Neuronal Ceroid Lipofuscinosis"]
    assert trial.keywords == ["LINCL"]


def test_trialx_keyword_repeating_a_condition_in_other_spelling_starts_the_keywords(extract_file):
    trial = extract_file(CASES / "trialx_keyword_repeats_condition.txt")
    assert trial.conditions == ["Covid19", "SARS-CoV2 Infection"]
    assert trial.keywords[0] == "Covid-19"


def test_trialx_disease_listed_after_a_keyword_is_a_keyword(extract_file):
    trial = extract_file(CASES / "trialx_condition_among_keywords.txt")
    assert trial.conditions == ["Major Depressive Disorder"]
    assert trial.keywords == ["TDCS", "Pediatrics", "COVID-19", "Adolescents"]


def test_listed_terms_first_is_a_condition_even_unknown_to_the_vocabulary():
    assert split_listed(["Healthy Volunteers", "Omicron"]) == (["Healthy Volunteers"], ["Omicron"])


def test_clinconnect_condition_named_by_the_title_is_inferred_for_review(extract_file):
    trial = extract_file(CASES / "clinconnect_condition_in_title.txt")
    assert trial.conditions == ["Postpartum Depression"]
    note = "Conditions 'Postpartum Depression' inferred from the title: the page lists none; confirm them."
    assert note in trial.review


def test_clinconnect_summary_names_the_condition_when_the_title_does_not(extract_file):
    trial = extract_file(CASES / "clinconnect_condition_in_summary.txt")
    assert trial.conditions == ["hepatitis B"]
    assert any("inferred from the summary" in line for line in trial.review)


def test_clinconnect_summary_gives_the_conditions_of_its_first_sentence_naming_any(extract_file):
    """Later sentences name comorbidities ('type 2 diabetes or hypertension'), not the trial's."""
    trial = extract_file(CASES / "clinconnect_comorbidities_in_summary.txt")
    assert trial.conditions == ["knee osteoarthritis"]


def test_clinconnect_page_naming_no_condition_has_none(extract_file):
    trial = extract_file(CASES / "clinconnect_no_condition_named.txt")
    assert trial.conditions == []
    assert not any(line.startswith("Conditions") for line in trial.review)


@pytest.mark.parametrize("written", ["Covid19", "COVID-19", "SARS-CoV2 Infection", "Coronavirus Disease 2019"])
def test_synonyms_share_one_heading(written):
    assert heading_of(written) == "COVID-19"


@pytest.mark.parametrize(
    "written, heading",
    [("Intrahepatic Cholangiocarcinoma (ICC)", "Cholangiocarcinoma"), ("Caries, Dental", "Dental Caries")],
)
def test_heading_of_a_condition_in_another_spelling_or_with_its_acronym(written, heading):
    assert heading_of(written) == heading


@pytest.mark.parametrize("written", ["Advanced Breast Cancer", "Late Infantile Neuronal Ceroid Lipofuscinosis"])
def test_a_condition_with_modifiers_is_a_condition(written):
    assert names_a_condition(written)


def test_a_condition_is_filed_only_under_the_heading_it_is():
    """'Biliary Tract Carcinoma' ends with 'Carcinoma', but is not that heading's synonym."""
    assert names_a_condition("Biliary Tract Carcinoma")
    assert headings_of(["Biliary Tract Carcinoma", "Breast Cancer"]) == {"Breast Cancer": "Breast Neoplasms"}


@pytest.mark.parametrize("keyword", ["Convalescent plasma", "robotic hernia repair", "TDCS", "Critical Illness"])
def test_keywords_and_disease_attributes_name_no_condition(keyword):
    assert not names_a_condition(keyword)


def test_text_names_the_longest_condition_as_written():
    assert named_in("Ganaxolone in Women With Postpartum Depression") == ["Postpartum Depression"]


def test_short_names_are_conditions_only_as_acronyms():
    assert named_in("Hearing aids for adults with AIDS") == ["AIDS"]


def test_a_condition_naming_a_place_is_not_the_trials():
    assert named_in("Vaccination in sexually transmitted disease (STD) clinics") == []


def test_a_record_written_before_condition_headings_existed_is_valid(seed_trial):
    record = seed_trial("004").model_dump(mode="json")
    del record["condition_headings"]
    assert Trial.model_validate(record).condition_headings == {}


def test_extract_files_each_condition_under_its_heading(extract_file):
    trial = extract_file(CASES / "trialx_keyword_repeats_condition.txt")
    assert trial.condition_headings == {"Covid19": "COVID-19", "SARS-CoV2 Infection": "COVID-19"}
