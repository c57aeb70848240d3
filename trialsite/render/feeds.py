"""Files for machines that follow the site: the Atom feed, the sitemap and robots.txt.

Built with ElementTree so that any text in content is escaped and the XML is well-formed.
Every date comes from content, never from the clock, so two builds give the same bytes.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET

from .config import SiteConfig
from .trialview import TrialView
from .urls import Urls

FEED_ROUTE = "feed.xml"
SITEMAP_ROUTE = "sitemap.xml"
# When content states no date at all: fixed, so the feed does not change from build to build.
EPOCH = "1970-01-01"
ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Characters XML 1.0 does not allow at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def atom_feed(views: list[TrialView], config: SiteConfig, urls: Urls) -> bytes:
    """One entry per trial, newest stated date first; ids are stable URNs derived from URLs."""
    ordered = sorted(views, key=lambda view: (_updated(view), view.slug), reverse=True)
    feed = ET.Element("feed", xmlns=ATOM_NS)
    _text(feed, "title", config.title)
    _text(feed, "subtitle", config.description)
    _text(feed, "id", _urn(urls.absolute("")))
    _text(feed, "updated", max(map(_updated, views), default=_timestamp(EPOCH)))
    ET.SubElement(feed, "link", rel="self", href=urls.absolute(FEED_ROUTE))
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=urls.absolute(""))
    _text(ET.SubElement(feed, "author"), "name", config.title)
    for view in ordered:
        _entry(feed, view, urls)
    return _document(feed)


def _entry(feed: ET.Element, view: TrialView, urls: Urls) -> None:
    entry = ET.SubElement(feed, "entry")
    _text(entry, "title", view.record.title)
    _text(entry, "id", _urn(urls.absolute(view.route)))
    _text(entry, "updated", _updated(view))
    ET.SubElement(entry, "link", rel="alternate", type="text/html", href=urls.absolute(view.route))
    if view.summary_html is not None:
        _text(entry, "summary", str(view.summary_html)).set("type", "html")


def _updated(view: TrialView) -> str:
    return _timestamp(view.latest_date or EPOCH)


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
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        + ET.tostring(root, encoding="utf-8", xml_declaration=False)
        + b"\n"
    )
