"""The structured sites of registry records on the trial page, in every list row and in the exports."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, read_export
from trialsite.cli import main


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("registry-site")
    (root / "content").mkdir()
    shutil.copy(ROOT / "content" / "drugs.yaml", root / "content" / "drugs.yaml")
    shutil.copytree(FIXTURES / "registry", root / "seeds", ignore=shutil.ignore_patterns("*.csv", "*.py", "*.md"))
    assert main(ROOT, ["extract", "--seeds", str(root / "seeds"), "--content", str(root / "content")]) == 0
    assert main(ROOT, ["build", "--content", str(root / "content"), "--out", str(root / "site")]) == 0
    return root / "site"


def test_the_trial_page_lists_each_site_with_facility_city_and_state_under_its_country(site):
    page = (site / "trials" / "nct06171568" / "index.html").read_text("utf-8")
    group = re.search(r'<h3 id="sites-1">(.*?)</h3>\s*<table class="sites".*?<tbody>(.*?)</tbody>', page, re.S)
    heading, table = group.groups()
    assert heading.startswith('<a href="/countries/france/">France</a>')
    rows = [re.findall(r"<td>(.*?)</td>", tr) for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    assert rows == [["Neurosurgery - Lariboisière hospital", "Paris", "Ile-de-France"]]  # facility, city, state


def test_a_trial_in_several_countries_lists_its_sites_country_by_country(site):
    page = (site / "trials" / "nct02552212" / "index.html").read_text("utf-8")
    countries = re.findall(r'<h3 id="sites-\d+"><a href="[^"]+">([^<]+)</a> <span class="count">\((\d+) sites?\)', page)
    assert [name for name, _ in countries] == [
        "Australia", "Bulgaria", "Canada", "Czechia", "Hungary", "Poland", "Russian Federation", "Taiwan",
        "United States",
    ]  # fmt: skip
    assert sum(int(n) for _, n in countries) == 105


def test_a_date_stated_to_the_month_shows_as_month_and_year(site):
    page = (site / "trials" / "nct00763412" / "index.html").read_text("utf-8")
    assert '<time datetime="2006-11">November 2006</time>' in page


def test_list_rows_say_where_the_trial_runs(site):
    home = (site / "index.html").read_text("utf-8")
    assert "Sites: Saint Louis, Missouri, United States" in home
    assert "Sites: 105 sites: United States, Australia, Bulgaria and 6 more countries" in home


def test_the_exports_carry_the_sites(site):
    records = {r["nct_id"]: r for r in json.loads(read_export(site, "trials.json"))}
    assert records["NCT06171568"]["sites"] == [
        {"facility": "Neurosurgery - Lariboisière hospital", "city": "Paris", "state": "Ile-de-France",
         "country": "France", "lat": 48.85341, "lon": 2.3488},
    ]  # fmt: skip
    rows = {r["nct_id"]: r for r in csv.DictReader(io.StringIO(read_export(site, "trials.csv")))}
    assert rows["NCT06171568"]["sites"] == (
        "facility: Neurosurgery - Lariboisière hospital, city: Paris, state: Ile-de-France, country: France, "
        "lat: 48.85341, lon: 2.3488"
    )
