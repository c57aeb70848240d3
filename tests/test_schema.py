"""One model, published as JSON Schema: the file in the repo is what the model generates, and
every content file validates against it with an independent validator."""

from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import ROOT
from trialsite.cli import SCHEMAS, schema_text
from trialsite.content import PACKAGE_DRUGS, schema_path, trial_paths
from trialsite.yamlio import load


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_published_schema_matches_the_model(name):
    published = schema_path(name).read_text("utf-8")
    assert published == schema_text(name), "run `python build.py schema` after changing the model"


@pytest.mark.parametrize("path", trial_paths(ROOT / "content"), ids=lambda p: p.name)
def test_content_files_validate_against_the_published_schema(path):
    schema = json.loads(schema_path("trial").read_text("utf-8"))
    jsonschema.validate(load(path.read_text("utf-8"), str(path)).data, schema)


@pytest.mark.parametrize("path", [ROOT / "content" / "drugs.yaml", PACKAGE_DRUGS], ids=["catalogue", "package"])
def test_drug_vocabulary_validates_against_the_published_schema(path):
    schema = json.loads(schema_path("drugs").read_text("utf-8"))
    jsonschema.validate(load(path.read_text("utf-8"), str(path)).data, schema)


# What makes each record what it is: the only keys a file must have. Every other field has a
# blank default, so that a field added to the model later leaves existing content valid (and
# `trialsite migrate` writes its key in).
REQUIRED = {
    "Trial": ["title", "source"],
    "Intervention": ["type", "name"],
    "Outcome": ["measure"],
    "StatedDate": ["label", "date"],
    "Source": ["file", "sha256", "layout"],
    "Drug": ["name"],
    "Regimen": ["name", "drugs"],
}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_a_file_must_have_only_the_keys_that_make_a_record_what_it_is(name):
    schema = json.loads(schema_path(name).read_text("utf-8"))
    for record in [schema, *schema["$defs"].values()]:
        assert record.get("required", []) == REQUIRED.get(record["title"], []), record["title"]
        assert record["additionalProperties"] is False


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_other_field_defaults_to_its_blank_value(name):
    schema = json.loads(schema_path(name).read_text("utf-8"))
    for record in [schema, *schema["$defs"].values()]:
        for key, field in record["properties"].items():
            if key not in REQUIRED.get(record["title"], []):
                assert field["default"] in (None, [], {}) or not any(field["default"].values()), key


@pytest.mark.parametrize(
    "path", [*trial_paths(ROOT / "content"), ROOT / "content" / "drugs.yaml"], ids=lambda p: p.name
)
def test_committed_content_points_editors_at_the_schema_the_package_ships(path):
    first_line = path.read_text("utf-8").splitlines()[0]
    ref = first_line.removeprefix("# yaml-language-server: $schema=")
    assert ref != first_line, first_line
    assert (path.parent / ref).resolve() == schema_path("drugs" if path.name == "drugs.yaml" else "trial")
