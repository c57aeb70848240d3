"""The search index in shards: a catalogue of generated trials, its shard size set low, so that a
small catalogue is indexed as a large one is. What the merged search finds in a browser is tested
in tests/quality/test_search_browser.py."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import generate_trials
from trialsite.render import SiteBuilder, SiteConfig, build_site, shards
from trialsite.render.background_index import BackgroundIndexer
from trialsite.render.publish import LivePublisher
from trialsite.render.shards import SEARCH_DIR, bundle_path, shard_count, shard_of, shard_of_file

CONFIG = SiteConfig(title="Test Catalogue", description="Trials for testing.", base_url="https://example.org/sub/")
TRIALS = 40
SHARD_TRIALS = 10  # four shards of about ten trials


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return generate_trials(TRIALS, tmp_path_factory.mktemp("generated"), seed=5) / "content"


@pytest.fixture
def content(generated, tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(shards, "SHARD_TRIALS", SHARD_TRIALS)
    return Path(shutil.copytree(generated, tmp_path / "content"))


def index_files(site: Path) -> dict[str, bytes]:
    files = (p for p in sorted((site / SEARCH_DIR).rglob("*")) if p.is_file())
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in files}


def page_counts(site: Path) -> dict[int, int]:
    """Each shard's number of indexed pages, as its pagefind-entry.json says."""
    counts = {}
    for entry in sorted((site / SEARCH_DIR).rglob("pagefind-entry.json")):
        shard = shard_of_file(entry.relative_to(site).as_posix())
        counts[shard] = sum(language["page_count"] for language in json.loads(entry.read_bytes())["languages"].values())
    return counts


def slugs(content: Path) -> list[str]:
    return sorted(path.stem for path in (content / "trials").glob("*.yaml"))


def retitle(content: Path, slug: str, title: str) -> None:
    path = content / "trials" / f"{slug}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M), encoding="utf-8")


def files_of_other_shards(site: Path, shard: int) -> dict[str, tuple[int, int]]:
    """The inode and modification time of every index file not in `shard`."""
    found = {}
    for path in (site / SEARCH_DIR).rglob("*"):
        name = path.relative_to(site).as_posix()
        if path.is_file() and shard_of_file(name) != shard:
            found[name] = (path.stat().st_ino, path.stat().st_mtime_ns)
    return found


# How many shards, and which trial is in which


@pytest.mark.parametrize(
    ("trials", "count"), [(0, 1), (2_499, 1), (2_500, 2), (5_000, 4), (10_000, 8), (50_000, 32), (100_000, 64)]
)
def test_the_number_of_shards_is_a_power_of_two_that_leaves_each_at_least_1250_trials(trials, count):
    assert shard_count(trials) == count


def test_a_trials_shard_depends_on_its_slug_alone():
    assert shard_of("nct01234567", 8) == shard_of("nct01234567", 8)
    assert {shard_of(f"trial-{n}", 8) for n in range(100)} == set(range(8))


def test_a_trials_shard_in_more_shards_splits_the_one_it_was_in():
    """Doubling the shards (a catalogue that grew) splits each shard in two, moving no trial elsewhere."""
    assert all(shard_of(f"trial-{n}", 16) % 8 == shard_of(f"trial-{n}", 8) for n in range(1000))


# The bundles a build makes


def test_each_shard_indexes_exactly_its_trials(content, tmp_path):
    site = tmp_path / "site"
    build_site(content, site, CONFIG)
    expected: dict[int, int] = {}
    for slug in slugs(content):
        expected[shard_of(slug, 4)] = expected.get(shard_of(slug, 4), 0) + 1
    assert page_counts(site) == expected
    assert sorted(expected) == [0, 1, 2, 3]


def test_only_the_primary_bundle_carries_pagefinds_code_and_only_what_the_search_page_loads(content, tmp_path):
    site = tmp_path / "site"
    build_site(content, site, CONFIG)
    primary = {p.name for p in (site / SEARCH_DIR).iterdir() if p.is_file() and not p.name.endswith(".pf_meta")}
    assert primary == {
        "pagefind-entry.json", "pagefind-ui.js", "pagefind-ui.css", "pagefind.js", "pagefind-worker.js",
        "wasm.en.pagefind", "wasm.unknown.pagefind",
    }
    for shard in (1, 2, 3):
        names = {p.name for p in (site / bundle_path(shard)).iterdir() if p.is_file()}
        assert names == {"pagefind-entry.json", *(n for n in names if n.endswith(".pf_meta"))}, names
        assert {p.name for p in (site / bundle_path(shard)).iterdir() if p.is_dir()} == {"index", "fragment", "filter"}


def test_the_search_page_merges_the_other_shards_through_the_url_helper(content, tmp_path):
    site = tmp_path / "site"
    build_site(content, site, CONFIG)
    page = (site / "search" / "index.html").read_text("utf-8")
    assert 'data-bundle="/sub/pagefind/"' in page
    assert 'data-merge="/sub/pagefind/shard-1/ /sub/pagefind/shard-2/ /sub/pagefind/shard-3/"' in page


def test_one_shard_is_the_whole_index_with_nothing_to_merge(tmp_path):
    site = tmp_path / "site"
    build_site(Path(__file__).parent / "fixtures" / "render" / "content", site, CONFIG)
    assert page_counts(site) == {0: 3}
    assert "data-merge" not in (site / "search" / "index.html").read_text("utf-8")


# Keeping the shards in step with the pages


def test_two_cold_builds_give_the_same_index_byte_for_byte(content, tmp_path):
    build_site(content, tmp_path / "one", CONFIG)
    build_site(content, tmp_path / "two", CONFIG)
    assert index_files(tmp_path / "one") == index_files(tmp_path / "two")


def test_an_edit_reindexes_only_its_trials_shard_and_equals_a_cold_build(content, tmp_path):
    site = tmp_path / "site"
    build_site(content, site, CONFIG)
    slug = slugs(content)[7]
    shard = shard_of(slug, 4)
    others = files_of_other_shards(site, shard)
    retitle(content, slug, "Zanzibarian renamed trial")
    result = build_site(content, site, CONFIG)
    written = [path for path in result.written if path.startswith(f"{SEARCH_DIR}/")]
    assert written and {shard_of_file(path) for path in written} == {shard}
    assert files_of_other_shards(site, shard) == others  # the same files, hard-linked over
    build_site(content, tmp_path / "cold", CONFIG, clean=True)
    assert index_files(site) == index_files(tmp_path / "cold")


@pytest.mark.parametrize("kept", [TRIALS // 2, TRIALS])
def test_a_catalogue_that_changes_its_number_of_shards_is_laid_out_again_like_a_cold_build(content, tmp_path, kept):
    """Forty trials make four shards, twenty make two: a catalogue shrinks, or grows back."""
    site, removed = tmp_path / "site", tmp_path / "removed"
    removed.mkdir()
    if kept == TRIALS:  # it grows: start with half
        for slug in slugs(content)[TRIALS // 2 :]:
            shutil.move(content / "trials" / f"{slug}.yaml", removed)
    build_site(content, site, CONFIG)
    if kept == TRIALS:
        for path in removed.iterdir():
            shutil.move(path, content / "trials")
    else:
        for slug in slugs(content)[kept:]:
            (content / "trials" / f"{slug}.yaml").unlink()
    build_site(content, site, CONFIG)
    build_site(content, tmp_path / "cold", CONFIG, clean=True)
    assert sorted(page_counts(site)) == list(range(shard_count(kept)))
    assert index_files(site) == index_files(tmp_path / "cold")


def test_the_preview_reindexes_only_the_edited_trials_shard(content, tmp_path):
    site = tmp_path / "live"
    builder = SiteBuilder(content, site, CONFIG, publisher=LivePublisher(site))
    builder.build()
    assert BackgroundIndexer.of(site).wait(120)
    slug = slugs(content)[3]
    shard = shard_of(slug, 4)
    others = files_of_other_shards(site, shard)
    retitle(content, slug, "Zanzibarian renamed trial")
    builder.build()
    assert BackgroundIndexer.of(site).wait(120)
    assert files_of_other_shards(site, shard) == others
    SiteBuilder(content, tmp_path / "cold", CONFIG).build(clean=True)
    assert index_files(site) == index_files(tmp_path / "cold")
