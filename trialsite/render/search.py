"""Full-text search: Pagefind indexes the trial pages of the staged site, offline, in shards.

Pagefind (a Rust binary: 1.6.0 from npm, pinned by package.json and installed by `install.sh`)
reads the built HTML and writes a static search bundle: the browser downloads only the index
chunks a search needs, so a search stays small however large the catalogue grows. Only trial
pages are read (`TRIAL_PAGES`), and of each only the `data-pagefind-body` article, less what its
template marks `data-pagefind-ignore`; the page markup also carries the filters (drug, phase,
status, condition, sex). The catalogue is indexed in shards (`shards.py`), one Pagefind process
a core.

A shard's bundle is made again when what it reads of any of its trial pages changed (each trial
page's key in the outputs manifest is the digest of its search document), and otherwise carried
over like any unchanged file: its files are in the manifest under the shard's key. Pagefind
writes into a scratch directory beside the site; a file whose bytes did not change is carried
over from the current site (hard-linked), so only changed files count as written, and the
preview server never serves a half-written bundle. Pagefind 1.6.0 writes the same bundle, byte
for byte, for the same pages (1.5.2, PyPI's, wrote its filter tables in hash-map order).
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import multiprocessing
import os
import platform
import re
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..errors import BuildError
from ..fsutil import digest
from ..sitefolder import SiteFolder
from .manifest import Kind, Manifest, Output
from .shards import (
    MERGED_FILES,
    PRIMARY_FILES,
    SEARCH_DIR,
    bundle_path,
    shard_count,
    shard_keys,
    shard_of,
    shard_of_file,
    trial_pages,
)

TRIAL_PAGES = "trials/*/index.html"  # the only pages that are search results
TIMEOUT = 3600
CHECKOUT = Path(__file__).resolve().parents[2]  # where `npm ci` installs Pagefind for this checkout
# npm's names for the platform, as in @pagefind/linux-x64; the npm package ships the extended
# binary (it also segments Chinese and Japanese), with the plain one as an alternative name.
_NPM_SYSTEMS = {"Linux": "linux", "Darwin": "darwin", "FreeBSD": "freebsd"}
_NPM_CPUS = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}
_NPM_BINARIES = ("pagefind_extended", "pagefind")


def pagefind_binary() -> Path:
    """PAGEFIND_BINARY_PATH if set; else the binary `npm ci` installed under the current folder
    (a catalogue of one's own) or trialsite's checkout; else the one PyPI's `pagefind[bin]` ships."""
    override = os.environ.get("PAGEFIND_BINARY_PATH")
    if override:
        return Path(override)
    npm_platform = f"{_NPM_SYSTEMS.get(platform.system())}-{_NPM_CPUS.get(platform.machine().lower())}"
    for folder in (Path.cwd(), CHECKOUT):
        for name in _NPM_BINARIES:
            binary = folder / "node_modules" / "@pagefind" / npm_platform / "bin" / name
            if binary.is_file():
                return binary
    try:
        from pagefind_bin import get_executable
    except ImportError as exc:
        raise BuildError("pagefind", "not installed: run `npm ci` where package.json is (install.sh does)") from exc
    return Path(get_executable())


# Pagefind skips what is marked data-pagefind-ignore but still pays to read it: reading a trial
# page without its ignored sections makes the same index in about half the time.
_IGNORED_SECTION = re.compile(rb"<(section|aside)\b[^>]*\bdata-pagefind-ignore\b[^>]*>.*?</\1>", re.S)
_DOCUMENT_HEAD = b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title></title></head><body>'
# Below this many pages, starting worker processes costs more than it saves.
PARALLEL_DOCUMENTS = 2000
DOCUMENTS_A_JOB = 250

Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """Report nothing (the preview's background index, tests)."""


def search_document(page: bytes) -> bytes:
    """What Pagefind reads of a trial page: its article (the data-pagefind-body), less the whole
    sections and asides marked data-pagefind-ignore. The index made from it is byte-identical to
    the one made from the page (tests/test_search.py checks that)."""
    start = page.find(b"<article")
    end = page.find(b"</article>", start)
    if start < 0 or end < 0:
        return page
    return _DOCUMENT_HEAD + _IGNORED_SECTION.sub(b"", page[start : end + len(b"</article>")]) + b"</body></html>\n"


def _write_documents(job: tuple[str, str, list[str]]) -> int:
    site_dir, documents_dir, slugs = job
    for slug in slugs:
        target = os.path.join(documents_dir, "trials", slug)
        os.makedirs(target, exist_ok=True)
        with open(os.path.join(site_dir, "trials", slug, "index.html"), "rb") as page:
            document = search_document(page.read())
        with open(os.path.join(target, "index.html"), "wb") as out:
            out.write(document)
    return len(slugs)


def write_documents(site_dir: Path, folders: dict[Path, list[str]], progress: Progress = no_progress) -> int:
    """A search document for each trial page of `site_dir` that `folders` lists, at the page's
    path under that folder (so Pagefind gives each result its page's URL)."""
    jobs = [
        (str(site_dir), str(folder), slugs[i : i + DOCUMENTS_A_JOB])
        for folder, slugs in folders.items()
        for i in range(0, len(slugs), DOCUMENTS_A_JOB)
    ]
    total = sum(map(len, folders.values()))
    workers = min(os.cpu_count() or 1, 8)
    done = 0
    with contextlib.ExitStack() as stack:
        counts: Iterable[int] = map(_write_documents, jobs)
        if total >= PARALLEL_DOCUMENTS and workers > 1:
            # This process writes its share and forks one worker fewer: the build holds the
            # catalogue's lists here, and each forked worker counts all of its memory again.
            pool = stack.enter_context(multiprocessing.get_context("fork").Pool(workers - 1))
            own = len(jobs) // workers
            theirs = pool.imap_unordered(_write_documents, jobs[own:])
            counts = itertools.chain(map(_write_documents, jobs[:own]), theirs)
        for count in counts:
            done += count
            progress("search documents", done, total)
    return done


def trial_slugs(site_dir: Path) -> list[str]:
    """The trials that have a page in `site_dir`."""
    trials = site_dir / "trials"
    if not trials.is_dir():
        return []
    return sorted(entry.name for entry in os.scandir(trials) if os.path.isfile(os.path.join(entry.path, "index.html")))


def pagefind_command(site_dir: Path, bundle_dir: Path) -> list[str]:
    """The Pagefind run that indexes `site_dir`'s trial pages into `bundle_dir`."""
    return [
        str(pagefind_binary()),
        "--site", str(site_dir),
        "--glob", TRIAL_PAGES,
        "--output-path", str(bundle_dir),
        "--force-language", "en",  # one language: one wasm file and one index for every page
    ]


def index_site(
    site_dir: Path, bundle_dir: Path, progress: Progress = no_progress, shards: Collection[int] | None = None
) -> None:
    """Index the trial pages under `site_dir` into `bundle_dir`, laid out as the site's
    `pagefind/` (shard K in `shard-K/`): every shard, or only those in `shards`. Raises
    BuildError when Pagefind fails."""
    scratch = SiteFolder(site_dir).new_scratch("documents")
    try:
        index_documents(site_dir, bundle_dir, scratch, progress, shards)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def index_documents(
    site_dir: Path,
    bundle_dir: Path,
    documents_dir: Path,
    progress: Progress = no_progress,
    shards: Collection[int] | None = None,
) -> None:
    """`index_site`, leaving the search documents in `documents_dir` for the caller to remove:
    the preview removes them once the new index is in place (removing a directory a trial can
    take longer than writing it)."""
    slugs = trial_slugs(site_dir)
    count = shard_count(len(slugs))
    members: dict[int, list[str]] = {shard: [] for shard in range(count) if shards is None or shard in shards}
    for slug in slugs:
        members.get(shard_of(slug, count), []).append(slug)
    shutil.rmtree(bundle_dir, ignore_errors=True)
    try:
        write_documents(site_dir, {documents_dir / str(shard): listed for shard, listed in members.items()}, progress)
        _index_shards(documents_dir, sorted(members), progress)
        for shard in sorted(members):  # shard 0 first: the others go inside it
            target = bundle_dir / Path(bundle_path(shard)).relative_to(SEARCH_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(documents_dir / f"{shard}-bundle", target)
    except OSError as exc:
        raise BuildError("pagefind", f"could not run the search indexer: {exc}") from exc


def _index_shards(scratch: Path, shards: list[int], progress: Progress) -> None:
    """Run Pagefind over each shard's documents (`scratch/K`) into `scratch/K-bundle`, as many
    at once as there are cores: each holds only its shard's pages, so memory stays bounded.
    When one fails, or this is stopped (the preview's indexer ends), the others are stopped."""
    running = _Pagefinds()

    def index(shard: int) -> None:
        bundle = scratch / f"{shard}-bundle"
        returncode, output = running.run(pagefind_command(scratch / str(shard), bundle))
        if returncode != 0 or not (bundle / "pagefind-entry.json").is_file():
            raise BuildError("pagefind", f"the search indexer failed (exit {returncode}): " + " / ".join(output))
        _keep_only(bundle, PRIMARY_FILES if shard == 0 else MERGED_FILES)

    pool = ThreadPoolExecutor(max_workers=max(1, min(os.cpu_count() or 1, len(shards))))
    try:
        for done, _ in enumerate(pool.map(index, shards), start=1):
            progress("search index", done, len(shards))
    except BaseException:
        running.stop()
        raise
    finally:
        pool.shutdown(cancel_futures=True)


def _keep_only(bundle: Path, fetched: re.Pattern[str]) -> None:
    """Of a bundle, keep only the files the site's search page fetches."""
    for path in [p for p in bundle.rglob("*") if p.is_file()]:
        if not fetched.match(path.relative_to(bundle).as_posix()):
            path.unlink()


class _Pagefinds:
    """The Pagefind processes of one index, run from worker threads, stopped together."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[str]] = set()
        self._stopped = False

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for proc in self._running:
                proc.kill()

    def run(self, command: list[str]) -> tuple[int, list[str]]:
        """Run Pagefind: its exit code and last lines."""
        with self._lock:
            if self._stopped:
                return -signal.SIGKILL, ["stopped"]
            proc = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
            )
            self._running.add(proc)
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(TIMEOUT, stop)
        timer.start()
        last: collections.deque[str] = collections.deque(maxlen=5)
        try:
            for line in map(str.strip, proc.stdout):  # type: ignore[arg-type]  # piped, so never None
                if line:
                    last.append(line)
            proc.wait()
        finally:
            timer.cancel()
            proc.kill()  # nothing, unless this is an exception on the way out
            with self._lock:
                self._running.discard(proc)
        if timed_out.is_set():
            last.append(f"stopped after {TIMEOUT} s")
        return proc.returncode, list(last)


def bundle_files(bundle_dir: Path) -> dict[str, str]:
    """Site path ("pagefind/...") -> sha1 of the bytes, for every file of the bundle."""
    return {
        f"{SEARCH_DIR}/{path.relative_to(bundle_dir).as_posix()}": digest(path.read_bytes())
        for path in sorted(p for p in bundle_dir.rglob("*") if p.is_file())
    }


def trial_page_entry(page: bytes) -> Output:
    """A trial page's entry in the outputs manifest, keyed by what search indexes of it. An edit
    that leaves that as it was (locations, dates, outcomes, the description) does not remake the
    index."""
    return Output(digest(page), digest(search_document(page)), Kind.TRIAL_PAGE)


def update_index(
    root: Path,
    keep: Callable[[str], bool],
    old_outputs: Manifest,
    new_outputs: Manifest,
    progress: Progress = no_progress,
) -> list[str]:
    """Bring the search bundle under `root` (the site being built) in step with its pages.

    `keep(path)` carries a file over from the current site (the output strategy's `keep`);
    `old_outputs` is the last build's manifest, `new_outputs` this build's, complete for every
    page. A shard is carried over when none of its trial pages changed, and made again
    otherwise. Adds the bundle's files to `new_outputs` and returns those whose bytes changed.

    The preview server does not wait for this: it asks `background_index.BackgroundIndexer` instead."""
    keys = shard_keys(trial_pages(new_outputs))
    old = {path: entry for path, entry in old_outputs.items() if entry.kind is Kind.SEARCH}
    by_shard: dict[int, dict[str, Output]] = collections.defaultdict(dict)
    for path, entry in old.items():
        by_shard[shard_of_file(path)][path] = entry
    kept: set[str] = set()
    stale = [shard for shard, key in keys.items() if not _carry_over(by_shard[shard], key, keep, kept)]
    new_outputs.update({path: old[path] for path in kept if shard_of_file(path) not in stale})
    if not stale:
        return []
    scratch = SiteFolder(root).new_scratch("search")
    try:
        index_site(root, scratch / SEARCH_DIR, progress, stale)
        files = bundle_files(scratch / SEARCH_DIR)
        for path in {path for path in kept if shard_of_file(path) in stale} - set(files):
            (root / path).unlink(missing_ok=True)  # a partial carry-over the new bundle drops
        changed = []
        for path, file_digest in files.items():
            new_outputs[path] = Output(file_digest, keys[shard_of_file(path)], Kind.SEARCH)
            if path in old and old[path].digest == file_digest and (path in kept or keep(path)):
                continue
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(scratch / path, target)
            changed.append(path)
        return changed
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _carry_over(entries: dict[str, Output], key: str, keep: Callable[[str], bool], kept: set[str]) -> bool:
    """Whether a shard's files, all made from `key`, are carried over; those it did are added to
    `kept`, though it may fail part-way."""
    if not entries or any(entry.key != key for entry in entries.values()):
        return False
    for path in entries:
        if not keep(path):
            return False
        kept.add(path)
    return True
