"""Hostile and broken input, case by case (tests/fixtures/adversarial/).

Every case ends with the exit code a script can rely on (0 done, 1 a problem in the input) and a
message naming the file (and line, for YAML); nothing in it runs or renders as markup; no
content or previous site is lost; and the rest of the catalogue still builds where that is safe:

- Seeds are extracted one by one: a refused seed is reported and the others go through, and the
  default command (extract, then build) publishes them and still exits 1.
- Content is published all or nothing: one invalid YAML file stops the build, every problem in
  every file is printed, and the previous site stays exactly as it was. Dropping the invalid
  trial instead would silently unpublish it (a recruiting trial vanishing from a patient-facing
  catalogue because of a typo), and a pipeline that ignores the exit code would not notice.

Cases that cannot be committed as files (a 20 MB seed, a directory, a symlink, a pipe, a newline
in a file name) are made in a scratch directory at run time.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, SEEDS
from factory import line_of, record, write_trial
from trialsite.cli import main
from trialsite.content import load_record
from trialsite.model import Trial
from trialsite.seeds import MAX_SEED_BYTES, read_seed
from trialsite.yamlio import load

ADVERSARIAL = FIXTURES / "adversarial"
SEED_CASES = ADVERSARIAL / "seeds"
YAML_CASES = ADVERSARIAL / "yaml"
RENDER_CONTENT = FIXTURES / "render" / "content"
GOOD_SEED = FIXTURES / "seeds" / "clinconnect_keywords.txt"
SITE_TOML = 'title = "Test Catalogue"\ndescription = "Trials for testing."\nbase_url = "/"\n'

# Seeds refused: the message, and the line it names (None: the whole file).
REFUSED_SEEDS = {
    "nul_bytes.txt": ("binary file (contains NUL bytes)", None),
    "invalid_utf8.txt": ("not valid UTF-8", 3),
    "utf16_no_bom.txt": ("UTF-16 without a byte-order mark; save the file as UTF-8", None),
    "empty.txt": ("no text: the file is empty", None),
    "blank_invisible.txt": ("no text: the file is empty", None),
    "entities_only.txt": ("no text", None),
}
ACCEPTED_SEEDS = sorted(p.name for p in SEED_CASES.glob("*.txt") if p.name not in REFUSED_SEEDS)
# Made at run time: name -> (how to make it in a seeds directory, the message).
RUNTIME_SEEDS = {
    "huge_20mb.txt": (lambda path: path.write_bytes(b"Title\n" + b"x" * (20 * 1024 * 1024)), "seeds larger than"),
    "a_directory.txt": (lambda path: path.mkdir(), "a directory, not a seed document"),
    "a_symlink.txt": (lambda path: path.symlink_to(GOOD_SEED), "a symbolic link, not a seed document"),
    "dangling.txt": (lambda path: path.symlink_to(path.parent / "nowhere"), "a symbolic link, not a seed document"),
    "a_pipe.txt": (lambda path: os.mkfifo(path), "not a regular file"),
    "new\nline.txt": (lambda path: path.write_text("A Title\n", "utf-8"), "the file name holds control or invisible"),
}
# Encodings and line endings of one ClinConnect page: each gives the record the plain UTF-8 one does.
ENCODED_SEEDS = ["utf16le_bom.txt", "utf16be_bom.txt", "utf8_bom.txt", "crlf.txt", "lone_cr.txt"]

ELIGIBILITY = record()["eligibility"]
# Hostile values in an otherwise complete record, made by the factory: name -> (what the case
# is, the raw YAML of a top-level key where a value cannot say it, the values).
GENERATED_YAML: dict[str, tuple[str, dict[str, str], dict[str, object]]] = {
    "bidi_literal.yaml": (
        "The title holds a right-to-left override that reverses what readers see.", {},
        {"title": "Durvalumab \u202eWith\u202c S-1 After Resection of Biliary Tract Cancer"},
    ),
    "escaped_control.yaml": (
        "Double-quoted escapes put a NUL and a terminal escape sequence into the sponsor.", {},
        {"sponsor": "Example\x00University\x1b[31mHospital"},
    ),
    "huge_number.yaml": (
        "An enrollment of 5,000 digits: converting it is refused by Python.",
        {"enrollment": "enrollment: " + "9" * 5000}, {},
    ),
    "deep_nesting.yaml": (
        "A list nested 5,000 deep: a parser that recurses overflows its stack.",
        {"description": "description: " + "[" * 5000 + "]" * 5000}, {},
    ),
    "include_tag.yaml": (
        "A custom tag some loaders read as 'include this file'.",
        {"description": "description: !include /etc/passwd"}, {},
    ),
    "python_tag.yaml": (
        "A tag that an unsafe YAML loader would run as a shell command.",
        {"title": 'title: !!python/object/apply:os.system ["touch trialsite-pwned"]'}, {},
    ),
    "duplicate_keys.yaml": (
        "status is given twice: YAML would silently keep the second.",
        {"sponsor": "sponsor: Example University Hospital\nstatus: Completed"}, {},
    ),
    "unknown_fields.yaml": (
        "A misspelt key (sponsr), an unknown one (colour) and a misspelt nested key (inclusoin).",
        {"sponsor": "sponsr: Example University Hospital"},
        {"eligibility": {"inclusoin": ELIGIBILITY["inclusion"], "exclusion": ELIGIBILITY["exclusion"]},
         "colour": "red"},
    ),
    "markdown_html.yaml": (
        "Markdown fields holding raw HTML and javascript: links in every spelling.", {},
        {
            "title": "Markdown Injection Trial",
            "nct_id": "NCT01234569",
            "summary": (FIXTURES / "adversarial" / "markdown_html.md").read_text("utf-8").rstrip("\n"),
            "description": '<meta http-equiv="refresh" content="0;url=https://evil.example"> <base '
            'href="https://evil.example/"> <form action="https://evil.example"><button>Go</button></form>',
        },
    ),
    "template_syntax.yaml": (
        "Template syntax in every text field: content is data, never template source.", {},
        {
            "title": "Zeta {{ 7*7 }} Trial {% include 'base.html' %}",
            "nct_id": "NCT01234570",
            "conditions": ["{{ 7*7 }} Cancer {{ config }}", "Cholangiocarcinoma"],
            "sponsor": "{{ ''.__class__.__mro__ }} {% for x in range(3) %}x{% endfor %} Hospital",
            "eligibility": {
                "inclusion": ["{{ 7*7 }} Signed informed consent {# comment #}", *ELIGIBILITY["inclusion"][1:]],
                "exclusion": ELIGIBILITY["exclusion"],
            },
            "summary": "Zeta {{ 7*7 }} Summary {{7*191}} ${7*7} <%= 7*7 %>. " + record()["summary"],
            "locations": ["{% raw %}{{ 7*7 }} Guangzhou"],
        },
    ),
}
# Kept as files: what no record with overrides can be (bytes that are not UTF-8, a NUL, a BOM,
# tabs, a second document, no mapping at all).
FILE_YAML = sorted(p.name for p in YAML_CASES.glob("*.yaml"))


def write_case(name: str, path: Path) -> Path:
    if name in GENERATED_YAML:
        comment, raw, values = GENERATED_YAML[name]
        return write_trial(path, comment, raw, **values)
    shutil.copy(YAML_CASES / name, path)
    return path


# YAML refused: what the line `check` and `build` name holds (or its number, where a whole
# file is at fault), and the message they print as `file:line: message`.
REFUSED_YAML: dict[str, tuple[str | bytes | int, str]] = {
    "duplicate_keys.yaml": ("status: Completed", "status: duplicate key (first given on line "),
    "tabs.yaml": (
        "\tinclusion:", "invalid YAML: found character that cannot start any token: indent with spaces, not tabs"
    ),
    "alias_bomb.yaml": ("b: &b", "YAML aliases (*name) are not allowed here"),
    "wrong_types.yaml": ("title:", "title: Input should be a valid string"),
    "unknown_fields.yaml": ("sponsr:", "sponsr: unknown field; did you mean 'sponsor'?"),
    "not_utf8.yaml": (b"sponsor:", "not valid UTF-8 (byte "),
    "utf16.yaml": (1, "not valid UTF-8 (byte 0); save the file as UTF-8"),
    "deep_nesting.yaml": ("description:", "invalid YAML: nested more than 32 levels deep"),
    "python_tag.yaml": ("title:", "YAML tags (!!python/object/apply:os.system) are not allowed here"),
    "include_tag.yaml": ("description:", "YAML tags (!include) are not allowed here"),
    "bidi_literal.yaml": ("title:", "title: contains U+202E RIGHT-TO-LEFT OVERRIDE"),
    "escaped_control.yaml": ("sponsor:", "sponsor: contains U+0000, a control character; delete it"),
    "empty.yaml": (1, "the file is empty"),
    "not_a_mapping.yaml": ("- title: A", "(document): the file must be a mapping of field names to values"),
    "two_documents.yaml": ("---", "invalid YAML: a second document (---); one file holds one trial"),
    "huge_number.yaml": ("enrollment:", "a number with 5,000 digits is too long to read"),
    "nul_raw.yaml": (b"sponsor:", "invalid YAML: character U+0000 is not allowed"),
}
ACCEPTED_YAML = sorted(name for name in [*FILE_YAML, *GENERATED_YAML] if name not in REFUSED_YAML)


def expected_problem(name: str, path: Path) -> str:
    marker, message = REFUSED_YAML[name]
    line = marker if isinstance(marker, int) else line_of(path, marker)
    return f"{path}:{line}: {message}"


UNSAFE_NAMES = ["...yaml", "..yaml", ".hidden.yaml", "Upper.yaml", "with space.yaml", "<script>.yaml", "-dash.yaml"]


def load_record_data(path: Path) -> dict[str, object]:
    return load(path.read_text("utf-8"), str(path)).data


def extract(root: Path) -> int:
    return main(ROOT, ["extract", "--seeds", str(root / "seeds"), "--content", str(root / "content")])


def build(root: Path, *options: str) -> int:
    return main(root, ["build", "--content", str(root / "content"), "--out", str(root / "site"), *options])


def check(root: Path) -> int:
    return main(root, ["check", "--content", str(root / "content")])


def tree(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def new_project(tmp: Path) -> Path:
    (tmp / "seeds").mkdir()
    (tmp / "content" / "trials").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "drugs.yaml", tmp / "content" / "drugs.yaml")
    (tmp / "site.toml").write_text(SITE_TOML, "utf-8")
    return tmp


def extracted_files(root: Path) -> dict[str, str]:
    """Seed name -> the content file extract wrote for it (documents of one trial share one)."""
    state = json.loads((root / "content" / ".extract-state.json").read_text("utf-8"))["seeds"]
    return {document: entry["file"] for seed, entry in state.items() for document in entry.get("documents", [seed])}


# ---------------------------------------------------------------------------------------------
# What a built page may contain: the site's own markup, and content only as text.

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href", "background", "srcset"}
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|file):", re.IGNORECASE)
_TAGS = {
    "html", "head", "meta", "title", "link", "script", "body", "a", "header", "nav", "ul", "ol", "li", "main",
    "footer", "div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "span", "strong", "em", "code", "pre", "article",
    "section", "aside", "details", "summary", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tr",
    "th", "td", "blockquote", "hr", "br", "form", "label", "input", "button", "svg", "rect", "path", "time",
    "small", "abbr", "figure", "figcaption", "mark", "select", "option", "fieldset", "legend", "noscript", "cite", "q",
}


class Page(HTMLParser):
    """Every tag with its attributes, every script's body, and the visible text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.text: list[str] = []
        self._script: dict[str, str | None] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        else:
            self.text.append(data)

    @property
    def visible_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def injected_markup(html: str, base_path: str = "/", links_from_content: bool = False) -> list[str]:
    """What in a built page is not the site's own markup: empty for a safe page. A link out of
    the site is allowed only where an editor may write one (`links_from_content`): Markdown in
    hand-edited YAML, never text extracted from a scraped seed."""
    page = Page(html)
    found = []
    csp = "content-security-policy"
    if not any(tag == "meta" and (attrs.get("http-equiv") or "").lower() == csp for tag, attrs in page.tags):
        found.append("no Content-Security-Policy meta tag")
    for tag, attrs in page.tags:
        if tag not in _TAGS:
            found.append(f"<{tag}> is not a tag the site's templates use")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...>: an event handler")
            if name in _URL_ATTRIBUTES and value and _BAD_SCHEME.match(re.sub(r"[\x00-\x20]", "", value)):
                found.append(f"<{tag} {name}={value!r}>: a script or data URL")
            if name == "style":
                found.append(f"<{tag} style=...>: an inline style")
        if tag == "meta" and attrs.get("http-equiv") and attrs["http-equiv"].lower() != "content-security-policy":
            found.append(f"<meta http-equiv={attrs['http-equiv']!r}>")
        # The header's search box, and the home page's "can I take part" form (which filters in place).
        if tag == "form" and attrs.get("action") not in (f"{base_path}search/", base_path):
            found.append(f"<form action={attrs.get('action')!r}>")
        if tag == "a" and not links_from_content and "evil.example" in (attrs.get("href") or ""):
            found.append(f"a link to {attrs['href']}")
    for attrs, body in page.scripts:
        src = attrs.get("src")
        if attrs.get("type") == "application/ld+json" and not src:
            json.loads(body)  # data, and well-formed
            if "<" in body:
                found.append("a '<' inside JSON-LD could close the script element")
        elif not (src and re.fullmatch(re.escape(base_path) + r"(static/[\w.-]+\.js|pagefind/[\w.-]+\.js)", src)):
            found.append(f"<script {attrs}>{body[:60]}: not one of the site's own scripts")
    return found


def site_pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text("utf-8") for p in sorted(site.rglob("*.html"))}


# ---------------------------------------------------------------------------------------------
# Seeds, one at a time


@pytest.mark.parametrize("name", sorted(REFUSED_SEEDS))
def test_a_refused_seed_exits_1_with_its_name_and_reason_and_the_others_go_through(tmp_path, capsys, name):
    root = new_project(tmp_path)
    shutil.copy(GOOD_SEED, root / "seeds" / "good.txt")
    shutil.copy(SEED_CASES / name, root / "seeds" / name)
    assert extract(root) == 1
    err = capsys.readouterr().err
    message, line = REFUSED_SEEDS[name]
    where = f"{name}:{line}: " if line else f"{name}: "
    assert where in err and message in err, err
    assert list(extracted_files(root)) == ["good.txt"]


@pytest.mark.parametrize("name", sorted(RUNTIME_SEEDS))
def test_a_seed_that_is_not_a_usable_file_exits_1_with_its_name(tmp_path, capsys, name):
    root = new_project(tmp_path)
    shutil.copy(GOOD_SEED, root / "seeds" / "good.txt")
    make, message = RUNTIME_SEEDS[name]
    make(root / "seeds" / name)
    assert extract(root) == 1
    err = capsys.readouterr().err
    shown = name.encode("unicode_escape").decode()  # a newline in a name is printed as \n
    assert f"{shown}: " in err and message in err, err
    assert list(extracted_files(root)) == ["good.txt"]


def test_a_20mb_seed_is_refused_without_being_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"x" * (MAX_SEED_BYTES + 1))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the whole file was read"))
    with pytest.raises(Exception, match="seeds larger than"):
        read_seed(path)


@pytest.mark.parametrize("name", ACCEPTED_SEEDS)
def test_a_hostile_seed_is_extracted_as_text_and_exits_0(tmp_path, capsys, name):
    root = new_project(tmp_path)
    shutil.copy(SEED_CASES / name, root / "seeds" / name)
    assert extract(root) == 0, capsys.readouterr().err
    (written,) = extracted_files(root).values()
    path = root / "content" / "trials" / written
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*\.yaml", written)
    trial = load_record(path, Trial)  # schema-valid, no invisible or control characters
    assert trial.source.file == name


@pytest.mark.parametrize("name", ENCODED_SEEDS)
def test_a_seed_in_another_encoding_or_line_ending_gives_the_same_record(tmp_path, name, extract_file):
    plain = tmp_path / "plain.txt"
    text = read_seed(SEED_CASES / name).lines
    plain.write_text("\n".join(text) + "\n", "utf-8")
    encoded, reference = extract_file(SEED_CASES / name), extract_file(plain)
    assert encoded.model_dump(exclude={"source"}) == reference.model_dump(exclude={"source"})
    assert "Encoded Trial of Gemcitabine" in encoded.title and encoded.conditions == reference.conditions


def test_invisible_and_reordering_characters_never_reach_a_record(extract_file):
    for name in ("zero_width_bidi.txt", "html_entities.txt"):
        text = json.dumps(extract_file(SEED_CASES / name).model_dump(mode="json"), ensure_ascii=True)
        assert not re.search(r"\\u(200[b-f]|202[a-e]|206[0-9]|feff|00ad|000[0-9a-f]|001[0-9a-f])", text, re.I), name


def test_yaml_syntax_in_a_seed_is_written_as_quoted_text(extract_file):
    trial = extract_file(SEED_CASES / "yaml_syntax.txt")
    assert trial.title == '!!python/object/apply:os.system ["echo pwned"]'


# ---------------------------------------------------------------------------------------------
# The whole corpus through the default command: extract, then build


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """The project's real seeds plus every seed case, through `python build.py` (extract, then
    build) run in a scratch project: seeds/, content/ and site/ beside its site.toml."""
    root = new_project(tmp_path_factory.mktemp("catalogue"))
    for path in [*SEEDS.glob("*.txt"), *SEED_CASES.glob("*.txt")]:
        shutil.copy(path, root / "seeds" / path.name)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):  # capsys is per test
        code = main(root, [])
    return root, code, out.getvalue(), err.getvalue()


def test_the_default_command_exits_1_naming_every_refused_seed(catalogue):
    _root, code, _, err = catalogue
    assert code == 1
    for name in REFUSED_SEEDS:
        assert name in err


def test_every_good_seed_is_published_despite_the_refused_ones(catalogue):
    root, _, out, _ = catalogue
    files = extracted_files(root)
    assert set(files) == {p.name for p in SEEDS.glob("*.txt")} | set(ACCEPTED_SEEDS)
    for name in files.values():
        assert (root / "site" / "trials" / name.removesuffix(".yaml") / "index.html").is_file(), name
    assert f"build: {len(set(files.values()))} trials" in out


@pytest.mark.parametrize("name", ACCEPTED_SEEDS)
def test_a_hostile_seeds_page_shows_its_text_and_no_markup(catalogue, name):
    root = catalogue[0]
    slug = extracted_files(root)[name].removesuffix(".yaml")
    html = (root / "site" / "trials" / slug / "index.html").read_text("utf-8")
    assert injected_markup(html) == []
    trial = load_record(root / "content" / "trials" / f"{slug}.yaml", Trial)
    assert " ".join(trial.title.split()) in Page(html).visible_text


def test_no_page_of_the_catalogue_has_injected_markup(catalogue):
    pages = site_pages(catalogue[0] / "site")
    assert len(pages) > 20
    assert {path: found for path, html in pages.items() if (found := injected_markup(html))} == {}


def test_template_syntax_in_a_seed_shows_literally_and_is_never_evaluated(catalogue):
    site = catalogue[0] / "site"
    slug = extracted_files(catalogue[0])["template_syntax.txt"].removesuffix(".yaml")
    text = Page((site / "trials" / slug / "index.html").read_text("utf-8")).visible_text
    assert "Zeta {{ 7*7 }} Study of {% include 'base.html' %} Gemcitabine" in text
    assert "{{ config }}" in text and "{# a comment #}" in text
    for path, html in site_pages(site).items():
        assert "Zeta 49" not in html and "1337" not in html, path  # {{ 7*7 }} and {{7*191}} evaluated


def test_two_seeds_with_the_same_title_get_distinct_files_and_with_the_same_registry_id_one(catalogue):
    files = extracted_files(catalogue[0])
    same_titles = {files["same_title_a.txt"], files["same_title_b.txt"]}
    assert same_titles == {"duplicate-title-trial.yaml", "duplicate-title-trial-2.yaml"}
    assert files["same_nct_a.txt"] == files["same_nct_b.txt"] == "nct09990002.yaml"


def test_a_title_that_looks_like_a_path_stays_inside_content_and_site(catalogue):
    root = catalogue[0]
    files = extracted_files(root)
    assert files["path_escape.txt"] == "etc-passwd.yaml"
    assert files["path_escape_dots.txt"] == "trial.yaml"
    assert files["path_escape_windows.txt"] == "windows-system32-config.yaml"
    assert sorted(p.name for p in root.iterdir()) == [
        ".site.build-state.sqlite", ".site.lock", "content", "seeds", "site", "site.toml"
    ]
    assert all(".." not in p.parts for p in (root / "site").rglob("*"))


# ---------------------------------------------------------------------------------------------
# YAML content, one case at a time, on top of a built site


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    """A project whose site was built from the three render fixtures: what must never be lost."""
    root = tmp_path_factory.mktemp("built")
    (root / "site.toml").write_text(SITE_TOML, "utf-8")
    shutil.copytree(RENDER_CONTENT, root / "content")
    assert build(root) == 0
    return root, tree(root / "site")


@pytest.fixture
def project(built_site, tmp_path):
    """A copy of the built project, to add one case to."""
    root = tmp_path / "project"
    shutil.copytree(built_site[0], root)
    return root


@pytest.mark.parametrize("name", sorted(REFUSED_YAML))
def test_check_reports_a_broken_yaml_file_with_file_and_line(project, capsys, name):
    path = write_case(name, project / "content" / "trials" / name.replace("_", "-"))
    assert check(project) == 1
    err = capsys.readouterr().err
    assert expected_problem(name, path) in err, err


@pytest.mark.parametrize("name", sorted(REFUSED_YAML))
def test_build_refuses_a_broken_yaml_file_and_keeps_the_previous_site(project, built_site, capsys, name):
    path = write_case(name, project / "content" / "trials" / name.replace("_", "-"))
    assert build(project) == 1
    err = capsys.readouterr().err
    assert expected_problem(name, path) in err and "was left as it was" in err, err
    assert tree(project / "site") == built_site[1]
    assert not list(project.glob(".site-*"))
    assert not (project / "trialsite-pwned").exists()


def test_a_duplicate_key_names_the_line_of_the_first(project, capsys):
    path = write_case("duplicate_keys.yaml", project / "content" / "trials" / "duplicate-keys.yaml")
    assert check(project) == 1
    first = line_of(path, "status:")
    assert f"{path}:{line_of(path, 'status:', after=first)}: status: duplicate key (first given on line {first})" in (
        capsys.readouterr().err
    )


def test_every_wrong_type_is_reported_at_its_own_line(project, capsys):
    path = write_case("wrong_types.yaml", project / "content" / "trials" / "wrong-types.yaml")
    assert check(project) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith(str(path))]
    keys = list(load_record_data(path))
    assert keys == list(Trial.model_fields)[: len(keys)]  # each field of the model, in order
    assert [line.split(": ")[1] for line in lines] == keys
    assert [int(line.split(":")[1]) for line in lines] == [line_of(path, f"{key}:") for key in keys]


def test_unknown_fields_are_reported_with_a_suggestion(project, capsys):
    path = write_case("unknown_fields.yaml", project / "content" / "trials" / "unknown-fields.yaml")
    assert check(project) == 1
    err = capsys.readouterr().err
    assert f"{path}:{line_of(path, 'sponsr:')}: sponsr: unknown field; did you mean 'sponsor'?" in err
    inclusoin = line_of(path, "  inclusoin:")
    assert f"{path}:{inclusoin}: eligibility.inclusoin: unknown field; did you mean 'inclusion'?" in err
    assert f"{path}:{line_of(path, 'colour:')}: colour: unknown field; allowed: title, nct_id, phase" in err


def test_one_invalid_file_stops_the_build_and_every_problem_in_every_file_is_printed(project, built_site, capsys):
    paths = {name: write_case(name, project / "content" / "trials" / name.replace("_", "-"))
             for name in ("duplicate_keys.yaml", "wrong_types.yaml", "tabs.yaml")}
    assert build(project) == 1
    err = capsys.readouterr().err
    assert expected_problem("duplicate_keys.yaml", paths["duplicate_keys.yaml"]) in err
    assert expected_problem("tabs.yaml", paths["tabs.yaml"]) in err
    assert err.count("wrong-types.yaml:") == len(load_record_data(paths["wrong_types.yaml"]))
    assert tree(project / "site") == built_site[1]  # every trial still published, as it was


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_a_trial_file_whose_name_is_not_a_safe_address_is_refused(project, built_site, capsys, name):
    path = project / "content" / "trials" / name
    shutil.copy(RENDER_CONTENT / "trials" / "complete.yaml", path)
    assert check(project) == 1
    assert f"{path}: file name must be lowercase letters, digits" in capsys.readouterr().err
    assert build(project) == 1
    assert tree(project / "site") == built_site[1]


@pytest.mark.parametrize("name", ACCEPTED_YAML)
def test_a_valid_file_with_hostile_text_builds_and_shows_it_as_text(project, capsys, name):
    write_case(name, project / "content" / "trials" / name.replace("_", "-"))
    assert check(project) == 0, capsys.readouterr().err
    assert build(project) == 0, capsys.readouterr().err
    slug = name.removesuffix(".yaml").replace("_", "-")
    html = (project / "site" / "trials" / slug / "index.html").read_text("utf-8")
    assert injected_markup(html, links_from_content=True) == []
    assert load_record(project / "content" / "trials" / f"{slug}.yaml", Trial).title in Page(html).visible_text
    pages = site_pages(project / "site")
    assert {
        path: found for path, page in pages.items() if (found := injected_markup(page, links_from_content=True))
    } == {}


def test_markdown_raw_html_and_script_links_show_as_text(project):
    write_case("markdown_html.yaml", project / "content" / "trials" / "markdown-html.yaml")
    assert build(project) == 0
    page = Page((project / "site" / "trials" / "markdown-html" / "index.html").read_text("utf-8"))
    assert "Raw <script>alert(1)</script> and <img src=x onerror=alert(2)>" in page.visible_text
    links = [attrs.get("href") or "" for tag, attrs in page.tags if tag == "a"]
    # What a browser takes for the scheme: leading spaces and controls, tabs and newlines ignored.
    schemes = {re.sub(r"[\t\n\r]", "", href.lstrip("\x00 ")).split(":")[0].lower() for href in links if ":" in href}
    assert not schemes & {"javascript", "vbscript", "data"}
    assert "img" not in {tag for tag, _ in page.tags}  # images are off: nothing is fetched from elsewhere


def test_template_syntax_in_yaml_shows_literally_and_is_never_evaluated(project):
    write_case("template_syntax.yaml", project / "content" / "trials" / "template-syntax.yaml")
    assert build(project) == 0
    text = Page((project / "site" / "trials" / "template-syntax" / "index.html").read_text("utf-8")).visible_text
    assert "Zeta {{ 7*7 }} Trial {% include 'base.html' %}" in text and "{{ config }}" in text
    for path, html in site_pages(project / "site").items():
        assert "Zeta 49" not in html and "1337" not in html, path


@pytest.mark.parametrize(
    "fragment",
    [
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        '<img src=x onerror="alert(1)">',
        '<a href=" jav&#x09;ascript:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        "<style>body{display:none}</style>",
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<form action="https://evil.example"></form>',
        '<p style="display:none">x</p>',
        '<script type="application/ld+json">{"a": "</p>"}</script>',
    ],
)
def test_the_markup_check_catches_what_it_looks_for(fragment):
    csp = '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'">'
    assert injected_markup(f"<html><head>{csp}</head><body>{fragment}</body></html>")
    assert injected_markup(f"<html><head>{csp}</head><body><p>{fragment.replace('<', '&lt;')}</p></body></html>") == []


@pytest.mark.parametrize("kind", ["directory", "dangling symlink"])
def test_check_names_a_trial_path_that_is_not_a_readable_file(project, capsys, kind):
    path = project / "content" / "trials" / "not-a-file.yaml"
    if kind == "directory":
        path.mkdir()
    else:
        path.symlink_to(project / "nowhere.yaml")
    assert check(project) == 1
    reason = "Is a directory" if kind == "directory" else "No such file or directory"
    assert f"{path}: cannot read: {reason}" in capsys.readouterr().err
