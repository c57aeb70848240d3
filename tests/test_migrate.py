"""`trialsite migrate`: content written before a field existed is made complete, line by line.

An older file lacks the keys of fields added since; it stays valid (they read as not stated),
`check` says so in one line, and `migrate` inserts each key at its place in field order without
touching any other line, keeping extract's record of which files nobody edited.
"""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from factory import line_of, record, write_trial
from trialsite.cli import main
from trialsite.content import load_record
from trialsite.fsutil import sha256_bytes
from trialsite.model import Trial, missing_keys
from trialsite.yamlio import load

TRIALS = sorted((ROOT / "content" / "trials").glob("*.yaml"))


def without(text: str, *keys: str) -> str:
    """`text` less the lines of each key (dotted for a nested one: `design.centres`) and its value."""
    lines = text.splitlines(keepends=True)
    for key in keys:
        *parents, name = key.split(".")
        indent = "  " * len(parents)
        start = next(i for i, line in enumerate(lines) if line.startswith(f"{indent}{name}:"))
        end = start + 1
        while end < len(lines) and lines[end].startswith((indent + " ", indent + "- ")):
            end += 1
        del lines[start:end]
    return "".join(lines)


def blank_keys(path: Path) -> list[str]:
    """The keys of `path` whose value is null or empty: what migrate can write back as it was."""
    data = load(path.read_text("utf-8"), str(path)).data
    keys = [key for key, value in data.items() if value in (None, [], {})]
    for sub in ("design", "outcomes"):
        blank = [key for key, value in data[sub].items() if value in (None, [])]
        keys += [f"{sub}.{key}" for key in blank[: len(data[sub]) - 1]]  # one stays: `design:` alone is null
    return keys


def migrate(content: Path, capsys) -> tuple[int, str, str]:
    code = main(ROOT, ["migrate", "--content", str(content)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the committed content, its extract state included."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path / "content"


def test_a_file_without_a_newer_fields_key_is_valid_and_check_says_to_migrate_in_one_line(content, capsys):
    for path in (content / "trials").glob("*.yaml"):
        path.write_text(without(path.read_text("utf-8"), "condition_headings"), "utf-8")
    assert main(ROOT, ["check", "--content", str(content)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    (hint,) = [line for line in out.splitlines() if "migrate" in line]
    assert hint.startswith("check: 5 files leave out fields the model has (condition_headings)")
    assert "run `trialsite migrate`" in hint


@pytest.mark.parametrize("path", TRIALS, ids=lambda p: p.name)
def test_migrate_writes_back_exactly_the_lines_extract_wrote(content, capsys, path):
    """Keys taken out of a file extract wrote come back at their place, byte for byte."""
    target = content / "trials" / path.name
    keys = blank_keys(path)
    target.write_text(without(path.read_text("utf-8"), *keys), "utf-8")
    code, out, _ = migrate(content, capsys)
    assert code == 0
    assert target.read_bytes() == path.read_bytes()
    (added,) = [line.split(": added ")[1] for line in out.splitlines() if line.startswith("migrated")]
    assert sorted(added.split(", ")) == sorted(keys)


def test_no_line_of_a_hand_formatted_file_changes(content, capsys):
    path = content / "trials" / "hand.yaml"
    original = (
        "# Typed by hand: comments, flow lists and quoting of an editor's own.\n"
        "title: 'A Hand-Written Trial'   # the title as the sponsor gives it\n"
        "conditions: [Asthma, \"COPD\"]\n"
        "\n"
        "# who runs it\n"
        "sponsor: Example Hospital\n"
        "design:\n"
        "    arms: 2        # wider indentation than extract writes\n"
        "source: {file: hand.txt, sha256: '" + "0" * 64 + "', layout: unknown}\n"
    )
    path.write_text(original, "utf-8")
    assert migrate(content, capsys)[0] == 0
    migrated = path.read_text("utf-8")
    changes = difflib.SequenceMatcher(a=original.splitlines(), b=migrated.splitlines()).get_opcodes()
    assert {tag for tag, *_ in changes} == {"equal", "insert"}
    trial = load_record(path, Trial)
    assert missing_keys(trial) == []
    assert trial.model_dump() == Trial.model_validate(load(original, "x").data).model_dump()
    assert "    allocation: null\n    arms: 2" in migrated and "condition_headings: {}\nkeywords: []\n" in migrated
    assert "enrollment: null\n\n# who runs it\nsponsor: Example Hospital\nsex: null\n" in migrated  # comments stay put


def test_a_key_a_list_of_records_lacks_goes_into_each_record(content, capsys):
    outcomes = {"primary": [{"measure": "Survival"}, {"measure": "Response", "time_frame": "1 year"}]}
    path = write_trial(content / "trials" / "outcomes.yaml", "Outcomes without descriptions.", outcomes=outcomes)
    assert migrate(content, capsys)[0] == 0
    trial = load_record(path, Trial)
    assert missing_keys(trial) == []
    assert [o.model_dump() for o in trial.outcomes.primary] == [
        {"measure": "Survival", "description": None, "time_frame": None},
        {"measure": "Response", "description": None, "time_frame": "1 year"},
    ]


def test_migrate_twice_changes_nothing_the_second_time(content, capsys):
    for path in (content / "trials").glob("*.yaml"):
        path.write_text(without(path.read_text("utf-8"), "review", "design.centres"), "utf-8")
    assert migrate(content, capsys)[1].count("migrated ") == 5
    before = {path.name: path.read_bytes() for path in content.rglob("*") if path.is_file()}
    code, out, err = migrate(content, capsys)
    assert (code, out, err) == (0, "migrate: 6 complete\n", "")
    assert {path.name: path.read_bytes() for path in content.rglob("*") if path.is_file()} == before


def test_the_drug_vocabulary_is_completed_too(content, capsys):
    (content / "drugs.yaml").write_text("drugs:\n- name: examplumab\n  class: antibody\nregimens: []\n", "utf-8")
    assert migrate(content, capsys)[0] == 0
    assert (content / "drugs.yaml").read_text("utf-8") == (
        "drugs:\n- name: examplumab\n  class: antibody\n  synonyms: []\n  brands: []\n  codes: []\nregimens: []\n"
    )


def test_a_broken_file_is_reported_at_its_line_and_left_as_it_was_and_the_others_are_migrated(content, capsys):
    broken = write_trial(content / "trials" / "broken.yaml", "A phase no one uses.", phase="Phase II")
    broken.write_text(without(broken.read_text("utf-8"), "review"), "utf-8")
    before = broken.read_bytes()
    other = content / "trials" / "nct07063888.yaml"
    other.write_text(without(other.read_text("utf-8"), "review"), "utf-8")
    code, out, err = migrate(content, capsys)
    assert code == 1
    assert f"error: {broken}:{line_of(broken, 'phase:')}: phase: Input should be" in err
    assert broken.read_bytes() == before
    assert "migrated trials/nct07063888.yaml: added review" in out and "1 failed" in out


def test_a_record_written_on_one_line_is_reported_rather_than_rewritten(content, capsys):
    path = write_trial(content / "trials" / "flow.yaml", "The design on one line.", raw={"design": "design: {arms: 2}"})
    before = path.read_bytes()
    code, _, err = migrate(content, capsys)
    assert code == 1
    assert f"error: {path}:{line_of(path, 'design:')}: design: written on one line" in err
    assert path.read_bytes() == before


def old_extract(content: Path, name: str, edit: bool) -> Path:
    """Make `name` a file an older trialsite extracted (it lacks condition_headings), edited by
    hand since or not: the extract state records the hash of what that extract wrote."""
    path = content / "trials" / name
    old = without(path.read_text("utf-8"), "condition_headings")
    path.write_text(old.replace("title:", "title: Edited") if edit else old, "utf-8")
    state_path = content / ".extract-state.json"
    state = json.loads(state_path.read_text("utf-8"))
    (entry,) = [entry for entry in state["seeds"].values() if entry["file"] == name]
    entry["written_sha256"] = sha256_bytes(old)
    state_path.write_text(json.dumps(state), "utf-8")
    return path


def test_a_file_nobody_edited_still_counts_as_unedited_after_migrate(content, capsys):
    path = old_extract(content, "nct07063888.yaml", edit=False)
    assert migrate(content, capsys)[0] == 0
    state = json.loads((content / ".extract-state.json").read_text("utf-8"))["seeds"]
    assert sha256_bytes(path.read_bytes()) in {entry["written_sha256"] for entry in state.values()}
    main(ROOT, ["extract", "--force", "--seeds", str(ROOT / "seeds"), "--content", str(content)])
    assert "regenerated trials/nct07063888.yaml" in capsys.readouterr().out
    committed = ROOT / "content" / "trials" / path.name
    assert path.read_bytes().split(b"\n", 1)[1] == committed.read_bytes().split(b"\n", 1)[1]  # but the schema line


def test_a_hand_edited_file_stays_hand_edited_after_migrate(content, capsys):
    path = old_extract(content, "nct07063888.yaml", edit=True)
    assert migrate(content, capsys)[0] == 0
    migrated = path.read_bytes()
    main(ROOT, ["extract", "--force", "--seeds", str(ROOT / "seeds"), "--content", str(content)])
    assert "kept hand-edited trials/nct07063888.yaml" in capsys.readouterr().out
    assert path.read_bytes() == migrated


def test_a_content_folder_that_is_not_there_is_an_error(tmp_path, capsys):
    code, _, err = migrate(tmp_path / "nowhere", capsys)
    assert (code, err) == (1, f"error: {tmp_path / 'nowhere'}: content directory not found\n")


def test_the_factory_record_is_complete():
    """What the generated test cases start from states every field the model has."""
    assert missing_keys(Trial.model_validate(record())) == []
