"""A build stages into the site the last swap replaced (the spare): most of its files are the
current site's already, so a build links only what changed instead of making and deleting a
directory per trial; what it ends with is still exactly a cold build's site."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from test_render_build import build, tree

from trialsite.sitefolder import SiteFolder

TRIALS = "content/trials"


def retitle(root: Path, trial: str, title: str) -> None:
    path = root / TRIALS / f"{trial}.yaml"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    lines[[line.startswith("title:") for line in lines].index(True)] = f"title: {title}\n"
    path.write_text("".join(lines), "utf-8")


def trial_names(root: Path) -> list[str]:
    return sorted(path.stem for path in (root / TRIALS).glob("*.yaml"))


def cold_tree(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """The site a first build of `root`'s content makes."""
    fresh = tmp_path / "cold"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("site", ".site*"))
    assert build(fresh) == 0
    return tree(fresh / "site")


def test_the_replaced_site_is_kept_as_the_next_builds_spare_sharing_its_files(root):
    first, second = trial_names(root)[:2]
    assert build(root) == 0
    retitle(root, first, "A retitled trial")
    assert build(root) == 0
    spare = SiteFolder(root / "site").spare
    unchanged = f"trials/{second}/index.html"
    assert os.path.samefile(spare / unchanged, root / "site" / unchanged)


def test_a_build_into_the_spare_equals_a_cold_build_and_drops_what_the_spare_had(root, tmp_path):
    gone, edited, later = trial_names(root)
    assert build(root) == 0
    (root / TRIALS / f"{gone}.yaml").unlink()
    retitle(root, edited, "A retitled trial")
    assert build(root) == 0  # the spare is now the site that still had `gone`
    retitle(root, later, "Another retitled trial")
    assert build(root) == 0  # staged into that spare
    assert not (root / "site" / "trials" / gone).exists()
    assert tree(root / "site") == cold_tree(root, tmp_path)


def test_a_clean_build_keeps_no_spare(root):
    assert build(root) == 0
    assert build(root, "--clean") == 0
    assert not SiteFolder(root / "site").spare.exists()


def test_a_failed_build_leaves_the_site_and_no_half_written_spare(root):
    trial = trial_names(root)[0]
    assert build(root) == 0
    retitle(root, trial, "A retitled trial")
    assert build(root) == 0
    before = tree(root / "site")
    (root / TRIALS / f"{trial}.yaml").write_text("title: fine\nphase: [unclosed\n", "utf-8")
    assert build(root) == 1
    assert tree(root / "site") == before
    assert not SiteFolder(root / "site").spare.exists()


def test_the_sites_identity_changes_when_two_swaps_bring_its_directory_back(root):
    trial = trial_names(root)[0]
    folder = SiteFolder(root / "site")
    assert build(root) == 0
    first = folder.identity()
    for title in ("Retitled once", "Retitled twice"):
        retitle(root, trial, title)
        assert build(root) == 0
    now = folder.identity()
    assert first is not None and now is not None
    assert now[:2] == first[:2]  # the same directory is in place again...
    assert now != first  # ...and a preview that built into it must not trust what it knew
