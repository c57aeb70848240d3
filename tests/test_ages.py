"""Age limits: read from a statement about age, never from an age mentioned for another reason."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from trialsite.extract.ages import from_age_line, from_criteria, from_prose

DOCUMENTS = FIXTURES / "documents"


@pytest.mark.parametrize(
    "criterion, ages",
    [
        ("Age 18 or older", ("18 Years", None)),
        ("Age 18 and older males and females", ("18 Years", None)),
        ("At least 19 years old", ("19 Years", None)),
        ("Age range 18-40", ("18 Years", "40 Years")),
        ("between the ages of 18 and 65", ("18 Years", "65 Years")),
        ("Adults from 18 to 60 years old who signed informed consent;", ("18 Years", "60 Years")),
        ("Females with age between 18 and 70 years old", ("18 Years", "70 Years")),
        ("Age ≥ 18 years and ≤ 75 years", ("18 Years", "75 Years")),
        ("Age 3 months to 17 years (13-17 years to be capped at 10%)", ("3 Months", "17 Years")),
        ("Adults (≥18 years)", ("18 Years", None)),
        ("Male or female, aged 18 to 75 years", ("18 Years", "75 Years")),
    ],
)
def test_an_inclusion_criterion_about_age_states_the_limits(criterion, ages):
    found = from_criteria([criterion], [])
    assert (found.min_age, found.max_age) == ages


@pytest.mark.parametrize(
    "criterion",
    [
        "PSA < 4 ng/ml if 50-60 years of age",
        "Diagnosed 2 to 5 years ago",
        "At least 3 months since last chemotherapy",
        "To be able and willing to give their informed consent, both, the parent or tutor and the participant "
        "who is between the ages of 14-17 years.",
        "Adult recipients of a kidney transplant",
        "Life expectancy of at least 3 months",
        "Women of childbearing potential aged 18-45 must use contraception",
        "Participants under 18 years need the written consent of a parent or guardian",
    ],
)
def test_an_age_inside_another_rule_states_no_limit(criterion):
    found = from_criteria([criterion], [])
    assert (found.min_age, found.max_age) == (None, None)


def test_an_excluded_age_bounds_the_other_side():
    found = from_criteria([], ["Under age 18", "Age > 75 years"])
    assert (found.min_age, found.max_age) == ("18 Years", "75 Years")


def test_two_different_minimum_ages_give_none_and_a_note():
    found = from_criteria(["Age 18 or older", "Aged at least 21 years"], [])
    assert found.min_age is None
    assert found.review == ["Several minimum ages (18 Years, 21 Years): left not stated."]


def test_an_age_read_from_a_criterion_is_flagged_for_review():
    assert from_criteria(["Age range 18-40"], []).review == [
        "Minimum age 18 Years and maximum age 40 Years read from the criterion 'Age range 18-40': check it."
    ]


@pytest.mark.parametrize(
    "line, ages",
    [
        ("18-80 years", ("18 Years", "80 Years")),
        ("18+ years", ("18 Years", None)),
        ("3 months-17 years", ("3 Months", "17 Years")),
        ("1 day-29 days", ("1 Days", "29 Days")),
        ("All ages", (None, None)),
    ],
)
def test_age_line_keeps_its_units(line, ages):
    found = from_age_line(line)
    assert found is not None and (found.min_age, found.max_age) == ages


def test_a_phase_badge_is_not_an_age_line():
    assert from_age_line("Phase 2") is None


def test_prose_ages_come_only_from_an_eligibility_sentence():
    found = from_prose("Children usually die by age 2 years. Eligible patients are aged 18 to 65 years.")
    assert (found.min_age, found.max_age) == ("18 Years", "65 Years")


def test_a_consent_procedure_for_minors_is_no_maximum_age():
    found = from_prose("Participants under 18 years are eligible once a parent has given consent.")
    assert (found.min_age, found.max_age) == (None, None)


@pytest.mark.parametrize(
    "name, ages",
    [
        ("clinconnect_ages_in_words.txt", ("18 Years", "60 Years")),
        ("clinconnect_age_between.txt", ("18 Years", "70 Years")),
    ],
)
def test_clinconnect_ages_come_from_the_criteria(extract_file, name, ages):
    trial = extract_file(DOCUMENTS / name)
    assert (trial.min_age, trial.max_age) == ages
    assert any("read from the criterion" in note for note in trial.review)


def test_trialx_age_line_in_two_units(extract_file):
    trial = extract_file(DOCUMENTS / "trialx_three_blocks.txt")
    assert (trial.min_age, trial.max_age) == ("3 Months", "17 Years")


def test_trialx_all_ages_states_no_limit_even_when_a_criterion_names_an_age(extract_file):
    trial = extract_file(DOCUMENTS / "trialx_cohorts_all_ages.txt")
    assert (trial.min_age, trial.max_age) == (None, None)
