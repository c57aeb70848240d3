"""Helpers for the quality gates: build the site, serve it under a sub-path, crawl it.

Nothing here is a test; conftest.py wires these into session-scoped fixtures."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]

# The site is built for a GitHub Pages project site, i.e. under a sub-path, so that links
# which forget the base path (href="/static/site.css") break here as they would there.
BASE_URL = "https://example.github.io/trialsite/"
BASE_PATH = urlsplit(BASE_URL).path  # "/trialsite/"

CHROMIUM = os.environ.get("TRIALSITE_CHROMIUM", "/usr/bin/chromium")  # Debian's build
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require(condition: bool, reason: str) -> None:
    """Skip locally when a tool is missing; in CI a missing tool is a failure, never a skip."""
    import pytest

    if condition:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI is set: quality gates must run, not skip; tests/run.sh installs it)")
    pytest.skip(f"{reason}; run tests/run.sh to install it")


# --------------------------------------------------------------------------- build


def build_site(out: Path, base_url: str = BASE_URL, content: Path | None = None) -> subprocess.CompletedProcess:
    """The site of `content` (the repo's own content/ by default) built into `out`."""
    chosen = ["--content", str(content)] if content is not None else []
    return subprocess.run(
        [sys.executable, "build.py", "build", *chosen, "--out", str(out), "--base-url", base_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


# --------------------------------------------------------------------------- server


def _make_handler(site: Path, base_path: str):
    class Handler(BaseHTTPRequestHandler):
        """Serves `site` at `base_path` the way GitHub Pages serves a project site:
        directories get index.html, a directory without its trailing slash gets a 301,
        and anything missing gets the site's own 404.html with status 404."""

        protocol_version = "HTTP/1.0"

        def log_message(self, format, *args):  # keep test output quiet
            pass

        def do_HEAD(self):
            self._serve(send_body=False)

        def do_GET(self):
            self._serve(send_body=True)

        def _serve(self, send_body: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            if path + "/" == base_path:
                return self._redirect(base_path)
            if not path.startswith(base_path):
                return self._not_found(send_body)
            target = (site / path[len(base_path):]).resolve()
            if target != site and site not in target.parents:
                return self._not_found(send_body)
            if target.is_dir():
                if not path.endswith("/"):
                    return self._redirect(path + "/")
                target = target / "index.html"
            if not target.is_file():
                return self._not_found(send_body)
            self._send(HTTPStatus.OK, target.read_bytes(), _content_type(target), send_body)

        def _redirect(self, location: str) -> None:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _not_found(self, send_body: bool) -> None:
            page = site / "404.html"
            body = page.read_bytes() if page.is_file() else b"404 (the site has no 404.html)"
            self._send(HTTPStatus.NOT_FOUND, body, "text/html; charset=utf-8", send_body)

        def _send(self, status: int, body: bytes, ctype: str, send_body: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

    return Handler


CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
}


def _content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


class SiteServer:
    """A threaded static server on 127.0.0.1 at a free port."""

    def __init__(self, site: Path, base_path: str = BASE_PATH):
        self.site = site.resolve()
        self.base_path = base_path
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self.site, base_path))
        self._httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="site-server", daemon=True)

    @property
    def base_url(self) -> str:
        return self.origin + self.base_path

    def url(self, path: str = "") -> str:
        return urljoin(self.base_url, path.lstrip("/"))

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


# --------------------------------------------------------------------------- fetching


@dataclass
class Response:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    content_type: str
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")

    @property
    def is_css(self) -> bool:
        return self.content_type.startswith("text/css")


def fetch(url: str, timeout: float = 10) -> Response:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return Response(url, resp.geturl(), resp.status, resp.headers.get("Content-Type", ""), resp.read())
    except urllib.error.HTTPError as err:
        return Response(url, err.geturl() or url, err.code, err.headers.get("Content-Type", ""), err.read())


# --------------------------------------------------------------------------- parsing

LINK_ATTRS = {"href", "src", "poster", "data", "action", "formaction"}


@dataclass
class Ref:
    tag: str
    attr: str
    value: str
    rel: str = ""


@dataclass
class ParsedPage:
    refs: list[Ref] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    stylesheets: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()

    def handle_starttag(self, tag, attrs):
        attrs_d = {k: (v or "") for k, v in attrs}
        rel = attrs_d.get("rel", "").lower()
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.page.ids.add(value)
            elif name in LINK_ATTRS and value.strip():
                if tag == "link" and rel in {"preconnect", "dns-prefetch"}:
                    continue
                self.page.refs.append(Ref(tag, name, value.strip(), rel))
            elif name in {"srcset", "imagesrcset"}:
                for candidate in value.split(","):
                    if candidate.strip():
                        self.page.refs.append(Ref(tag, name, candidate.split()[0], rel))
        if tag == "link" and "stylesheet" in rel.split() and attrs_d.get("href"):
            self.page.stylesheets.append(attrs_d["href"])
        if tag == "script" and attrs_d.get("src"):
            self.page.scripts.append(attrs_d["src"])
        if tag == "meta" and attrs_d.get("http-equiv", "").lower() == "refresh":
            match = re.search(r"url\s*=\s*['\"]?([^'\"]+)", attrs_d.get("content", ""), re.I)
            if match:
                self.page.refs.append(Ref(tag, "content", match.group(1).strip()))

    handle_startendtag = handle_starttag


def parse_html(text: str) -> ParsedPage:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser.page


_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I | re.S)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def css_urls(text: str) -> list[str]:
    text = _CSS_COMMENT.sub("", text)
    urls = []
    for m in _CSS_URL.finditer(text):
        value = (m.group(2) or m.group(4) or "").strip()
        if value and not value.startswith("#"):
            urls.append(value)
    return urls


def xml_links(body: bytes) -> list[tuple[str, str]]:
    """Links out of an Atom feed (<link href>) or a sitemap (<loc>); nothing for other XML."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return []  # not this crawl's business; the feed/sitemap tests say so
    links = []
    for el in root.iter():
        name = el.tag.rsplit("}", 1)[-1]
        if name == "link" and el.get("href"):
            links.append((el.get("href").strip(), "feed <link>"))
        elif name == "loc" and (el.text or "").strip():
            links.append((el.text.strip(), "sitemap <loc>"))
    return links


# --------------------------------------------------------------------------- crawling


@dataclass
class Link:
    source: str  # page (or stylesheet) the reference was found on, as a path
    ref: str  # the reference as written
    url: str  # absolute URL on the local server, fragment removed
    fragment: str
    kind: str  # "page", "stylesheet", "script", "css-url", ...


@dataclass
class Crawl:
    server: SiteServer
    responses: dict[str, Response] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    pages: dict[str, ParsedPage] = field(default_factory=dict)  # final URL -> parsed page
    external: set[str] = field(default_factory=set)

    def path(self, url: str) -> str:
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def html_pages(self) -> list[str]:
        """URLs of every HTML page reached with status 200, sorted."""
        return sorted(u for u, r in self.responses.items() if r.status == 200 and r.is_html and u == r.final_url)

    def broken(self) -> list[str]:
        lines = []
        for link in self.links:
            resp = self.responses.get(link.url)
            if resp is None or resp.status != 200:
                status = resp.status if resp else "not fetched"
                lines.append(f"{link.source}: {link.kind} {link.ref!r} -> {self.path(link.url)} [{status}]")
        return sorted(set(lines))


def internal_url(ref: str, base: str, server: SiteServer, site_base_url: str = BASE_URL) -> str | None:
    """The local-server URL a reference points to, or None for external/non-http references."""
    ref = ref.strip()
    if not ref or ref.lower().startswith(("mailto:", "tel:", "javascript:", "data:", "blob:", "about:")):
        return None
    absolute = urljoin(base, ref)
    parts = urlsplit(absolute)
    site = urlsplit(site_base_url)
    local = urlsplit(server.origin)
    if parts.scheme not in ("http", "https"):
        return None
    if parts.netloc == local.netloc:
        return absolute
    if parts.netloc == site.netloc:  # absolute link to the deployed site: check it locally
        return urlunsplit((local.scheme, local.netloc, parts.path, parts.query, parts.fragment))
    return None


def crawl(server: SiteServer, start_urls: list[str], max_urls: int = 5000) -> Crawl:
    result = Crawl(server)
    queue: list[tuple[str, str, str, str]] = [(u, "(start)", u, "page") for u in start_urls]
    seen: set[str] = set()
    while queue:
        url, source, ref, kind = queue.pop(0)
        bare, fragment = urldefrag(url)
        if source != "(start)":
            result.links.append(Link(source, ref, bare, fragment, kind))
        if bare in seen:
            continue
        seen.add(bare)
        if len(seen) > max_urls:
            raise RuntimeError(f"crawl exceeded {max_urls} URLs; is a link generating endless paths?")
        resp = fetch(bare)
        result.responses[bare] = resp
        if resp.status != 200:
            continue
        # Only follow links out of documents inside the site's base path.
        if not urlsplit(resp.final_url).path.startswith(server.base_path):
            continue
        here = result.path(resp.final_url)
        if resp.is_html:
            page = parse_html(resp.text)
            result.pages[resp.final_url] = page
            for r in page.refs:
                target = internal_url(r.value, resp.final_url, server)
                if target is None:
                    if r.value.startswith(("http://", "https://", "//")):
                        result.external.add(r.value)
                    continue
                k = (
                    "stylesheet" if r.value in page.stylesheets and r.tag == "link"
                    else "script" if r.tag == "script"
                    else f"<{r.tag} {r.attr}>"
                )
                queue.append((target, here, r.value, k))
        elif resp.is_css:
            for value in css_urls(resp.text):
                target = internal_url(value, resp.final_url, server)
                if target is not None:
                    queue.append((target, here, value, "css url()"))
        elif "xml" in resp.content_type:
            for value, kind in xml_links(resp.body):
                target = internal_url(value, resp.final_url, server)
                if target is not None:
                    queue.append((target, here, value, kind))
    return result


def copy_site(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
