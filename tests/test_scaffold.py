"""`trialsite new DIR`: a catalogue to start from in a new or empty folder, and a catalogue's own
templates/ overriding the package's file by file."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, ROOT
from trialsite.cli import main
from trialsite.content import load_vocabulary
from trialsite.render import build_site, load_config
from trialsite.render.templates import TEMPLATES_DIR

FIXTURE = FIXTURES / "render" / "content"


def new(directory, *options):
    return main(directory.parent, ["new", str(directory), *options])


def files(directory):
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())


def test_new_writes_settings_content_seeds_the_pages_workflow_and_a_gitignore(tmp_path):
    assert new(tmp_path / "cat") == 0
    assert files(tmp_path / "cat") == [
        ".github/workflows/pages.yml",
        ".gitignore",
        "content/drugs.yaml",
        "requirements.txt",
        "seeds/README.md",
        "site.toml",
    ]
    assert (tmp_path / "cat" / "content" / "trials").is_dir()


def test_the_new_catalogue_settings_and_vocabulary_load(tmp_path):
    new(tmp_path / "cat")
    assert load_config(tmp_path / "cat" / "site.toml").base_url == "/"
    vocabulary = load_vocabulary(tmp_path / "cat" / "content")
    assert (vocabulary.drugs, vocabulary.regimens) == ([], [])


def test_new_starts_in_an_existing_empty_folder(tmp_path):
    (tmp_path / "cat").mkdir()
    assert new(tmp_path / "cat") == 0
    assert (tmp_path / "cat" / "site.toml").is_file()


def test_new_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "notes.txt").write_text("mine", "utf-8")
    assert new(tmp_path / "cat") == 1
    assert f"error: {tmp_path / 'cat'}: not an empty folder" in capsys.readouterr().err
    assert files(tmp_path / "cat") == ["notes.txt"]


def test_templates_stay_in_the_package_unless_asked_for(tmp_path):
    new(tmp_path / "plain")
    new(tmp_path / "custom", "--templates")
    assert not (tmp_path / "plain" / "templates").exists()
    assert files(tmp_path / "custom" / "templates") == files(TEMPLATES_DIR)


def test_a_catalogue_template_overrides_the_package_one_of_its_name_only(tmp_path):
    templates = tmp_path / "templates"
    (templates / "partials").mkdir(parents=True)
    (templates / "partials" / "footer.html").write_text("<footer>Our own footer</footer>\n", "utf-8")
    config = load_config(ROOT / "site.toml")
    build_site(FIXTURE, tmp_path / "site", config, templates)
    home = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert "Our own footer" in home
    assert "<main" in home  # the rest still from the package's templates


def test_a_catalogue_static_file_overrides_the_package_one_of_its_name_only(tmp_path):
    (tmp_path / "templates" / "static").mkdir(parents=True)
    (tmp_path / "templates" / "static" / "site.css").write_text("body { color: black; }\n", "utf-8")
    config = load_config(ROOT / "site.toml")
    build_site(FIXTURE, tmp_path / "site", config, tmp_path / "templates")
    assert (tmp_path / "site" / "static" / "site.css").read_text("utf-8") == "body { color: black; }\n"
    assert (tmp_path / "site" / "static" / "filter.js").read_bytes() == (
        TEMPLATES_DIR / "static" / "filter.js"
    ).read_bytes()


@pytest.mark.parametrize("option", [[], ["--templates"]])
def test_the_cli_builds_with_the_catalogues_templates_folder(tmp_path, capsys, option):
    new(tmp_path / "cat", *option)
    (tmp_path / "cat" / "templates" / "partials").mkdir(parents=True, exist_ok=True)
    (tmp_path / "cat" / "templates" / "partials" / "footer.html").write_text("<footer>Cat footer</footer>\n", "utf-8")
    assert main(tmp_path / "cat", ["build", "--content", str(FIXTURE)]) == 0
    assert "Cat footer" in (tmp_path / "cat" / "site" / "index.html").read_text("utf-8")
