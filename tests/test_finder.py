"""Finding a trial as a patient would: country pages and counts, ages compared across units, the
date a record was last updated, on the registry fixtures and on the bench's synthetic trials."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from trialsite.cli import main
from trialsite.model import StatedDate
from trialsite.render.finder import age_in_days, last_update


def build(root: Path, seeds: Path | None = None) -> Path:
    """Extract `seeds` (if given) into root/content, then build root/site."""
    content = root / "content"
    if seeds is not None:
        content.mkdir()
        shutil.copy(ROOT / "content" / "drugs.yaml", content / "drugs.yaml")
        assert main(ROOT, ["extract", "--seeds", str(seeds), "--content", str(content)]) == 0
    assert main(ROOT, ["build", "--content", str(content), "--out", str(root / "site")]) == 0
    return root / "site"


@pytest.fixture(scope="module")
def registry_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("finder-registry")
    shutil.copytree(FIXTURES / "registry", root / "seeds", ignore=shutil.ignore_patterns("*.csv", "*.py", "*.md"))
    return build(root, root / "seeds")


def country_index(site: Path) -> dict[str, int]:
    """The countries index as (country, number of trials), read off its table."""
    page = (site / "countries" / "index.html").read_text("utf-8")
    rows = re.findall(r'<a href="[^"]+">([^<]+)</a></th>\s*<td class="num" data-label="Trials">(\d+)</td>', page)
    return {name: int(n) for name, n in rows}


def stated_countries(record: dict) -> set[str]:
    """The countries a registry record's locations state, read straight from its JSON."""
    module = record["protocolSection"].get("contactsLocationsModule", {})
    return {site["country"] for site in module.get("locations", []) if site.get("country")}


def test_the_countries_index_counts_each_registry_trial_once_per_country_it_runs_in(registry_site):
    records = [json.loads(path.read_text("utf-8")) for path in sorted((FIXTURES / "registry").glob("NCT*.json"))]
    expected = Counter(country for record in records for country in stated_countries(record))
    unstated = sum(1 for record in records if not stated_countries(record))
    index = country_index(registry_site)
    assert index == {**expected, **({"Location not stated": unstated} if unstated else {})}
    assert index["United States"] == 4


def test_a_country_page_lists_the_trials_that_run_there(registry_site):
    page = (registry_site / "countries" / "france" / "index.html").read_text("utf-8")
    assert "<h1>France</h1>" in page
    assert re.findall(r'class="trial-link" href="/trials/([^/]+)/"', page) == ["nct06171568"]


def test_the_trial_page_gives_its_status_with_the_date_the_source_states_for_it(registry_site):
    page = (registry_site / "trials" / "nct06171568" / "index.html").read_text("utf-8")
    assert (
        '<span class="status-date">Last update posted <time datetime="2023-12-14">14 December 2023</time></span>'
        in page
    )


def test_the_feed_dates_each_entry_by_the_records_last_update(registry_site):
    feed = (registry_site / "feed.xml").read_text("utf-8")
    entry = re.search(r"<entry>(?:(?!</entry>).)*/trials/nct06171568/(?:(?!</entry>).)*</entry>", feed, re.S)
    assert "<updated>2023-12-14T00:00:00Z</updated>" in entry.group(0)


def test_ages_in_months_weeks_and_days_compare_with_years():
    assert age_in_days("12 Months") == age_in_days("1 Years")
    assert age_in_days("52 Weeks") < age_in_days("1 Years") < age_in_days("53 Weeks")
    assert age_in_days("365 Days") < age_in_days("1 Years") < age_in_days("366 Days")
    assert age_in_days(None) is None


def test_the_last_update_is_the_registrys_label_before_a_pages_current_as_of():
    dates = [
        StatedDate(label="Current as of", date="2025-09-10"),
        StatedDate(label="Last update posted", date="2024-01-02"),
        StatedDate(label="Study start", date="2026-01-01"),
    ]
    assert last_update(dates) == dates[1]
    assert last_update(dates[::2]) == dates[0]
    assert last_update(dates[2:]) is None


def test_country_pages_count_the_bench_catalogue_as_its_records_state(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    generate.generate(300, tmp_path, seed=5, jobs=1)
    records = [generate.make_record(index, 5) for index in range(300)]
    expected = Counter(country for record in records for country in {s["country"] for s in record.get("sites", [])})
    expected["Location not stated"] = sum(1 for record in records if not record.get("sites"))
    assert country_index(build(tmp_path)) == expected
