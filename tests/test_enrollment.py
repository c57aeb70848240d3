"""Enrollment: a planned or achieved participant count the text states, in digits or in words."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from trialsite.extract.enrollment import enrollment_in, number_value

DOCUMENTS = FIXTURES / "documents"


@pytest.mark.parametrize(
    "text, count",
    [
        ("To account for losses we will enrol 200 participants (100 per arm).", 200),
        ("A sample size 112 patients would be required.", 112),
        ("Eighty patients with stable angina were treated.", 80),
        ("A sample of 20 caregivers, both male and female, who sleep poorly will be enrolled in the study.", 20),
        ("362 neonates, with a birthweight <750g, were randomized at 33 US centers.", 362),
        ("The study anticipates enrolling 38 participants characterized by prior therapy.", 38),
        ("One hundred and twenty healthy volunteers will be recruited.", 120),
        ("A total of 1,200 participants will be enrolled.", 1200),
        ("A total of 300 patients will take part in the study.", 300),
        ("Enrolment of 150 patients is planned.", 150),
        ("The sample size was calculated to be 88.", 88),
    ],
)
def test_a_stated_count(text, count):
    assert enrollment_in(text).count == count


@pytest.mark.parametrize(
    "text",
    [
        "Up to 100 subjects will be enrolled.",
        "Patients are randomised 1:1, 40 per group.",
        "20 percent of patients will be randomized to the higher dose.",
        "About 17,000 neonates are born below 750 grams each year.",
        "Patients receive 8 cycles over 12 weeks.",
        "In an unpublished sample of 100 patients, 30 patients were treated with the drug.",
        "The sample size calculation assumed 80% power.",
    ],
)
def test_numbers_that_count_something_else(text):
    assert enrollment_in(text).count is None


def test_an_enrolment_statement_outranks_the_sample_size_it_was_raised_from():
    text = "A sample size of 176 (88 per arm) provides 80% power. To allow for dropouts we will enrol 200 participants."
    assert enrollment_in(text).count == 200


def test_two_different_figures_give_none():
    found = enrollment_in("We will enroll 40 patients. Later 60 patients will be enrolled.")
    assert (found.count, found.candidates) == (None, (40, 60))


@pytest.mark.parametrize("text, value", [("Eighty", 80), ("two hundred and forty", 240), ("1,200", 1200)])
def test_number_words(text, value):
    assert number_value(text) == value


@pytest.mark.parametrize(
    "name, count",
    [
        ("export_sample_size_and_enrolment.txt", 200),
        ("export_markup_injection.txt", 20),
        ("export_randomized_in_past.txt", 362),
    ],
)
def test_enrollment_of_real_export_rows_is_read_and_flagged(extract_file, name, count):
    trial = extract_file(DOCUMENTS / name)
    assert trial.enrollment == count
    assert any(note.startswith(f"Enrollment {count} read from the sentence") for note in trial.review)
