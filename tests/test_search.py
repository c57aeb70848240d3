"""Finding a trial, as the build lays it out: the Pagefind index and its page markup, the search
page and the header's search box, catalogue.json for the home filters, and ages and sex on every
list row. What these do in a browser is tested in tests/quality/test_search_browser.py."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import fake_indexer, running, scratch_folders, wait_for
from trialsite.content import load_record
from trialsite.errors import BuildError
from trialsite.model import Trial
from trialsite.render import SiteBuilder, SiteConfig, background_index, build_site, search
from trialsite.render.background_index import BackgroundIndexer
from trialsite.render.publish import LivePublisher
from trialsite.render.search import SEARCH_DIR, pagefind_command
from trialsite.sync import render_trial

FIXTURE = Path(__file__).parent / "fixtures" / "render" / "content"
BASE = "https://example.org/sub/"
CONFIG = SiteConfig(title="Test Catalogue", description="Trials for testing.", base_url=BASE)
FILTER = re.compile(r'<span data-pagefind-filter="([^"]+)">([^<]*)</span>')


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "site"
    build_site(FIXTURE, out, CONFIG)
    return out


@pytest.fixture
def content(tmp_path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "content"))


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def filters(site: Path, slug: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in FILTER.findall(read(site, f"trials/{slug}/index.html")):
        found.setdefault(name, []).append(value)
    return found


def bundle(out: Path) -> dict[str, bytes]:
    """Every file of the search index, every shard's."""
    files = (p for p in sorted((out / SEARCH_DIR).rglob("*")) if p.is_file())
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in files}


def retitle(content: Path, slug: str, title: str) -> None:
    path = content / "trials" / f"{slug}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M), encoding="utf-8")


# The index and the markup it is made from


def test_only_the_trial_article_is_a_search_body(site):
    assert "<article class=\"trial\" aria-labelledby=\"trial-title\" data-pagefind-body>" in read(
        site, "trials/complete/index.html"
    )
    for page in ("index.html", "drugs/index.html", "drugs/s-1/index.html", "search/index.html", "404.html"):
        assert "data-pagefind-body" not in read(site, page), page


def test_trial_page_files_itself_under_drug_condition_phase_status_country_and_sex(site):
    assert filters(site, "complete") == {
        "Drug": ["durvalumab", "S-1"],
        "Condition": ["Biliary Tract Cancer", "Cholangiocarcinoma"],
        "Phase": ["Phase 1/2"],
        "Status": ["Active, not recruiting"],
        "Country": ["Location not stated"],  # its place is free text: no country is guessed from it
        "Sex": ["All"],
    }


def test_a_trial_that_states_nothing_is_filed_under_not_stated(site):
    assert filters(site, "unstated") == {
        **{name: ["Not stated"] for name in ("Drug", "Condition", "Phase", "Status", "Sex")},
        "Country": ["Location not stated"],
    }


def test_filter_values_are_escaped_text(site):
    text = read(site, "trials/hostile/index.html")
    assert '<span data-pagefind-filter="Condition">{% raw %}{{ 7*7 }} condition</span>' in text


def test_the_filters_are_hidden_and_not_indexed_as_text(site):
    text = read(site, "trials/complete/index.html")
    assert re.search(r"<div hidden data-pagefind-ignore>\s*<span data-pagefind-filter=", text)


def test_the_build_indexes_every_trial_page_and_nothing_else(site):
    entry = json.loads(read(site, f"{SEARCH_DIR}/pagefind-entry.json"))
    assert [language["page_count"] for language in entry["languages"].values()] == [3]


def test_indexing_trimmed_documents_gives_the_index_the_pages_give(site, tmp_path):
    """The build indexes each page less its ignored sections (faster); Pagefind on the pages
    themselves must make the same word index and fragments."""
    subprocess.run(pagefind_command(site, tmp_path / "direct"), check=True, capture_output=True)
    for part in ("index", "fragment"):
        direct = {p.name: p.read_bytes() for p in (tmp_path / "direct" / part).iterdir()}
        built = {p.name: p.read_bytes() for p in (site / SEARCH_DIR / part).iterdir()}
        assert direct == built, part


def test_the_index_has_a_table_for_each_filter(site):
    assert len(list((site / SEARCH_DIR / "filter").iterdir())) == 6


def test_the_search_ui_files_are_in_the_site(site):
    for name in ("pagefind-ui.js", "pagefind-ui.css", "pagefind.js", "wasm.en.pagefind"):
        assert (site / SEARCH_DIR / name).is_file(), name


# The search page and the header's search box


def test_search_page_points_pagefind_at_the_bundle_under_the_base_path(site):
    text = read(site, "search/index.html")
    assert 'data-bundle="/sub/pagefind/" data-base="/sub/"' in text
    assert '<link rel="stylesheet" href="/sub/pagefind/pagefind-ui.css">' in text
    assert '<script src="/sub/pagefind/pagefind-ui.js" defer></script>' in text
    assert '<script src="/sub/static/search.js" defer></script>' in text


def test_search_page_without_javascript_leads_to_every_index(site):
    fallback = read(site, "search/index.html").split('id="search-fallback"', 1)[1].split("</div>", 1)[0]
    assert "needs JavaScript" in fallback
    for route in ("", "drugs/", "conditions/", "phases/", "statuses/"):
        assert f'href="/sub/{route}"' in fallback, route


def test_search_page_is_in_the_sitemap(site):
    assert "<loc>https://example.org/sub/search/</loc>" in read(site, "sitemap.xml")


@pytest.mark.parametrize("page", ["index.html", "trials/complete/index.html", "drugs/index.html", "404.html"])
def test_every_page_has_a_search_box_that_works_without_javascript(site, page):
    text = read(site, page)
    assert '<form class="site-search" role="search" action="/sub/search/" method="get">' in text
    assert '<input id="site-search" type="search" name="q"' in text


# catalogue.json: the home filters' data


def test_catalogue_lists_every_trial_in_list_order(site):
    data = json.loads(read(site, "catalogue.json"))
    # The recruiting trial ("hostile") first, then by title.
    assert [trial["slug"] for trial in data["trials"]] == ["hostile", "unstated", "complete"]


def test_catalogue_gives_a_trials_row_facts_and_links_through_the_url_helper(site):
    data = json.loads(read(site, "catalogue.json"))
    complete = next(trial for trial in data["trials"] if trial["slug"] == "complete")
    assert (complete["nct_id"], complete["url"], complete["sex"], complete["ages"]) == (
        "NCT01234567",
        "/sub/trials/complete/",
        "All",
        "18 years to 75 years",
    )
    assert [data["terms"]["drugs"][ref] for ref in complete["drugs"]] == [
        ["durvalumab", "durvalumab", "/sub/drugs/durvalumab/"],
        ["s-1", "S-1", "/sub/drugs/s-1/"],
    ]
    assert [data["terms"]["statuses"][ref][0] for ref in complete["statuses"]] == ["active-not-recruiting"]


def test_catalogue_keeps_what_is_not_stated_as_null_or_empty(site):
    data = json.loads(read(site, "catalogue.json"))
    unstated = next(trial for trial in data["trials"] if trial["slug"] == "unstated")
    assert (unstated["sex"], unstated["ages"], unstated["phases"], unstated["drugs"]) == (None, None, [], [])
    assert data["not_stated"] == {"slug": "not-stated", "name": "Not stated"}


def test_home_page_tells_the_filter_script_where_the_catalogue_is(site):
    text = read(site, "index.html")
    assert 'data-catalogue="/sub/catalogue.json"' in text
    assert 'data-param="phase"' in text and 'data-param="status"' in text and 'data-param="drug"' in text


# Eligibility at a glance


def test_every_row_shows_ages_and_sex(site):
    text = read(site, "index.html")
    assert 'Ages: 18 years to 75 years <span aria-hidden="true">·</span> Sex: All</span>' in text
    assert 'Ages: 18 years or older <span aria-hidden="true">·</span> Sex: Female</span>' in text


def test_a_row_says_not_stated_for_unknown_ages_and_sex(site):
    text = read(site, "drugs/not-stated/index.html")
    assert (
        'Ages: <span class="not-stated">Not stated</span> <span aria-hidden="true">·</span> '
        'Sex: <span class="not-stated">Not stated</span>'
    ) in text


# Keeping the index in step with the pages


def test_an_edit_updates_the_index_like_a_cold_build(content, tmp_path):
    out = tmp_path / "site"
    build_site(content, out, CONFIG)
    before = bundle(out)
    retitle(content, "complete", "Pemigatinib for a renamed trial")
    build_site(content, out, CONFIG)
    build_site(content, tmp_path / "cold", CONFIG, clean=True)
    assert bundle(out) != before
    assert bundle(out) == bundle(tmp_path / "cold")


def test_a_build_that_changes_no_trial_page_keeps_the_index(content, tmp_path):
    out = tmp_path / "site"
    build_site(content, out, CONFIG)
    before = bundle(out)
    (out / "trials.json.gz").unlink()
    result = build_site(content, out, CONFIG)
    assert result.written == ("trials.json.gz",)
    assert bundle(out) == before and (out / SEARCH_DIR / "pagefind-entry.json").is_file()


def test_an_edit_to_what_search_does_not_read_keeps_the_index(content, tmp_path, monkeypatch):
    out = tmp_path / "site"
    build_site(content, out, CONFIG)
    path = content / "trials" / "complete.yaml"
    trial = load_record(path, Trial)
    path.write_text(render_trial(trial.model_copy(update={"locations": ["Leeds, United Kingdom"]})), "utf-8")
    monkeypatch.setattr(search, "index_site", lambda *args: pytest.fail("the index was made again"))
    result = build_site(content, out, CONFIG)
    assert "trials/complete/index.html" in result.written
    assert "Leeds, United Kingdom" in read(out, "trials/complete/index.html")


def test_a_search_file_missing_from_the_site_is_made_again(content, tmp_path):
    out = tmp_path / "site"
    build_site(content, out, CONFIG)
    before = bundle(out)
    (out / SEARCH_DIR / "pagefind-ui.js").unlink()
    result = build_site(content, out, CONFIG)
    assert "pagefind/pagefind-ui.js" in result.written
    assert bundle(out) == before


def test_the_preview_server_remakes_the_index_in_the_background(content, tmp_path):
    out = tmp_path / "live"
    builder = SiteBuilder(content, out, CONFIG, publisher=LivePublisher(out))
    builder.build()
    assert BackgroundIndexer.of(out).wait(120)
    retitle(content, "hostile", "A quieter title")
    result = builder.build()
    assert not [path for path in result.written if path.startswith(SEARCH_DIR)]  # not waited for
    assert BackgroundIndexer.of(out).wait(120)
    SiteBuilder(content, tmp_path / "cold", CONFIG).build(clean=True)
    live = sorted(p.relative_to(out).as_posix() for p in (out / SEARCH_DIR).rglob("*") if p.is_file())
    cold = sorted(
        p.relative_to(tmp_path / "cold").as_posix() for p in (tmp_path / "cold" / SEARCH_DIR).rglob("*") if p.is_file()
    )
    assert len(live) == len(cold)
    assert bundle(out) == bundle(tmp_path / "cold")


# Running the indexer


def test_a_build_counts_the_search_documents_and_shards_as_it_goes(content, tmp_path):
    seen: list[tuple[str, int, int]] = []
    SiteBuilder(content, tmp_path / "site", CONFIG, progress=lambda *count: seen.append(count)).build()
    steps = [count for count in seen if count[0].startswith("search")]
    assert steps == [("search documents", 3, 3), ("search index", 1, 1)]


def test_a_failing_indexer_stops_the_build_with_its_last_words(content, tmp_path, monkeypatch):
    out = tmp_path / "site"
    build_site(content, out, CONFIG)
    before = read(out, "index.html")
    monkeypatch.setenv(
        "PAGEFIND_BINARY_PATH", fake_indexer(tmp_path, "echo 'Error: no room for the index' >&2; exit 2")
    )
    retitle(content, "complete", "A title that needs a new index")
    with pytest.raises(BuildError, match=r"failed \(exit 2\): Error: no room for the index"):
        build_site(content, out, CONFIG)
    assert read(out, "index.html") == before


def test_an_indexer_that_hangs_is_stopped(content, tmp_path, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", fake_indexer(tmp_path, "exec sleep 60"))
    monkeypatch.setattr(search, "TIMEOUT", 1)
    with pytest.raises(BuildError, match="stopped after 1 s"):
        build_site(content, tmp_path / "site", CONFIG)


def test_the_background_index_does_not_replace_the_index_of_a_build_that_landed_meanwhile(
    content, tmp_path, monkeypatch
):
    out = tmp_path / "site"
    build_site(content, out, CONFIG)

    def index_while_a_build_lands(site_dir: Path, bundle_dir: Path, shards, started) -> None:
        bundle_dir.mkdir(parents=True)
        (bundle_dir / "pagefind-entry.json").write_text("the preview's index", "utf-8")
        build_site(content, out, CONFIG, clean=True)  # swaps in a site of its own, index and all

    monkeypatch.setattr(background_index, "_index_in_another_process", index_while_a_build_lands)
    BackgroundIndexer(out)._make({0})
    assert read(out, "pagefind/pagefind-entry.json") != "the preview's index"


def test_stopping_the_background_index_ends_pagefind_and_leaves_nothing_beside_the_site(content, tmp_path, monkeypatch):
    out = tmp_path / "site"
    build_site(content, out, CONFIG)
    before = bundle(out)
    pid_file = tmp_path / "pagefind.pid"
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", fake_indexer(tmp_path, f"echo $$ > {pid_file}; exec sleep 60"))
    indexer = BackgroundIndexer(out)
    indexer.request({0})
    assert wait_for(lambda: pid_file.exists() and pid_file.read_text().strip())
    pagefind = int(pid_file.read_text())
    indexer.stop()
    assert wait_for(lambda: not running(pagefind), timeout=5)
    assert indexer.error is None and not indexer.indexing
    assert scratch_folders(tmp_path) == []
    assert bundle(out) == before
