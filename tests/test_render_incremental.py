"""Incremental and parallel builds: output identical to a cold serial build, and an edit renders
exactly the pages it affects (the dependency map from content to pages)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from trialsite.content import drug_vocabulary, load_record
from trialsite.errors import BuildError
from trialsite.model import Trial
from trialsite.render import SiteBuilder, SiteConfig, background_index, changes, pages
from trialsite.render.pages import index_plans
from trialsite.render.publish import LivePublisher
from trialsite.render.renderer import Renderer, drug_class_table
from trialsite.render.state import BuildState
from trialsite.render.templates import TEMPLATES_DIR
from trialsite.render.trial_lists import TrialLists
from trialsite.render.urls import output_path
from trialsite.render.workers import PARALLEL_THRESHOLD, WorkerTraceback
from trialsite.sitefolder import SiteFolder
from trialsite.sync import render_trial

CONFIG = SiteConfig(title="Test catalogue", description="Testing.", base_url="https://example.org/sub/")
EXPORTS = {"trials.json.gz", "trials.csv.gz"}


@pytest.fixture
def content(tmp_path):
    """The project's five trials plus 75 variations of them: enough to use worker processes."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target, ignore=shutil.ignore_patterns(".extract-state.json"))
    originals = sorted((target / "trials").glob("*.yaml"))
    phases = ["Phase 1", "Phase 2", "Phase 3", None]
    for n in range(75):
        base = load_record(originals[n % len(originals)], Trial)
        variant = Trial.model_validate(
            base.model_dump() | {"title": f"{base.title} (variant {n})", "phase": phases[n % 4]}
        )
        (target / "trials" / f"variant-{n:02d}.yaml").write_text(render_trial(variant), "utf-8")
    return target


def build(content, out, clean=False, workers=None):
    return SiteBuilder(content, out, CONFIG, workers=workers).build(clean=clean)


def preview_builder(content, out):
    """A builder as the preview server keeps one: publishing in place, large files left for later."""
    return SiteBuilder(content, out, CONFIG, publisher=LivePublisher(out))


def snapshot(out):
    """Every file of the site, search index included (Pagefind 1.6.0 writes it byte for byte)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def edit(content, slug, **changes):
    path = content / "trials" / f"{slug}.yaml"
    trial = load_record(path, Trial)
    path.write_text(render_trial(Trial.model_validate(trial.model_dump() | changes)), "utf-8")


def cold(content, tmp_path, name="cold"):
    out = tmp_path / name
    build(content, out, clean=True, workers=1)
    return snapshot(out)


def test_parallel_build_equals_serial_build(content, tmp_path):
    assert len(list((content / "trials").glob("*.yaml"))) > PARALLEL_THRESHOLD
    build(content, tmp_path / "serial", workers=1)
    build(content, tmp_path / "parallel", workers=2)
    assert snapshot(tmp_path / "parallel") == snapshot(tmp_path / "serial")


def test_a_template_error_in_a_worker_process_names_the_template_file_and_line(content, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    trial_page = (templates / "trial.html").read_text("utf-8")
    (templates / "trial.html").write_text(trial_page.replace("{% block main %}", "{% block main %}{{ no_such_name }}"))
    line = next(n for n, text in enumerate(trial_page.splitlines(), start=1) if "{% block main %}" in text)
    with pytest.raises(BuildError) as caught:
        SiteBuilder(content, tmp_path / "site", CONFIG, templates, workers=2).build()
    assert (caught.value.path, caught.value.line) == (str(templates / "trial.html"), line)
    assert not (tmp_path / "site").exists()


def test_a_bug_in_a_worker_process_comes_back_with_where_it_happened(content, tmp_path, monkeypatch):
    def broken(self, *args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(Renderer, "trial", broken)
    with pytest.raises(RuntimeError, match="a bug") as caught:
        build(content, tmp_path / "site", workers=2)
    assert isinstance(caught.value.__cause__, WorkerTraceback)
    assert "in broken" in str(caught.value.__cause__)


def test_rebuild_with_nothing_changed_writes_nothing(content, tmp_path):
    out = tmp_path / "site"
    build(content, out)
    before = snapshot(out)
    result = build(content, out)
    assert (result.written, result.removed) == ((), ())
    assert snapshot(out) == before


EDITS = {
    "eligibility text (trial page only)": {"eligibility": {"inclusion": ["Adults"], "exclusion": []}},
    "title (lists move)": {"title": "Zzz renamed trial"},
    "phase (phase pages and counts)": {"phase": "Phase 4"},
    "drugs (drug pages)": {"drugs": ["capecitabine", "brand-new-drug"]},
    "status": {"status": "Completed"},
}


@pytest.mark.parametrize("change", EDITS.values(), ids=list(EDITS))
def test_an_edit_renders_exactly_the_affected_files(content, tmp_path, change):
    out = tmp_path / "site"
    build(content, out)
    before = snapshot(out)
    edit(content, "variant-07", **change)
    result = build(content, out)
    after = snapshot(out)
    differing = {path for path in after if after[path] != before.get(path)}
    assert differing <= set(result.written), "a changed file was not rendered"
    assert set(result.written) - differing <= EXPORTS, "an unaffected page was rendered"
    assert after == cold(content, tmp_path)


def test_an_edit_to_only_a_provenance_sidecar_renders_that_trial_page_again(content, tmp_path):
    out = tmp_path / "site"
    build(content, out)
    before = snapshot(out)
    sidecar = content / ".provenance" / "nct07063888.json"
    sidecar.write_text(sidecar.read_text("utf-8").replace('"quote": "Phase 2"', '"quote": "Phase II"', 1), "utf-8")
    result = build(content, out)
    after = snapshot(out)
    assert {path for path in after if after[path] != before.get(path)} == {"trials/nct07063888/index.html"}
    assert set(result.written) - EXPORTS == {"trials/nct07063888/index.html"}
    assert after == cold(content, tmp_path)


def test_incremental_output_equals_a_cold_build_after_a_sequence_of_edits(content, tmp_path):
    out = tmp_path / "site"
    build(content, out)
    edit(content, "variant-03", title="Same title")
    edit(content, "variant-04", title="Same title")
    build(content, out)
    (content / "trials" / "variant-05.yaml").unlink()
    build(content, out)
    shutil.copy(content / "trials" / "variant-06.yaml", content / "trials" / "variant-99.yaml")
    build(content, out)
    edit(content, "variant-04", title="A different title")
    result = build(content, out)
    assert "trials/variant-03/index.html" in result.written  # its title is no longer shared
    assert snapshot(out) == cold(content, tmp_path)


def phase_1_trials(content):
    variants = sorted((content / "trials").glob("variant-*.yaml"))
    return [path.stem for path in variants if "phase: Phase 1\n" in path.read_text("utf-8")]


def staged_builder(content, out):
    return SiteBuilder(content, out, CONFIG)


@pytest.mark.parametrize("builder", [staged_builder, preview_builder], ids=["build", "preview"])
def test_a_list_that_shrinks_by_a_page_leaves_no_stale_page(content, tmp_path, monkeypatch, builder):
    """Pages of 7 rows: the Phase 1 list runs to three pages, then loses all but five trials."""
    monkeypatch.setattr(pages, "PAGE_SIZE", 7)
    monkeypatch.setattr(background_index.BackgroundIndexer, "request", lambda self, key: None)
    out = tmp_path / "site"
    site = builder(content, out)
    site.build()
    assert (out / "phases/phase-1/page/3/index.html").is_file()
    touched = []
    for slug in phase_1_trials(content)[5:]:
        edit(content, slug, phase="Phase 3")
        touched.append(content / "trials" / f"{slug}.yaml")
    site.build(touched=touched)
    if isinstance(site.publisher, LivePublisher):
        site.publisher.write_deferred()
    assert not (out / "phases/phase-1/page/2/index.html").exists()
    expected = {p: data for p, data in cold(content, tmp_path).items() if not p.startswith("pagefind/")}
    assert {p: data for p, data in snapshot(out).items() if not p.startswith("pagefind/")} == expected


def test_trials_that_share_a_title_get_distinct_page_titles(content, tmp_path):
    edit(content, "variant-03", title="Same title")
    edit(content, "variant-04", title="same title")
    out = tmp_path / "site"
    build(content, out)
    assert b"<title>Same title (variant-03)" in (out / "trials/variant-03/index.html").read_bytes()
    assert b"<title>same title (variant-04)" in (out / "trials/variant-04/index.html").read_bytes()


def test_a_deleted_trial_takes_its_pages_out(content, tmp_path):
    out = tmp_path / "site"
    build(content, out)
    (content / "trials" / "variant-10.yaml").unlink()
    result = build(content, out)
    assert "trials/variant-10/index.html" in result.removed
    assert not (out / "trials/variant-10").exists()


def test_a_template_change_rebuilds_everything(content, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    out = tmp_path / "site"
    SiteBuilder(content, out, CONFIG, templates).build()
    footer = templates / "partials" / "footer.html"
    footer.write_text(footer.read_text("utf-8").replace("not medical advice", "NOT MEDICAL ADVICE"), "utf-8")
    result = SiteBuilder(content, out, CONFIG, templates).build()
    assert all(b"NOT MEDICAL ADVICE" in (out / path).read_bytes() for path in result.written if path.endswith(".html"))
    assert len([p for p in result.written if p.endswith(".html")]) == len(
        [p for p in snapshot(out) if p.endswith(".html")]
    )


def test_a_file_missing_from_the_built_site_is_rendered_again(content, tmp_path):
    out = tmp_path / "site"
    build(content, out)
    for path in ("trials/variant-01/index.html", "drugs/index.html", "trials.json.gz"):
        (out / path).unlink()
    result = build(content, out)
    assert set(result.written) == {"trials/variant-01/index.html", "drugs/index.html", "trials.json.gz"}
    assert snapshot(out) == cold(content, tmp_path)


def same_size_retitle(content, slug, new_title):
    """Rewrite a trial's title to one of the same length, keeping the file's stamp as it was: what
    a second quick save looks like on a file system that keeps times to the second."""
    path = content / "trials" / f"{slug}.yaml"
    before = path.stat()
    text = path.read_text("utf-8")
    old_title = load_record(path, Trial).title
    assert len(new_title) == len(old_title)
    path.write_text(text.replace(old_title, new_title, 1), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert changes.file_stamp(path) == (before.st_mtime_ns, before.st_size)


def test_a_same_size_edit_within_one_clock_tick_is_still_seen(content, tmp_path):
    out = tmp_path / "site"
    edit(content, "variant-01", title="Tick tock")
    build(content, out)
    same_size_retitle(content, "variant-01", "Tock tick")
    build(content, out)
    assert "Tock tick" in (out / "trials" / "variant-01" / "index.html").read_text("utf-8")


def test_stamps_old_enough_are_trusted_again(content, tmp_path, monkeypatch):
    out = tmp_path / "site"
    edit(content, "variant-01", title="Tick tock")
    build(content, out)
    assert BuildState(SiteFolder(out).state).stamps()[2] >= {"variant-01"}
    monkeypatch.setattr(changes, "SETTLE_NS", 0)  # as if the build came seconds later
    assert build(content, out).written == ()
    assert BuildState(SiteFolder(out).state).stamps()[2] == set()
    same_size_retitle(content, "variant-01", "Tock tick")
    build(content, out)  # a stamp that is trusted is not read again
    assert "Tick tock" in (out / "trials" / "variant-01" / "index.html").read_text("utf-8")


def test_a_live_build_writes_the_large_files_afterwards_and_they_come_out_right(content, tmp_path):
    large = EXPORTS | {"catalogue.json"}
    out = tmp_path / "site"
    live = preview_builder(content, out)
    live.build()
    edit(content, "variant-07", title="Edited while previewing")
    result = live.build()
    assert "trials/variant-07/index.html" in result.written
    assert not large & set(result.written)
    assert set(live.publisher.write_deferred()) == large
    expected = cold(content, tmp_path)
    for path in large:
        assert (out / path).read_bytes() == expected[path]


PREVIEW_EDITS = [
    ("variant-07", {"title": "Aardvark first now"}),  # moves across pages of several lists
    ("variant-08", {"phase": "Phase 4"}),  # a phase list gains its only trial
    ("variant-08", {"phase": "Phase 2"}),  # ... and the term is gone again
    ("variant-09", {"drugs": ["brand-new-drug"]}),  # drug lists lose a trial, a new drug comes
    ("variant-11", {"title": "Same title"}),
    ("variant-12", {"title": "same title"}),  # now two trials share a title
    ("variant-11", {"title": "Another title"}),  # ... and no longer
    ("variant-13", {"eligibility": {"inclusion": ["Adults"], "exclusion": []}}),  # no list changes
    ("variant-14", None),  # deleted: every list it was on loses it
    ("variant-99", "variant-15"),  # a new trial, a copy of another
]


def test_a_preview_told_which_files_changed_matches_a_cold_build_after_every_edit(content, tmp_path, monkeypatch):
    """The preview keeps one builder and says which files changed; after each edit its site is
    the cold build's, byte for byte (pages short enough that lists run to several pages)."""
    monkeypatch.setattr(pages, "PAGE_SIZE", 7)
    monkeypatch.setattr(background_index.BackgroundIndexer, "request", lambda self, key: None)
    out = tmp_path / "site"
    preview = preview_builder(content, out)
    preview.build()
    for step, (slug, change) in enumerate(PREVIEW_EDITS):
        path = content / "trials" / f"{slug}.yaml"
        if change is None:
            path.unlink()
        elif isinstance(change, str):
            shutil.copy(content / "trials" / f"{change}.yaml", path)
        else:
            edit(content, slug, **change)
        preview.build(touched=[path])
        preview.publisher.write_deferred()
        expected = {
            p: data for p, data in cold(content, tmp_path, f"cold-{step}").items() if not p.startswith("pagefind/")
        }
        built = {p: data for p, data in snapshot(out).items() if not p.startswith("pagefind/")}
        assert built == expected, (slug, change)


def test_page_keys_do_not_depend_on_the_process_that_made_them(content, tmp_path):
    """Keys are compared across runs: one that held an object's address would make every run's
    first edit render those pages again."""
    out = tmp_path / "site"
    script = (
        "import sys; from pathlib import Path; from trialsite.render import SiteBuilder, SiteConfig; "
        f"SiteBuilder(Path(sys.argv[1]), Path(sys.argv[2]), {CONFIG!r}).build()"
    )
    subprocess.run([sys.executable, "-c", script, str(content), str(out)], cwd=ROOT, check=True)
    state = BuildState(SiteFolder(out).state)
    outputs, records = state.outputs(), state.records()
    state.close()
    lists = TrialLists(listing for listing, _ in records.values())
    drug_classes = drug_class_table(drug_vocabulary(content))
    plans = index_plans(lists, drug_classes, CONFIG)
    assert len(plans) > 20
    assert {plan.route: outputs[output_path(plan.route)].key for plan in plans} == {
        plan.route: plan.key for plan in plans
    }


def test_a_build_after_a_preview_writes_the_files_the_preview_left_for_later(content, tmp_path):
    """A preview stopped before its background writer ran leaves stale exports behind."""
    out = tmp_path / "site"
    preview = preview_builder(content, out)
    preview.build()
    edit(content, "variant-07", title="Edited while previewing")
    preview.build()  # ... and the preview stops here, without write_deferred()
    result = build(content, out)
    assert EXPORTS | {"catalogue.json"} <= set(result.written)
    assert snapshot(out) == cold(content, tmp_path)


def test_a_preview_whose_site_a_build_replaced_matches_a_cold_build(content, tmp_path, monkeypatch):
    """`build --base-url ...` on the folder the preview serves: the preview's next edit must not
    carry over pages it remembers making but that are no longer there."""
    monkeypatch.setattr(background_index.BackgroundIndexer, "request", lambda self, key: None)
    out = tmp_path / "site"
    preview = preview_builder(content, out)
    preview.build()
    SiteBuilder(content, out, SiteConfig(CONFIG.title, CONFIG.description, "https://elsewhere.example/")).build()
    edit(content, "variant-03", title="Edited after the build")
    preview.build(touched=[content / "trials" / "variant-03.yaml"])
    preview.publisher.write_deferred()
    expected = {p: data for p, data in cold(content, tmp_path).items() if not p.startswith("pagefind/")}
    assert {p: data for p, data in snapshot(out).items() if not p.startswith("pagefind/")} == expected


def restore_into_a_fresh_checkout(content, out, tmp_path):
    """What the Pages workflow does: the last run's site and build state come back from the cache
    (times kept, as tar keeps them) beside a new checkout, whose every file has a new time."""
    cached = tmp_path / "cache"
    shutil.copytree(out, cached / "site")
    for path in SiteFolder(out).state_files:
        if path.exists():
            shutil.copy2(path, cached / path.name)
    shutil.rmtree(out)
    checkout = tmp_path / "checkout"
    shutil.copytree(content, checkout, copy_function=shutil.copy)  # new times, as git gives
    shutil.rmtree(content)
    checkout.rename(content)
    shutil.copytree(cached, tmp_path, dirs_exist_ok=True)
    shutil.rmtree(cached)


def test_a_site_restored_into_a_fresh_checkout_renders_nothing_and_equals_a_cold_build(content, tmp_path):
    out = tmp_path / "site"
    build(content, out)
    restore_into_a_fresh_checkout(content, out, tmp_path)
    assert build(content, out).written == ()
    assert snapshot(out) == cold(content, tmp_path)


def pages_written(result):
    """What a build wrote besides the search index."""
    return {path for path in result.written if not path.startswith("pagefind/")}


def test_an_edit_in_a_fresh_checkout_renders_what_the_same_edit_renders_in_place(content, tmp_path):
    """The edited trial's page, the lists it is on and the exports, not every trial's page."""
    in_place = tmp_path / "in-place"
    shutil.copytree(content, in_place)
    build(in_place, tmp_path / "in-place-site")
    edit(in_place, "variant-07", title="Edited in one push")
    expected = pages_written(build(in_place, tmp_path / "in-place-site"))
    out = tmp_path / "site"
    build(content, out)
    restore_into_a_fresh_checkout(content, out, tmp_path)
    edit(content, "variant-07", title="Edited in one push")
    result = build(content, out)
    assert "trials/variant-07/index.html" in result.written
    assert pages_written(result) == expected
    assert snapshot(out) == cold(content, tmp_path)


def test_an_edit_search_does_not_read_in_a_fresh_checkout_keeps_the_search_index(content, tmp_path):
    out = tmp_path / "site"
    build(content, out)
    restore_into_a_fresh_checkout(content, out, tmp_path)
    edit(content, "variant-07", description="Edited in one push; search does not read it.")
    result = build(content, out)
    assert set(result.written) - EXPORTS == {"trials/variant-07/index.html"}
    assert snapshot(out) == cold(content, tmp_path)


def test_a_trial_read_for_its_new_stamp_is_trusted_by_the_next_build(content, tmp_path, monkeypatch):
    """A touched trial is read once, found unchanged, and its new stamp kept: the build after
    reads no trial file at all."""
    long_ago = time.time_ns() - 10 * changes.SETTLE_NS
    for path in content.rglob("*"):
        os.utime(path, ns=(long_ago, long_ago))  # stamps old enough to trust
    out = tmp_path / "site"
    build(content, out)
    for path in (content / "trials").glob("variant-0*.yaml"):
        os.utime(path, ns=(long_ago + changes.SETTLE_NS, long_ago + changes.SETTLE_NS))
    read = []
    digest = changes.trial_digest
    monkeypatch.setattr(changes, "trial_digest", lambda path: read.append(path.stem) or digest(path))
    assert build(content, out).written == ()
    assert sorted(read) == [f"variant-{n:02d}" for n in range(10)]
    read.clear()
    assert build(content, out).written == ()
    assert read == []


def test_a_same_size_edit_within_one_clock_tick_of_a_checkout_is_still_seen(content, tmp_path):
    """The checkout's new stamps are recorded, but as too fresh to trust: a quick second save
    that keeps the stamp is still read."""
    out = tmp_path / "site"
    edit(content, "variant-01", title="Tick tock")
    build(content, out)
    restore_into_a_fresh_checkout(content, out, tmp_path)
    assert build(content, out).written == ()
    same_size_retitle(content, "variant-01", "Tock tick")
    build(content, out)
    assert "Tock tick" in (out / "trials" / "variant-01" / "index.html").read_text("utf-8")


# The trials table as trialsite wrote it before the state kept every trial's digest (layout 5).
OLD_LAYOUT = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE trials (
    slug TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER, sidecar_mtime_ns INTEGER, sidecar_size INTEGER,
    fresh TEXT, title_shared INTEGER, listing BLOB, json_row BLOB, csv_row BLOB);
CREATE TABLE outputs (path TEXT PRIMARY KEY, hash TEXT, key TEXT, kind TEXT);
PRAGMA user_version = 5;
"""


def test_a_build_state_of_an_older_layout_is_dropped_for_a_cold_build(content, tmp_path):
    """Even one whose fingerprint matches: the build starts afresh instead of misreading it."""
    out = tmp_path / "site"
    build(content, out)
    state = SiteFolder(out).state
    before = BuildState(state)
    fingerprint = before.fingerprint()
    before.close()
    for path in SiteFolder(out).state_files:
        path.unlink(missing_ok=True)
    old = sqlite3.connect(state)
    old.executescript(OLD_LAYOUT)
    old.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
    old.execute("INSERT INTO trials VALUES ('variant-01', 1, 2, NULL, NULL, NULL, 0, NULL, NULL, NULL)")
    old.commit()
    old.close()
    result = build(content, out)
    expected = cold(content, tmp_path)
    assert {path for path in expected if path.startswith("trials/")} <= set(result.written)
    assert snapshot(out) == expected
