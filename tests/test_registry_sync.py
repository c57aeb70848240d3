"""Registry exports in seeds/: a trial a file by its registry id, hand edits kept, bad input named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import FIXTURES, ROOT
from trialsite.cli import main

REGISTRY = FIXTURES / "registry"


def extract(root: Path) -> int:
    return main(ROOT, ["extract", "--seeds", str(root / "seeds"), "--content", str(root / "content")])


def page(root: Path, name: str, *nct_ids: str, edit=None) -> Path:
    """A `studies` page of the fixture records, as the API's /studies endpoint returns them."""
    studies = [json.loads((REGISTRY / f"{n}.json").read_text("utf-8")) for n in nct_ids]
    for study in studies:
        if edit:
            edit(study)
    path = root / "seeds" / name
    path.write_text(json.dumps({"studies": studies, "nextPageToken": "x"}), "utf-8")
    return path


def trial_file(root: Path, nct_id: str) -> Path:
    return root / "content" / "trials" / f"{nct_id.lower()}.yaml"


def test_each_trial_of_a_csv_download_becomes_its_own_file(new_catalogue, capsys):
    shutil.copy(REGISTRY / "registry.csv", new_catalogue / "seeds" / "download.csv")
    assert extract(new_catalogue) == 0
    names = sorted(p.name for p in (new_catalogue / "content" / "trials").glob("*.yaml"))
    assert names == sorted(f"{p.stem.lower()}.yaml" for p in REGISTRY.glob("NCT*.json"))
    assert "created trials/nct00763412.yaml from download.csv row 3" in capsys.readouterr().out


def _new_status(study):
    study["protocolSection"]["statusModule"]["overallStatus"] = "TERMINATED"
    study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2024-01-02"


def test_a_newer_export_refreshes_files_nobody_edited(new_catalogue, capsys):
    page(new_catalogue, "page-1.json", "NCT00763412")
    assert extract(new_catalogue) == 0
    page(new_catalogue, "page-1.json", "NCT00763412", edit=_new_status)
    capsys.readouterr()
    assert extract(new_catalogue) == 0
    assert "regenerated trials/nct00763412.yaml from page-1.json studies[0]" in capsys.readouterr().out
    assert "status: Terminated" in trial_file(new_catalogue, "NCT00763412").read_text("utf-8")


def test_a_reimport_keeps_a_hand_edit_and_names_the_fields_that_changed(new_catalogue, capsys):
    page(new_catalogue, "page-1.json", "NCT00763412")
    assert extract(new_catalogue) == 0
    path = trial_file(new_catalogue, "NCT00763412")
    edited = path.read_text("utf-8").replace("sponsor: Arbelaez, Ana Maria", "sponsor: Washington University")
    path.write_text(edited, "utf-8")
    page(new_catalogue, "page-1.json", "NCT00763412", edit=_new_status)
    capsys.readouterr()
    assert extract(new_catalogue) == 0
    out = capsys.readouterr().out
    assert path.read_text("utf-8") == edited
    assert (
        "kept hand-edited trials/nct00763412.yaml; not overwritten. Its registry record (page-1.json studies[0]) "
        "has changed since, in: status, dates: merge by hand."
    ) in out


def test_one_trial_in_two_files_is_one_file_from_the_record_updated_last(new_catalogue, capsys):
    page(new_catalogue, "a.json", "NCT00763412", edit=_new_status)
    shutil.copy(REGISTRY / "registry.csv", new_catalogue / "seeds" / "b.csv")
    assert extract(new_catalogue) == 0
    out = capsys.readouterr().out
    assert (
        "duplicate: NCT00763412 is in a.json (studies[0], last updated 2024-01-02) and b.csv (row 3, last updated "
        "2017-06-05); used a.json: the registry updated it last"
    ) in out
    assert not trial_file(new_catalogue, "NCT00763412").with_name("nct00763412-2.yaml").exists()
    assert "status: Terminated" in trial_file(new_catalogue, "NCT00763412").read_text("utf-8")


def test_a_study_without_a_registry_id_is_named_by_its_json_path(new_catalogue, capsys):
    def no_id(study):
        if study["protocolSection"]["identificationModule"]["nctId"] == "NCT03418623":
            del study["protocolSection"]["identificationModule"]["nctId"]

    page(new_catalogue, "page.json", "NCT00763412", "NCT03418623", edit=no_id)
    assert extract(new_catalogue) == 1
    err = capsys.readouterr().err
    assert (
        "page.json: studies[1].protocolSection.identificationModule.nctId: a study without a registry id; "
        "not extracted"
    ) in err
    assert trial_file(new_catalogue, "NCT00763412").exists()


def test_a_truncated_json_page_is_named_with_its_line(new_catalogue, capsys):
    path = page(new_catalogue, "page.json", "NCT00763412")
    path.write_text(path.read_text("utf-8")[:5000], "utf-8")
    assert extract(new_catalogue) == 1
    err = capsys.readouterr().err
    assert "page.json:1: not valid JSON: Unterminated string starting at (the file is cut short)" in err


def test_a_truncated_csv_is_named_with_its_row_and_the_rows_before_are_extracted(new_catalogue, capsys):
    text = (REGISTRY / "registry.csv").read_text("utf-8")
    (new_catalogue / "seeds" / "download.csv").write_text(text[: text.index("NCT03418623") + 200], "utf-8")
    assert extract(new_catalogue) == 1
    out = capsys.readouterr().err
    assert "download.csv: row 5: " in out and "the file is cut short" in out
    assert trial_file(new_catalogue, "NCT02552212").exists()
    assert not trial_file(new_catalogue, "NCT03418623").exists()


def test_a_wrong_column_set_is_refused_naming_the_columns(new_catalogue, capsys):
    csv_text = "NCT Number,Study Title,Colour\nNCT00763412,A title,red\n"
    (new_catalogue / "seeds" / "download.csv").write_text(csv_text, "utf-8")
    assert extract(new_catalogue) == 1
    assert "download.csv: row 1: 'Colour': no column of the registry's CSV download" in capsys.readouterr().err


def test_a_csv_without_the_id_column_is_refused(new_catalogue, capsys):
    (new_catalogue / "seeds" / "download.csv").write_text("Study Title,Study Status\nA title,RECRUITING\n", "utf-8")
    assert extract(new_catalogue) == 1
    assert "download.csv: row 1: no 'NCT Number' column" in capsys.readouterr().err
