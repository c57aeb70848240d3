"""Drug names: combinations split, names normalized through the vocabulary editors keep."""

from __future__ import annotations

import pytest

from trialsite.extract.drugs import DrugFindings, DrugIndex, bare_name, drugs_in_intervention
from trialsite.extract.treatment import treatment_drugs


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
    assert treatment_drugs(text, drug_index) == ["anlotinib", "nab-paclitaxel", "S-1"]


def test_drugbank_fuzzy_false_hits_are_not_used(drug_index):
    assert treatment_drugs("aptinib", drug_index) == ["apatinib"]  # our synonym, not DrugBank's alprenolol
    assert treatment_drugs("alprenolx", drug_index) == []


@pytest.mark.parametrize(
    "name, drugs",
    [
        ("Sacubitril/Valsartan", ["sacubitril", "valsartan"]),
        ("Lamivudine/Zidovudine/Nevirapine FDC", ["lamivudine", "zidovudine", "nevirapine"]),
        ("bedaquiline, pretomanid, and linezolid", ["bedaquiline", "pretomanid", "linezolid"]),
        ("Methylprednisolone or Prednisolone", ["methylprednisolone", "prednisolone"]),
        ("Tegafur/Gimeracil/Oteracil", ["S-1"]),
        ("Pembrolizumab 2 mg/kg IV", ["pembrolizumab"]),
    ],
)
def test_combinations_split_into_their_drugs(drug_index, name, drugs):
    assert intervention_drugs(name, drug_index).drugs == drugs


@pytest.mark.parametrize(
    "name, drugs",
    [
        ("ABC-1234", ["ABC-1234"]),
        ("S 95010", ["S 95010"]),
        ("Omicron COVID-19 Vaccine", ["Omicron COVID-19 Vaccine"]),
        ("Hepatitis B Vaccine", ["hepatitis b vaccine"]),  # DrugBank's generic as written: words kept
    ],
)
def test_codes_and_multi_word_names_stay_whole(drug_index, name, drugs):
    assert intervention_drugs(name, drug_index).drugs == drugs


def test_drugbank_name_is_shown_as_the_document_writes_the_generic():
    assert DrugIndex({}).lookup("Apatinib") == ("apatinib",)  # not DrugBank's "rivoceranib"


def test_drugbank_brand_gives_the_generic():
    assert DrugIndex({}).lookup("Stelara") == ("ustekinumab",)


def test_two_synonyms_of_one_drug_meet_under_one_name():
    index = DrugIndex({})
    assert [index.lookup("Rifampicin"), index.lookup("rifampin")] == [("rifampicin",), ("rifampicin",)]


def test_a_drug_keeps_the_name_the_catalogue_already_shows():
    index = DrugIndex({}, catalogue_drugs=lambda: ["rivoceranib"])
    assert index.lookup("apatinib") == ("rivoceranib",)


@pytest.mark.parametrize("name", ["Antibodies", "Glucocorticoids", "RNA-directed DNA polymerase", "cDNA"])
def test_drugbank_classes_and_molecules_are_no_drug(name):
    assert DrugIndex({}).lookup(name) is None
