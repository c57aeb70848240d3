"""Growing the content model: a nullable field added to it takes the model, the template and a
test, plus one run of `trialsite migrate` for the content that exists.

The field is added to a copy of the model (`funder`, after `sponsor`), which stands in for the
model of a newer trialsite wherever content is loaded; the catalogue is a copy of the committed one.
"""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest
from pydantic import create_model

from conftest import ROOT, read_export
from trialsite.cli import main
from trialsite.fsutil import sha256_bytes
from trialsite.model import Record, Text, Trial
from trialsite.render import exports
from trialsite.yamlio import load

PACKAGE_GLANCE = ROOT / "trialsite" / "templates" / "partials" / "glance.html"


def model_with(name: str, annotation: object, after: str) -> type[Trial]:
    """`Trial` with one more field, with a blank default, at its place in field order."""
    fields: dict[str, object] = {}
    for field, info in Trial.model_fields.items():
        fields[field] = (info.annotation, info)
        if field == after:
            fields[name] = (annotation, None)
    return create_model("Trial", __base__=Record, **fields)  # type: ignore[call-overload, no-any-return]


@pytest.fixture
def newer_model(monkeypatch) -> type[Trial]:
    model = model_with("funder", Text | None, after="sponsor")
    for module in ("trialsite.content", "trialsite.migrate", "trialsite.render.exports"):
        monkeypatch.setattr(f"{module}.Trial", model)
    exports.csv_header.cache_clear()  # its columns follow the model's fields
    yield model
    exports.csv_header.cache_clear()


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copy(ROOT / "site.toml", tmp_path / "site.toml")
    return tmp_path


def run(catalogue: Path, capsys, *command: str) -> tuple[int, str, str]:
    code = main(catalogue, [*command, "--content", str(catalogue / "content")])
    out, err = capsys.readouterr()
    return code, out, err


def build(catalogue: Path, capsys) -> int:
    code = main(catalogue, ["build", "--content", str(catalogue / "content"), "--out", str(catalogue / "site")])
    assert code == 0, capsys.readouterr().err
    return code


def test_a_new_field_leaves_content_valid_and_migrate_adds_its_line_after_the_field_before_it(
    newer_model, catalogue, capsys
):
    trials = sorted((catalogue / "content" / "trials").glob("*.yaml"))
    before = {path: path.read_text("utf-8") for path in trials}
    code, out, err = run(catalogue, capsys, "check")
    assert (code, err) == (0, "")
    assert "5 files leave out fields the model has (funder)" in out

    assert run(catalogue, capsys, "migrate")[0] == 0
    for path, old in before.items():
        new = path.read_text("utf-8")
        data = load(new, str(path)).data
        assert list(data) == list(newer_model.model_fields) and data["funder"] is None
        changes = [op for op in difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines()).get_opcodes()
                   if op[0] != "equal"]
        assert [(tag, new.splitlines()[j1:j2]) for tag, _, _, j1, j2 in changes] == [("insert", ["funder: null"])]
    assert run(catalogue, capsys, "check") == (0, "check: 5 trials valid, 0 problems\n", "")
    state = json.loads((catalogue / "content" / ".extract-state.json").read_text("utf-8"))["seeds"]
    assert {entry["written_sha256"] for entry in state.values()} == {sha256_bytes(p.read_bytes()) for p in trials}


def test_showing_the_new_field_on_the_trial_page_takes_a_template_and_migrate(newer_model, catalogue, capsys):
    assert run(catalogue, capsys, "migrate")[0] == 0
    trial = catalogue / "content" / "trials" / "nct07063888.yaml"
    trial.write_text(trial.read_text("utf-8").replace("funder: null", "funder: Example Foundation"), "utf-8")
    glance = catalogue / "templates" / "partials" / "glance.html"
    glance.parent.mkdir(parents=True)
    row = '    <div><dt>Funder</dt> <dd>{{ m.stated(record.funder) }}</dd></div>\n  </dl>'
    glance.write_text(PACKAGE_GLANCE.read_text("utf-8").replace("  </dl>", row), "utf-8")
    build(catalogue, capsys)
    page = (catalogue / "site" / "trials" / "nct07063888" / "index.html").read_text("utf-8")
    assert "<dt>Funder</dt> <dd>Example Foundation</dd>" in page
    other = (catalogue / "site" / "trials" / "durvalumab-combined-with-s-1-as-adjuvant-therapy-of" / "index.html")
    assert '<dt>Funder</dt> <dd><span class="not-stated">' in other.read_text("utf-8")
    exported = json.loads(read_export(catalogue / "site", "trials.json"))
    assert {row["slug"]: row["funder"] for row in exported}["nct07063888"] == "Example Foundation"
