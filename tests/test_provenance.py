"""One trial, one record, and every value traceable: merging the documents of one registry id,
the provenance sidecar, `explain`, and `check` on sources that changed."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, read_export
from trialsite.cli import main
from trialsite.content import load_trial
from trialsite.explain import cited_text
from trialsite.extract.registry_values import ALLOCATIONS, MASKINGS, SEXES, STATUSES
from trialsite.provenance import load_provenance

REGISTRY = FIXTURES / "registry"
TRIAL = "NCT00763412"  # in the registry fixtures both as an API record and as a CSV row


def run(root: Path, *args: str) -> int:
    return main(ROOT, [*args, "--seeds", str(root / "seeds"), "--content", str(root / "content")])


def trialx_page(study: dict, status: str | None = None) -> str:
    """A TrialX page written from a registry record's own values, laid out as TrialX lays it out."""
    p = study["protocolSection"]
    title = p["identificationModule"]["briefTitle"]
    eligibility = p["eligibilityModule"]
    ages = f"{eligibility['minimumAge'].split()[0]}-{eligibility['maximumAge']}".lower()
    criteria = [re.sub(r"^\* ", "  • ", line) for line in eligibility["eligibilityCriteria"].splitlines()]
    terms = p["conditionsModule"]["conditions"] + p["conditionsModule"]["keywords"]
    lines = [
        "Image", "", title, "", title, "", status or p["statusModule"]["overallStatus"].capitalize(), ages,
        eligibility["sex"].capitalize(), "", "Powered by AI", "", "Overview", "",
        p["descriptionModule"]["briefSummary"], "", "Eligibility", "", *criteria, "", "Study details",
        *(f"    {term}" for term in terms), "", p["identificationModule"]["nctId"], "",
        p["sponsorCollaboratorsModule"]["leadSponsor"]["name"], "",
    ]  # fmt: skip
    return "\n".join(lines)


def record_of(nct_id: str = TRIAL) -> dict:
    return json.loads((REGISTRY / f"{nct_id}.json").read_text("utf-8"))


def trial_path(root: Path, name: str = TRIAL.lower()) -> Path:
    return root / "content" / "trials" / f"{name}.yaml"


def test_a_registry_record_a_csv_row_and_a_scraped_page_of_one_trial_are_one_file_page_and_row(new_catalogue):
    shutil.copy(REGISTRY / f"{TRIAL}.json", new_catalogue / "seeds" / "record.json")
    shutil.copy(REGISTRY / "registry.csv", new_catalogue / "seeds" / "download.csv")
    (new_catalogue / "seeds" / "trialx_page.txt").write_text(trialx_page(record_of()), "utf-8")
    assert run(new_catalogue, "extract") == 0
    with open(REGISTRY / "registry.csv", encoding="utf-8") as handle:
        csv_trials = {row["NCT Number"] for row in csv.DictReader(handle)}
    assert len(list((new_catalogue / "content" / "trials").glob("*.yaml"))) == len(csv_trials)
    assert load_trial(trial_path(new_catalogue)).source.layout == "ctgov-api"
    provenance = load_provenance(new_catalogue / "content", f"{TRIAL.lower()}.yaml")
    assert provenance.documents == ["record.json", "trialx_page.txt"]  # the CSV row lost to the record

    site = new_catalogue / "site"
    assert main(ROOT, ["build", "--content", str(new_catalogue / "content"), "--out", str(site)]) == 0
    assert len(list((site / "trials").glob("*/index.html"))) == len(csv_trials)
    exported = [record["nct_id"] for record in json.loads(read_export(site, "trials.json"))]
    assert sorted(exported) == sorted(csv_trials)
    home = (site / "index.html").read_text("utf-8")
    assert home.count(f"trials/{TRIAL.lower()}/") == home.count("trials/nct03418623/")


def test_a_field_two_sources_state_differently_is_kept_from_the_record_and_noted(new_catalogue):
    shutil.copy(REGISTRY / f"{TRIAL}.json", new_catalogue / "seeds" / "record.json")
    (new_catalogue / "seeds" / "trialx_page.txt").write_text(trialx_page(record_of(), status="Recruiting"), "utf-8")
    assert run(new_catalogue, "extract") == 0
    trial = load_trial(trial_path(new_catalogue))
    assert trial.status == "Completed"
    assert any(
        note.startswith("Sources disagree on status: used record.json ('Completed'); trialx_page.txt says 'Recruiting'")
        for note in trial.review
    )


def test_a_field_only_the_weaker_source_states_is_taken_from_it_and_cited_there(new_catalogue):
    shutil.copy(REGISTRY / "registry.csv", new_catalogue / "seeds" / "download.csv")  # the download has no criteria
    (new_catalogue / "seeds" / "trialx_page.txt").write_text(trialx_page(record_of()), "utf-8")
    assert run(new_catalogue, "extract") == 0
    trial = load_trial(trial_path(new_catalogue))
    assert trial.source.layout == "ctgov-csv" and trial.eligibility.inclusion and trial.min_age == "12 Years"
    facts = {f.key: f for f in load_provenance(new_catalogue / "content", f"{TRIAL.lower()}.yaml").facts}
    assert facts["eligibility.inclusion[0]"].cited.document == "trialx_page.txt"
    assert facts["status"].cited.document == "download.csv"
    assert facts["status"].cited.path.endswith("column Study Status")


def test_documents_without_a_registry_id_that_look_alike_are_both_kept_and_flagged(new_catalogue):
    for name in ("a_page.txt", "b_page.txt"):
        shutil.copy(FIXTURES / "documents" / "clinconnect_age_between.txt", new_catalogue / "seeds" / name)
    assert run(new_catalogue, "extract") == 0
    files = sorted((new_catalogue / "content" / "trials").glob("*.yaml"))
    assert len(files) == 2
    reviews = {trial.source.file: " ".join(trial.review) for trial in map(load_trial, files)}
    assert "Looks like the same trial as b_page.txt" in reviews["a_page.txt"]
    assert "Looks like the same trial as a_page.txt" in reviews["b_page.txt"]


def test_a_hand_edit_shows_as_edited_by_hand_and_survives_re_extraction(new_catalogue, capsys):
    shutil.copy(FIXTURES / "seeds" / "trialx_female.txt", new_catalogue / "seeds")
    assert run(new_catalogue, "extract") == 0
    path = trial_path(new_catalogue, "nct09876543")
    path.write_text(path.read_text("utf-8").replace("min_age: 18 Years", "min_age: 21 Years"), "utf-8")
    for args in (("extract",), ("extract", "--force")):
        assert run(new_catalogue, *args) == 0
        assert "min_age: 21 Years" in path.read_text("utf-8")
        capsys.readouterr()
        assert main(ROOT, ["explain", str(path)]) == 0
        explained = capsys.readouterr().out
        assert "min_age: 21 Years\n    edited by hand (extract wrote 18 Years)\n" in explained
        assert 'trialx_female.txt, line 8 (labelled field): "18+ years"' in explained


def test_a_new_source_for_a_hand_edited_file_is_reported_and_the_file_kept(new_catalogue, capsys):
    (new_catalogue / "seeds" / "trialx_page.txt").write_text(trialx_page(record_of()), "utf-8")
    assert run(new_catalogue, "extract") == 0
    path = trial_path(new_catalogue)
    path.write_text(path.read_text("utf-8") + "# checked by the editor\n", "utf-8")
    shutil.copy(REGISTRY / f"{TRIAL}.json", new_catalogue / "seeds" / "record.json")
    capsys.readouterr()
    assert run(new_catalogue, "extract") == 0
    out = capsys.readouterr().out
    assert "kept hand-edited trials/nct00763412.yaml; not overwritten. A new source for it since: record.json" in out
    assert [p.name for p in (new_catalogue / "content" / "trials").glob("*.yaml")] == ["nct00763412.yaml"]


def test_a_file_extracted_before_provenance_gets_its_sidecar_when_unchanged(new_catalogue):
    shutil.copy(FIXTURES / "seeds" / "trialx_female.txt", new_catalogue / "seeds")
    assert run(new_catalogue, "extract") == 0
    sidecar = new_catalogue / "content" / ".provenance" / "nct09876543.json"
    written = trial_path(new_catalogue, "nct09876543").read_bytes()
    sidecar.unlink()
    assert run(new_catalogue, "extract") == 0
    assert sidecar.is_file() and trial_path(new_catalogue, "nct09876543").read_bytes() == written


def test_check_warns_when_a_cited_source_no_longer_says_the_value(new_catalogue, capsys):
    shutil.copy(FIXTURES / "seeds" / "trialx_female.txt", new_catalogue / "seeds")
    assert run(new_catalogue, "extract") == 0
    seed = new_catalogue / "seeds" / "trialx_female.txt"
    seed.write_text(seed.read_text("utf-8").replace("Example Oncology Group", "Another Group"), "utf-8")
    capsys.readouterr()
    assert run(new_catalogue, "check") == 0  # a warning: the content itself is valid
    assert "provenance: seeds/trialx_female.txt no longer says what sponsor were read from" in capsys.readouterr().err
    seed.unlink()
    assert run(new_catalogue, "check") == 0
    assert "provenance: seeds/trialx_female.txt no longer says what title, nct_id" in capsys.readouterr().err


def test_check_compares_nothing_when_the_catalogue_keeps_no_seeds_folder(new_catalogue, capsys):
    shutil.copy(FIXTURES / "seeds" / "trialx_female.txt", new_catalogue / "seeds")
    assert run(new_catalogue, "extract") == 0
    shutil.rmtree(new_catalogue / "seeds")
    capsys.readouterr()
    assert run(new_catalogue, "check") == 0
    assert "provenance:" not in capsys.readouterr().err


_REGISTRY_WORDS = {**STATUSES, **SEXES, **ALLOCATIONS, **MASKINGS}
_NUMBER_WORDS = {1: {"one", "single"}, 2: {"two"}, 3: {"three"}, 4: {"four"}, 5: {"five"}}
_ROMAN = {"1": "i", "2": "ii", "3": "iii", "4": "iv"}
_STEMS = {
    "Randomized": "randomi", "Non-randomized": "non", "None (Open Label)": "open", "Single": "single",
    "Double": "double", "Triple": "triple", "Quadruple": "quadruple", "Single centre": "single", "Multicentre": "multi",
    "All": "all|both", "Female": "female|women", "Male": "male|men", "Not applicable": r"n/?a|not applicable",
}  # fmt: skip


def says(quote: str, key: str, value, drug_names: dict[str, tuple[str, ...]]) -> bool:
    """Does the quoted text state the value, or the phrase it was read from?"""
    field = re.sub(r"\[\d+\]$", "", key)
    if _REGISTRY_WORDS.get(quote.strip('"[]').upper()) == value:  # the registry's enumeration: 'UNKNOWN'
        return True
    folded = quote.casefold()
    words = set(re.findall(r"[a-z0-9]+", folded))
    if isinstance(value, dict):
        value = value.get("date") or value.get("name") or value.get("measure") or value.get("facility") or value["city"]
    if field == "phase" and value != "Not applicable":
        digits = re.findall(r"\d", value)
        first, *others = [rf"(?:{d}|{_ROMAN[d]})[ab]?\b" for d in digits]  # 'Phase Ib/II', 'PHASE1', 'PHASE2'
        later = all(re.search(rf"\b(?:phase)?{o}", folded) for o in others)
        return bool(re.search(rf"phase\s*_?{first}", folded)) and later
    if value in _STEMS:
        return bool(re.search(_STEMS[value], folded))
    if field == "dates":
        return value[:4] in folded
    if field in {"min_age", "max_age", "enrollment", "design.arms"}:
        number = int(str(value).split()[0])
        in_words = bool(_NUMBER_WORDS.get(number, set()) & words)
        return str(number) in re.findall(r"\d+", folded.replace(",", "")) or in_words
    if field == "drugs":
        names = [value, *(alias for alias, drugs in drug_names.items() if value in drugs)]
        return any(set(re.findall(r"[a-z0-9]+", name.casefold())) <= {w.rstrip("s") for w in words} | words
                   for name in names)  # fmt: skip
    return set(re.findall(r"[a-z0-9]+", str(value).casefold())[:12]) <= words


DOCUMENTS = sorted(
    [*(ROOT / "seeds").glob("*.txt"), *(FIXTURES / "seeds").glob("*.txt"), *(FIXTURES / "documents").glob("*.txt")]
)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """The five seeds, the fixture documents and the registry fixtures, extracted together."""
    root = tmp_path_factory.mktemp("provenance")
    (root / "seeds").mkdir()
    (root / "content").mkdir()
    shutil.copy(ROOT / "content" / "drugs.yaml", root / "content")
    for path in [*DOCUMENTS, *REGISTRY.glob("*.json"), REGISTRY / "registry.csv"]:
        shutil.copy(path, root / "seeds" / path.name)
    assert run(root, "extract") == 0
    return root


def test_every_extracted_value_has_provenance_whose_quote_states_it(extracted, drug_index):
    checked = 0
    for path in sorted((extracted / "content" / "trials").glob("*.yaml")):
        trial = load_trial(path)
        provenance = load_provenance(extracted / "content", path.name)
        for fact in provenance.facts:
            assert fact.cited is not None, f"{path.name}: {fact.key} has no source"
            assert cited_text(extracted / "seeds" / fact.cited.document, fact.cited) == fact.cited.quote or (
                fact.cited.layout == "ctgov-csv"
            )
            if fact.cited.layout in {"ctgov-api", "ctgov-csv"} and fact.key.startswith(("design.", "sites", "drugs")):
                continue  # a count of arms or sites, or a drug named inside an intervention's record
            assert says(fact.cited.quote, fact.key, fact.value, drug_index.names), (path.name, fact)
            checked += 1
        keys = {fact.key for fact in provenance.facts}
        assert {"title", "nct_id"} & keys and all(k in keys for k in ("title", *(["sponsor"] if trial.sponsor else [])))
    assert checked > 800  # the seeds, documents and registry fixtures state this many values


def test_check_finds_every_provenance_true_right_after_extract(extracted, capsys):
    assert run(extracted, "check") == 0
    assert "provenance" not in capsys.readouterr().out
