"""The one place that turns a route into a link, so the site works under any base URL.

A route is a path inside the site with no leading slash: "" (home), "trials/x/", "feed.xml".
Links are root-relative ("/repo/trials/x/"), which is right at any depth, including a 404 page
that the server shows for whatever path was asked; absolute URLs, with scheme and host, are used
only where a reader outside the site needs them (sitemap, feed, canonical link, JSON-LD).
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit


class Urls:
    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
        self.base_path = parts.path  # starts and ends with "/"

    def path(self, route: str) -> str:
        """Root-relative link to `route`, for use inside pages."""
        return self.base_path + quote(route)

    def absolute(self, route: str) -> str:
        """Full URL of `route`; root-relative when the base URL names no host (local builds)."""
        return self.origin + self.path(route)


def output_path(route: str) -> str:
    """The file that serves `route`: pretty URLs ("trials/x/") are directories with an index."""
    return route + "index.html" if route == "" or route.endswith("/") else route


def trial_route(slug: str) -> str:
    return f"trials/{slug}/"


def page_route(base: str, number: int) -> str:
    """Page `number` (1-based) of a long list whose first page is at `base`."""
    return base if number == 1 else f"{base}page/{number}/"


def taxonomy_route(key: str) -> str:
    return f"{key}/"


def term_route(key: str, slug: str) -> str:
    return f"{key}/{slug}/"
