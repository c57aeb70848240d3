"""The small pure pieces of rendering, one behaviour each."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trialsite.cli import TerminalProgress
from trialsite.errors import BuildError
from trialsite.model import PHASES, StatedDate, Trial, blank
from trialsite.render.config import SiteConfig, normalize_base_url
from trialsite.render.exports import _csv_line
from trialsite.render.jsonld import script_json
from trialsite.render.listing import age_range, listing_of
from trialsite.render.markdown import html_to_plain_text, shorten, to_html
from trialsite.render.renderer import without_indentation
from trialsite.render.taxonomy import CONDITIONS, PHASES_TAXONOMY
from trialsite.render.trial_lists import TrialLists
from trialsite.render.trialview import criterion, stated_day
from trialsite.render.urls import Urls, output_path
from trialsite.slugs import term_slug

CONFIG = SiteConfig(title="Test", description="Testing.", base_url="/")


def trial(**fields) -> Trial:
    record = blank(Trial) | {
        "title": "T",
        "source": {"file": "x.txt", "sha256": "0" * 64, "layout": "unknown"},
    }
    return Trial.model_validate(record | fields)


def listings(trials: dict[str, Trial]):
    return [listing_of(slug, record, None) for slug, record in trials.items()]


# URLs


def test_links_are_root_relative_under_the_base_path():
    urls = Urls("https://user.github.io/repo/")
    assert urls.path("trials/x/") == "/repo/trials/x/"
    assert urls.path("") == "/repo/"


def test_absolute_urls_add_scheme_and_host():
    assert Urls("https://user.github.io/repo/").absolute("feed.xml") == "https://user.github.io/repo/feed.xml"


def test_absolute_urls_stay_root_relative_when_the_base_names_no_host():
    assert Urls("/").absolute("trials/x/") == "/trials/x/"


def test_pretty_urls_are_served_by_an_index_file():
    assert output_path("") == "index.html"
    assert output_path("trials/x/") == "trials/x/index.html"
    assert output_path("feed.xml") == "feed.xml"


@pytest.mark.parametrize(
    ("given", "normalized"),
    [
        ("/", "/"),
        ("", "/"),
        ("/repo", "/repo/"),
        ("https://user.github.io/repo", "https://user.github.io/repo/"),
        ("https://example.org", "https://example.org/"),
    ],
)
def test_base_url_is_normalized_to_end_with_a_slash(given, normalized):
    assert normalize_base_url("site.toml", given) == normalized


@pytest.mark.parametrize(
    "given", ["repo/", "ftp://example.org/", "https://example.org/?q=1", "//example.org/"]
)
def test_base_url_that_is_not_a_site_root_is_refused(given):
    with pytest.raises(BuildError):
        normalize_base_url("site.toml", given)


# Taxonomies


def test_phases_follow_the_model_order_and_not_stated_comes_last():
    trials = {
        "a": trial(phase="Phase 3"),
        "b": trial(phase=None),
        "c": trial(phase="Phase 1"),
        "d": trial(phase="Phase 1/2"),
    }
    names = [term.name for term in TrialLists(listings(trials)).terms(PHASES_TAXONOMY)]
    assert names == [*sorted(names[:-1], key=PHASES.index), "Not stated"]


def test_terms_differing_only_in_case_are_one_term():
    trials = {
        "a": trial(conditions=["Cholangiocarcinoma"]),
        "b": trial(conditions=["cholangiocarcinoma"]),
        "c": trial(conditions=["Cholangiocarcinoma"]),
    }
    [term] = TrialLists(listings(trials)).terms(CONDITIONS)
    assert (term.name, term.slug, term.trials) == ("Cholangiocarcinoma", "cholangiocarcinoma", 3)


def test_free_text_terms_are_alphabetical():
    trials = {"a": trial(conditions=["biliary cancer", "Ampullary Cancer", "Cholangiocarcinoma"])}
    assert [term.name for term in TrialLists(listings(trials)).terms(CONDITIONS)] == [
        "Ampullary Cancer",
        "biliary cancer",
        "Cholangiocarcinoma",
    ]


def test_slugs_are_ascii_and_names_without_latin_letters_still_get_one():
    assert term_slug("Phase 1/2") == "phase-1-2"
    assert term_slug("Active, not recruiting") == "active-not-recruiting"
    assert term_slug("Café Über") == "cafe-uber"
    assert term_slug("胆管癌").startswith("term--") and term_slug("胆管癌") != term_slug("肝癌")


# Trial details


def test_criterion_lines_after_the_first_are_sub_items():
    item = criterion("Any of these\nheart failure\nangina")
    assert (item.text, item.subitems, item.numbered) == ("Any of these", ("heart failure", "angina"), False)


def test_numbered_sub_items_become_an_ordered_list_without_their_numbers():
    item = criterion("All of\n1. neutrophils\n2) platelets")
    assert (item.subitems, item.numbered) == (("neutrophils", "platelets"), True)


def test_a_one_line_criterion_has_no_sub_items():
    assert criterion("Signed consent").subitems == ()


@pytest.mark.parametrize(
    ("low", "high", "said"),
    [
        ("18 Years", "80 Years", "18 years to 80 years"),
        ("18 Years", None, "18 years or older"),
        (None, "6 Months", "up to 6 months"),
        (None, None, None),
    ],
)
def test_age_range_is_said_in_words(low, high, said):
    assert age_range(low, high) == said


def test_a_date_that_is_not_a_real_day_is_shown_without_a_time_element():
    assert stated_day(StatedDate(label="Launched", date="2024-02-31")).iso is None
    assert stated_day(StatedDate(label="Launched", date="2024-02-29")).text == "29 February 2024"


# Markdown and JSON-LD


def test_markdown_raw_html_is_escaped_and_script_links_dropped():
    html = to_html("<b>x</b> [a](javascript:alert(1)) [b](https://example.org)")
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://example.org">b</a>' in html


def test_markdown_images_do_not_load_from_other_hosts():
    assert "<img" not in to_html("![chart](https://tracker.example/pixel.png)")


def test_markdown_headings_start_below_the_page_sections():
    assert to_html("# Aims\n\n## Detail").startswith("<h3>Aims</h3>\n<h4>Detail</h4>")


def test_plain_text_drops_markup_and_joins_lines():
    assert html_to_plain_text(to_html("A **bold**\nclaim.\n\n- item `x`")) == "A bold claim. item x"


def test_shorten_cuts_at_a_word():
    assert shorten("one two three four", 12) == "one two…"


def test_json_for_a_script_element_escapes_angle_brackets_and_ampersands():
    text = script_json({"name": "</script><!-- & -->"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><!-- & -->"}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_indentation_before_a_tag_goes_and_the_line_break_stays():
    html = "<ul>\n  <li>a\n  </li>\n\n  <li>b</li>\n</ul>"
    assert without_indentation(html) == "<ul>\n<li>a\n</li>\n<li>b</li>\n</ul>"


def test_spaces_in_text_are_kept():
    assert without_indentation("<p>two  spaces\n   and an indented line</p>") == (
        "<p>two  spaces\n   and an indented line</p>"
    )


def test_every_space_inside_pre_and_textarea_is_kept():
    html = "<div>\n  <pre><code>if x:\n    <b>y</b>\n</code></pre>\n  <textarea>\n  <i>\n</textarea>\n  <p>"
    assert without_indentation(html) == (
        "<div>\n<pre><code>if x:\n    <b>y</b>\n</code></pre>\n<textarea>\n  <i>\n</textarea>\n<p>"
    )


def test_progress_counts_overwrite_one_terminal_line_and_end_it(monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    progress = TerminalProgress()
    for done in range(1, 1001):
        progress("trials", done, 1000)
    progress.close()
    lines = sys.stderr.getvalue().split("\n")
    assert lines[-1] == "" and len(lines) == 2
    assert lines[0].split("\r\x1b[K") == ["", *(f"  trials: {n}/1000" for n in range(200, 1001, 200))]


def test_a_build_that_fails_mid_count_ends_its_progress_line(monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    progress = TerminalProgress()
    progress("search index (reading pages)", 1, 4)
    progress.close()
    assert sys.stderr.getvalue() == "\r\x1b[K  search index (reading pages): 1/4\n"


def test_progress_says_nothing_when_output_is_not_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    progress = TerminalProgress()
    progress("trials", 200, 1000)
    progress.close()
    assert sys.stderr.getvalue() == ""


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from('ab ,"\r\n\t;é\u2028'), max_size=12) | st.text(), min_size=2, max_size=6)
)
def test_a_csv_row_is_written_as_the_csv_module_writes_it(cells):
    expected = io.StringIO(newline="")
    csv.writer(expected, lineterminator="\r\n").writerow(cells)
    assert _csv_line(cells) == expected.getvalue().encode("utf-8")
