"""Markdown fields (summary, description) to safe HTML, and to plain text for metadata.

Raw HTML in content is shown as text, and markdown-it's link validation drops javascript:,
vbscript: and data: links. Images are off: an image URL in content would make every visitor's
browser fetch from another host, and the site promises to be self-contained.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

# Headings inside a field sit under the page's own h1 and the section's h2.
HEADING_SHIFT = 2

_md = MarkdownIt("commonmark", {"html": False}).disable("image")


def _shift_heading(renderer, tokens, idx, options, env):  # markdown-it's render-rule signature
    token = tokens[idx]
    token.tag = f"h{min(int(token.tag[1]) + HEADING_SHIFT, 6)}"
    return renderer.renderToken(tokens, idx, options, env)


_md.add_render_rule("heading_open", _shift_heading)
_md.add_render_rule("heading_close", _shift_heading)


def to_html(text: str) -> Markup:
    return Markup(_md.render(text))


def to_plain_text(text: str) -> str:
    """The words of a Markdown text without its markup, on one line (for descriptions)."""
    words: list[str] = []
    for block in _md.parse(text):
        for token in block.children or ():
            if token.type in {"text", "code_inline"}:
                words.append(token.content)
            elif token.type in {"softbreak", "hardbreak"}:
                words.append(" ")
        words.append(" ")
    return " ".join("".join(words).split())


def shorten(text: str, limit: int = 160) -> str:
    """Cut at a word boundary so a meta description fits a search result snippet."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
