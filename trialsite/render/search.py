"""Full-text search: Pagefind indexes the trial pages of the staged site, offline.

Pagefind (PyPI `pagefind[bin]`, a Rust binary) reads the built HTML and writes a static search
bundle into `pagefind/`: the browser downloads only the index chunks a search needs, so a search
stays small however large the catalogue grows. Only trial pages are read (`TRIAL_PAGES`), and of
each only the `data-pagefind-body` article, less what its template marks `data-pagefind-ignore`;
the page markup also carries the filters (drug, phase, status, condition, sex).

The index is made again when what it reads of any trial page changed (each trial page's key
in the outputs manifest is the digest of its search document), and otherwise carried over like
any unchanged file: its files are in the manifest under a key made of those. Pagefind writes
into a scratch directory beside the site; a file whose bytes did not change is carried over from
the current site (hard-linked), so only changed files count as written, and the preview server
never serves a half-written bundle.

Pagefind's filter tables (`UNORDERED_FILES`) come out in hash-map order, which differs from run
to run: the one part of a build that is not byte-identical for the same input. The same pages
give the same word index and fragments, byte for byte.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import BuildError
from ..fsutil import digest
from ..sitefolder import SiteFolder
from .manifest import Kind, Manifest, Output

SEARCH_DIR = "pagefind"  # the bundle's folder in the site
TRIAL_PAGES = "trials/*/index.html"  # the only pages that are search results
TIMEOUT = 3600
# Pagefind writes its filter tables in hash-map order, which differs from run to run: these files
# are the one part of a build that is not byte-identical for the same input.
UNORDERED_FILES = re.compile(rf"^{SEARCH_DIR}/(filter/|pagefind-entry\.json$|pagefind\.[^/]*\.pf_meta$)")


def pagefind_binary() -> Path:
    """The binary that `pagefind[bin]` ships (PAGEFIND_BINARY_PATH overrides it)."""
    override = os.environ.get("PAGEFIND_BINARY_PATH")
    if override:
        return Path(override)
    try:
        from pagefind_bin import get_executable
    except ImportError as exc:
        raise BuildError(
            "pagefind", "not installed: `pip install 'pagefind[bin]'` (a dependency of trialsite)"
        ) from exc
    return Path(get_executable())


# Pagefind skips what is marked data-pagefind-ignore but still pays to read it: reading a trial
# page without its ignored sections makes the same index in about half the time.
_IGNORED_SECTION = re.compile(rb"<(section|aside)\b[^>]*\bdata-pagefind-ignore\b[^>]*>.*?</\1>", re.S)
_DOCUMENT_HEAD = b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title></title></head><body>'
# Below this many pages, starting worker processes costs more than it saves.
PARALLEL_DOCUMENTS = 2000
DOCUMENTS_A_JOB = 250
# What Pagefind prints as it starts each of its long steps, and what a build shows for each.
PAGEFIND_STEPS = {
    "[Parsing files]": "reading pages", "[Building search indexes]": "indexing words", "Total:": "writing the index"
}

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


def write_documents(site_dir: Path, documents_dir: Path, progress: Progress = no_progress) -> int:
    """A search document for every trial page of `site_dir`, at the same path under `documents_dir`
    (so Pagefind gives each result its page's URL)."""
    trials = site_dir / "trials"
    slugs: list[str] = []
    if trials.is_dir():
        slugs = sorted(
            entry.name for entry in os.scandir(trials) if os.path.isfile(os.path.join(entry.path, "index.html"))
        )
    jobs = [
        (str(site_dir), str(documents_dir), slugs[i : i + DOCUMENTS_A_JOB])
        for i in range(0, len(slugs), DOCUMENTS_A_JOB)
    ]
    workers = min(os.cpu_count() or 1, 8)
    done = 0
    with contextlib.ExitStack() as stack:
        counts: Iterable[int] = map(_write_documents, jobs)
        if len(slugs) >= PARALLEL_DOCUMENTS and workers > 1:
            pool = stack.enter_context(multiprocessing.get_context("fork").Pool(workers))
            counts = pool.imap_unordered(_write_documents, jobs)
        for count in counts:
            done += count
            progress("search documents", done, len(slugs))
    return done


def pagefind_command(site_dir: Path, bundle_dir: Path) -> list[str]:
    """The Pagefind run that indexes `site_dir`'s trial pages into `bundle_dir`."""
    return [
        str(pagefind_binary()),
        "--site", str(site_dir),
        "--glob", TRIAL_PAGES,
        "--output-path", str(bundle_dir),
        "--force-language", "en",  # one language: one wasm file and one index for every page
    ]


def index_site(site_dir: Path, bundle_dir: Path | None = None, progress: Progress = no_progress) -> None:
    """Index the trial pages under `site_dir` into `bundle_dir` (default: the site's own
    `pagefind/`). Raises BuildError when Pagefind fails."""
    bundle_dir = bundle_dir or site_dir / SEARCH_DIR
    shutil.rmtree(bundle_dir, ignore_errors=True)
    documents = SiteFolder(site_dir).new_scratch("documents")
    try:
        write_documents(site_dir, documents, progress)
        returncode, output = _run_pagefind(pagefind_command(documents, bundle_dir), progress)
    except OSError as exc:
        raise BuildError("pagefind", f"could not run the search indexer: {exc}") from exc
    finally:
        shutil.rmtree(documents, ignore_errors=True)
    if returncode != 0 or not (bundle_dir / "pagefind-entry.json").is_file():
        raise BuildError("pagefind", f"the search indexer failed (exit {returncode}): " + " / ".join(output))


def _run_pagefind(command: list[str], progress: Progress) -> tuple[int, list[str]]:
    """Run Pagefind, showing the steps it announces as progress: its exit code and last lines."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        proc.kill()

    timer = threading.Timer(TIMEOUT, stop)
    timer.start()
    last: collections.deque[str] = collections.deque(maxlen=5)
    steps = len(PAGEFIND_STEPS) + 1
    try:
        for line in map(str.strip, proc.stdout):  # type: ignore[arg-type]  # piped, so never None
            if line:
                last.append(line)
            if line in PAGEFIND_STEPS:
                progress(f"search index ({PAGEFIND_STEPS[line]})", list(PAGEFIND_STEPS).index(line) + 1, steps)
        proc.wait()
    finally:
        timer.cancel()
        proc.kill()  # nothing, unless this is an exception on the way out
    if timed_out.is_set():
        last.append(f"stopped after {TIMEOUT} s")
    if proc.returncode == 0:
        progress("search index", steps, steps)
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


def index_key(outputs: Manifest) -> str:
    """What the index is made from: what it reads of every trial page."""
    pages = sorted((path, entry.key) for path, entry in outputs.items() if entry.kind is Kind.TRIAL_PAGE)
    return digest(repr(pages).encode("utf-8"))


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
    page. The bundle is carried over when no trial page changed, and made again otherwise. Adds
    the bundle's files to `new_outputs` and returns those whose bytes changed.

    The preview server does not wait for this: it asks `background_index.BackgroundIndexer` instead."""
    key = index_key(new_outputs)
    old = {path: entry for path, entry in old_outputs.items() if entry.kind is Kind.SEARCH}
    kept: list[str] = []
    if old and all(entry.key == key for entry in old.values()):
        for path in old:
            if not keep(path):
                break
            kept.append(path)
        else:
            new_outputs.update(old)
            return []
    scratch = SiteFolder(root).new_scratch("search")
    try:
        index_site(root, scratch / SEARCH_DIR, progress)
        files = bundle_files(scratch / SEARCH_DIR)
        kept_now = set(kept)
        for path in kept_now - set(files):  # a partial carry-over the new bundle drops
            (root / path).unlink(missing_ok=True)
        changed = []
        for path, file_digest in files.items():
            new_outputs[path] = Output(file_digest, key, Kind.SEARCH)
            if path in old and old[path].digest == file_digest and (path in kept_now or keep(path)):
                continue
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(scratch / path, target)
            changed.append(path)
        return changed
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
