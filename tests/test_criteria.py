"""Eligibility criteria: every section of each kind, top-level bullets only, headings as written."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from trialsite.extract.criteria import heading_kind, parse_criteria

DOCUMENTS = FIXTURES / "documents"


@pytest.mark.parametrize(
    "line, kind",
    [
        ("Inclusion Criteria:", "inclusion"),
        ("Inclusion:", "inclusion"),
        ("[Inclusion Criteria]", "inclusion"),
        ("\\[Exclusion Criteria\\]", "exclusion"),
        ("Key Inclusion Criteria:", "inclusion"),
        ("Exclusion criteria", "exclusion"),
        ("Non-inclusion criteria:", "exclusion"),
        ("Patients meeting any of the following will be excluded:", "exclusion"),
        ("Eligibility criteria for the secondary randomisation to stop or continue prophylaxis Inclusion criteria",
         "inclusion"),
        ("Elimination criteria:", "other"),
        ("Withdrawal Criteria", "other"),
    ],
)
def test_heading_kinds(line, kind):
    assert heading_kind(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "Cohort 1:",
        "  • Inclusion criteria of the parent study are met",
        "N.B. anaemia should be treated before re-screening for eligibility.",
    ],
)
def test_lines_that_are_not_headings(line):
    assert heading_kind(line) is None


def test_sections_of_one_kind_add_up():
    lines = ["Inclusion:", "• a", "• b", "Exclusion:", "• c", "[Inclusion Criteria]", "• d", "Exclusion criteria"]
    lines.append("• e")
    criteria = parse_criteria(lines)
    assert (criteria.inclusion, criteria.exclusion) == (["a", "b", "d"], ["c", "e"])


def test_criteria_of_a_third_kind_are_left_out_with_a_note():
    criteria = parse_criteria(["Exclusion Criteria:", "• a", "Elimination criteria:", "• b", "• c"])
    assert criteria.exclusion == ["a"]
    assert criteria.review == [
        "2 criteria under 'Elimination criteria:' left out: they are neither inclusion nor exclusion."
    ]


def test_a_lead_in_line_is_not_a_criterion_and_opens_the_next_one():
    lines = ["Inclusion Criteria:", "  Cohort 1:", "  • a", "  • b", "    ◦ b1", "  Cohort 2:", "  • c"]
    assert parse_criteria(lines).inclusion == ["Cohort 1: a", "b\nb1", "Cohort 2: c"]


def test_a_plain_paragraph_inside_a_list_continues_the_criterion_before_it():
    lines = ["Exclusion Criteria:", "  • a", "  N.B. a note.", "  • b"]
    assert parse_criteria(lines).exclusion == ["a N.B. a note.", "b"]


def test_a_section_without_bullets_has_one_criterion_a_line():
    assert parse_criteria(["Inclusion Criteria:", "Age 18 or older", "Signed consent"]).inclusion == [
        "Age 18 or older", "Signed consent"
    ]


@pytest.mark.parametrize(
    "name, counts",
    [
        ("trialx_three_blocks.txt", (16, 9)),  # three randomisations, 3-level nesting, a heading in a sentence
        ("trialx_cohorts_all_ages.txt", (4, 3)),  # 'Cohort 1:' / 'Cohort 2:' lead-ins, numbered sub-items
        ("trialx_elimination_criteria.txt", (8, 18)),  # withdrawal criteria after the exclusion list
    ],
)
def test_criteria_counts_of_real_pages(extract_file, name, counts):
    eligibility = extract_file(DOCUMENTS / name).eligibility
    assert (len(eligibility.inclusion), len(eligibility.exclusion)) == counts
