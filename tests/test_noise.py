"""Noise: page chrome and injected markup never reach a record; comparison signs stay text."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from trialsite.text import remove_markup, tidy

DOCUMENTS = FIXTURES / "documents"


def test_the_about_blurb_of_a_long_sponsor_name_with_commas_is_dropped(extract_file):
    trial = extract_file(DOCUMENTS / "clinconnect_long_sponsor.txt")
    assert trial.sponsor and trial.sponsor.endswith("School of Medicine, Inc.")
    assert trial.eligibility.exclusion[-1] == "Recent history of clinical depression or anxiety diagnosis"
    assert "Through its clinical research portfolio" not in trial.model_dump_json()


@pytest.mark.parametrize(
    "text, kept",
    [
        ("<img src=x onerror=alert('trialsite')> caregivers", "caregivers"),
        ('<a href="javascript:alert(1)">details</a>', "details"),
        ('<a href=" jav\tascript:alert(1)">x</a>', "x"),
        ('<script>alert("title")</script> Trial of Olaparib', "Trial of Olaparib"),
        ("</script><script>alert(2)</script><svg onload=alert(3)>Study", "Study"),
        ('<iframe src="https://evil.example"></iframe><style>body{display:none}</style>Study', "Study"),
        ('<form action="https://evil.example"><input name=q></form><meta http-equiv="refresh">Study', "Study"),
        ('<b onmouseover="alert(4)">Confirmed</b> ovarian cancer', "Confirmed ovarian cancer"),
    ],
)
def test_markup_is_removed_and_the_text_it_wrapped_stays(text, kept):
    assert tidy(text) == kept


@pytest.mark.parametrize(
    "text",
    [
        "Lesions <1 cm",
        "age < 18",
        "CD4%<25% for infants <12 months; >12 months: treat all",
        'Example "Oncology" <Group> & Co',
        "{{ 6*7 }} {% include 'footer.html' %}",
        "Enrol at <https://example.org/page>",
    ],
)
def test_comparison_signs_and_other_brackets_are_text(text):
    assert remove_markup(text) == text


def test_an_escaped_comparison_sign_is_unescaped_and_stays():
    assert tidy("\\<1 cm") == "<1 cm"


def test_markup_that_entity_decoding_reveals_is_removed_too():
    assert tidy("&lt;script&gt;alert(1)&lt;/script&gt; Trial &amp; More") == "Trial & More"


def test_injected_markup_never_reaches_the_record_and_templates_stay_text(extract_file):
    trial = extract_file(DOCUMENTS / "export_markup_injection.txt")
    dumped = trial.model_dump_json()
    for markup in ("<img", "onerror", "javascript:", "<a "):
        assert markup not in dumped
    assert trial.summary and "{{ 6*7 }}" in trial.summary and "42" not in dumped
