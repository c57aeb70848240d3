"""The GitHub Pages workflow: valid against GitHub's workflow schema, clean under zizmor, testing
before it publishes, and building the site the way the README does, with the base URL
configure-pages reports; and the Dependabot config that keeps its actions and uv.lock current."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from trialsite.sitefolder import SiteFolder

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
DEPENDABOT = ROOT / ".github" / "dependabot.yml"
# What `trialsite new` gives a catalogue of its own: held to the same checks.
WORKFLOWS = [WORKFLOW, ROOT / "trialsite" / "scaffold" / "github" / "workflows" / "pages.yml"]


def run_tool(*args: str) -> subprocess.CompletedProcess:
    if not shutil.which(args[0]):
        pytest.fail(f"{args[0]} is not installed: bash tests/run.sh installs the test extras")
    return subprocess.run(list(args), capture_output=True, text=True, cwd=ROOT, check=False)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=["ours", "new-catalogue"])
def test_workflow_matches_githubs_workflow_schema(workflow):
    result = run_tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(workflow))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=["ours", "new-catalogue"])
def test_workflow_passes_zizmor(workflow):
    result = run_tool("zizmor", "--offline", "--no-progress", str(workflow))
    assert result.returncode == 0, result.stdout + result.stderr


def jobs():
    return yaml.safe_load(WORKFLOW.read_text("utf-8"))["jobs"]


def steps():
    return [step for job in jobs().values() for step in job["steps"]]


def needed_by(name: str) -> set[str]:
    """Every job `name` waits for, directly or through the jobs it needs."""
    needs = jobs()[name].get("needs", [])
    direct = {needs} if isinstance(needs, str) else set(needs)
    return direct.union(*(needed_by(job) for job in direct))


def test_the_deploy_waits_for_the_tests():
    assert "test" in needed_by("deploy")


def test_the_test_job_runs_what_ci_runs():
    script = "\n".join(step.get("run", "") for step in jobs()["test"]["steps"])
    assert "bash .ci/run" in script


def test_dependabot_config_matches_its_schema_and_covers_the_actions_and_the_lock():
    result = run_tool("check-jsonschema", "--builtin-schema", "vendor.dependabot", str(DEPENDABOT))
    assert result.returncode == 0, result.stdout + result.stderr
    ecosystems = {update["package-ecosystem"] for update in yaml.safe_load(DEPENDABOT.read_text("utf-8"))["updates"]}
    assert ecosystems == {"github-actions", "uv"}


def test_workflow_has_the_official_pages_shape():
    actions = [step["uses"].split("@")[0] for step in steps() if "uses" in step]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in actions


def test_workflow_installs_what_the_readme_installs_and_builds_for_the_pages_url():
    readme_install = (ROOT / "README.md").read_text("utf-8").split("```sh\n", 1)[1].splitlines()[0].split(" && ")[0]
    script = "\n".join(step.get("run", "") for step in steps())
    assert readme_install in script
    assert "--base-url" in script
    build_env = next(step["env"] for step in steps() if "--base-url" in step.get("run", ""))
    assert build_env["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"


def test_workflow_build_command_works_with_a_project_sub_path(tmp_path):
    result = subprocess.run(
        [sys.executable, "build.py", "build", "--out", str(tmp_path / "site"), "--base-url", "https://user.github.io/repo/"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert 'href="/repo/static/site.css"' in (tmp_path / "site" / "index.html").read_text("utf-8")


def test_the_build_restores_the_last_runs_site_and_build_state_keyed_by_the_locks_and_templates():
    build_steps = jobs()["build"]["steps"]
    actions = [step.get("uses", "").split("@")[0] for step in build_steps]
    cache = build_steps[actions.index("actions/cache")]
    assert re.fullmatch(r"actions/cache@[0-9a-f]{40}", cache["uses"]), "pinned by commit"
    assert set(cache["with"]["path"].split()) == {"site", SiteFolder(Path("site")).state.name + "*"}
    assert "hashFiles('uv.lock', 'package-lock.json', 'trialsite/templates/**')" in cache["with"]["key"]
    runs_build = next(i for i, step in enumerate(build_steps) if "build.py build" in step.get("run", ""))
    assert actions.index("actions/cache") < runs_build
