"""markdown-it-pyrs (the Rust port) renders our Markdown as markdown-it-py does: identical HTML
for well-formed documents and for all content, and never raw HTML or a script link for anything.
(It differs from markdown-it-py only on malformed edge cases, such as an unclosed code fence or
an empty list item after a blockquote: whitespace, or where a lazy line ends.)"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from conftest import ROOT
from trialsite.content import load_record, trial_paths
from trialsite.model import Trial
from trialsite.render import markdown

REFERENCE = MarkdownIt("commonmark", {"html": False}).disable("image")

word = st.sampled_from(
    ["trial", "dose", "PD-1", "≥10", "<1cm", "&", "a_b", "x*y", "R0/R1", "\\>", "{{ 7*7 }}", "<script>"]
)
inline = st.one_of(
    word,
    word.map(lambda w: f"*{w}*"),
    word.map(lambda w: f"**{w}**"),
    word.map(lambda w: f"`{w}`"),
    st.sampled_from([
        "[registry](https://clinicaltrials.gov)", "[bad](javascript:alert(1))", "<https://example.org>",
        "![img](https://t.example/p.png)",
    ]),
)
line = st.lists(inline, min_size=1, max_size=8).map(" ".join)
block = st.one_of(
    line,
    line.map(lambda text: "## " + text),
    st.lists(line, min_size=1, max_size=4).map(lambda items: "\n".join("- " + i for i in items)),
    st.lists(line, min_size=1, max_size=4).map(lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))),
    line.map(lambda text: "> " + text),
    line.map(lambda text: "```\n" + text + "\n```"),
)
documents = st.lists(block, min_size=1, max_size=6).map("\n\n".join)
anything = st.lists(
    st.sampled_from([
        "# ", "- ", "1. ", "> ", "*", "`", "```\n", "[a](", "javascript:x)", "<b>", "</script>", "&#60;", "\\[", "]",
        "![i](x.png)", "\n", "\n\n", "    ", "text", "<javascript:x>",
    ])
    | st.text(max_size=6),
    max_size=30,
).map("".join)


def port(text: str) -> str:
    return markdown.render(text)


def test_input_that_makes_the_port_panic_is_rendered_by_markdown_it_py():
    text = "[a](ä◊😀ᘤ⭶[\ufeff\x0bኚ```\nฑ<javascript:x>text&#60;    [a]("
    assert port(text) == REFERENCE.render(text)


def test_every_summary_and_description_in_content_renders_the_same():
    for path in trial_paths(ROOT / "content"):
        trial = load_record(path, Trial)
        for text in filter(None, (trial.summary, trial.description)):
            assert port(text) == REFERENCE.render(text), path


@settings(max_examples=300, deadline=None)
@given(documents)
def test_well_formed_markdown_renders_the_same(text):
    assert port(text) == REFERENCE.render(text)


@settings(max_examples=500, deadline=None)
@given(anything)
def test_no_input_yields_raw_html_images_or_script_links(text):
    html = port(text)
    assert not re.search(r"<(?!/?(p|em|strong|code|pre|a|ul|ol|li|h[1-6]|blockquote|hr|br)\b)[a-z]", html)
    assert not re.search(r'href="\s*(javascript|vbscript|data):', html, re.IGNORECASE)
