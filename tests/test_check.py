"""`python build.py check`: every problem at once, as file:line: field: message, with suggestions."""

from __future__ import annotations

import shutil

import pytest

from conftest import ROOT
from trialsite.cli import main
from trialsite.yamlio import MAX_DEPTH

VALID = ROOT / "content" / "trials" / "nct07063888.yaml"


@pytest.fixture
def content(tmp_path):
    (tmp_path / "trials").mkdir()
    shutil.copy(ROOT / "content" / "drugs.yaml", tmp_path / "drugs.yaml")
    return tmp_path


def write_variant(content, name, replacements):
    text = VALID.read_text("utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = content / "trials" / name
    path.write_text(text, "utf-8")
    return path


def line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line)


def check(content, capsys):
    code = main(ROOT, ["check", "--content", str(content)])
    return code, capsys.readouterr().err


def test_committed_content_is_valid(capsys):
    code, err = check(ROOT / "content", capsys)
    assert (code, err) == (0, "")


@pytest.mark.parametrize("style", ["flow", "block"])
def test_nesting_past_the_limit_is_refused_at_its_line(content, capsys, style):
    """Our own limit, below any YAML library's: tests/fixtures/adversarial's 5,000 levels may
    stop at libyaml's limit first, which must read the same."""
    depth = MAX_DEPTH + 1
    nested = "[" * depth + "]" * depth if style == "flow" else "".join(f"\n{'  ' * i}- " for i in range(depth)) + "x"
    path = write_variant(content, "t.yaml", [("keywords:\n", f"keywords: {nested}\nx_keywords:\n")])
    code, err = check(content, capsys)
    assert code == 1
    # Reported where the level past the limit opens: the document is level 1, keywords' list level 2.
    line = line_of(path, "keywords: ") + (0 if style == "flow" else MAX_DEPTH)
    assert f"{path}:{line}: invalid YAML: nested more than {MAX_DEPTH} levels deep" in err


def test_wrong_phase_is_reported_with_line_and_suggestion(content, capsys):
    path = write_variant(content, "t.yaml", [("phase: Phase 2", "phase: Phase II")])
    code, err = check(content, capsys)
    assert code == 1
    assert f"{path}:{line_of(path, 'phase:')}: phase: Input should be" in err
    assert "did you mean 'Phase 2'?" in err


def test_status_case_slip_gets_a_suggestion(content, capsys):
    write_variant(content, "t.yaml", [("status: Recruiting", "status: recruiting")])
    assert "did you mean 'Recruiting'?" in check(content, capsys)[1]


def test_misspelt_key_is_unknown_with_suggestion(content, capsys):
    path = write_variant(content, "t.yaml", [("sponsor:", "sponsr:")])
    err = check(content, capsys)[1]
    assert f"{path}:{line_of(path, 'sponsr:')}: sponsr: unknown field; did you mean 'sponsor'?" in err
    assert err.count(f"{path}:") == 1  # one mistake, one line: the sponsor it left out is not another


def test_every_problem_in_every_file_is_reported_at_once(content, capsys):
    write_variant(content, "a.yaml", [("phase: Phase 2", "phase: Phase II"), ("enrollment: null", "enrollment: lots")])
    write_variant(content, "b.yaml", [("sex: All", "sex: Both")])
    code, err = check(content, capsys)
    assert code == 1
    assert len(err.strip().splitlines()) == 3


def test_nested_field_error_points_at_its_line(content, capsys):
    path = write_variant(content, "t.yaml", [("    time_frame: null", "    time_frame: 12")])
    err = check(content, capsys)[1]
    assert f"{path}:{line_of(path, 'time_frame: 12')}: outcomes.primary.0.time_frame:" in err


def test_duplicate_key_is_an_error_not_a_silent_overwrite(content, capsys):
    path = write_variant(content, "t.yaml", [("sponsor:", "status: Completed\nsponsor:")])
    err = check(content, capsys)[1]
    assert f"{path}:{line_of(path, 'status: Completed')}: status: duplicate key" in err


@pytest.mark.parametrize(
    "old, new, field",
    [
        ("status: Recruiting", "status: NO", "status"),
        ("nct_id: NCT07063888", "nct_id: yes", "nct_id"),
        ("sponsor: Cancer Institute", "sponsor: 2024-10-27\nx: Cancer Institute", "sponsor"),
    ],
)
def test_yaml_11_surprises_stay_strings(content, capsys, old, new, field):
    write_variant(content, "t.yaml", [(old, new)])
    err = check(content, capsys)[1]
    assert "Input should be a valid string" not in err  # NO / yes / dates were not turned into bool/date


def test_unquoted_date_in_a_text_field_is_accepted_as_text(content, capsys):
    write_variant(
        content,
        "t.yaml",
        [("sponsor: Cancer Institute and Hospital, Chinese Academy of Medical Sciences", "sponsor: 2024-10-27")],
    )
    assert check(content, capsys) == (0, "")


def test_broken_yaml_names_file_and_line(content, capsys):
    path = content / "trials" / "broken.yaml"
    path.write_text("title: [unclosed\nphase: Phase 2\n", "utf-8")
    code, err = check(content, capsys)
    assert code == 1
    assert f"{path}:2: invalid YAML" in err


def test_file_that_is_not_utf8(content, capsys):
    path = content / "trials" / "latin1.yaml"
    path.write_bytes("title: Caf\u00e9\n".encode("latin-1"))
    assert f"{path}:1: not valid UTF-8" in check(content, capsys)[1]


def test_aliases_are_refused(content, capsys):
    path = content / "trials" / "bomb.yaml"
    path.write_text('a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n', "utf-8")
    assert "YAML aliases (*name) are not allowed" in check(content, capsys)[1]


def test_broken_drug_vocabulary_is_reported(content, capsys):
    (content / "drugs.yaml").write_text("drugs:\n  - name: x\n    clas: y\nregimens: []\n", "utf-8")
    err = check(content, capsys)[1]
    assert "drugs.yaml:3: drugs.0.clas: unknown field; did you mean 'class'?" in err


def test_build_and_check_agree_on_a_tab_after_a_list_dash(content, capsys):
    """yaml-rs alone would accept it; the fast path must defer to the loader `check` uses."""
    from trialsite.content import InvalidContent, load_trial

    path = write_variant(content, "t.yaml", [("- Adjuvant Chemoradiotherapy", "-\t Adjuvant Chemoradiotherapy")])
    assert check(content, capsys)[0] == 1
    with pytest.raises(InvalidContent):
        load_trial(path)
