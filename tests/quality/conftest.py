"""Session fixtures for the quality gates: the site is built once, served once, crawled once,
and (for the browser tests) Chromium is launched once."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from ._site import (
    BASE_URL,
    SiteServer,
    build_site,
    crawl,
    require,
)

SCREENSHOTS = Path(os.environ.get("TRIALSITE_SCREENSHOTS", Path(__file__).resolve().parent / "screenshots"))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The repo's committed content/ built once, for a sub-path base URL.

    TRIALSITE_QUALITY_SITE=DIR checks an already built site instead (built for BASE_URL)."""
    prebuilt = os.environ.get("TRIALSITE_QUALITY_SITE")
    if prebuilt:
        return Path(prebuilt).resolve()
    out = tmp_path_factory.mktemp("quality") / "site"
    proc = build_site(out, BASE_URL)
    if proc.returncode != 0:
        pytest.fail(
            f"`python build.py build --out {out} --base-url {BASE_URL}` exited {proc.returncode}\n"
            f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}",
            pytrace=False,
        )
    if not (out / "index.html").is_file():
        pytest.fail(f"the build wrote no index.html into {out}", pytrace=False)
    return out


@pytest.fixture(scope="session")
def site_server(built_site):
    server = SiteServer(built_site).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def site_crawl(site_server):
    return crawl(site_server, [site_server.base_url])


def _richest_page(site_crawl, pattern: str, what: str) -> str:
    """Of the pages whose path (below the base path) matches, the largest: most to check."""
    regex = re.compile(pattern)
    base = site_crawl.server.base_path
    matches = [u for u in site_crawl.html_pages() if regex.search(site_crawl.path(u)[len(base):])]
    if matches:
        return max(matches, key=lambda u: (len(site_crawl.responses[u].body), u))
    listing = "\n  ".join(site_crawl.path(u) for u in site_crawl.html_pages())
    pytest.fail(f"no {what} page (path matching {pattern!r}) is reachable from the home page; pages:\n  {listing}")


@pytest.fixture(scope="session")
def sample_pages(site_crawl, site_server) -> dict[str, str]:
    """One URL of each kind of page, found by crawling from the home page."""
    return {
        "home": site_server.base_url,
        "trial": _richest_page(site_crawl, r"^trials?/[^/]+(/|/index\.html|\.html)$", "trial"),
        "drug": _richest_page(site_crawl, r"^drugs?/[^/]+(/|/index\.html|\.html)$", "drug"),
        "phase": _richest_page(site_crawl, r"^phases?/[^/]+(/|/index\.html|\.html)$", "phase"),
        "search": site_server.url("search/?q=cancer"),  # with results, as a reader sees it
    }


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def axe():
    """axe-core, injected into pages by axe-playwright-python (which bundles it)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError as exc:
        require(False, f"axe-playwright-python is not installed ({exc})")
    return Axe()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

