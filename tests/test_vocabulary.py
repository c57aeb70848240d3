"""The curated drug vocabulary comes with the package; a catalogue's own file adds to it and wins."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SEEDS
from trialsite.cli import main
from trialsite.content import drug_vocabulary, load_record
from trialsite.extract.drugs import DrugIndex
from trialsite.model import Trial
from trialsite.render.renderer import drug_class_table

OWN_VOCABULARY = """\
drugs:
  - name: S-1
    class: tegafur-based fluoropyrimidine
    synonyms: [tegafur combination]
    brands: []
    codes: []
  - name: zanubrutinib
    class: BTK inhibitor
    synonyms: []
    brands: [Brukinsa]
    codes: [BGB-3111]
regimens: []
"""


def _own(tmp_path: Path) -> Path:
    (tmp_path / "drugs.yaml").write_text(OWN_VOCABULARY, "utf-8")
    return tmp_path


def test_an_empty_catalogue_has_the_curated_names(tmp_path):
    index = DrugIndex.from_vocabulary(drug_vocabulary(tmp_path))
    assert [index.lookup(name) for name in ("S-1", "Nab-Paclitaxels", "aptinib", "FOLFOX")] == [
        ("S-1",), ("nab-paclitaxel",), ("apatinib",), ("folinic acid", "fluorouracil", "oxaliplatin"),
    ]


def test_the_catalogue_adds_names(tmp_path):
    index = DrugIndex.from_vocabulary(drug_vocabulary(_own(tmp_path)))
    assert index.lookup("BGB-3111") == ("zanubrutinib",)


def test_the_catalogue_entry_replaces_the_package_entry_of_the_same_name(tmp_path):
    vocabulary = drug_vocabulary(_own(tmp_path))
    assert [d.drug_class for d in vocabulary.drugs if d.name == "S-1"] == ["tegafur-based fluoropyrimidine"]
    index = DrugIndex.from_vocabulary(vocabulary)
    assert index.lookup("tegafur combination") == ("S-1",)
    assert "teysuno" not in index.names  # the package's brand went with its entry


def test_drug_pages_show_the_package_classes_in_an_empty_catalogue(tmp_path):
    assert drug_class_table(drug_vocabulary(tmp_path))["nab-paclitaxel"] == "taxane"


def test_seeds_extracted_into_an_empty_catalogue_keep_the_curated_names(tmp_path):
    assert main(ROOT, ["extract", "--seeds", str(SEEDS), "--content", str(tmp_path / "content")]) == 0
    drugs = {p.stem: load_record(p, Trial).drugs for p in (tmp_path / "content" / "trials").glob("*.yaml")}
    assert drugs["apatinib-plus-camrelizumab-in-patients-with-previously"] == ["apatinib", "camrelizumab"]
    assert drugs["anlotinib-plus-nab-paclitaxels-and-s-1-for-patients-with"] == ["anlotinib", "nab-paclitaxel", "S-1"]


def test_build_loads_no_extraction_vocabulary(project):
    """DrugBank's names and the MeSH condition table are for extract; build reads what extract wrote."""
    assert main(ROOT, ["extract", "--seeds", str(project / "seeds"), "--content", str(project / "content")]) == 0
    script = (
        "import sys; from pathlib import Path; from trialsite.cli import main; "
        f"code = main(Path({str(ROOT)!r}), ['build', '--content', {str(project / 'content')!r}, "
        f"'--out', {str(project / 'site')!r}]); "
        "loaded = [m for m in sys.modules if m.startswith(('drug_named_entity_recognition', 'trialsite.extract'))]; "
        "print(code, loaded)"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert run.stdout.splitlines()[-1] == "0 []"
