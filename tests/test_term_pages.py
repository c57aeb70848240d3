"""Every term kind's page address is bounded, unique and stable (`trialsite/slugs.py`), so a long
or non-Latin name `check` accepts builds; and what `check` says about files sharing a registry id."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trialsite.cli import main
from trialsite.content import load_record
from trialsite.model import PHASES, STATUSES, Trial
from trialsite.render.taxonomy import TAXONOMIES, slugged_terms
from trialsite.slugs import MAX_PREFIX, term_slug
from trialsite.sync import render_trial

FIXTURE = Path(__file__).parent / "fixtures" / "render" / "content"
# A registry condition with its stage and prior-therapy qualifiers, as an editor pastes it.
LONG_CONDITION = (
    "Locally Advanced or Metastatic Biliary Tract Cancer (Intrahepatic or Extrahepatic Cholangiocarcinoma, "
    "Gallbladder Carcinoma or Ampulla of Vater Carcinoma), Stage III-IV per AJCC 8th Edition, After Disease "
    "Progression on or Intolerance to First-line Gemcitabine and Cisplatin With or Without Durvalumab"
)
LONG_NON_LATIN = "肝内胆管癌" * 60  # 900 bytes of UTF-8, and no ASCII word at all
BOUND = MAX_PREFIX + 2 + 12  # prefix, '--', hash


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "content")
    (tmp_path / "site.toml").write_text('title = "T"\ndescription = "D"\nbase_url = "/"\n', "utf-8")
    return tmp_path


def edit(project: Path, slug: str, **changes) -> None:
    path = project / "content" / "trials" / f"{slug}.yaml"
    trial = load_record(path, Trial)
    path.write_text(render_trial(trial.model_copy(update=changes)), "utf-8")


def check(project: Path) -> int:
    return main(project, ["check", "--content", str(project / "content")])


def build(project: Path) -> int:
    return main(project, ["build", "--content", str(project / "content"), "--out", str(project / "site")])


def term_pages(project: Path, key: str) -> list[str]:
    return sorted(path.name for path in (project / "site" / key).iterdir() if path.is_dir())


@pytest.mark.parametrize(
    ("field", "key"),
    [("conditions", "conditions"), ("drugs", "drugs"), ("condition_headings", "conditions")],
)
@pytest.mark.parametrize("name", [LONG_CONDITION, LONG_NON_LATIN])
def test_a_long_term_name_check_accepts_builds_into_a_bounded_page(project, field, key, name):
    value = {"Cholangiocarcinoma": name} if field == "condition_headings" else [name]
    edit(project, "complete", **{field: value})
    assert check(project) == 0
    assert build(project) == 0
    slug = term_slug(name)
    assert len(slug.encode("utf-8")) <= BOUND and slug in term_pages(project, key)
    assert f"/{key}/{slug}/" in (project / "site" / "trials" / "complete" / "index.html").read_text("utf-8")


# A future kind (sponsors) reads its terms the same way: through `slugged_terms`.
SPONSORS = dataclasses.replace(
    TAXONOMIES[0], key="sponsors", terms_of=lambda trial: [trial.sponsor] if trial.sponsor else []
)


@pytest.mark.parametrize("taxonomy", [*TAXONOMIES, SPONSORS], ids=lambda taxonomy: taxonomy.key)
def test_every_term_kind_files_a_long_name_under_a_bounded_address(taxonomy):
    trial = load_record(FIXTURE / "trials" / "complete.yaml", Trial)
    long_names = dataclasses.replace(taxonomy, terms_of=lambda trial: [LONG_CONDITION, LONG_NON_LATIN])
    for name, slug in slugged_terms(long_names, trial):
        assert len(slug.encode("utf-8")) <= BOUND, (taxonomy.key, name)
    assert slugged_terms(taxonomy, trial) == tuple((name, term_slug(name)) for name in taxonomy.terms_of(trial))


@pytest.mark.parametrize("name", [*PHASES, *STATUSES])
def test_vocabulary_terms_keep_their_readable_addresses(name):
    assert term_slug(name) == name.casefold().replace(",", "").replace("/", "-").replace(" ", "-")


def test_two_long_names_that_share_their_first_words_get_two_pages(project):
    edit(project, "complete", conditions=[LONG_CONDITION + " Cohort A"])
    edit(project, "unstated", conditions=[LONG_CONDITION + " Cohort B"])
    assert build(project) == 0
    a, b = term_slug(LONG_CONDITION + " Cohort A"), term_slug(LONG_CONDITION + " Cohort B")
    assert a != b and a[:MAX_PREFIX - 10] == b[:MAX_PREFIX - 10]
    assert {a, b} <= set(term_pages(project, "conditions"))
    page_a = (project / "site" / "conditions" / a / "index.html").read_text("utf-8")
    page_b = (project / "site" / "conditions" / b / "index.html").read_text("utf-8")
    assert "/trials/complete/" in page_a and "/trials/unstated/" not in page_a
    assert "/trials/unstated/" in page_b and "/trials/complete/" not in page_b


@pytest.mark.parametrize(
    ("one", "other"),
    [("COVID-19 新冠", "COVID-19 肺炎"), ("Ωmega syndrome", "mega syndrome"), ("क", "का"), ("😀", "😷")],
)
def test_names_that_differ_in_more_than_ascii_get_different_addresses(one, other):
    assert term_slug(one) != term_slug(other)


@pytest.mark.parametrize(
    "names",
    [["Café Über", "cafe-uber", "CAFÉ  ÜBER!", "Ｃａｆé Über", "Cafe\u0301 Uber"], ["Straße", "STRASSE"],
     ["COVID-19 新冠", "covid 19 — 新冠"], [LONG_CONDITION, LONG_CONDITION.upper(), LONG_CONDITION.replace(",", ";")]],
)
def test_names_that_differ_only_in_case_punctuation_accents_or_width_share_an_address(names):
    assert len({term_slug(name) for name in names}) == 1


def test_an_address_is_the_same_in_every_process():
    """Not Python's per-process `hash()`: the addresses of one catalogue never move between builds."""
    code = f"from trialsite.slugs import term_slug; print(term_slug({LONG_CONDITION!r}), term_slug('胆管癌'))"
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    assert runs == {f"{term_slug(LONG_CONDITION)} {term_slug('胆管癌')}\n"}


def test_check_names_both_files_that_share_a_registry_id(project, capsys):
    shutil.copy(project / "content" / "trials" / "complete.yaml", project / "content" / "trials" / "again.yaml")
    assert check(project) == 0  # a warning: both pages are valid
    out = capsys.readouterr()
    trials = project / "content" / "trials"
    assert f"{trials / 'again.yaml'}:3: nct_id: NCT01234567 is also the registry id of complete.yaml" in out.err
    assert f"{trials / 'complete.yaml'}:3: nct_id: NCT01234567 is also the registry id of again.yaml" in out.err
    assert "2 warnings" in out.out


def test_check_refuses_a_pipe_where_a_trial_file_should_be_instead_of_waiting(project, capsys):
    os.mkfifo(project / "content" / "trials" / "pipe.yaml")
    assert check(project) == 1
    assert f"{project / 'content' / 'trials' / 'pipe.yaml'}: not a regular file" in capsys.readouterr().err
