"""Fuzzing the two doors hostile text comes in by: the extractor (scraped seed pages) and the
YAML loader (hand-edited content).

Documents are built from the real seeds' lines, each layout's own markers, and adversarial
fragments (template syntax, markup, script links, entities, invisible and bidi characters,
control characters, YAML syntax, long runs), in every encoding and line ending the reader
accepts. Properties: no crash, no hang (a per-example time bound), and every output either
schema-valid or a clean, located error. The example counts here keep CI quick; set
TRIALSITE_FUZZ_EXAMPLES to run a long campaign locally, e.g. 20000.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import tempfile
import time
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, ROOT, SEEDS
from trialsite.content import InvalidContent, load_record, load_trial, schema_path
from trialsite.errors import SeedError
from trialsite.extract import extract
from trialsite.model import Trial
from trialsite.render.markdown import to_html
from trialsite.seeds import parse_seed
from trialsite.sync import render_trial
from trialsite.yamlio import load

EXAMPLES = int(os.environ.get("TRIALSITE_FUZZ_EXAMPLES", "300"))
TIME_BOUND = 5.0  # seconds for one example, on a loaded 2-core machine; typical is milliseconds
SCHEMA = json.loads(schema_path("trial").read_text("utf-8"))
VALIDATOR = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)  # built once: validate() builds one per call
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=False)

SEED_LINES = sorted({line for path in [*SEEDS.glob("*.txt"), *(FIXTURES / "seeds").glob("*.txt")]
                     for line in path.read_text("utf-8").splitlines()})
FRAGMENTS = [
    "{{ 7*7 }}",
    "{% include 'base.html' %}",
    "{# c #}",
    "{{ config }}",
    "${7*7}",
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](https://evil.example)",
    "<https://evil.example>",
    "<evil@evil.example>",
    "[r]: https://evil.example",
    "[r]",
    "![i](https://evil.example/i.png)",
    "&lt;script&gt;",
    "&#106;avascript:",
    "&#x202E;",
    "&#0;",
    "&#10;",
    "&#x1b;",
    "&amp;lt;b&amp;gt;",
    "&#91;x&#93;&#40;u&#41;",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u202c",
    "\u2066",
    "\u2069",
    "\ufeff",
    "\u00ad",
    "\u2028",
    "\u0085",
    "\x00",
    "\x1b[31m",
    "\x07",
    "\x7f",
    "\t",
    "\r",
    "\x0b",
    "\x0c",
    "---",
    "...",
    "- ",
    "? ",
    ": ",
    "&a",
    "*a",
    "!!python/object/apply:os.system ['id']",
    "!include x",
    "%YAML 1.1",
    "|",
    ">-",
    "# c",
    "'",
    '"',
    "\\",
    "\\[",
    "\\]",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "`",
    "**",
    "#",
    "NCT12345678",
    "NCT1234567",
    "Phase 2",
    "Phase II/III",
    "Phase 1/Phase 2",
    "18+ years",
    "FEMALE",
    "DRUG: A plus B|RADIATION: X",
    "DRUG: <svg onload=alert(1)>",
    "Inclusion Criteria:",
    "Exclusion Criteria:",
    "  • item",
    "    1. sub",
    "- • 1. item",
    "- ◦ sub",
    "../../etc/passwd",
    "..",
    "x" * 300,
    "9" * 40,
    "١٢٣",
    "中文（测试）",
]
LAYOUT_MARKERS = {
    "clinconnect": [
        "Launched by EXAMPLE CENTER · Jan 5, 2023",
        "Trial Information",
        "Current as of March 1, 2025",
        "Keywords",
        "ClinConnect Summary",
        "Gender",
        "Eligibility criteria",
        "- Inclusion Criteria:",
        "- Exclusion Criteria:",
        "About Example",
        "Contacts",
        "Locations",
        "Timeline",
        "First submit",
        "Trial launched",
        "Trial updated",
        "Estimated completion",
    ],
    "trialx": [
        "Image",
        "Powered by AI",
        "Overview",
        "Eligibility",
        "Inclusion Criteria:",
        "Exclusion Criteria:",
        "Study details",
        "Step 1 Get in touch with the nearest study center",
        "FAQs",
        "3 March 2025",
    ],
    "ctgov-export": [
        "Gastric Cancer|Quality of Life",
        "DRUG: Pembrolizumab 200 mg IV|DRUG: Placebo",
        "Progression-free survival (PFS), Time to progression, Up to 24 months",
        "Overall survival, Up to 5 years",
        "A total of 120 participants will be enrolled.",
    ],
    "unknown": [],
}
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)

fragment = st.sampled_from(FRAGMENTS)
mixed = st.lists(st.one_of(fragment, st.text(max_size=30), st.sampled_from(SEED_LINES)), min_size=1, max_size=6).map(
    "".join
)


@st.composite
def seed_documents(draw) -> tuple[str, bytes]:
    """A document in one of the layouts, its lines mixed with adversarial fragments, encoded."""
    layout = draw(st.sampled_from(sorted(LAYOUT_MARKERS)))
    markers = LAYOUT_MARKERS[layout]
    line = st.one_of(mixed, st.sampled_from(SEED_LINES), st.sampled_from(markers) if markers else fragment)
    lines = draw(st.lists(line, min_size=1, max_size=50))
    if markers and draw(st.booleans()):  # every marker, in order, with hostile lines between them
        lines = [x for marker in markers for x in (marker, draw(mixed))] + lines
    if layout == "ctgov-export":
        lines = [draw(mixed), *lines]
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = ending.join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom"]))
    if encoding == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be", "surrogatepass")
    else:
        data = text.encode(encoding, "surrogatepass")
    return layout, data


def _timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_BOUND, f"one example took {elapsed:.1f} s"
    return result


def _extract_or_refuse(data: bytes, drug_index) -> Trial | None:
    try:
        seed = parse_seed("fuzz.txt", data)
    except SeedError as exc:
        assert str(exc).startswith("fuzz.txt")
        return None
    try:
        return extract(seed, drug_index)
    except SeedError as exc:  # e.g. a document whose only text decodes to nothing
        assert str(exc).startswith("fuzz.txt")
        return None


@pytest.fixture(scope="module", autouse=True)
def warm_up(extract_file):
    """Load the DrugBank names once (seconds, the first time a name is not in our vocabulary), so
    that the time bound measures extraction, not that import."""
    extract_file(FIXTURES / "seeds" / "export_randomized.txt")


@FUZZ
@given(seed_documents())
def test_extraction_of_hostile_documents_gives_a_valid_record_or_a_seed_error(drug_index, document):
    _layout, data = document
    trial = _timed(_extract_or_refuse, data, drug_index)
    if trial is None:
        return
    yaml_text = render_trial(trial)
    data_back = load(yaml_text, "fuzz.yaml").data  # the strict loader: no tags, aliases or duplicates
    VALIDATOR.validate(data_back)
    assert data_back == trial.model_dump(mode="json")
    assert not _INVISIBLE.search(json.dumps(data_back, ensure_ascii=False).replace("\\n", "")), "an invisible character"
    for markdown in (trial.summary, trial.description):
        if markdown:
            assert "<a " not in _render(markdown), f"scraped text became a link: {markdown!r}"


def _render(markdown: str) -> str:
    try:
        return to_html(markdown)
    except BaseException as exc:  # the Rust renderer panics with a BaseException, which Hypothesis would not shrink
        raise AssertionError(f"rendering {markdown!r} failed: {type(exc).__name__}: {exc}") from None


# -------------------------------------------------------------------------------------------------
# The YAML loader: a valid trial file, mutated

VALID_FILES = [p.read_text("utf-8") for p in sorted((ROOT / "content" / "trials").glob("*.yaml"))] + [
    p.read_text("utf-8") for p in sorted((FIXTURES / "render" / "content" / "trials").glob("*.yaml"))
]
YAML_VALUES = [
    "null",
    "~",
    "''",
    '""',
    "[]",
    "{}",
    "0",
    "-1",
    "1e400",
    "0x1F",
    "0o17",
    ".inf",
    ".nan",
    "true",
    "NO",
    "yes",
    "2024-10-27",
    "Phase 2",
    "Phase II",
    "Recruiting",
    "recruiting",
    "All",
    "18 Years",
    "18",
    "[a, b]",
    "{a: 1}",
    "&x 1",
    "*x",
    "!!str 1",
    "!!python/object/apply:os.system ['id']",
    "!include /etc/passwd",
    "'\\u202e'",
    '"\\u202e"',
    '"\\0"',
    '"\\e[31m"',
    '"\\x85"',
    "|\n  block",
    ">-\n  folded",
    "9" * 5000,
    "[" * 200 + "]" * 200,
    '"{{ 7*7 }}"',
    "'<script>alert(1)</script>'",
    "[x](javascript:alert(1))",
    "\t",
    "- - - x",
]


@st.composite
def yaml_documents(draw) -> bytes:
    lines = draw(st.sampled_from(VALID_FILES)).splitlines()
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.integers(0, max(0, len(lines) - 1)))
        action = draw(st.sampled_from(["value", "insert", "delete", "duplicate", "fragment", "indent"]))
        if not lines:
            lines = [draw(mixed)]
        elif action == "value" and ":" in lines[where]:
            key = lines[where].split(":", 1)[0]
            lines[where] = f"{key}: {draw(st.sampled_from(YAML_VALUES))}"
        elif action == "insert":
            lines.insert(where, draw(st.one_of(mixed, st.sampled_from(YAML_VALUES))))
        elif action == "delete":
            del lines[where]
        elif action == "duplicate":
            lines.insert(where, lines[where])
        elif action == "fragment":
            cut = draw(st.integers(0, len(lines[where])))
            lines[where] = lines[where][:cut] + draw(fragment) + lines[where][cut:]
        elif action == "indent":
            lines[where] = draw(st.sampled_from(["\t", " ", "   "])) + lines[where]
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines) + "\n"
    data = text.encode("utf-8", "surrogatepass")
    return draw(st.sampled_from([data, data, data, codecs.BOM_UTF8 + data, text.encode("latin-1", "replace")]))


_workdir = tempfile.TemporaryDirectory(prefix="trialsite-fuzz-")


def _load_both(data: bytes):
    path = Path(_workdir.name) / "trials" / "fuzz.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    outcomes = []
    for loader in (lambda: load_trial(path), lambda: load_record(path, Trial)):
        try:
            outcomes.append(loader())
        except InvalidContent as exc:
            outcomes.append(exc)
    return path, outcomes


@FUZZ
@given(yaml_documents())
def test_the_yaml_loader_gives_a_valid_trial_or_located_problems_and_its_fast_path_agrees(document):
    path, (fast, thorough) = _timed(_load_both, document)
    if isinstance(thorough, Trial):
        assert fast == thorough
        data = thorough.model_dump(mode="json")
        VALIDATOR.validate(data)
        assert not _INVISIBLE.search(json.dumps(data, ensure_ascii=False).replace("\\n", "").replace("\\t", ""))
    else:
        assert isinstance(fast, InvalidContent), "the fast loader accepted a file the thorough one refuses"
        assert thorough.problems
        for problem in thorough.problems:
            assert problem.path == str(path) and isinstance(problem.line, int) and problem.line >= 1, str(problem)
            assert str(problem).startswith(f"{path}:{problem.line}: ")
