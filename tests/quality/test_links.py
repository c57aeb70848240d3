"""Link crawl of the built site, served under its sub-path: every internal reference resolves."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest

from ._site import BASE_URL, fetch, internal_url, parse_html

MISSING = "does/not/exist/deep/"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _listing(lines: list[str], limit: int = 200) -> str:
    more = f"\n  ... and {len(lines) - limit} more" if len(lines) > limit else ""
    return "\n  " + "\n  ".join(lines[:limit]) + more


def test_home_page_is_served_at_the_base_path(site_server):
    resp = fetch(site_server.base_url)
    assert resp.status == 200 and resp.is_html, (
        f"GET {site_server.base_path} -> {resp.status} {resp.content_type!r}; expected 200 text/html"
    )


def test_crawl_reaches_more_than_the_home_page(site_crawl):
    pages = site_crawl.html_pages()
    assert len(pages) > 1, f"the crawl from the home page reached only {pages}: the home page links to nothing"


def test_every_internal_link_resolves(site_crawl):
    broken = site_crawl.broken()
    assert not broken, f"{len(broken)} broken internal reference(s) (page: kind ref -> path [status]):" + _listing(
        broken
    )


def test_every_built_page_is_reachable_from_the_home_page(site_crawl, built_site):
    reached = {site_crawl.path(url) for url in site_crawl.html_pages()}
    base = site_crawl.server.base_path
    orphans = []
    for path in sorted(built_site.rglob("*.html")):
        rel = path.relative_to(built_site).as_posix()
        if rel == "404.html":
            continue
        url_path = base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        if url_path not in reached:
            orphans.append(url_path)
    assert not orphans, "built page(s) no link leads to from the home page:" + _listing(orphans)


def test_every_fragment_link_targets_an_existing_id(site_crawl):
    missing = []
    for link in site_crawl.links:
        if not link.fragment or link.fragment == "top":
            continue
        resp = site_crawl.responses.get(link.url)
        if resp is None or resp.status != 200 or not resp.is_html:
            continue  # reported by test_every_internal_link_resolves
        page = site_crawl.pages.get(resp.final_url)
        if page is not None and link.fragment not in page.ids:
            missing.append(f"{link.source}: {link.ref!r} -> no id={link.fragment!r} on {site_crawl.path(link.url)}")
    missing = sorted(set(missing))
    assert not missing, f"{len(missing)} link(s) to a missing #fragment:" + _listing(missing)


def test_stylesheets_are_served_as_css(site_crawl):
    wrong = sorted(
        {
            f"{link.source}: {link.ref!r} -> {site_crawl.responses[link.url].status} "
            f"{site_crawl.responses[link.url].content_type!r}"
            for link in site_crawl.links
            if link.kind == "stylesheet"
            and link.url in site_crawl.responses
            and not (site_crawl.responses[link.url].status == 200 and site_crawl.responses[link.url].is_css)
        }
    )
    assert not wrong, "stylesheet(s) that do not resolve to CSS:" + _listing(wrong)


def test_every_page_links_a_stylesheet(site_crawl):
    bare = [site_crawl.path(url) for url in site_crawl.html_pages() if not site_crawl.pages[url].stylesheets]
    assert not bare, "page(s) with no <link rel=stylesheet>:" + _listing(bare)


def test_scripts_are_served_as_javascript(site_crawl):
    wrong = sorted(
        {
            f"{link.source}: {link.ref!r} -> {site_crawl.responses[link.url].status} "
            f"{site_crawl.responses[link.url].content_type!r}"
            for link in site_crawl.links
            if link.kind == "script"
            and link.url in site_crawl.responses
            and not (
                site_crawl.responses[link.url].status == 200
                and "javascript" in site_crawl.responses[link.url].content_type
            )
        }
    )
    assert not wrong, "script(s) that do not resolve to JavaScript:" + _listing(wrong)


# --------------------------------------------------------------------------- sitemap


@pytest.fixture(scope="session")
def sitemap_locs(site_server) -> list[str]:
    resp = fetch(site_server.url("sitemap.xml"))
    assert resp.status == 200, f"GET {site_server.base_path}sitemap.xml -> {resp.status}; the site has no sitemap"
    try:
        tree = ET.fromstring(resp.body)
    except ET.ParseError as exc:
        pytest.fail(f"sitemap.xml is not well-formed XML: {exc}")
    assert tree.tag == f"{SITEMAP_NS}urlset", f"sitemap.xml root is {tree.tag!r}, expected {SITEMAP_NS}urlset"
    return [(loc.text or "").strip() for loc in tree.iter(f"{SITEMAP_NS}loc")]


def test_sitemap_lists_pages(sitemap_locs):
    assert sitemap_locs, "sitemap.xml has no <loc> entries"


def test_sitemap_entries_are_absolute_urls_under_the_base_url(sitemap_locs):
    wrong = [loc for loc in sitemap_locs if not loc.startswith(BASE_URL)]
    assert not wrong, f"sitemap <loc> entries not under {BASE_URL}:" + _listing(wrong)


def test_every_sitemap_entry_resolves(sitemap_locs, site_server):
    broken = []
    for loc in sitemap_locs:
        url = internal_url(loc, site_server.base_url, site_server)
        resp = fetch(url) if url else None
        if resp is None or resp.status != 200 or not resp.is_html:
            broken.append(f"{loc} -> {resp.status if resp else 'not on this site'}")
    assert not broken, f"{len(broken)} sitemap entr(y/ies) that do not resolve to a page:" + _listing(broken)


def test_every_crawled_page_is_in_the_sitemap(site_crawl, sitemap_locs, site_server):
    listed = {urlsplit(loc).path for loc in sitemap_locs}
    base = site_server.base_path
    missing = [
        site_crawl.path(url)
        for url in site_crawl.html_pages()
        if site_crawl.path(url) not in listed and site_crawl.path(url) != f"{base}404.html"
    ]
    assert not missing, "page(s) reachable by links but missing from sitemap.xml:" + _listing(missing)


# --------------------------------------------------------------------------- 404 page


@pytest.fixture(scope="session")
def missing_page(site_server):
    return fetch(site_server.url(MISSING))


def test_missing_path_returns_status_404(missing_page, site_server):
    assert missing_page.status == 404, f"GET {site_server.base_path}{MISSING} -> {missing_page.status}, expected 404"


def test_missing_path_serves_the_sites_404_page(missing_page, built_site):
    assert (built_site / "404.html").is_file(), "the build wrote no 404.html at the site root"
    assert missing_page.body == (built_site / "404.html").read_bytes(), "the 404 response is not the site's 404.html"


def test_404_page_links_and_stylesheet_resolve_from_a_deep_path(missing_page, site_server):
    """The 404 page is served at any depth, so its links must not be document-relative."""
    url = site_server.url(MISSING)
    page = parse_html(missing_page.text)
    assert page.stylesheets, "404.html links no stylesheet"
    broken = []
    for ref in page.refs:
        if ref.value.startswith("#"):
            continue  # same-document fragment: not a request
        target = internal_url(ref.value, url, site_server)
        if target is None:
            continue
        resp = fetch(target)
        if resp.status != 200:
            broken.append(f"<{ref.tag} {ref.attr}={ref.value!r}> -> {urlsplit(target).path} [{resp.status}]")
    assert not broken, f"references on the 404 page, served at {site_server.base_path}{MISSING}, that break:" + (
        _listing(broken)
    )


def test_paths_outside_the_base_path_are_not_served(site_server):
    """Guards the harness itself: a link missing the base path must break here as on GitHub Pages."""
    resp = fetch(urljoin(site_server.origin, "/index.html"))
    assert resp.status == 404, f"GET /index.html (outside {site_server.base_path}) -> {resp.status}, expected 404"
