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


def test_schema_requires_every_field_but_those_added_later():
    """A missing key is an error, except in a field added after catalogues were written: it has a
    default, so that they stay valid."""
    schema = json.loads(schema_path("trial").read_text("utf-8"))
    assert set(schema["properties"]) - set(schema["required"]) == {"condition_headings", "sites", "mesh_terms"}
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("path", [*trial_paths(ROOT / "content"), ROOT / "content" / "drugs.yaml"], ids=lambda p: p.name)
def test_committed_content_points_editors_at_the_schema_the_package_ships(path):
    first_line = path.read_text("utf-8").splitlines()[0]
    ref = first_line.removeprefix("# yaml-language-server: $schema=")
    assert ref != first_line, first_line
    assert (path.parent / ref).resolve() == schema_path("drugs" if path.name == "drugs.yaml" else "trial")
