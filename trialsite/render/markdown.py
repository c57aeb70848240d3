"""Markdown fields (summary, description) to safe HTML, and to plain text for metadata.

markdown-it-pyrs is the Rust port of markdown-it by markdown-it-py's maintainer: the same
CommonMark output (checked against markdown-it-py in the tests), about sixteen times faster;
markdown-it-py itself takes over on the rare input that makes the port panic.
Only the plugins below are on: no raw HTML (content's tags show as text), no images (an image
URL in content would make every visitor's browser fetch from another host, and the site promises
to be self-contained), and markdown-it's link validation drops javascript:, vbscript: and data:
links.
"""

from __future__ import annotations

import functools
import html
import re
from typing import TYPE_CHECKING

from markdown_it_pyrs import MarkdownIt
from markupsafe import Markup

if TYPE_CHECKING:
    from markdown_it import MarkdownIt as ReferenceMarkdownIt

# Headings inside a field sit under the page's own h1 and the section's h2.
HEADING_SHIFT = 2

_md = MarkdownIt("zero").enable_many([
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
    "autolink", "backticks", "emphasis", "entity", "escape", "link", "newline",
])
# Raw HTML is off, so every tag in the output is one the renderer made.
_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")
_TAG = re.compile(r"<[^>]*>")


def render(text: str) -> str:
    """markdown-it-pyrs's HTML for `text`. Where it panics (markdown-it 0.6's code-span scanner
    does on text as short as "[`"), markdown-it-py, the implementation it ports, renders it
    instead: content is hand-edited, and no text may stop the build."""
    try:
        return _md.render(text)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # pyo3's PanicException derives from BaseException
        rendered: str = _reference().render(text)  # typed Any: markdown-it-py's renderer is pluggable
        return rendered


@functools.cache
def _reference() -> ReferenceMarkdownIt:
    """markdown-it-py, the same renderer in Python, for where the port panics (it does on some
    malformed links with multi-byte characters), so no content can stop a build. Loaded only
    then: importing it costs every run ~45 ms."""
    from markdown_it import MarkdownIt as ReferenceMarkdownIt

    return ReferenceMarkdownIt("commonmark", {"html": False}).disable("image")


def to_html(text: str) -> Markup:
    rendered = render(text)
    return Markup(_HEADING_TAG.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + HEADING_SHIFT, 6)}>", rendered))


def html_to_plain_text(rendered: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", rendered)).split())


def shorten(text: str, limit: int = 160) -> str:
    """Cut at a word boundary so a meta description fits a search result snippet."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
