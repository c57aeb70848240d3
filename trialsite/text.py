"""Small, pure text clean-ups shared by every layout parser."""

from __future__ import annotations

import html
import re
import unicodedata

# Characters that are invisible or reorder text on screen: never meaningful in trial data and a
# known way to disguise text (bidi overrides), so they are dropped.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"),
    None,
)

# Full-width punctuation as Chinese-language sources write it; the ASCII form reads the same in
# English text. Only these are mapped: NFKC would also flatten m² and 10⁹, changing meaning.
_FULL_WIDTH = {
    "（": " (",
    "）": ") ",
    "，": ", ",
    "：": ": ",
    "；": "; ",
    "！": "! ",
    "？": "? ",
    "\u3000": " ",
}
_FULL_WIDTH_RE = re.compile("|".join(map(re.escape, _FULL_WIDTH)))

# CommonMark backslash escapes, as the registry's export writes them (`\>`, `\[PD\]`).
_MD_ESCAPE_RE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


# Markdown that would make scraped text into a link: `[text](url)`, a `[ref]: url` definition
# and `<scheme:...>` or `<name@host>` autolinks. Extracted text is data, so the character that
# makes each one a link is escaped (with any backslashes before it) and shows as itself.
_LINK_SYNTAX = (
    re.compile(r"(?P<pre>)(?P<bs>\\*)(?P<ch>\])(?=\s*\()"),  # closes link text right before (url)
    re.compile(r"(?P<pre>)(?P<bs>\\*)(?P<ch>\])(?=:)"),  # ends the label of a link reference definition
    re.compile(r"(?P<pre>)(?P<bs>\\*)(?P<ch><)(?=[A-Za-z][A-Za-z0-9.+-]{1,31}:[^\s<>]*>|[^\s<>@]+@[^\s<>]+>)"),
)


# Markup a scraped page let through is not trial data. Elements whose content is code or an
# embedded document go with their content; a tag that loads something, runs script on an event,
# links to a script URL or only formats text goes, leaving the text it wrapped. Comparison signs
# ('<1 cm', 'age < 18') and other angle brackets ('<Group>', '<https://...>') are text and stay.
def _spaced(word: str) -> str:
    """A word as a browser reads it in a URL scheme: whitespace between its letters is ignored."""
    return r"\s*".join(word)


_SCRIPT_URL = rf"(?:{_spaced('javascript')}|{_spaced('vbscript')}|{_spaced('data')})\s*:"
_HOSTILE_ATTRIBUTE = rf"(?:\bon[a-z]+\s*=|\b(?:href|src|action|formaction|data)\s*=\s*[\"']?\s*{_SCRIPT_URL})"
_CODE_ELEMENTS = "script|style|iframe|frame|frameset|object|embed|applet|svg|math|noscript|template|form"
_CODE_ELEMENT = re.compile(rf"<(?P<name>{_CODE_ELEMENTS})\b[^>]*>.*?</(?P=name)\s*>", re.IGNORECASE | re.DOTALL)
_WRAPPING_ELEMENT = re.compile(
    rf"<(?P<name>[a-z][a-z0-9]*)\s[^<>]*?{_HOSTILE_ATTRIBUTE}[^<>]*>(?P<text>.*?)</(?P=name)\s*>",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(
    rf"</?(?:{_CODE_ELEMENTS}|img|image|input|button|select|textarea|link|meta|base|video|audio|source|track|"
    r"a|b|i|u|em|strong|span|font|p|div|br)\b(?:\s[^<>]*)?/?>"
    rf"|<[a-z][a-z0-9]*\s[^<>]*?{_HOSTILE_ATTRIBUTE}[^<>]*>",
    re.IGNORECASE,
)


def remove_markup(text: str) -> str:
    """Scraped text without the markup that came with it; the text that markup wrapped stays."""
    if "<" not in text:
        return text
    stripped = _TAG.sub("", _WRAPPING_ELEMENT.sub(r"\g<text>", _CODE_ELEMENT.sub("", text)))
    return text if stripped == text else re.sub(r" {2,}", " ", stripped)


def clean_line(line: str) -> str:
    """Make one line of scraped text safe to keep: no control or invisible characters."""
    if line.isprintable():  # the usual case, and exact: every character below is unprintable
        return line
    line = line.translate(_INVISIBLE)
    line = "".join(
        ch if ch == "\t" or unicodedata.category(ch) != "Cc" else " " for ch in line
    )
    return line.replace("\t", " ")


def normalize_punctuation(text: str) -> str:
    """Full-width punctuation to ASCII, then tidy the spacing that mapping leaves behind."""
    if not _FULL_WIDTH_RE.search(text):
        return text
    text = _FULL_WIDTH_RE.sub(lambda m: _FULL_WIDTH[m.group()], text)
    text = re.sub(r" {2,}", " ", text)
    text = re.sub(r"\( ", "(", text)
    text = re.sub(r" ([),.;:!?])", r"\1", text)
    return text.strip()


def unescape_markdown(text: str) -> str:
    return _MD_ESCAPE_RE.sub(r"\1", text)


def tidy(text: str) -> str:
    """One field value: punctuation normalized, HTML entities and Markdown escapes undone (scraped
    pages carry both), markup removed (also markup that decoding revealed), outer whitespace gone.
    Cleaned again after decoding: `&#x202E;` or `&#10;` must not bring back what `clean_line` took
    out."""
    return clean_line(remove_markup(unescape_markdown(html.unescape(normalize_punctuation(text))))).strip()


def defuse_links(line: str) -> str:
    """Escape the Markdown that would turn a line of extracted text into a link."""
    if "]" not in line and "<" not in line:
        return line
    for pattern in _LINK_SYNTAX:
        line = pattern.sub(lambda m: m["pre"] + m["bs"] * 2 + "\\" + m["ch"], line)
    return line


def paragraphs_to_markdown(lines: list[str], line_per_paragraph: bool = False) -> str | None:
    """Join text lines into Markdown, keeping paragraph breaks and dropping blank runs.

    Scraped pages put one paragraph on each line; Markdown needs a blank line between them."""
    out: list[str] = []
    for line in lines:
        line = defuse_links(tidy(line))
        if line and out and out[-1] and line_per_paragraph:
            out.append("")
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) or None


def same_text(a: str | None, b: str | None) -> bool:
    """Equal up to whitespace: how a repeated summary is recognised."""
    if a is None or b is None:
        return False
    return a.split() == b.split()


def smart_title(text: str) -> str:
    """Title-case an ALL-CAPS name the way an editor would ('Sun Yat-sen University')."""
    small = {"a", "an", "and", "at", "for", "in", "of", "on", "the", "to", "de", "la", "du"}
    words = []
    for i, word in enumerate(text.lower().split()):
        if i and word in small:
            words.append(word)
        else:
            words.append(word[:1].upper() + word[1:])
    return " ".join(words)


def dedupe(items: list[str]) -> list[str]:
    """Drop repeats (case-insensitive), keeping first mention order."""
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.casefold()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
