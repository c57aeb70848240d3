"""`python build.py extract`: deterministic files, new seeds only, hand edits never lost."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from trialsite.cli import main
from trialsite.content import load_record, schema_path
from trialsite.model import Trial
from trialsite.sync import SCHEMA_REF, schema_ref
from trialsite.yamlio import load


def extract(project, *args):
    return main(ROOT, ["extract", "--seeds", str(project / "seeds"), "--content", str(project / "content"), *args])


def trial_files(project):
    return sorted((project / "content" / "trials").glob("*.yaml"))


def snapshot(project):
    return {p.name: p.read_bytes() for p in trial_files(project)}


def test_one_file_per_seed_named_by_registry_id_or_title(project):
    assert extract(project) == 0
    assert [p.name for p in trial_files(project)] == [
        "anlotinib-plus-nab-paclitaxels-and-s-1-for-patients-with.yaml",
        "apatinib-plus-camrelizumab-in-patients-with-previously.yaml",
        "durvalumab-combined-with-s-1-as-adjuvant-therapy-of.yaml",
        "nct07063888.yaml",
        "pemigatinib-combined-with-durvalumab-for-previously-treated.yaml",
    ]


def test_committed_content_is_what_extract_writes(project):
    """Byte for byte, but for the schema line: it points at the schema from where the files are."""
    extract(project)
    here = f"$schema={schema_ref(project / 'content' / 'trials')}\n".encode()
    committed = {
        p.name: p.read_bytes().replace(f"$schema={SCHEMA_REF}\n".encode(), here, 1)
        for p in (ROOT / "content" / "trials").glob("*.yaml")
    }
    assert snapshot(project) == committed


def test_output_is_byte_identical_across_runs(project, tmp_path):
    extract(project)
    first = snapshot(project)
    (project / "content" / "trials").rename(tmp_path / "old")
    (project / "content" / ".extract-state.json").unlink()
    extract(project)
    assert snapshot(project) == first


def test_files_start_with_the_schema_line_and_load_back_to_the_same_data(project):
    extract(project)
    for path in trial_files(project):
        text = path.read_text("utf-8")
        assert text.startswith("# yaml-language-server: $schema=")
        assert (path.parent / text.split("$schema=", 1)[1].split("\n", 1)[0]).resolve() == schema_path("trial")
        trial = load_record(path, Trial)
        assert load(text, str(path)).data == trial.model_dump(mode="json")


def test_every_field_present_in_every_file(project):
    extract(project)
    for path in trial_files(project):
        assert list(load(path.read_text("utf-8"), str(path)).data) == list(Trial.model_fields)


def test_long_text_is_a_block_scalar_and_unicode_is_kept(project):
    extract(project)
    text = (project / "content" / "trials" / "nct07063888.yaml").read_text("utf-8")
    assert "  - |-\n    Patients meeting either" in text
    assert "≥ 4 months" in text and "\\u" not in text


def test_rerun_writes_new_seeds_only(project, capsys):
    extract(project)
    before = snapshot(project)
    new_seed = ROOT / "tests" / "fixtures" / "seeds" / "trialx_female.txt"
    (project / "seeds" / "005_new.txt").write_bytes(new_seed.read_bytes())
    assert extract(project) == 0
    after = snapshot(project)
    assert set(after) - set(before) == {"nct09876543.yaml"}
    assert {k: after[k] for k in before} == before
    assert "5 unchanged" in capsys.readouterr().out


def edit_title(path, title):
    text = path.read_text("utf-8")
    old_title = load(text, str(path)).data["title"]
    assert old_title in text or "title: >-" in text
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("  "))
    lines[start:end] = [f"title: {title}\n"]
    path.write_text("".join(lines), "utf-8")


def test_hand_edit_survives_rerun_and_is_reported(project, capsys):
    extract(project)
    target = project / "content" / "trials" / "nct07063888.yaml"
    edit_title(target, "Edited by hand")
    capsys.readouterr()
    assert extract(project) == 0
    assert load_record(target, Trial).title == "Edited by hand"
    assert "kept hand-edited trials/nct07063888.yaml" in capsys.readouterr().out


def test_force_never_overwrites_a_hand_edit_and_says_so(project, capsys):
    extract(project)
    target = project / "content" / "trials" / "nct07063888.yaml"
    edit_title(target, "Edited by hand")
    capsys.readouterr()
    assert extract(project, "--force") == 0
    assert load_record(target, Trial).title == "Edited by hand"
    assert "kept hand-edited trials/nct07063888.yaml; not overwritten" in capsys.readouterr().out


def test_hand_edit_report_says_when_its_seed_changed(project, capsys):
    extract(project)
    edit_title(project / "content" / "trials" / "nct07063888.yaml", "Edited by hand")
    seed = next((project / "seeds").glob("004_*.txt"))
    seed.write_text(seed.read_text("utf-8").replace("Recruiting", "Completed", 1), "utf-8")
    capsys.readouterr()
    extract(project)
    assert "Its seed has changed since" in capsys.readouterr().out


def test_changed_seed_of_an_unedited_file_needs_force(project, capsys):
    extract(project)
    target = project / "content" / "trials" / "nct07063888.yaml"
    seed = next((project / "seeds").glob("004_*.txt"))
    seed.write_text(seed.read_text("utf-8").replace("\nRecruiting\n", "\nCompleted\n", 1), "utf-8")
    extract(project)
    assert load_record(target, Trial).status == "Recruiting"
    assert "stale trials/nct07063888.yaml: its seed has changed" in capsys.readouterr().out
    extract(project, "--force")
    assert load_record(target, Trial).status == "Completed"


def test_a_deleted_file_stays_deleted_unless_forced(project):
    extract(project)
    target = project / "content" / "trials" / "nct07063888.yaml"
    target.unlink()
    extract(project)
    assert not target.exists()
    extract(project, "--force")
    assert target.exists()


def test_state_records_seed_and_written_hashes(project):
    extract(project)
    state = json.loads((project / "content" / ".extract-state.json").read_text("utf-8"))["seeds"]
    entry = state[next((project / "seeds").glob("004_*.txt")).name]
    assert entry["file"] == "nct07063888.yaml"
    assert len(entry["seed_sha256"]) == len(entry["written_sha256"]) == 64


def test_two_seeds_with_the_same_title_get_distinct_slugs(project):
    seed = next((project / "seeds").glob("000_*.txt"))
    (project / "seeds" / "000_copy.txt").write_bytes(seed.read_bytes() + b"\n")
    extract(project)
    names = [p.name for p in trial_files(project)]
    assert "durvalumab-combined-with-s-1-as-adjuvant-therapy-of.yaml" in names
    assert "durvalumab-combined-with-s-1-as-adjuvant-therapy-of-2.yaml" in names


def test_cli_entry_point_runs_as_a_script(project):
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "extract", "--seeds", str(project / "seeds"),
         "--content", str(project / "content")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "extract: 5 created" in result.stdout


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", "no text: the file is empty"),
        ("blank.txt", b"  \n\n \n", "no text: the file is empty"),
        ("latin1.txt", "Caf\u00e9 trial\nline two\n".encode("latin-1"), "not valid UTF-8"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ],
)
def test_bad_seed_gets_a_clear_error_and_the_others_still_go_through(project, capsys, name, data, message):
    (project / "seeds" / name).write_bytes(data)
    assert extract(project) == 1
    err = capsys.readouterr().err
    assert f"{name}" in err and message in err
    assert len(trial_files(project)) == 5


def test_invalid_utf8_error_names_the_line(project, capsys):
    (project / "seeds" / "bad.txt").write_bytes(b"Title\nsecond line\nthird \xff line\n")
    extract(project)
    assert "bad.txt:3: not valid UTF-8" in capsys.readouterr().err


def test_huge_seed_is_refused(project, capsys):
    (project / "seeds" / "huge.txt").write_bytes(b"Title\n" + b"x" * (6 * 1024 * 1024))
    assert extract(project) == 1
    assert "huge.txt: file is" in capsys.readouterr().err


def test_bom_and_crlf_give_the_same_record_as_plain_utf8(project):
    seed = next((project / "seeds").glob("004_*.txt"))
    plain = seed.read_bytes()
    seed.write_bytes(b"\xef\xbb\xbf" + plain.replace(b"\n", b"\r\n"))
    extract(project)
    trial = load_record(project / "content" / "trials" / "nct07063888.yaml", Trial)
    reference = ROOT / "content" / "trials" / "nct07063888.yaml"
    assert trial.model_dump(exclude={"source"}) == load_record(reference, Trial).model_dump(exclude={"source"})


def test_utf16_with_bom_is_read(project):
    seed = next((project / "seeds").glob("000_*.txt"))
    seed.write_bytes(seed.read_text("utf-8").encode("utf-16"))
    assert extract(project) == 0
    trials = project / "content" / "trials"
    trial = load_record(trials / "durvalumab-combined-with-s-1-as-adjuvant-therapy-of.yaml", Trial)
    assert trial.drugs == ["durvalumab", "S-1"]
