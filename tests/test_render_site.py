"""The built site, page by page: what a reader, a crawler and a data user get.

One build of tests/fixtures/render/content, under a GitHub-Pages-like sub-path, serves every
test here; each test reads the files it needs.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import read_export
from trialsite.content import load_content
from trialsite.model import Trial
from trialsite.render import SiteConfig, build_site

FIXTURE = Path(__file__).parent / "fixtures" / "render" / "content"
BASE = "https://example.org/sub/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
CONFIG = SiteConfig(title="Test Catalogue", description="Trials for testing.", base_url=BASE)


class Page(HTMLParser):
    """The parts of an HTML page the tests look at."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []  # every href and src
        self.title = ""
        self.description = ""
        self.jsonld: list[str] = []
        self._in: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.urls += [value for name, value in attrs if name in {"href", "src"} and value is not None]
        if tag == "title":
            self._in = "title"
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._in = "jsonld"
            self.jsonld.append("")
        elif tag == "meta" and attributes.get("name") == "description":
            self.description = attributes["content"] or ""

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "jsonld":
            self.jsonld[-1] += data


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "site"
    build_site(FIXTURE, out, CONFIG)
    return out


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# Pages that must exist


@pytest.mark.parametrize("slug", ["complete", "unstated", "hostile"])
def test_every_trial_has_a_pretty_url_page(site, slug):
    assert (site / "trials" / slug / "index.html").is_file()


@pytest.mark.parametrize(
    "route",
    [
        "drugs/durvalumab/",
        "drugs/s-1/",
        "drugs/mystery-drug/",
        "drugs/not-stated/",
        "conditions/biliary-tract-cancer/",
        "conditions/cholangiocarcinoma/",
        "conditions/not-stated/",
        "phases/phase-1-2/",
        "phases/phase-3/",
        "phases/not-stated/",
        "statuses/active-not-recruiting/",
        "statuses/recruiting/",
        "statuses/not-stated/",
    ],
)
def test_every_drug_condition_phase_and_status_has_a_page(site, route):
    assert (site / route / "index.html").is_file()


@pytest.mark.parametrize("index", ["drugs", "conditions", "phases", "statuses"])
def test_every_taxonomy_has_an_index_linking_to_its_terms(site, index):
    page = Page(read(site, f"{index}/index.html"))
    term_links = [url for url in page.urls if url.startswith(f"/sub/{index}/") and url != f"/sub/{index}/"]
    assert term_links
    for url in term_links:
        assert (site / url.removeprefix("/sub/") / "index.html").is_file()


def test_phases_are_listed_in_model_order_with_not_stated_last(site):
    text = read(site, "phases/index.html")
    positions = [text.index(f">{name}</a>") for name in ("Phase 1/2", "Phase 3", "Not stated")]
    assert positions == sorted(positions)


def test_drug_index_gives_the_class_from_the_vocabulary_or_not_stated(site):
    text = read(site, "drugs/index.html")
    assert re.search(r"S-1</a></th>\s*<td[^>]*>oral fluoropyrimidine</td>", text)
    assert re.search(
        r"mystery-drug</a></th>\s*<td[^>]*><span class=\"not-stated\">Not stated</span></td>", text
    )


def test_term_page_lists_only_its_trials(site):
    text = read(site, "drugs/durvalumab/index.html")
    assert "/sub/trials/complete/" in text
    assert "/sub/trials/hostile/" not in text


def test_term_page_rows_carry_no_filter_facts_or_cell_labels(site):
    """Only the home page's filter script reads a row's data- attributes; a phone's column labels
    come from the stylesheet. Either on every row of every list would be a third of its bytes."""
    text = read(site, "drugs/durvalumab/index.html")
    assert '<tr><th scope="row"><a class="trial-link" href="/sub/trials/complete/">' in text
    assert "data-" not in text.split("<tbody>")[1]


def test_home_lists_every_trial_with_phase_status_drugs_and_conditions(site):
    text = read(site, "index.html")
    for slug in ("complete", "unstated", "hostile"):
        assert f'href="/sub/trials/{slug}/"' in text
    assert 'data-phases="phase-1-2"' in text
    assert 'data-statuses="active-not-recruiting"' in text
    assert 'data-drugs="durvalumab s-1"' in text
    assert "Showing all 3 trials" in text


def test_home_filters_are_plain_links_to_the_index_pages(site):
    text = read(site, "index.html")
    for route, key, value in [
        ("phases/phase-3/", "phases", "phase-3"),
        ("statuses/recruiting/", "statuses", "recruiting"),
        ("drugs/s-1/", "drugs", "s-1"),
    ]:
        assert f'<a href="/sub/{route}" data-filter="{key}" data-value="{value}">' in text
    assert '<script src="/sub/static/filter.js" defer></script>' in text


# The trial page


def test_null_and_empty_fields_show_not_stated(site):
    text = read(site, "trials/unstated/index.html")
    for label in (
        "Phase",
        "Status",
        "Drugs",
        "Conditions",
        "Enrollment",
        "Sex",
        "Ages",
        "Sponsor",
        "Registry ID",
        "Allocation",
        "Arms",
        "Masking",
        "Centres",
        "Interventions",
    ):
        assert re.search(rf"<dt>{label}</dt>\s*<dd><span class=\"not-stated\">Not stated</span></dd>", text), (
            label
        )
    for heading in ("Summary", "Detailed description", "Locations", "Dates", "Primary outcomes"):
        assert re.search(
            rf">{heading}</h[23]>\s*<p><span class=\"not-stated\">Not stated</span></p>", text
        ), heading


@pytest.mark.parametrize("path", ["trials/unstated/index.html", "trials/complete/index.html", "index.html"])
def test_no_value_is_left_as_an_empty_gap(site, path):
    assert not re.search(r"<(dd|td)[^>]*>\s*</\1>", read(site, path))


def test_review_notes_show_as_a_needs_review_notice(site):
    text = read(site, "trials/unstated/index.html")
    assert "Needs review" in text
    assert "Phase not found in the source; check the registry." in text
    assert "Needs review" not in read(site, "trials/complete/index.html")


def test_at_a_glance_states_enrollment_ages_and_sponsor(site):
    text = read(site, "trials/complete/index.html")
    assert "<dt>Enrollment</dt> <dd>40 participants</dd>" in text
    assert "<dt>Ages</dt> <dd>18 years to 75 years</dd>" in text
    assert "<dt>Sponsor</dt> <dd>Example University Hospital</dd>" in text


def test_registry_id_links_to_clinicaltrials_gov(site):
    assert 'href="https://clinicaltrials.gov/study/NCT01234567"' in read(site, "trials/complete/index.html")


def test_criterion_sub_items_are_a_nested_list(site):
    text = read(site, "trials/complete/index.html")
    numbered = re.search(r"<li>Adequate organ function, meaning all of\s*<ol>(.*?)</ol>", text, re.S)
    assert numbered and re.findall(r"<li>(.*?)</li>", numbered[1]) == [
        "Neutrophils ≥1.5×10⁹/L",
        "Platelets ≥100×10⁹/L",
    ]
    plain = re.search(r"<li>Any of these conditions\s*<ul>(.*?)</ul>", text, re.S)
    assert plain and re.findall(r"<li>(.*?)</li>", plain[1]) == [
        "active autoimmune disease",
        "prior liver transplantation",
    ]


def test_outcomes_are_tables_with_time_frames(site):
    text = read(site, "trials/complete/index.html")
    assert re.search(
        r'<th scope="row"[^>]*>2-year recurrence-free survival rate</th>.*?<td[^>]*>2 years</td>', text, re.S
    )
    assert '<th scope="col">Time frame</th>' in text


def test_dates_are_time_elements_with_iso_datetimes(site):
    assert '<time datetime="2024-10-27">27 October 2024</time>' in read(site, "trials/complete/index.html")


def test_page_says_where_the_record_came_from(site):
    text = read(site, "trials/complete/index.html")
    assert "000_complete.txt" in text and "ctgov-export" in text
    assert "3c2a39f1770e347d23252471418a40e85b5d44e7efc2d5052849eb00c5c07337" in text


def test_markdown_headings_sit_below_the_page_headings(site):
    text = read(site, "trials/complete/index.html")
    assert "<h3>Aims</h3>" in text and "<strong>phase II</strong>" in text


# Content is data, never markup or template source


def test_template_syntax_in_content_shows_literally(site):
    text = read(site, "trials/hostile/index.html")
    assert "{{ 7*7 }} &lt;script&gt;" in text
    assert "{% raw %}{{ 7*7 }} condition" in text
    assert "49 &lt;script" not in text and "49 condition" not in text


def test_html_in_content_is_escaped(site):
    text = read(site, "trials/hostile/index.html")
    for raw in (
        "<script>alert",
        "<img src=x",
        "<iframe",
        "<b>not bold</b>",
        "<b>Launched</b>",
        "<!-- a comment",
    ):
        assert raw not in text
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt; Sponsor &amp; Co" in text


def test_script_urls_in_markdown_links_get_no_href(site):
    for path in html_pages(site):
        for url in Page(path.read_text(encoding="utf-8")).urls:
            assert not url.lower().startswith(("javascript:", "vbscript:", "data:")), (path, url)
    assert "[this](javascript:alert(1))" in read(site, "trials/hostile/index.html")


def test_jsonld_cannot_break_out_of_its_script_element(site):
    text = read(site, "trials/hostile/index.html")
    page = Page(text)
    assert text.count("</script>") == text.count("<script")  # only the elements' own end tags
    data = json.loads(page.jsonld[0])
    assert data["name"] == "{{ 7*7 }} <script>alert('title')</script> Trial"


def test_jsonld_describes_a_medical_trial(site):
    data = json.loads(Page(read(site, "trials/complete/index.html")).jsonld[0])
    assert data["@type"] == "MedicalTrial"
    assert data["url"] == BASE + "trials/complete/"
    assert data["status"] == "https://schema.org/ActiveNotRecruiting"
    assert data["phase"] == "Phase 1/2"
    assert data["code"] == {
        "@type": "MedicalCode",
        "codeValue": "NCT01234567",
        "codingSystem": "ClinicalTrials.gov",
    }
    assert {
        "@type": "Drug",
        "name": "durvalumab",
        "drugClass": {"@type": "DrugClass", "name": "anti-PD-L1 antibody"},
    } in data["studySubject"]
    assert data["sponsor"] == {"@type": "Organization", "name": "Example University Hospital"}
    assert data["healthCondition"][0] == {"@type": "MedicalCondition", "name": "Biliary Tract Cancer"}
    assert set(data["trialDesign"]) == {
        "https://schema.org/OpenTrial",
        "https://schema.org/SingleCenterTrial",
    }


def test_jsonld_describes_the_trial_in_its_meta_description_s_words_on_one_line(site):
    """The summary itself is on the page: the metadata carries no second copy of it."""
    text = read(site, "trials/hostile/index.html")  # a summary longer than a meta description
    script = Page(text).jsonld[0].strip()
    meta = re.search(r'<meta name="description" content="([^"]*)">', text)
    assert meta and meta.group(1).endswith("…")
    assert json.loads(script)["description"] == html.unescape(meta.group(1))
    assert "\n" not in script


def test_jsonld_leaves_out_what_the_record_does_not_state(site):
    data = json.loads(Page(read(site, "trials/unstated/index.html")).jsonld[0])
    assert data["@type"] == "MedicalTrial"
    assert not {"status", "phase", "sponsor", "code", "studySubject", "description"} & set(data)


# Links under a base URL


def test_every_internal_link_starts_with_the_base_path(site):
    for path in html_pages(site):
        for url in Page(path.read_text(encoding="utf-8")).urls:
            if url.startswith(("https://clinicaltrials.gov/", "#")):
                continue
            assert url.startswith(("/sub/", BASE)), (path.relative_to(site), url)


def test_every_internal_link_leads_to_a_file(site):
    for path in html_pages(site):
        for url in Page(path.read_text(encoding="utf-8")).urls:
            if url.startswith("/sub/"):
                target = site / url.removeprefix("/sub/")
                assert (target / "index.html" if url.endswith("/") else target).is_file(), (path, url)


def test_404_page_uses_absolute_paths_so_it_works_at_any_depth(site):
    urls = Page(read(site, "404.html")).urls
    assert "/sub/static/site.css" in urls
    assert all(url.startswith("/sub/") or url == "#main" for url in urls), urls


def test_site_loads_nothing_from_other_hosts(site):
    for path in html_pages(site):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<(script|img|iframe)[^>]+src=\"(https?:)?//", text), path
        assert not re.search(r"<link[^>]+rel=\"stylesheet\"[^>]+href=\"(https?:)?//", text), path
    assert "url(" not in read(site, "static/site.css")


def test_only_pages_that_run_search_may_compile_webassembly(site):
    csp = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
    runs_search = re.compile(r'<script src="[^"]*pagefind/pagefind[^"]*"')
    allowed = set()
    for path in html_pages(site):
        text = path.read_text(encoding="utf-8")
        policy = csp.search(text)
        assert policy and "script-src 'self'" in policy.group(1), path
        if "'wasm-unsafe-eval'" in policy.group(1):
            allowed.add(path.relative_to(site).as_posix())
        assert ("'wasm-unsafe-eval'" in policy.group(1)) == bool(runs_search.search(text)), path
    assert allowed == {"search/index.html"}


def test_canonical_links_are_absolute(site):
    assert f'<link rel="canonical" href="{BASE}trials/complete/">' in read(site, "trials/complete/index.html")


def test_every_page_has_a_unique_title_and_a_description(site):
    pages = [Page(path.read_text(encoding="utf-8")) for path in html_pages(site)]
    titles = [page.title for page in pages]
    assert len(set(titles)) == len(titles)
    assert all(page.description for page in pages)


@pytest.mark.parametrize("path", ["index.html", "404.html", "trials/complete/index.html", "drugs/index.html"])
def test_pages_declare_language_and_viewport(site, path):
    text = read(site, path)
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    assert '<a class="skip-link" href="#main">' in text and '<main id="main"' in text


# Open data and machine-readable files


def test_trials_json_round_trips_to_the_model(site):
    records = json.loads(read_export(site, "trials.json"))
    trials = load_content(FIXTURE).trials
    assert [record["slug"] for record in records] == sorted(trials)
    for record in records:
        assert record["url"] == f"{BASE}trials/{record['slug']}/"
        fields = {name: value for name, value in record.items() if name not in {"slug", "url"}}
        assert Trial.model_validate(fields) == trials[record["slug"]]


def test_trials_csv_has_one_flat_row_per_trial(site):
    rows = list(csv.DictReader(io.StringIO(read_export(site, "trials.csv"), newline="")))
    assert [row["slug"] for row in rows] == ["complete", "hostile", "unstated"]
    complete = rows[0]
    assert complete["conditions"] == "Biliary Tract Cancer; Cholangiocarcinoma"
    assert complete["design.arms"] == "1"
    assert complete["source.sha256"].startswith("3c2a39f1")
    assert complete["outcomes.secondary"] == "measure: Overall survival, time_frame: 3 years"
    assert complete["dates"] == "label: Launched, date: 2024-10-27; label: Current as of, date: 2025-08-27"
    assert rows[2]["enrollment"] == "" and rows[2]["drugs"] == ""


@pytest.mark.parametrize("export", ["trials.json.gz", "trials.csv.gz"])
def test_the_exports_are_gzipped_with_no_file_name_or_time_in_the_header(site, export):
    """So the same catalogue gives the same bytes, build after build."""
    header = (site / export).read_bytes()[:10]
    assert header[:3] == b"\x1f\x8b\x08"  # gzip, deflate
    assert header[3] == 0  # no name, comment or extra field
    assert header[4:8] == b"\0\0\0\0"  # no modification time


def test_feed_is_well_formed_atom_dated_from_content(site):
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    entries = {entry.find(f"{ATOM}title").text: entry for entry in feed.iter(f"{ATOM}entry")}
    assert len(entries) == 3
    complete = entries["Durvalumab With S-1 After Resection of Biliary Tract Cancer"]
    assert complete.find(f"{ATOM}updated").text == "2025-08-27T00:00:00Z"  # the latest stated date
    assert (
        entries["A Trial Whose Source States Almost Nothing"].find(f"{ATOM}updated").text
        == "1970-01-01T00:00:00Z"
    )
    assert feed.find(f"{ATOM}updated").text == "2025-08-27T00:00:00Z"
    assert complete.find(f"{ATOM}link").get("href") == BASE + "trials/complete/"
    assert all(entry.find(f"{ATOM}id").text.startswith("urn:uuid:") for entry in entries.values())


def test_sitemap_lists_every_page_but_the_404_with_absolute_urls(site):
    sitemap = ET.fromstring((site / "sitemap.xml").read_bytes())
    locations = {loc.text for loc in sitemap.iter(f"{SITEMAP}loc")}
    assert (
        BASE in locations
        and BASE + "trials/hostile/" in locations
        and BASE + "phases/not-stated/" in locations
    )
    assert len(locations) == len(html_pages(site)) - 1
    assert not any("404" in location for location in locations)


def test_robots_txt_points_at_the_sitemap(site):
    assert f"Sitemap: {BASE}sitemap.xml" in read(site, "robots.txt").splitlines()
