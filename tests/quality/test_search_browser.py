"""Finding a trial in real headless Chromium (Debian's, driven by Playwright): Pagefind's full-text
search on the search page, under the GitHub Pages sub-path and in `serve`, and the home page's
filters, which combine, count, live in the address and work across the paginated catalogue.

The quality site (tests/quality/conftest.py) is the repo's own content; the paginated checks use
a catalogue of generated trials, large enough for three home pages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import generate_trials, serving
from trialsite.render import build_site as render_site
from trialsite.render import shards
from trialsite.render.config import load_config

from ._site import BASE_URL, ROOT, SiteServer, build_site

PEMIGATINIB = "trials/pemigatinib-combined-with-durvalumab-for-previously-treated/"
GENERATED_TRIALS = 350  # four home pages of 100; over 100 of them completed


@pytest.fixture
def new_page(browser):
    """new_page(scheme): a page in a fresh context; its console errors and failed requests are
    collected in page.problems."""
    contexts = []

    def run(scheme: str = "light", javascript: bool = True):
        context = browser.new_context(color_scheme=scheme, java_script_enabled=javascript,
                                      viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: page.problems.append(f"request failed: {r.url}"))
        page.on("response", lambda r: r.status >= 400 and page.problems.append(f"HTTP {r.status}: {r.url}"))
        return page

    yield run
    for context in contexts:
        context.close()


def search(page, url: str, term: str) -> list[str]:
    """Type `term` into Pagefind's box on the search page at `url`; the result links' hrefs."""
    page.goto(url)
    box = page.locator(".pagefind-ui__search-input")
    box.fill(term)
    message = page.locator(".pagefind-ui__message", has_text=re.compile(rf"results? for {re.escape(term)}"))
    message.wait_for(timeout=15000)
    if not message.inner_text().startswith("No "):  # the count shows before the results load
        page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15000)
    return page.locator(".pagefind-ui__result-link").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def rows(page) -> list[str]:
    """The trial links of the home table's visible rows."""
    return page.locator("#catalogue tbody tr:not([hidden]) .trial-link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


def eventually(check, timeout: float = 15):
    """Poll `check` until it returns something true (Playwright's wait_for_function evaluates a
    string, which the site's Content-Security-Policy rightly refuses). A check that fails while
    the preview is still swapping its index in is tried again until the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
        except Exception:
            if time.monotonic() >= deadline:
                raise
            value = None
        if value:
            return value
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.1)


def filtered(page) -> None:
    """Wait until the home table shows the filtered view (the catalogue fetched and rendered)."""
    page.locator("#filter-clear").wait_for(state="visible", timeout=15000)
    page.locator("#catalogue:not([aria-busy])").wait_for(state="attached", timeout=15000)


def result_count(page) -> int:
    """The number in Pagefind's "N results for ..." line; 0 while it is still searching."""
    match = re.match(r"(\d+) results? for", page.locator(".pagefind-ui__message").inner_text())
    return int(match[1]) if match else 0


def chip(page, taxonomy: str, value: str):
    return page.locator(f'a[data-filter="{taxonomy}"][data-value="{value}"]')


# Full-text search


def test_searching_pemigatinib_finds_the_pemigatinib_trial(new_page, site_server):
    page = new_page()
    found = search(page, site_server.url("search/"), "pemigatinib")
    assert site_server.base_path + PEMIGATINIB in found
    page.locator(".pagefind-ui__result-link").first.click()
    page.wait_for_url(site_server.url(PEMIGATINIB))
    assert "Pemigatinib" in page.locator("h1").inner_text()
    assert not page.problems, page.problems


def test_the_header_search_box_leads_to_results(new_page, site_server):
    page = new_page()
    page.goto(site_server.url(""))
    page.fill("#site-search", "pemigatinib")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/search/?q=pemigatinib")
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15000)
    found = page.locator(".pagefind-ui__result-link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert found == [site_server.base_path + PEMIGATINIB]


def test_a_search_filter_narrows_the_results(new_page, site_server):
    page = new_page()
    everything = search(page, site_server.url("search/"), "cancer")
    page.locator(".pagefind-ui__filter-name", has_text="Phase").click()
    page.locator('label[for="Phase-Phase 2"]').click()
    narrowed = eventually(lambda: 0 < result_count(page) < len(everything) and result_count(page))
    eventually(lambda: page.locator(".pagefind-ui__result-link").count() == narrowed)


def test_the_search_page_without_javascript_leads_to_the_indexes(new_page, site_server):
    page = new_page(javascript=False)
    page.goto(site_server.url("search/?q=pemigatinib"))
    fallback = page.locator("#search-fallback")
    assert fallback.is_visible() and "needs JavaScript" in fallback.inner_text()
    assert fallback.locator("a").count() == 6  # all trials, and each of the five indexes


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_page_has_no_accessibility_violations(new_page, axe, site_server, scheme):
    page = new_page(scheme)
    search(page, site_server.url("search/"), "cancer")
    for name in page.locator(".pagefind-ui__filter-name").all():
        name.click()  # open every filter group, so axe sees the checkboxes too
    violations = axe.run(page).response["violations"]
    assert not violations, json.dumps(
        [{"id": v["id"], "help": v["help"], "nodes": [n["html"][:200] for n in v["nodes"][:3]]} for v in violations],
        indent=1,
    )


def test_the_search_downloads_no_more_than_it_needs(new_page, site_server):
    """Pagefind fetches the entry file, one language's metadata, wasm and the chunks a search
    touches; nothing comes from another host."""
    page = new_page()
    urls = []
    page.on("request", lambda r: urls.append(r.url))
    search(page, site_server.url("search/"), "pemigatinib")
    assert all(url.startswith(site_server.origin) for url in urls), urls
    assert [url for url in urls if "/pagefind/" in url and url.endswith(".pf_fragment")]


# The home page's filters


def test_a_filter_by_phase_narrows_the_list(new_page, site_server):
    page = new_page()
    page.goto(site_server.url(""))
    everything = rows(page)
    chip(page, "phases", "phase-2").click()
    page.wait_for_url("**/?phase=phase-2")
    filtered(page)
    narrowed = rows(page)
    assert 0 < len(narrowed) < len(everything)
    phases = page.locator("#catalogue tbody tr td:nth-child(2)").all_inner_texts()
    assert phases and all(text == "Phase 2" for text in phases)
    assert chip(page, "phases", "phase-2").get_attribute("aria-current") == "true"
    assert not page.problems, page.problems


def test_a_filtered_address_reloads_into_the_same_view(new_page, site_server):
    page = new_page()
    page.goto(site_server.url(""))
    chip(page, "phases", "phase-2").click()
    page.wait_for_url("**/?phase=phase-2")
    filtered(page)
    before = rows(page)
    page.reload()
    filtered(page)
    assert rows(page) == before
    assert chip(page, "phases", "phase-2").get_attribute("aria-current") == "true"


def test_back_undoes_a_filter(new_page, site_server):
    page = new_page()
    page.goto(site_server.url(""))
    everything = rows(page)
    chip(page, "phases", "phase-2").click()
    page.wait_for_url("**/?phase=phase-2")
    page.go_back()
    page.locator("#filter-clear").wait_for(state="hidden")
    assert rows(page) == everything


def test_filters_combine_and_each_chip_counts_what_it_would_match(new_page, site_server):
    page = new_page()
    page.goto(site_server.url("?phase=phase-2"))
    filtered(page)
    counts = {
        link.get_attribute("data-value"): int(link.locator(".count").inner_text().strip("() trials"))
        for link in page.locator('a[data-filter="drugs"]').all()
    }
    drug = next(value for value, n in counts.items() if 0 < n < len(rows(page)))
    chip(page, "drugs", drug).click()
    page.wait_for_url(f"**/?phase=phase-2&drug={drug}")
    filtered(page)
    assert len(rows(page)) == counts[drug]
    drugs = page.locator("#catalogue tbody tr td:nth-child(4)").all_inner_texts()
    assert all(drug.replace("-", "") in text.lower().replace("-", "") for text in drugs), drugs


def test_with_javascript_off_the_filters_are_links_to_the_indexes(new_page, site_server):
    page = new_page(javascript=False)
    page.goto(site_server.url(""))
    chip(page, "phases", "phase-2").click()
    page.wait_for_url(site_server.url("phases/phase-2/"))
    assert "Phase 2" in page.locator("h1").inner_text()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_filtered_home_page_has_no_accessibility_violations(new_page, axe, site_server, scheme):
    page = new_page(scheme)
    page.goto(site_server.url("?phase=phase-2"))
    filtered(page)
    violations = axe.run(page).response["violations"]
    assert not violations, json.dumps([{"id": v["id"], "help": v["help"]} for v in violations])


# Across pages: a catalogue of generated trials


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generated catalogue's folder, its content in content/."""
    return generate_trials(GENERATED_TRIALS, tmp_path_factory.mktemp("big"), seed=3)


@pytest.fixture(scope="module")
def big_site(generated):
    work = generated
    proc = subprocess.run(
        [sys.executable, "build.py", "build", "--content", str(work / "content"), "--out", str(work / "site"),
         "--base-url", BASE_URL],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    server = SiteServer(work / "site").start()
    yield server, json.loads((work / "site" / "catalogue.json").read_text("utf-8"))
    server.stop()


def with_status(catalogue: dict, slug: str) -> list[str]:
    statuses = catalogue["terms"]["statuses"]
    return [t["url"] for t in catalogue["trials"] if any(statuses[ref][0] == slug for ref in t["statuses"])]


def test_filtering_reaches_trials_on_every_page_of_the_list(new_page, big_site):
    server, catalogue = big_site
    recruiting = with_status(catalogue, "recruiting")
    assert 5 < len(recruiting) <= 100
    page = new_page()
    page.goto(server.url("page/3/?status=recruiting"))
    filtered(page)
    assert rows(page) == recruiting  # the whole catalogue, in list order, not just page 3's rows
    assert page.locator(".results .pager").is_hidden()


def test_long_results_come_a_hundred_at_a_time(new_page, big_site):
    server, catalogue = big_site
    completed = with_status(catalogue, "completed")
    assert 100 < len(completed) <= 200
    page = new_page()
    page.goto(server.url("?status=completed"))
    filtered(page)
    assert rows(page) == completed[:100]
    page.click("#filter-more")
    assert rows(page) == completed
    assert page.locator("#filter-more").is_hidden()
    assert page.evaluate("document.activeElement.getAttribute('href')") == completed[100]


def test_the_catalogue_file_is_fetched_only_when_a_filter_is_on(new_page, big_site):
    server, _ = big_site
    page = new_page()
    fetched = []
    page.on("request", lambda r: r.url.endswith("catalogue.json") and fetched.append(r.url))
    page.goto(server.url(""))
    page.wait_for_load_state("networkidle")
    assert fetched == []
    chip(page, "phases", "phase-2").click()
    filtered(page)
    assert fetched == [server.url("catalogue.json")]


# In the preview server


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    project = tmp_path_factory.mktemp("serve-search")
    shutil.copytree(ROOT / "content", project / "content")
    (project / "seeds").mkdir()
    with serving(project, "/preview/") as (port, _):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # serve makes the search index in the background
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/preview/pagefind/pagefind-entry.json", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/preview/", project


def test_search_works_in_the_preview_server(new_page, preview):
    url, _ = preview
    page = new_page()
    found = search(page, url + "search/", "pemigatinib")
    assert found == ["/preview/" + PEMIGATINIB]


def test_the_preview_servers_index_follows_an_edit(new_page, preview):
    url, project = preview
    trial = project / "content" / "trials" / "nct07063888.yaml"
    text = trial.read_text("utf-8")
    trial.write_text(text.replace("title: >-\n  A Prospective", "title: >-\n  Zanzibarian A Prospective", 1), "utf-8")
    page = new_page()
    found = eventually(lambda: search(page, url + "search/", "zanzibarian"), timeout=60)
    assert found == ["/preview/trials/nct07063888/"]


def test_search_works_under_another_base_path(tmp_path, new_page):
    """Nothing in the bundle or the page hard-codes the path the site is served under."""
    out = tmp_path / "site"
    proc = build_site(out, "https://example.org/elsewhere/")
    assert proc.returncode == 0, proc.stderr[-2000:]
    server = SiteServer(out, "/elsewhere/").start()
    try:
        found = search(new_page(), server.url("search/"), "pemigatinib")
    finally:
        server.stop()
    assert found == ["/elsewhere/" + PEMIGATINIB]


# An index in shards: the generated catalogue indexed whole, and in eight shards merged in the browser

SHARD_TRIALS = 40  # the generated catalogue in eight shards of about 44 trials
# Pagefind's own API on the search page, told where the index and its shards are by the page's
# markup (as search.js tells its UI): the trials a search finds, and the filter counts.
SEARCH_API = """async ([term, filters]) => {
  const container = document.getElementById("search");
  const bundle = container.getAttribute("data-bundle");
  const merged = (container.getAttribute("data-merge") || "").split(" ").filter(Boolean);
  const pagefind = await import(bundle + "pagefind.js?api");  // not the UI's instance
  await pagefind.options({ basePath: bundle, baseUrl: container.getAttribute("data-base") });
  for (const path of merged) { await pagefind.mergeIndex(path); }
  const search = await pagefind.search(term, { filters });
  const found = await Promise.all(search.results.map(result => result.data()));
  return {
    shards: 1 + merged.length,
    trials: found.map(data => data.url).sort(),
    filters: search.filters,
    catalogue: await pagefind.filters(),
  };
}"""


@pytest.fixture(scope="module")
def shard_servers(generated):
    """name -> server: "whole" indexed in one bundle, "sharded" in eight."""
    config = load_config(ROOT / "site.toml", BASE_URL)
    render_site(generated / "content", generated / "whole", config)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shards, "SHARD_TRIALS", SHARD_TRIALS)
        render_site(generated / "content", generated / "sharded", config)
    servers = {name: SiteServer(generated / name).start() for name in ("whole", "sharded")}
    yield servers
    for server in servers.values():
        server.stop()


def searched(new_page, server, term: str, filters: dict) -> dict:
    page = new_page()
    page.goto(server.url("search/"))
    found = page.evaluate(SEARCH_API, [term, filters])
    assert not page.problems, page.problems
    return found


@pytest.mark.parametrize(
    ("term", "filters"),
    [
        ("cancer", {}),
        ("cancer", {"Phase": "Phase 2"}),
        ("gemcitabine", {}),
        ("gemcitabine", {"Status": "Recruiting", "Sex": "All"}),
        ("placebo", {"Phase": {"any": ["Phase 2", "Phase 3"]}}),
    ],
)
def test_sharded_and_whole_searches_find_the_same_trials_with_the_same_filter_counts(
    new_page, shard_servers, term, filters
):
    whole = searched(new_page, shard_servers["whole"], term, filters)
    sharded = searched(new_page, shard_servers["sharded"], term, filters)
    assert (whole["shards"], sharded["shards"]) == (1, 8)
    assert whole["trials"] and sharded["trials"] == whole["trials"]
    assert sharded["filters"] == whole["filters"]
    assert sharded["catalogue"] == whole["catalogue"]  # the counts add up across the shards


def test_the_search_page_shows_the_merged_count_across_shards(new_page, shard_servers):
    counts = {}
    for name, server in shard_servers.items():
        page = new_page()
        search(page, server.url("search/"), "cancer")
        counts[name] = eventually(lambda page=page: result_count(page))
    assert counts["sharded"] == counts["whole"] > 10


def test_a_trials_exact_title_ranks_it_first_across_shards(new_page, shard_servers):
    server = shard_servers["sharded"]
    catalogue = json.loads((server.site / "catalogue.json").read_text("utf-8"))
    for trial in catalogue["trials"][::50]:
        found = search(new_page(), server.url("search/"), trial["title"])
        assert found[0] == trial["url"], trial["title"]


def test_a_search_over_shards_fetches_only_their_index_and_little_of_it(new_page, shard_servers):
    """Pagefind's code and WebAssembly come once, from the primary bundle; of each other shard a
    search fetches its entry, metadata, filters and the chunks the term needs."""
    server = shard_servers["sharded"]
    page = new_page()
    fetched: dict[str, int] = {}
    page.on(
        "response",
        lambda r: "/pagefind/" in r.url and fetched.__setitem__(r.url.split("/pagefind/", 1)[1], len(r.body())),
    )
    search(page, server.url("search/"), "cancer")
    page.wait_for_load_state("networkidle")
    from_shards = [name for name in fetched if name.startswith("shard-")]
    assert {name.split("/")[0] for name in from_shards} == {f"shard-{k}" for k in range(1, 8)}
    assert all(re.search(r"\.pf_(meta|filter|index|fragment)$|/pagefind-entry\.json", name) for name in from_shards)
    assert sum(fetched.values()) < 1_000_000, fetched
