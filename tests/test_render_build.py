"""`build` from the command line: it writes a whole site or nothing, and says what went wrong."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trialsite.cli import main, pages_capacity, site_size
from trialsite.errors import BuildError
from trialsite.render import SiteConfig, build_site
from trialsite.render.templates import TEMPLATES_DIR

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "render" / "content"
SEED = REPO / "seeds" / "004_a6dd480056656803.txt"
CONFIG = SiteConfig(title="Test Catalogue", description="Trials for testing.", base_url="/")


def tree(directory: Path) -> dict[str, bytes]:
    """Every file's bytes, search index included."""
    files = (path for path in sorted(directory.rglob("*")) if path.is_file())
    return {path.relative_to(directory).as_posix(): path.read_bytes() for path in files}


def build(root: Path, *options: str) -> int:
    return main(root, ["build", "--content", str(root / "content"), "--out", str(root / "site"), *options])


def test_build_writes_the_site_and_exits_zero(root, capsys):
    assert build(root) == 0
    assert (root / "site" / "index.html").is_file()
    assert "build: 3 trials" in capsys.readouterr().out


def test_build_says_what_a_trial_costs_and_how_many_fit_on_github_pages(root, capsys):
    assert build(root) == 0
    per_trial = site_size(root / "site") / 3
    expected = f"{per_trial / 1e3:,.0f} KB a trial: about "
    assert f"({expected}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("size", "trials", "line"),
    [
        (930_000, 5, "186 KB a trial: about 5,700 trials fit in GitHub Pages' 1 GB"),
        (2_200_000_000, 50_000, "44 KB a trial: about 24,000 trials fit in GitHub Pages' 1 GB"),
        (500_000_000, 10, "50,000 KB a trial: about 21 trials fit in GitHub Pages' 1 GB"),
    ],
)
def test_pages_capacity_rounds_the_trials_that_fit_down_to_two_figures(size, trials, line):
    assert pages_capacity(size, trials) == line


def test_two_builds_are_byte_identical(root):
    assert build(root) == 0
    first = tree(root / "site")
    assert build(root) == 0
    assert tree(root / "site") == first


def test_builds_in_separate_processes_are_byte_identical(tmp_path):
    """Nothing depends on hash order, the clock or the process: two runs give the same bytes."""
    for name, seed in (("a", "1"), ("b", "2")):
        command = [
            sys.executable,
            str(REPO / "build.py"),
            "build",
            "--content",
            str(FIXTURE),
            "--out",
            str(tmp_path / name),
        ]
        subprocess.run(command, check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_base_url_option_overrides_site_toml(root):
    assert build(root, "--base-url", "https://user.github.io/repo") == 0
    text = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="/repo/static/site.css"' in text
    assert 'href="https://user.github.io/repo/"' in text  # canonical


def test_broken_yaml_fails_with_file_and_line_and_keeps_the_previous_site(root, capsys):
    assert build(root) == 0
    before = tree(root / "site")
    broken = root / "content" / "trials" / "broken.yaml"
    broken.write_text("title: fine\nphase: [unclosed\n", encoding="utf-8")
    capsys.readouterr()

    assert build(root) == 1

    err = capsys.readouterr().err
    assert f"{broken}:3: invalid YAML" in err  # where the parser found the list unclosed
    assert tree(root / "site") == before
    assert not [path for path in root.iterdir() if path.name.startswith(".site-")]


def test_invalid_field_fails_with_file_and_line(root, capsys):
    trial = root / "content" / "trials" / "complete.yaml"
    trial.write_text(
        trial.read_text(encoding="utf-8").replace("enrollment: 40", "enrollment: forty"), encoding="utf-8"
    )
    assert build(root) == 1
    line = trial.read_text(encoding="utf-8").splitlines().index("enrollment: forty") + 1
    assert f"{trial}:{line}: enrollment:" in capsys.readouterr().err


def test_template_syntax_error_names_the_template_file_and_line(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    (templates / "404.html").write_text(
        "{% extends 'base.html' %}\n{% block main %}\n{% if %}\n", encoding="utf-8"
    )
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("previous", encoding="utf-8")

    with pytest.raises(BuildError) as caught:
        build_site(FIXTURE, tmp_path / "site", CONFIG, templates)

    assert (caught.value.path, caught.value.line) == (str(templates / "404.html"), 3)
    assert str(caught.value).startswith(f"{templates / '404.html'}:3: ")
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "previous"


def test_template_runtime_error_names_the_template_file_and_line(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    (templates / "404.html").write_text(
        "{% extends 'base.html' %}\n{% block main %}\n{{ no_such_name }}\n{% endblock %}\n", encoding="utf-8"
    )
    with pytest.raises(BuildError) as caught:
        build_site(FIXTURE, tmp_path / "site", CONFIG, templates)
    assert (Path(caught.value.path).name, caught.value.line) == ("404.html", 3)
    assert "no_such_name" in caught.value.message
    assert not (tmp_path / "site").exists()


def test_refuses_to_replace_a_directory_that_is_not_a_built_site(root, capsys):
    (root / "site").mkdir()
    (root / "site" / "notes.txt").write_text("mine", encoding="utf-8")
    assert build(root) == 1
    assert "not a built site" in capsys.readouterr().err
    assert (root / "site" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_refuses_an_output_directory_that_holds_the_content(root, capsys):
    assert main(root, ["build", "--content", str(root / "content"), "--out", str(root)]) == 1
    assert "refusing to build here" in capsys.readouterr().err
    assert (root / "content" / "trials" / "complete.yaml").is_file()


def test_invalid_base_url_is_refused(root, capsys):
    assert build(root, "--base-url", "ftp://example.org/") == 1
    assert "site.toml: base_url" in capsys.readouterr().err


def test_the_built_site_is_readable_by_a_web_server(root):
    assert build(root) == 0
    assert (root / "site").stat().st_mode & 0o755 == 0o755


def test_default_command_extracts_then_builds(root, capsys):
    (root / "seeds").mkdir()
    shutil.copy(SEED, root / "seeds")
    assert main(root, []) == 0
    assert (root / "content" / "trials" / "nct07063888.yaml").is_file()
    assert (root / "site" / "trials" / "nct07063888" / "index.html").is_file()
    out = capsys.readouterr().out
    assert out.index("extract:") < out.index("build:")


def test_default_command_builds_despite_a_failed_seed_but_exits_non_zero(root, capsys):
    (root / "seeds").mkdir()
    (root / "seeds" / "empty.txt").write_text("", encoding="utf-8")
    assert main(root, []) == 1
    assert (root / "site" / "trials" / "complete" / "index.html").is_file()
    assert "empty.txt" in capsys.readouterr().err


def test_default_command_does_not_build_when_extract_cannot_run(root, capsys):
    assert main(root, []) == 1  # no seeds directory at all
    assert "seed directory not found" in capsys.readouterr().err
    assert not (root / "site").exists()
