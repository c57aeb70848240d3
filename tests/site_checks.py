"""What a built site must be, whatever content `check` accepted: every page parses, every link
inside the site leads to a file of it, the feeds and data files parse, the search index holds
every trial page and the exports list every trial. Each check returns its problems as text."""

from __future__ import annotations

import csv
import io
import json
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from conftest import read_export
from trialsite.render.search import SEARCH_DIR

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class Parsed(HTMLParser):
    """A page's links and JSON-LD, and whether every element it opens it closes, in order."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.jsonld: list[str] = []
        self.problems: list[str] = []
        self._open: list[str] = []
        self.feed(text)
        self.close()
        if self._open:
            self.problems.append(f"elements left open: {self._open}")

    def handle_starttag(self, tag, attrs):
        self.links += [value for name, value in attrs if name in {"href", "src", "action"} and value]
        if tag not in VOID:
            self._open.append(tag)
        if tag == "script" and ("type", "application/ld+json") in attrs:
            self.jsonld.append("")

    def handle_endtag(self, tag):
        if not self._open or self._open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self._open[-1:] or 'nothing'}")
            return
        self._open.pop()

    def handle_data(self, data):
        if self._open and self._open[-1] == "script" and self.jsonld:
            self.jsonld[-1] += data


def resolves(site: Path, base_url: str, link: str) -> bool:
    """Whether a link into the site (absolute or root-relative) names one of its files; a link
    out of it is not this check's business."""
    parts, base = urlsplit(link), urlsplit(base_url)
    if (parts.scheme and parts.netloc != base.netloc) or not unquote(parts.path).startswith(base.path):
        return True
    route = unquote(parts.path)[len(base.path):]
    target = site / (route + "index.html" if route == "" or route.endswith("/") else route)
    return target.is_file()


def page_problems(site: Path, base: str) -> list[str]:
    problems = []
    for page in sorted(site.rglob("*.html")):
        if SEARCH_DIR in page.relative_to(site).parts:
            continue
        name = page.relative_to(site).as_posix()
        parsed = Parsed(page.read_text("utf-8"))
        problems += [f"{name}: {problem}" for problem in parsed.problems]
        problems += [f"{name}: broken link {link}" for link in parsed.links if not resolves(site, base, link)]
        for text in parsed.jsonld:
            try:
                json.loads(text)
            except ValueError as exc:
                problems.append(f"{name}: JSON-LD does not parse: {exc}")
    return problems


def data_problems(site: Path, base: str, slugs: list[str]) -> list[str]:
    """The feed, sitemap, exports, home catalogue and search index, against the trials built."""
    problems = []
    feed = ET.parse(site / "feed.xml")  # raises if it is not XML
    sitemap = [loc.text or "" for loc in ET.parse(site / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    problems += [f"sitemap.xml: broken {loc}" for loc in sitemap if not resolves(site, base, loc)]
    problems += [f"feed.xml: broken {link.get('href')}" for link in feed.getroot().iter("{http://www.w3.org/2005/Atom}link")
                 if not resolves(site, base, link.get("href") or "")]
    exported = [row["slug"] for row in json.loads(read_export(site, "trials.json"))]
    csv.field_size_limit(sys.maxsize)  # a generated description can outgrow the reader's default
    rows = list(csv.DictReader(io.StringIO(read_export(site, "trials.csv"))))
    catalogue = [trial["slug"] for trial in json.loads((site / "catalogue.json").read_text("utf-8"))["trials"]]
    for name, listed in (("trials.json.gz", exported), ("trials.csv.gz", [row["slug"] for row in rows]),
                         ("catalogue.json", catalogue)):
        if sorted(listed) != sorted(slugs):
            problems.append(f"{name}: lists {sorted(listed)}, not the trials {sorted(slugs)}")
    missing = [slug for slug in slugs if not any(loc.endswith(f"/trials/{slug}/") for loc in sitemap)]
    problems += [f"sitemap.xml: no trials/{slug}/" for slug in missing]
    entry = json.loads((site / SEARCH_DIR / "pagefind-entry.json").read_text("utf-8"))
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    if indexed != len(slugs):
        problems.append(f"search index: {indexed} pages, not the {len(slugs)} trials")
    return problems
