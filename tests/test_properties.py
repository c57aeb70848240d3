"""Property-based: arbitrary text never crashes extraction and always gives schema-valid YAML."""

from __future__ import annotations

import json

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEEDS
from trialsite.content import schema_path
from trialsite.errors import SeedError
from trialsite.extract import extract
from trialsite.seeds import parse_seed
from trialsite.sync import render_trial
from trialsite.yamlio import load

SCHEMA = json.loads(schema_path("trial").read_text("utf-8"))
SEED_LINES = sorted({line for path in SEEDS.glob("*.txt") for line in path.read_text("utf-8").splitlines()})
MARKERS = ["Overview", "Study details", "Powered by AI", "Image", "Eligibility", "Inclusion Criteria:",
           "Exclusion Criteria:", "Launched by X · Oct 27, 2024", "ClinConnect Summary", "Gender", "Keywords",
           "DRUG: A plus B|RADIATION: X", "NCT12345678", "Locations", "Timeline", "  • item", "    1. sub"]
line = st.one_of(st.text(max_size=120), st.sampled_from(SEED_LINES), st.sampled_from(MARKERS))
documents = st.lists(line, max_size=40).map("\n".join)


def extract_text(text: str, drug_index):
    try:
        seed = parse_seed("fuzz.txt", text.encode("utf-8", "surrogatepass"))
    except SeedError:
        return None
    return extract(seed, drug_index)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents)
def test_any_text_gives_a_schema_valid_record_or_a_clear_error(drug_index, text):
    trial = extract_text(text, drug_index)
    if trial is None:
        return
    yaml_text = render_trial(trial)
    data = load(yaml_text, "fuzz.yaml").data
    jsonschema.validate(data, SCHEMA)
    assert data == trial.model_dump(mode="json")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_are_read_or_refused_with_a_seed_error(data):
    try:
        seed = parse_seed("fuzz.txt", data)
    except SeedError as exc:
        assert str(exc).startswith("fuzz.txt")
        return
    assert all("\x00" not in line for line in seed.lines)
