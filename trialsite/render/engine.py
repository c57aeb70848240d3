"""`build`: content -> site, on all cores, redoing only what changed since the last build.

A build gathers everything before it publishes: trial files whose stamp changed are parsed,
validated and rendered (in worker processes when there are many); any content problem stops
the build before the site is touched. Index pages are planned from the trials' small listings
(`lists.py`: after an edit, only the lists it touched) and rendered only when their key changed
(`pages.py`); unchanged files are carried over. The result is published through an `output.py`
strategy: a staged directory swapped in whole for `build`, files replaced one by one for the
preview server, which keeps one builder, and so everything it knows, between edits.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateSyntaxError

from ..content import DRUGS_FILE, PACKAGE_DRUGS, TRIALS_DIR, InvalidContent, drug_vocabulary, load_trial
from ..errors import BuildError, ContentError
from ..fsutil import Digesting, atomic_write, digest, key_of
from ..model import DrugVocabulary
from ..sitefolder import SiteFolder
from . import background_index, catalogue, exports, feeds, search
from .config import SiteConfig
from .lists import Change, TrialLists
from .output import LiveOutput, StagedOutput, check_replaceable, write_file
from .pages import Page, PagePlan, index_plans, indexable_routes, list_pages, trial_page
from .state import BuildState, ExportRows, Stamp, TrialRecord
from .taxonomy import NOT_STATED, TAXONOMIES
from .trialview import trial_view
from .urls import Urls, output_path, term_route, trial_route

PACKAGE_DIR = Path(__file__).resolve().parents[1]
TEMPLATES_DIR = PACKAGE_DIR / "templates"  # the package's; a catalogue's templates/ overrides them
TEMPLATES_FOLDER = "templates"  # a catalogue's own templates, beside its site.toml
STATIC_DIR = "static"
ROW_TEMPLATE = "partials/trial_row.html"
# Below this many jobs, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64
STATE_BATCH = 500  # trial records written to the build state at a time
# GitHub Pages refuses a published site over 1 GB; warn while there is still room.
PAGES_LIMIT = 1024**3
PAGES_WARNING = int(PAGES_LIMIT * 0.8)
DEFERRED = "deferred"  # the key of a file the preview writes after the build (`write_deferred`)


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    trials: int
    files: int  # files in the site
    written: tuple[str, ...]  # files this build rendered and wrote, sorted
    removed: tuple[str, ...]  # files this build took out of the site
    seconds: float


@dataclass
class Known:
    """What the last build made: read from the build state once, then kept up to date in memory,
    so a long-lived builder (the preview server) does no per-build loading at all."""

    fingerprint: str
    stamps: dict[str, Stamp]
    outputs: dict[str, tuple[str, str]]  # site path -> (digest of bytes, key of inputs)
    unsettled: dict[str, str] = field(default_factory=dict)  # see SETTLE_NS
    lists: TrialLists | None = None  # every trial's listing; None until `load_records`
    shared: dict[str, bool] = field(default_factory=dict)  # rendered with the file name in its <title>
    files: dict[str, tuple[str, Stamp]] | None = None  # the trial files as the last build found them
    checked: bool = False  # every output was seen on disk, or written, by this process

    @classmethod
    def load(cls, state: BuildState, fingerprint: str) -> Known:
        """Stamps and outputs only: enough to see that nothing changed. `load_records` reads the
        listings (the bulk of the state) when a build has something to do."""
        stamps, unsettled = state.stamps()
        return cls(fingerprint, stamps, state.outputs(), unsettled)

    @classmethod
    def nothing(cls, fingerprint: str) -> Known:
        return cls(fingerprint, {}, {}, lists=TrialLists())

    def load_records(self, state: BuildState) -> None:
        if self.lists is None:
            records = state.records()
            self.lists = TrialLists(listing for listing, _ in records.values())
            self.shared = {slug: shared for slug, (_, shared) in records.items()}


def template_dirs(templates_dir: Path) -> list[Path]:
    """Where templates and static files are looked up, the first match winning: `templates_dir`
    (a catalogue's own, which needs to hold only the files it changes), then the package's."""
    return list(dict.fromkeys([templates_dir, TEMPLATES_DIR]))


def template_environment(templates_dir: Path, config: SiteConfig) -> Environment:
    # Autoescape everywhere: content is data and is never trusted as markup or template source.
    env = Environment(
        loader=FileSystemLoader(template_dirs(templates_dir)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build, one set of templates: no stat() per include
    )
    urls = Urls(config.base_url)
    env.globals.update(
        url=urls.path, absolute=urls.absolute, site=config, taxonomies=TAXONOMIES, NOT_STATED=NOT_STATED
    )
    return env


class Renderer:
    """Everything a process needs to render pages: templates, settings, the drug table."""

    def __init__(self, templates_dir: Path, config: SiteConfig, drug_classes: dict[str, str]):
        self.env = template_environment(templates_dir, config)
        for name in self.env.list_templates(extensions=["html"]):  # compiled once, before workers fork
            try:
                self.env.get_template(name)
            except TemplateSyntaxError as exc:
                raise _located(exc, name) from exc
        self.config = config
        self.urls = Urls(config.base_url)
        self.drug_classes = drug_classes

    def page(self, page: Page) -> bytes:
        """Render one page; a template mistake becomes a BuildError naming the template's file:line."""
        try:
            return self.env.get_template(page.template).render(page=page, **page.context).encode("utf-8")
        except TemplateSyntaxError as exc:
            raise _located(exc, page.template) from exc
        except Exception as exc:
            frame = _template_frame(exc, self.env)
            if frame is None:
                raise  # not a template's mistake: a bug, with its traceback
            message = f"{type(exc).__name__}: {exc} (rendering {page.template})"
            raise BuildError(frame.filename, message, frame.lineno) from exc

    def trial(self, slug: str, path: Path, title_shared: bool) -> tuple[TrialRecord, ExportRows, bytes]:
        stamp = file_stamp(path)
        # Digested before it is parsed: a write in between makes the next build read it again.
        unsettled = digest(path.read_bytes()) if time.time_ns() - stamp[0] < SETTLE_NS else None
        trial = load_trial(path)
        view = trial_view(slug, trial)
        row = self.env.get_template(ROW_TEMPLATE).render(trial=view.listing)
        view = replace(view, listing=replace(view.listing, row_html=row))
        html = self.page(trial_page(view, title_shared, self.config, self.urls, self.drug_classes))
        rows = exports.export_rows(slug, trial, self.urls)
        entry = (digest(html), search.trial_page_key(html))
        return TrialRecord(slug, stamp, unsettled, title_shared, view.listing, entry), rows, html


def _located(exc: TemplateSyntaxError, template: str) -> BuildError:
    return BuildError(exc.filename or exc.name or template, exc.message or str(exc), exc.lineno)


def _template_frame(exc: Exception, env: Environment) -> traceback.FrameSummary | None:
    """The innermost traceback frame inside a template (Jinja maps those frames to template lines)."""
    roots = [str(Path(path).resolve()) for path in env.loader.searchpath]  # type: ignore[union-attr]
    frames = traceback.extract_tb(exc.__traceback__)
    return next((frame for frame in reversed(frames) if frame.filename.startswith(tuple(roots))), None)


def file_stamp(path: Path) -> Stamp:
    stat = path.stat()
    return (stat.st_mtime_ns, stat.st_size)


# A trial file is read again when its stamp changes, but a write changes the stamp only if the
# clock ticked since the last one, and file systems that keep modification times to the second
# (or two) give two quick saves of the same size the same stamp. So for a file read within
# SETTLE_NS of its last write the build state also keeps the digest of what was read, and later
# builds compare contents until the stamp is old enough to trust (the way git treats "racily
# clean" files): the cache is keyed by what the files hold, and stamps are only its shortcut.
SETTLE_NS = 2_000_000_000


# Worker processes are forked after these are set, and inherit them.
_RENDERER: Renderer | None = None
_ROOT: Path | None = None
_PLANS: list[PagePlan] = []


def _render_trial_job(
    job: tuple[str, str, bool],
) -> tuple[str, tuple[TrialRecord, ExportRows] | None, list[ContentError]]:
    slug, path, title_shared = job
    try:
        record, rows, html = _RENDERER.trial(slug, Path(path), title_shared)
    except InvalidContent as exc:
        return slug, None, exc.problems
    except OSError as exc:
        return slug, None, [ContentError(path, f"cannot read: {exc.strerror}")]
    write_file(_ROOT, output_path(record.listing.route), html)
    return slug, (record, rows), []


def _render_plan_job(index: int) -> tuple[str, str]:
    plan = _PLANS[index]
    data = _RENDERER.page(plan.make())
    path = output_path(plan.route)
    write_file(_ROOT, path, data)
    return path, digest(data)


class SiteBuilder:
    """Builds `content_dir` into `out_dir`, remembering what it made for the next build."""

    def __init__(
        self,
        content_dir: Path,
        out_dir: Path,
        config: SiteConfig,
        templates_dir: Path = TEMPLATES_DIR,
        live: bool = False,
        workers: int | None = None,
        progress: search.Progress = search.no_progress,
    ):
        self.content_dir = content_dir
        self.out_dir = out_dir
        self.config = config
        self.templates_dir = templates_dir  # a catalogue's own; what it lacks comes from the package's
        self.live = live
        self.workers = workers or os.cpu_count() or 1
        self.progress = progress
        self.known: Known | None = None
        self._renderer: tuple[str, Renderer] | None = None  # kept while templates are unchanged
        self.deferred: dict[str, FilePlan] = {}  # live mode: large files out of date, for write_deferred
        self._edits = itertools.count()  # live mode: names each search index asked of the background
        self._site: tuple[int, int] | None = None  # live mode: the site directory it built into

    def build(self, clean: bool = False, touched: Iterable[Path] | None = None) -> BuildResult:
        """`touched`: the files that changed since the last build, when the caller knows (the
        preview's watcher does); trial files are then looked at one by one, not all scanned."""
        start = time.perf_counter()
        touched = None if touched is None else list(touched)
        if not self.live:
            check_replaceable(self.out_dir, protected=(self.content_dir, self.templates_dir))
        if not self.content_dir.is_dir():
            raise BuildError(self.content_dir, "content directory not found")
        if self.live and SiteFolder(self.out_dir).identity() != self._site:
            self.known = None  # a `build` replaced the site: what this builder remembers is gone
        state = BuildState(SiteFolder(self.out_dir).state)
        try:
            fingerprint = self._fingerprint(touched)
            if self.known is None or self.known.fingerprint != fingerprint:
                self.known = Known.load(state, fingerprint) if state.fingerprint() == fingerprint else None
            if clean or self.known is None or not (self.out_dir / "index.html").is_file():
                state.reset(fingerprint)
                self.known = Known.nothing(fingerprint)
            result = self._build(state, start, touched)
            self._site = SiteFolder(self.out_dir).identity()
            return result
        except BaseException:
            self.known = None  # a failed build may have left the state file and memory apart
            raise
        finally:
            state.close()

    def _fingerprint(self, touched: list[Path] | None) -> str:
        """Changes when anything every page depends on changes: settings, templates, the drug
        vocabularies (the package's and the catalogue's), or trialsite's own code. Unchanged when
        only trial files were touched."""
        if self.known is not None and touched is not None and all(map(self._is_trial_file, touched)):
            return self.known.fingerprint
        parts = [repr(self.config).encode()]
        drugs = self.content_dir / DRUGS_FILE
        for base, paths in (
            *((folder, sorted(folder.rglob("*"))) for folder in template_dirs(self.templates_dir)),
            (PACKAGE_DIR, sorted([*PACKAGE_DIR.rglob("*.py"), PACKAGE_DRUGS])),
            (self.content_dir, [drugs] if drugs.exists() else []),
        ):
            for path in paths:
                if path.is_file():
                    parts += [path.relative_to(base).as_posix().encode(), path.read_bytes()]
        return digest(b"\0".join(parts))

    def _is_trial_file(self, path: Path) -> bool:
        trials_dir = os.path.abspath(self.content_dir / TRIALS_DIR)
        return path.suffix == ".yaml" and os.path.dirname(os.path.abspath(path)) == trials_dir

    def _build(self, state: BuildState, start: float, touched: list[Path] | None) -> BuildResult:
        known = self.known
        files, candidates = self._scan(touched)
        changed = sorted(slug for slug in candidates if slug in files and self._is_changed(slug, *files[slug]))
        removed_trials = sorted(slug for slug in candidates if slug not in files and slug in known.stamps)
        outputs = known.outputs
        root = str(self.out_dir) + os.sep
        # A preview leaves its large files to a writer that may not have run: plan everything.
        replan = not self.live and any(key == DEFERRED for _, key in outputs.values())
        self._settle(state, candidates, set(changed), files)
        unchanged = not (changed or removed_trials or replan)
        if outputs and unchanged and all(os.path.isfile(root + path) for path in outputs):
            known.files, known.checked = files, True
            if self.live:  # ready for the first edit, so that it is as quick as the rest
                known.load_records(state)
                self._renderer_for(known)
                for taxonomy in TAXONOMIES:
                    known.lists.terms(taxonomy)
            return BuildResult(self.out_dir, len(files), len(outputs), (), (), time.perf_counter() - start)
        known.load_records(state)
        renderer = self._renderer_for(known)
        output = LiveOutput(self.out_dir, trusted=known.checked) if self.live else StagedOutput(self.out_dir)
        try:
            with state.transaction():
                written, removed, total = self._render(state, renderer, output, files, changed, removed_trials, replan)
                output.commit()
        except BaseException:
            output.abort()
            raise
        known.files, known.checked = files, True
        return BuildResult(self.out_dir, len(files), total, written, removed, time.perf_counter() - start)

    def _is_changed(self, slug: str, path: str, stamp: Stamp) -> bool:
        if self.known.stamps.get(slug) != stamp:
            return True
        read = self.known.unsettled.get(slug)
        try:
            return read is not None and digest(Path(path).read_bytes()) != read
        except OSError:
            return True  # rendering it names the problem

    def _settle(
        self, state: BuildState, candidates: set[str], changed: set[str], files: dict[str, tuple[str, Stamp]]
    ) -> None:
        """Trust the stamps of trials looked at and found unchanged whose stamps are now old
        enough (see SETTLE_NS). Goes over the few unsettled trials, not the catalogue."""
        unsettled = self.known.unsettled
        now = time.time_ns()
        settled = sorted(
            slug for slug in unsettled
            if slug in candidates and slug not in changed and slug in files and now - files[slug][1][0] >= SETTLE_NS
        )
        state.settle(settled)
        for slug in settled:
            del unsettled[slug]

    def _renderer_for(self, known: Known) -> Renderer:
        if self._renderer is None or self._renderer[0] != known.fingerprint:
            drug_classes = drug_class_table(drug_vocabulary(self.content_dir))
            self._renderer = (known.fingerprint, Renderer(self.templates_dir, self.config, drug_classes))
        return self._renderer[1]

    def write_deferred(self, root: Path | None = None) -> dict[str, FilePlan]:
        """Write the large files a live build left out of date, into the site or under `root`
        at the same paths; the plans written. This runs on another thread than the build, so
        the exports read the build state through a connection of their own. Each file is
        replaced whole."""
        pending, self.deferred = self.deferred, {}
        state = BuildState(SiteFolder(self.out_dir).state)
        try:
            own_connection = {plan.route: plan for plan in export_plans(state, lambda: DEFERRED)}
            for route, plan in sorted(pending.items()):
                own_connection.get(route, plan).write(root or self.out_dir)
        except BaseException:
            self.defer(pending)
            raise
        finally:
            state.close()
        return pending

    def defer(self, plans: dict[str, FilePlan]) -> None:
        """Still out of date: the next `write_deferred` writes them (newer plans win)."""
        self.deferred = {**plans, **self.deferred}

    def _scan(self, touched: list[Path] | None) -> tuple[dict[str, tuple[str, Stamp]], set[str]]:
        """Every trial file with its stamp, and the trials that may have changed: from the last
        build's list and `touched` when each touched file is a trial file, by reading the folder
        otherwise."""
        trials_dir = self.content_dir / TRIALS_DIR
        known_files = self.known.files
        if known_files is None or touched is None or not all(map(self._is_trial_file, touched)):
            files = self._scan_all(trials_dir)
            return files, files.keys() | self.known.stamps.keys()
        files = known_files  # updated in place: a failed build forgets it (see `build`)
        for path in touched:
            if not path.exists() and not path.is_symlink():
                files.pop(path.stem, None)
            elif path.is_file():
                files[path.stem] = (str(trials_dir / path.name), file_stamp(path))
            else:
                return self._scan(None)  # which names what is not a regular file, as check does
        return files, {path.stem for path in touched}

    @staticmethod
    def _scan_all(trials_dir: Path) -> dict[str, tuple[str, Stamp]]:
        if not trials_dir.is_dir():
            return {}
        with os.scandir(trials_dir) as entries:
            named = [entry for entry in entries if entry.name.endswith(".yaml")]
        # `check` names a directory or a dangling link where a trial file should be; so does build.
        odd = [ContentError(entry.path, "not a regular file") for entry in named if not entry.is_file()]
        if odd:
            raise InvalidContent(sorted(odd, key=lambda problem: problem.path))
        found = {}
        for entry in named:
            stat = entry.stat()
            found[entry.name[: -len(".yaml")]] = (entry.path, (stat.st_mtime_ns, stat.st_size))
        return dict(sorted(found.items()))

    def _render(
        self,
        state: BuildState,
        renderer: Renderer,
        output: StagedOutput | LiveOutput,
        files: dict[str, tuple[str, Stamp]],
        changed: list[str],
        removed_trials: list[str],
        replan: bool,
    ) -> tuple[tuple[str, ...], tuple[str, ...], int]:
        global _RENDERER, _ROOT
        _RENDERER, _ROOT = renderer, output.root
        known = self.known
        old_outputs = known.outputs
        full = replan or not old_outputs  # every page is planned
        records, change = self._update_trials(state, files, changed, removed_trials, full)
        new_outputs = {output_path(r.listing.route): r.page_entry for r in records.values()}
        stamps = known.stamps

        def exports_key() -> str:
            return key_of(sorted(stamps.items()))

        plans = self._site_plans(renderer, state, exports_key, None if full else change)
        lost = self._carry(output, old_outputs, new_outputs, plans, None if full else change, removed_trials)
        if lost:  # the site on disk lost files the state promised: make those again
            more = self._render_trials(state, [(slug, files[slug][0], known.shared[slug]) for slug in lost.trials])
            records.update(more)
            new_outputs.update({output_path(r.listing.route): r.page_entry for r in more.values()})
            if lost.pages:
                plans = self._site_plans(renderer, state, exports_key, None)
        state.drop_trials(removed_trials)
        trial_pages = [output_path(record.listing.route) for record in records.values()]
        written = trial_pages + self._render_plans(output, plans, old_outputs, new_outputs)
        trial_pages += [output_path(trial_route(slug)) for slug in removed_trials]
        written += self._index(output, old_outputs, new_outputs, trial_pages)
        removed = sorted(set(old_outputs) - set(new_outputs))
        for path in removed:
            output.remove(path)
        state.put_outputs(new_outputs, old_outputs)
        known.outputs = new_outputs
        return tuple(sorted(written)), tuple(removed), len(new_outputs)

    def _update_trials(
        self,
        state: BuildState,
        files: dict[str, tuple[str, Stamp]],
        changed: list[str],
        removed_trials: list[str],
        full: bool,
    ) -> tuple[dict[str, TrialRecord], Change]:
        """Render the changed trials' pages and put their listings in the lists; what changed."""
        known = self.known
        jobs = [(slug, files[slug][0], known.shared.get(slug, False)) for slug in changed]
        records = self._render_trials(state, jobs)
        change = known.lists.update({**dict.fromkeys(removed_trials), **{s: r.listing for s, r in records.items()}})
        titled = known.lists.by_slug if full else {s for t in change.titles for s in known.lists.slugs_titled(t)}
        records.update(self._fix_shared_titles(state, titled, records, files))
        for slug in removed_trials:
            known.stamps.pop(slug)
            known.shared.pop(slug, None)
            known.unsettled.pop(slug, None)
        for slug, record in records.items():
            known.stamps[slug], known.shared[slug] = record.stamp, record.title_shared
            if record.unsettled is None:
                known.unsettled.pop(slug, None)
            else:
                known.unsettled[slug] = record.unsettled
        return records, change

    def _index(self, output, old_outputs, new_outputs, trial_pages: list[str]) -> list[str]:
        """The search index: made now by `build`; by the preview, asked of the background when
        what search reads of a trial page this build wrote or removed (`trial_pages`) changed."""
        if not self.live:
            return search.update_index(output.root, output.keep, old_outputs, new_outputs, self.progress)
        read = [(old_outputs.get(path, ("", ""))[1], new_outputs.get(path, ("", ""))[1]) for path in trial_pages]
        if any(before != after for before, after in read) or not (output.root / search.SEARCH_DIR).is_dir():
            background_index.BackgroundIndexer.of(output.root).request(f"{search.SEARCH_KEY}:{next(self._edits)}")
        return []

    def _render_trials(self, state: BuildState, jobs: list[tuple[str, str, bool]]) -> dict[str, TrialRecord]:
        """Render trial pages; their records go into the build state as they come (the export
        rows, most of a record's bytes, are not held for the whole catalogue)."""
        records: dict[str, TrialRecord] = {}
        problems: list[ContentError] = []
        batch: list[tuple[TrialRecord, ExportRows]] = []
        for slug, rendered, job_problems in self._map(_render_trial_job, jobs, "trials"):
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

    def _fix_shared_titles(
        self, state: BuildState, slugs: Iterable[str], records: dict[str, TrialRecord], files
    ) -> dict[str, TrialRecord]:
        """A trial's page title names its file when another trial has the same title; that can
        change when any trial's title changes, so those few pages are rendered again."""
        lists, shared = self.known.lists, self.known.shared
        wrong = []
        for slug in sorted(slugs):
            rendered_with = records[slug].title_shared if slug in records else shared[slug]
            if lists.title_shared(slug) != rendered_with:
                wrong.append((slug, files[slug][0], lists.title_shared(slug)))
        return self._render_trials(state, wrong)

    def _carry(self, output, old_outputs, new_outputs, plans, change: Change | None, removed_trials) -> Lost:
        """Carry over from the current site every file this build neither renders nor plans:
        trial pages, and (when an edit planned only the lists it touched) every other page; in
        the preview, the search bundle's entries as they are (`background_index.BackgroundIndexer`).
        Pages of a list that was planned and has fewer pages now, of a term that is gone and of
        a removed trial are left out. Returns what was missing from the site on disk."""
        planned = {output_path(plan.route) for plan in plans}
        dropped = {output_path(trial_route(slug)) for slug in removed_trials}
        if change is not None and change.listed:
            bases = [""] + [term_route(key, slug) for key, slug in change.terms]
            dropped.update(path for base in bases for path in list_pages(base, old_outputs))
        if isinstance(output, LiveOutput) and output.trusted and change is not None:
            # The site is as this process left it: carry everything over at once.
            rendered = dict(new_outputs)
            new_outputs.update(old_outputs)
            new_outputs.update(rendered)
            for path in (planned | dropped) - rendered.keys():
                new_outputs.pop(path, None)
            return Lost()
        lost = Lost()
        for path, entry in old_outputs.items():
            if path in new_outputs or path in planned or path in dropped:
                continue
            if search.is_search_entry(entry):  # the build's business, or the background indexer's
                if self.live:
                    new_outputs[path] = entry
                continue
            if change is None and not search.is_trial_page_entry(entry):
                continue
            if output.keep(path):
                new_outputs[path] = entry
            elif search.is_trial_page_entry(entry):
                lost.trials.append(path.split("/")[1])
            else:
                lost.pages = True
        return lost

    def _site_plans(
        self, renderer: Renderer, state: BuildState, exports_key: Callable[[], str], change: Change | None
    ) -> list[PagePlan | FilePlan]:
        """What to plan: every page and file (`change` None), or what an edit may have changed."""
        plans: list[PagePlan | FilePlan] = list(export_plans(state, exports_key))
        if change is not None and not change.listed:
            return plans  # no list shows anything new (an edit to a trial's details)
        lists, urls = self.known.lists, renderer.urls
        ordered = list(lists.ordered)  # as of this build: the preview writes catalogue.json later
        plans += index_plans(lists, renderer.drug_classes, self.config, None if change is None else change.terms)
        plans += [
            FilePlan(feeds.FEED_ROUTE, *feeds.atom_feed_plan(lists.newest(), self.config, urls)),
            FilePlan(feeds.ROBOTS_ROUTE, lambda: key_of(urls.absolute("")), lambda: [feeds.robots(urls)]),
            FilePlan(
                catalogue.CATALOGUE_ROUTE,
                lambda: catalogue.catalogue_key(ordered, urls),
                lambda: [catalogue.catalogue_json(ordered, urls)],
                deferrable=True,
            ),
        ]
        if change is None or change.members:  # otherwise no page came or went
            indexable = indexable_routes(lists)
            sitemap = FilePlan(
                feeds.SITEMAP_ROUTE, lambda: key_of(indexable), lambda: [feeds.sitemap(indexable, urls)]
            )
            plans.append(sitemap)
        for path, data in read_static(self.templates_dir).items():
            plans.append(FilePlan(path, lambda data=data: digest(data), lambda data=data: [data]))
        return plans

    def _render_plans(self, output, plans, old_outputs, new_outputs) -> list[str]:
        """Carry over every planned file whose key is unchanged; render the rest."""
        global _PLANS
        _PLANS = []
        written: list[str] = []
        for plan in plans:
            path = output_path(plan.route)
            old = old_outputs.get(path)
            if isinstance(plan, FilePlan) and plan.deferrable and self.live and old:
                # Its key is not even made: the file is written later, and its entry never
                # matches a key, so the next `build` writes it again whatever happens before.
                new_outputs[path] = (old[0], DEFERRED)
                self.deferred[plan.route] = plan
                continue
            key = plan.key if isinstance(plan, PagePlan) else plan.key()
            if old and old[1] == key and output.keep(path):
                new_outputs[path] = old
            elif isinstance(plan, FilePlan):
                new_outputs[path] = (plan.write(output.root), key)
                written.append(path)
            else:
                _PLANS.append(plan)
        keys = {output_path(plan.route): plan.key for plan in _PLANS}
        for path, page_digest in self._map(_render_plan_job, list(range(len(_PLANS))), "pages"):
            new_outputs[path] = (page_digest, keys[path])
            written.append(path)
        return written

    def _map(self, function, jobs: list, stage: str) -> Iterable:
        """Run `function` over `jobs`, on all cores when there are enough of them to pay off."""
        # The preview renders an edit's few pages at once; forking a pool would cost more.
        threshold = PARALLEL_THRESHOLD * (10 if self.live else 1)
        if len(jobs) < threshold or self.workers == 1:
            for done, job in enumerate(jobs, start=1):
                self.progress(stage, done, len(jobs))
                yield function(job)
            return
        context = multiprocessing.get_context("fork")
        with context.Pool(self.workers) as pool:
            chunk = max(1, min(64, len(jobs) // (self.workers * 8)))
            for done, result in enumerate(pool.imap_unordered(function, jobs, chunksize=chunk), start=1):
                self.progress(stage, done, len(jobs))
                yield result


@dataclass
class Lost:
    """Files the state promised that are missing from the site on disk."""

    trials: list[str] = field(default_factory=list)  # slugs whose pages are gone
    pages: bool = False  # some other page is gone

    def __bool__(self) -> bool:
        return bool(self.trials) or self.pages


@dataclass(frozen=True)
class FilePlan:
    """A site file that is not a page: streamed out in chunks (the exports can be large)."""

    route: str
    key: Callable[[], str]  # made only when compared: the preview defers large files without it
    chunks: Callable[[], Iterable[bytes]]
    # Large, and read from the build state: the preview server writes it after the pages, in
    # the background (`write_deferred`), so an edit's pages are served at once.
    deferrable: bool = False

    def write(self, root: Path) -> str:
        chunks = Digesting(self.chunks())
        atomic_write(root / self.route, chunks, durable=False)
        return chunks.hexdigest()


def export_plans(state: BuildState, key: Callable[[], str]) -> list[FilePlan]:
    """The open-data files, streamed from the rows the build state keeps for every trial."""
    return [
        FilePlan(exports.JSON_ROUTE, key, lambda: exports.trials_json(state.export_rows("json_row")), deferrable=True),
        FilePlan(exports.CSV_ROUTE, key, lambda: exports.trials_csv(state.export_rows("csv_row")), deferrable=True),
    ]


def drug_class_table(vocabulary: DrugVocabulary) -> dict[str, str]:
    """Drug class by case-folded canonical name, from the curated vocabularies (never DrugBank's
    data, which only extraction loads)."""
    return {drug.name.casefold(): drug.drug_class for drug in vocabulary.drugs if drug.drug_class}


def read_static(templates_dir: Path) -> dict[str, bytes]:
    """The stylesheet, scripts and icon, keyed by their site path (static/...); a catalogue's
    own file of a name replaces the package's."""
    found: dict[str, bytes] = {}
    for folder in reversed(template_dirs(templates_dir)):
        static_dir = folder / STATIC_DIR
        for path in sorted(static_dir.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                found[f"{STATIC_DIR}/{path.relative_to(static_dir).as_posix()}"] = path.read_bytes()
    return dict(sorted(found.items()))


def site_size(out_dir: Path | str) -> int:
    total = 0
    with os.scandir(out_dir) as entries:
        for entry in entries:
            total += site_size(entry.path) if entry.is_dir(follow_symlinks=False) else entry.stat().st_size
    return total


class TerminalProgress:
    """Counts on one terminal line, which each count overwrites; nothing when output is not a
    terminal. `close` ends a line a failure left open, so an error starts on a line of its own."""

    def __init__(self) -> None:
        self.line_open = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if sys.stderr.isatty() and (done == total or done % 200 == 0 or total < 200):
            self.line_open = done != total
            print(f"\r\x1b[K  {stage}: {done}/{total}", end="" if self.line_open else "\n", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.line_open:
            print(file=sys.stderr, flush=True)
            self.line_open = False


def build_site(
    content_dir: Path, out_dir: Path, config: SiteConfig, templates_dir: Path = TEMPLATES_DIR, clean: bool = False
) -> BuildResult:
    progress = TerminalProgress()
    try:
        return SiteBuilder(content_dir, out_dir, config, templates_dir, progress=progress).build(clean=clean)
    finally:
        progress.close()
