"""Facts stated only in sentences: taken when unambiguous, left unstated otherwise."""

from __future__ import annotations

import pytest

from trialsite.extract.prose import design_in, endpoints_in, phase_from_badge, phases_in


@pytest.mark.parametrize(
    "text, phase",
    [
        ("a phase II clinical study", "Phase 2"),
        ("Phase Ib/II trial", "Phase 1/2"),
        ("this phase 1b study", "Phase 1"),
        ("a phase I/II study", "Phase 1/2"),
        ("Phase 2/3", "Phase 2/3"),
        ("a phase 0 study", "Early Phase 1"),
        ("Phase IV surveillance", "Phase 4"),
    ],
)
def test_phase_written_in_prose(text, phase):
    assert phases_in(text) == [phase]


def test_phase_not_read_from_ordinary_words():
    assert phases_in("the maintenance phase includes visits") == []


@pytest.mark.parametrize(
    "badge, phase", [("Phase 1/Phase 2", "Phase 1/2"), ("N/A", "Not applicable"), ("Early Phase 1", "Early Phase 1")]
)
def test_phase_badges(badge, phase):
    assert phase_from_badge(badge) == phase


def test_design_ignores_sentences_about_other_studies():
    design = design_in("A previous randomized trial showed benefit. This is a single-arm study.")
    assert (design["allocation"], design["arms"]) == (None, 1)


def test_endpoints_singular_is_not_split_on_and():
    assert endpoints_in("The primary endpoint is safety and tolerability.")["primary"] == ["safety and tolerability"]
