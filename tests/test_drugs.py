"""Drug names: combinations split, names normalized through the vocabulary editors keep."""

from __future__ import annotations

import pytest

from trialsite.extract.drugs import DrugFindings, bare_name, drugs_in_intervention, drugs_in_text


def intervention_drugs(name, drug_index):
    findings = DrugFindings()
    drugs_in_intervention(name, drug_index, findings)
    return findings


@pytest.mark.parametrize(
    "name, drugs",
    [
        ("Durvalumab combined with S-1", ["durvalumab", "S-1"]),
        ("Pemigatinib and Durvalumab", ["pemigatinib", "durvalumab"]),
        ("Apatinib plus Camrelizumab", ["apatinib", "camrelizumab"]),
        ("aptinib + camrelizumab", ["apatinib", "camrelizumab"]),
        ("Nab-Paclitaxels", ["nab-paclitaxel"]),
        ("Imfinzi", ["durvalumab"]),
        ("MEDI4736", ["durvalumab"]),
        ("Tegafur/Gimeracil/Oteracil", ["S-1"]),
        ("FOLFOX", ["folinic acid", "fluorouracil", "oxaliplatin"]),
        ("Pembrolizumab 200 mg IV", ["pembrolizumab"]),
        ("Durvalumab plus placebo", ["durvalumab"]),
        ("Investigational agent (INCB054828)", ["pemigatinib"]),
    ],
)
def test_intervention_names(drug_index, name, drugs):
    assert intervention_drugs(name, drug_index).drugs == drugs


def test_unknown_name_kept_as_written_and_reported(drug_index):
    findings = intervention_drugs("ZX-9999 tablets", drug_index)
    assert (findings.drugs, findings.unknown) == (["ZX-9999"], ["ZX-9999"])


def test_repeated_drug_listed_once(drug_index):
    assert intervention_drugs("Durvalumab and MEDI4736", drug_index).drugs == ["durvalumab"]


def test_bare_name_strips_doses_and_routes():
    assert bare_name("Capecitabine 1000 mg/m2 orally twice daily") == "Capecitabine"


def test_text_scan_finds_only_known_names_in_order(drug_index):
    text = "Anlotinib Plus Nab-Paclitaxels and S-1 for Patients with Advanced Biliary Tract Cancer"
    assert drugs_in_text(text, drug_index) == ["anlotinib", "nab-paclitaxel", "S-1"]


def test_drugbank_fuzzy_false_hits_are_not_used(drug_index):
    assert drugs_in_text("aptinib", drug_index) == ["apatinib"]  # our synonym, not DrugBank's alprenolol
    assert drugs_in_text("alprenolx", drug_index) == []
