"""Layout A outcome lines: told from the description by their shape, whatever the time frame says."""

from __future__ import annotations

from conftest import FIXTURES

DOCUMENTS = FIXTURES / "documents"


def test_a_time_frame_that_ends_in_a_full_stop(extract_file):
    trial = extract_file(DOCUMENTS / "export_time_frame_ends_in_full_stop.txt")
    primary = trial.outcomes.primary
    assert [o.measure for o in primary] == [
        "Change From Randomization in Montgomery and Asberg Depression Rating Scale (MADRS)"
    ]
    assert primary[0].time_frame == "Randomization and study end (Week 6)."
    assert trial.description and trial.description.startswith("This is a Phase II, randomized")


def test_a_time_frame_without_time_words(extract_file):
    trial = extract_file(DOCUMENTS / "export_time_frame_in_plain_words.txt")
    assert [o.measure for o in trial.outcomes.primary] == ["Sitting Assessment Scale"] * 4
    assert trial.outcomes.primary[0].time_frame == "Immediate after orthosis is worn"
    assert trial.description and trial.description.startswith("Cerebral palsy (CP) is a disorder")


def test_a_description_paragraph_is_not_an_outcome(extract_file):
    trial = extract_file(DOCUMENTS / "export_no_outcomes.txt")
    assert (trial.outcomes.primary, trial.outcomes.secondary) == ([], [])
    assert trial.description and trial.description.startswith("Complete DiGeorge anomaly")
