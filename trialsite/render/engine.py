"""`build`: content -> site, on all cores, redoing only what changed since the last build.

A build runs four stages, in this order (`SiteBuilder.build` shows them):

1. find what changed (`changes.py`): the trial files whose contents changed (read only where
   their stamps changed), and a fingerprint of what every page depends on (settings, templates,
   vocabularies, trialsite's code);
2. render the changed trials (`workers.py`, on all cores) and put their rows in the lists
   (`trial_lists.py`), which say which lists the edit touched; any content problem stops the build
   here, before the site is touched;
3. plan every other file (`plans.py`, `pages.py`): each a plan with its key, rendered only when
   the key changed; every unchanged file is carried over;
4. publish (`publish.py`): a staged site swapped in whole for `build`, files replaced in place
   for the preview server, which keeps one builder, and so everything it knows, between edits.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..content import InvalidContent, drug_vocabulary
from ..errors import BuildError, ContentError
from ..fsutil import key_of
from .changes import Changes, LastBuild, Sources, find_changes, record_stamps
from .config import SiteConfig
from .manifest import Kind, Manifest, Output
from .pages import PagePlan, repaged_lists
from .plans import FilePlan, Plan, SiteInputs, site_plans
from .publish import Publisher, StagedPublisher
from .renderer import Renderer, drug_class_table
from .search import Progress, no_progress
from .state import BuildState, StoredRows, TrialRecord
from .taxonomy import TAXONOMIES
from .templates import TEMPLATES_DIR
from .trial_lists import Change
from .urls import output_path, trial_route
from .workers import Job, Result, TrialJob, WorkerContext, run_jobs

STATE_BATCH = 500  # trial records written to the build state at a time


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    trials: int
    files: int  # files in the site
    written: tuple[str, ...]  # files this build rendered and wrote, sorted
    removed: tuple[str, ...]  # files this build took out of the site
    seconds: float


@dataclass
class Missing:
    """Files the build state promised that are missing from the site on disk."""

    trials: list[str] = field(default_factory=list)  # slugs whose pages are gone
    pages: bool = False  # some other page is gone

    def __bool__(self) -> bool:
        return bool(self.trials) or self.pages


class SiteBuilder:
    """Builds `content_dir` into `out_dir`, remembering what it made for the next build."""

    def __init__(
        self,
        content_dir: Path,
        out_dir: Path,
        config: SiteConfig,
        templates_dir: Path = TEMPLATES_DIR,
        publisher: Publisher | None = None,
        workers: int | None = None,
        progress: Progress = no_progress,
    ):
        self.sources = Sources(content_dir, templates_dir, config)
        self.config = config
        self.out_dir = out_dir
        self.publisher = publisher or StagedPublisher(out_dir)
        self.workers = workers or os.cpu_count() or 1
        self.progress = progress
        self.last: LastBuild | None = None
        self._renderer: tuple[str, Renderer] | None = None  # kept while the fingerprint is unchanged

    def build(self, clean: bool = False, touched: Iterable[Path] | None = None) -> BuildResult:
        """`touched`: the files that changed since the last build, when the caller knows (the
        preview's watcher does); trial files are then looked at one by one, not all scanned."""
        start = time.perf_counter()
        touched = None if touched is None else list(touched)
        self.publisher.check(protected=(self.sources.content_dir, self.sources.templates_dir))
        if not self.sources.content_dir.is_dir():
            raise BuildError(self.sources.content_dir, "content directory not found")
        if self.publisher.site_replaced():
            self.last = None  # a `build` replaced the site: what this builder remembers is gone
        state = BuildState(self.publisher.folder.state)
        try:
            last = self._last_build(state, clean, touched)
            changes = find_changes(self.sources, last, touched)
            replan = self.publisher.must_replan(last.outputs)
            record_stamps(state, last, changes)
            if changes.changed or changes.removed or replan or not self._site_complete(last):
                written, removed = self._publish(state, last, changes, replan)
            else:
                written, removed = self._nothing_to_do(state, last)
            last.files, last.checked = changes.files, True
            self.publisher.built()
            seconds = time.perf_counter() - start
            return BuildResult(self.out_dir, len(changes.files), len(last.outputs), written, removed, seconds)
        except BaseException:
            self.last = None  # a failed build may have left the state file and memory apart
            raise
        finally:
            state.close()

    def _last_build(self, state: BuildState, clean: bool, touched: list[Path] | None) -> LastBuild:
        """What the last build made; nothing when the fingerprint changed, the site is gone or
        `clean` asks for a full build. The fingerprint is not made again when only trial files
        were touched."""
        if self.last is not None and self.sources.only_trial_files(touched):
            fingerprint = self.last.fingerprint
        else:
            fingerprint = self.sources.fingerprint()
        if self.last is None or self.last.fingerprint != fingerprint:
            self.last = LastBuild.load(state, fingerprint) if state.fingerprint() == fingerprint else None
        if clean or self.last is None or not (self.out_dir / "index.html").is_file():
            state.reset(fingerprint)
            self.last = LastBuild.nothing(fingerprint)
        return self.last

    def _site_complete(self, last: LastBuild) -> bool:
        root = str(self.out_dir) + os.sep
        return bool(last.outputs) and all(os.path.isfile(root + path) for path in last.outputs)

    def _nothing_to_do(self, state: BuildState, last: LastBuild) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if self.publisher.warms_up:
            lists = last.load_lists(state)
            self._renderer_for(last.fingerprint)
            for taxonomy in TAXONOMIES:
                lists.terms(taxonomy)
        return (), ()

    def _publish(
        self, state: BuildState, last: LastBuild, changes: Changes, replan: bool
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        last.load_lists(state)
        renderer = self._renderer_for(last.fingerprint)
        self.publisher.open(trusted=last.checked)
        context = WorkerContext(renderer, self.publisher.root)
        try:
            with state.transaction():
                written, removed = self._render(state, context, last, changes, replan)
                self.publisher.commit(last.outputs)
        except BaseException:
            self.publisher.abort()
            raise
        return written, removed

    def _render(
        self, state: BuildState, context: WorkerContext, last: LastBuild, changes: Changes, replan: bool
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Render the changed trials, plan and render the rest, carry over what is unchanged."""
        old = last.outputs
        full = replan or not old  # every file is planned
        records, change = self._update_trials(state, context, last, changes, full)
        new: Manifest = {output_path(r.listing.route): r.page_entry for r in records.values()}
        inputs = self._site_inputs(state, context.renderer, last)
        edit = None if full else change
        plans = site_plans(inputs, edit)
        missing = self._keep_unchanged(old, new, plans, edit, changes.removed)
        if missing:  # the site on disk lost files the state promised: make those again
            jobs = [(slug, changes.files[slug][0], last.shared[slug]) for slug in missing.trials]
            more = self._render_trials(state, context, jobs)
            records.update(more)
            new.update({output_path(r.listing.route): r.page_entry for r in more.values()})
            if missing.pages:
                plans = site_plans(inputs, None)
        state.drop_trials(changes.removed)
        trial_pages = [output_path(record.listing.route) for record in records.values()]
        written = trial_pages + self._render_plans(context, plans, old, new)
        trial_pages += [output_path(trial_route(slug)) for slug in changes.removed]
        written += self.publisher.index(old, new, trial_pages, self.progress)
        removed = sorted(set(old) - set(new))
        for path in removed:
            self.publisher.remove(path)
        state.put_outputs(new, old)
        last.outputs = new
        return tuple(sorted(written)), tuple(removed)

    def _site_inputs(self, state: BuildState, renderer: Renderer, last: LastBuild) -> SiteInputs:
        assert last.lists is not None
        digests = last.digests

        def exports_key() -> str:  # by contents: a checkout's new stamps leave the exports as they are
            return key_of(sorted(digests.items()))

        lists, templates_dir = last.lists, self.sources.templates_dir
        return SiteInputs(lists, self.config, renderer.urls, renderer.drug_classes, templates_dir, state, exports_key)

    def _update_trials(
        self, state: BuildState, context: WorkerContext, last: LastBuild, changes: Changes, full: bool
    ) -> tuple[dict[str, TrialRecord], Change]:
        """Render the changed trials' pages and put their listings in the lists; what changed."""
        lists = last.lists
        assert lists is not None
        jobs = [(slug, changes.files[slug][0], last.shared.get(slug, False)) for slug in changes.changed]
        # Workers forked before the parent holds any listing (a build from nothing) cost little;
        # otherwise the parent takes its share and forks one fewer.
        records = self._render_trials(state, context, jobs, parent_works=bool(lists.ordered))
        change = lists.update({**dict.fromkeys(changes.removed), **{s: r.listing for s, r in records.items()}})
        titled = lists.by_slug if full else {s for t in change.titles for s in lists.slugs_titled(t)}
        records.update(self._fix_shared_titles(state, context, last, titled, records, changes))
        for slug in changes.removed:
            last.stamps.pop(slug)
            last.digests.pop(slug)
            last.shared.pop(slug, None)
            last.unsettled.discard(slug)
        for slug, record in records.items():
            last.remember_stamp(slug, record.stamp, record.settled)
            last.digests[slug], last.shared[slug] = record.digest, record.title_shared
        return records, change

    def _fix_shared_titles(
        self,
        state: BuildState,
        context: WorkerContext,
        last: LastBuild,
        slugs: Iterable[str],
        records: dict[str, TrialRecord],
        changes: Changes,
    ) -> dict[str, TrialRecord]:
        """A trial's page title names its file when another trial has the same title; that can
        change when any trial's title changes, so those few pages are rendered again."""
        lists = last.lists
        assert lists is not None
        wrong = []
        for slug in sorted(slugs):
            rendered_with = records[slug].title_shared if slug in records else last.shared[slug]
            if lists.title_shared(slug) != rendered_with:
                wrong.append((slug, changes.files[slug][0], lists.title_shared(slug)))
        return self._render_trials(state, context, wrong)

    def _render_trials(
        self, state: BuildState, context: WorkerContext, jobs: list[TrialJob], parent_works: bool = True
    ) -> dict[str, TrialRecord]:
        """Render trial pages; their records go into the build state as they come (the export
        rows, most of a record's bytes, are not held for the whole catalogue)."""
        records: dict[str, TrialRecord] = {}
        problems: list[ContentError] = []
        batch: list[tuple[TrialRecord, StoredRows]] = []
        for slug, rendered, job_problems in self._run(context.render_trial, jobs, "trials", parent_works):
            problems += job_problems
            if rendered is not None:
                records[slug] = rendered[0]
                batch.append(rendered)
            if len(batch) == STATE_BATCH:
                state.put_trials(batch)
                batch = []
        state.put_trials(batch)
        if problems:
            raise InvalidContent(sorted(problems, key=lambda p: (p.path, p.line or 0)))
        return records

    def _keep_unchanged(
        self, old: Manifest, new: Manifest, plans: list[Plan], change: Change | None, removed: list[str]
    ) -> Missing:
        """Carry over from the current site every file this build neither renders nor plans:
        trial pages, and (when an edit planned only the lists it touched) every other page; in
        the preview, the search bundle's entries as they are (`background_index.BackgroundIndexer`).
        Pages of a list that was planned and has fewer pages now, of a term that is gone and of
        a removed trial are left out. Returns what was missing from the site on disk."""
        planned = {output_path(plan.route) for plan in plans}
        dropped = {output_path(trial_route(slug)) for slug in removed}
        if change is not None:
            dropped |= repaged_lists(change, old)
        if change is not None and self.publisher.carries_all():
            # The site is as this process left it: carry everything over at once.
            rendered = dict(new)
            new.update(old)
            new.update(rendered)
            for path in (planned | dropped) - rendered.keys():
                new.pop(path, None)
            return Missing()
        missing = Missing()
        for path, entry in old.items():
            if path in new or path in planned or path in dropped:
                continue
            if entry.kind is Kind.SEARCH:  # the build's business, or the background indexer's
                if self.publisher.keeps_search_entries:
                    new[path] = entry
                continue
            if change is None and entry.kind is not Kind.TRIAL_PAGE:
                continue
            if self.publisher.keep(path):
                new[path] = entry
            elif entry.kind is Kind.TRIAL_PAGE:
                missing.trials.append(path.split("/")[1])
            else:
                missing.pages = True
        return missing

    def _render_plans(self, context: WorkerContext, plans: list[Plan], old: Manifest, new: Manifest) -> list[str]:
        """Carry over every planned file whose key is unchanged; render the rest."""
        written: list[str] = []
        context.plans = []
        for plan in plans:
            path = output_path(plan.route)
            entry = old.get(path)
            if isinstance(plan, FilePlan) and self.publisher.defer(plan, entry):
                assert entry is not None
                new[path] = entry.deferred()
                continue
            key = plan.key if isinstance(plan, PagePlan) else plan.key()
            if entry is not None and entry.key == key and self.publisher.keep(path):
                new[path] = entry
            elif isinstance(plan, FilePlan):
                new[path] = Output(plan.write(self.publisher.root), key)
                written.append(path)
            else:
                context.plans.append(plan)
        for path, page in self._run(context.render_page, list(range(len(context.plans))), "pages"):
            new[path] = page
            written.append(path)
        return written

    def _run(
        self, function: Callable[[Job], Result], jobs: list[Job], stage: str, parent_works: bool = True
    ) -> Iterable[Result]:
        """Run jobs on every core, this process taking its share unless `parent_works` is false
        (see `run_jobs`)."""

        def progress(done: int, total: int) -> None:
            self.progress(stage, done, total)

        threshold = self.publisher.parallel_threshold
        return run_jobs(function, jobs, self.workers, threshold, progress, parent_works)

    def _renderer_for(self, fingerprint: str) -> Renderer:
        if self._renderer is None or self._renderer[0] != fingerprint:
            drug_classes = drug_class_table(drug_vocabulary(self.sources.content_dir))
            self._renderer = (fingerprint, Renderer(self.sources.templates_dir, self.config, drug_classes))
        return self._renderer[1]


def build_site(
    content_dir: Path,
    out_dir: Path,
    config: SiteConfig,
    templates_dir: Path = TEMPLATES_DIR,
    clean: bool = False,
    progress: Progress = no_progress,
) -> BuildResult:
    return SiteBuilder(content_dir, out_dir, config, templates_dir, progress=progress).build(clean=clean)
