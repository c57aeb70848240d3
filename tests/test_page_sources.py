"""The trial page shows where each at-a-glance fact and each eligibility criterion came from,
read from the trial's provenance sidecar: the document, the place, the quote and how it was read."""

from __future__ import annotations

import html
import json
import re
import shutil

import pytest

from conftest import ROOT
from trialsite.content import load_record
from trialsite.model import Trial
from trialsite.provenance import sidecar_path
from trialsite.render import SiteBuilder, SiteConfig
from trialsite.render.sources import QUOTE_LIMIT, shortened
from trialsite.sync import render_trial

CONFIG = SiteConfig(title="Test catalogue", description="Testing.", base_url="https://example.org/")
TRIAL = "nct07063888"  # read from seeds/004_a6dd480056656803.txt
DOCUMENT = "004_a6dd480056656803.txt"


@pytest.fixture
def content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target, ignore=shutil.ignore_patterns(".extract-state.json"))
    return target


def build(content, out, clean=False):
    return SiteBuilder(content, out, CONFIG, workers=1).build(clean=clean)


def page(out, slug=TRIAL):
    return (out / "trials" / slug / "index.html").read_text("utf-8")


def glance_row(text, label):
    """The <dd> of one at-a-glance fact."""
    match = re.search(rf"<dt>{label}</dt> <dd>(.*?)</dd></div>", text, re.S)
    assert match, f"no {label} row"
    return match.group(1)


def criterion_item(text, start):
    """The <li> of the criterion that begins with `start`."""
    match = re.search(rf"<li>{re.escape(html.escape(start))}(.*?)</li>", text, re.S)
    assert match, f"no criterion {start!r}"
    return match.group(1)


def sidecar(content, slug=TRIAL):
    return sidecar_path(content, f"{slug}.yaml")


def edit_sidecar(content, key, **cited):
    path = sidecar(content)
    data = json.loads(path.read_text("utf-8"))
    fact = next(fact for fact in data["facts"] if fact["key"] == key)
    fact["cited"] |= cited
    path.write_text(json.dumps(data), "utf-8")


def edit_trial(content, **changes):
    path = content / "trials" / f"{TRIAL}.yaml"
    trial = load_record(path, Trial)
    path.write_text(render_trial(Trial.model_validate(trial.model_dump() | changes)), "utf-8")


def test_a_glance_fact_shows_its_document_line_and_quote(content, tmp_path):
    build(content, tmp_path / "site")
    phase = glance_row(page(tmp_path / "site"), "Phase")
    assert '<details class="source"' in phase
    assert f"Read from a labelled field in <cite>{DOCUMENT}</cite>, line 10: <q>Phase 2</q>" in phase


def test_a_fact_inferred_from_prose_says_so_and_quotes_near_its_value(content, tmp_path):
    build(content, tmp_path / "site")
    drugs = glance_row(page(tmp_path / "site"), "Drugs")
    quotes = re.findall(r"<span class=\"source-value\">([^<]+)</span>: Inferred from prose in .*?<q>(.*?)</q>", drugs)
    assert [drug for drug, _ in quotes] == ["capecitabine", "S-1"]
    assert all(drug in quote and len(quote) <= QUOTE_LIMIT + 2 for drug, quote in quotes)


def test_an_eligibility_criterion_shows_its_document_line_and_quote(content, tmp_path):
    build(content, tmp_path / "site")
    item = criterion_item(page(tmp_path / "site"), "Had prior liver transplantation")
    assert f"in <cite>{DOCUMENT}</cite>, line 39: <q>• Had prior liver transplantation</q>" in item


def test_a_value_edited_by_hand_says_so_and_not_where_extract_read_the_old_one(content, tmp_path):
    edit_trial(content, sponsor="Another Sponsor")
    build(content, tmp_path / "site")
    sponsor = glance_row(page(tmp_path / "site"), "Sponsor")
    assert "Edited by hand" in sponsor
    assert "Chinese Academy" not in sponsor and "<q>" not in sponsor


def test_a_criterion_an_editor_only_moved_keeps_its_source(content, tmp_path):
    trial = load_record(content / "trials" / f"{TRIAL}.yaml", Trial)
    exclusion = trial.eligibility.exclusion
    edit_trial(content, eligibility=trial.eligibility.model_copy(update={"exclusion": ["Pregnant", *exclusion]}))
    build(content, tmp_path / "site")
    text = page(tmp_path / "site")
    assert "Edited by hand" in criterion_item(text, "Pregnant")
    moved = criterion_item(text, "Had prior liver transplantation")
    assert "line 39: <q>• Had prior liver transplantation</q>" in moved


def test_quoted_text_stays_text(content, tmp_path):
    edit_sidecar(content, "phase", quote='Phase 2 <script>alert("x")</script><img src=x onerror=alert(1)>')
    build(content, tmp_path / "site")
    phase = glance_row(page(tmp_path / "site"), "Phase")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in phase
    assert "<script" not in phase and "<img" not in phase


def test_a_trial_without_a_sidecar_shows_no_sources(content, tmp_path):
    sidecar(content).unlink()
    build(content, tmp_path / "site")
    assert 'class="source"' not in page(tmp_path / "site")


def test_a_change_to_only_the_sidecar_renders_the_page_again(content, tmp_path):
    out = tmp_path / "site"
    build(content, out)
    edit_sidecar(content, "phase", quote="Phase: 2")
    result = build(content, out)
    assert f"trials/{TRIAL}/index.html" in result.written
    assert "<q>Phase: 2</q>" in glance_row(page(out), "Phase")
    sidecar(content).unlink()
    build(content, out)
    assert 'class="source"' not in page(out)
    build(content, tmp_path / "cold", clean=True)
    assert page(out) == page(tmp_path / "cold")


def test_a_long_quote_is_cut_to_show_its_value():
    quote = "Background words. " * 30 + "Patients receive capecitabine daily." + " More words." * 30
    cut = shortened(quote, "capecitabine")
    assert "capecitabine" in cut and cut.startswith("…") and cut.endswith("…")
    assert len(cut) <= QUOTE_LIMIT + 2
