"""Files for machines that follow the site: the Atom feed, the sitemap and robots.txt.

Built with ElementTree so that any text in content is escaped and the XML is well-formed.
Every date comes from content, never from the clock, so two builds give the same bytes.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable

from .config import SiteConfig
from .listing import Listing
from .urls import Urls

FEED_ROUTE = "feed.xml"
SITEMAP_ROUTE = "sitemap.xml"
ROBOTS_ROUTE = "robots.txt"
# A feed says what is new; readers poll it often, so it stays small whatever the catalogue's size.
FEED_ENTRIES = 50
# When content states no date at all: fixed, so the feed does not change from build to build.
EPOCH = "1970-01-01"
ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Characters XML 1.0 does not allow at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def feed_order(listing: Listing) -> tuple[str, str]:
    """Newest first: by the entry's date (`_day`), then by file name."""
    return (_day(listing), listing.slug)


def atom_feed_plan(
    newest: list[Listing], config: SiteConfig, urls: Urls
) -> tuple[Callable[[], str], Callable[[], Iterable[bytes]]]:
    """The feed's key (it changes when an entry does) and a function that writes it, from its
    entries (`TrialLists.newest`)."""
    return lambda: repr((config, [listing.digest for listing in newest])), lambda: [atom_feed(newest, config, urls)]


def atom_feed(entries: list[Listing], config: SiteConfig, urls: Urls) -> bytes:
    """The newest trials first; ids are stable URNs derived from the trials' URLs."""
    feed = ET.Element("feed", xmlns=ATOM_NS)
    _text(feed, "title", config.title)
    _text(feed, "subtitle", config.description)
    _text(feed, "id", _urn(urls.absolute("")))
    _text(feed, "updated", max(map(_updated, entries), default=_timestamp(EPOCH)))
    ET.SubElement(feed, "link", rel="self", href=urls.absolute(FEED_ROUTE))
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=urls.absolute(""))
    _text(ET.SubElement(feed, "author"), "name", config.title)
    for listing in entries:
        _entry(feed, listing, urls)
    return _document(feed)


def _entry(feed: ET.Element, listing: Listing, urls: Urls) -> None:
    entry = ET.SubElement(feed, "entry")
    _text(entry, "title", listing.title)
    _text(entry, "id", _urn(urls.absolute(listing.route)))
    _text(entry, "updated", _updated(listing))
    ET.SubElement(entry, "link", rel="alternate", type="text/html", href=urls.absolute(listing.route))
    if listing.blurb is not None:
        _text(entry, "summary", listing.blurb)


def _updated(listing: Listing) -> str:
    return _timestamp(_day(listing))


def _day(listing: Listing) -> str:
    """When the source says its record was last updated; failing that, the latest date it
    states. A date stated to the month counts from the month's first day (Atom needs a day)."""
    if listing.updated is not None:
        return listing.updated if len(listing.updated) > len("2006-11") else listing.updated + "-01"
    return listing.latest_date or EPOCH


def _timestamp(day: str) -> str:
    return f"{day}T00:00:00Z"


def _urn(url: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _NOT_XML.sub("", text)
    return element


def sitemap(routes: list[str], urls: Urls) -> bytes:
    urlset = ET.Element("urlset", xmlns=SITEMAP_NS)
    for route in sorted(routes):
        _text(ET.SubElement(urlset, "url"), "loc", urls.absolute(route))
    return _document(urlset)


def robots(urls: Urls) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(SITEMAP_ROUTE)}\n".encode()


def _document(root: ET.Element) -> bytes:
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)  # typed Any for a named encoding
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"
