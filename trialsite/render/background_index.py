"""The preview's search index, remade in the background after an edit.

`serve` shows an edit's pages at once; the shards of the search index its trials are in (a few
seconds of Pagefind each: see `shards.py`) catch up a little later, in a process of its own, and
are moved into the served site only if that site is still the one it indexed. It stops with
the preview.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import ClassVar

from ..errors import BuildError
from ..lock import site_kept
from ..sitefolder import SiteFolder
from . import shards as sharding
from .search import TIMEOUT, index_documents, trial_slugs
from .shards import SEARCH_DIR, bundle_path, shard_count, shard_of_file

STOP_WAIT = 5.0  # seconds a stopping preview gives the background index to clear its scratch
_PR_SET_PDEATHSIG = 1


class BackgroundIndexer:
    """Remakes shards of one served site's search bundle off the request path, for the preview
    server: an edit's pages are served and the browser reloads without waiting for the index;
    search catches up a little later. The bundle's files are then not the build's outputs
    manifest's business (the preview carries the last entries over as they are).

    Requests coalesce: while shards are being indexed, the shards later requests ask for wait,
    and are indexed together once the saves have settled for `SETTLE` seconds. Pagefind runs at
    a lower CPU priority, into a scratch folder, and the new bundles are moved in under the
    build lock (`_move_in`), unless a `build` swapped in a site of its own meanwhile."""

    SETTLE = 1.0
    _all: ClassVar[dict[Path, BackgroundIndexer]] = {}
    _lock = threading.Lock()

    def __init__(self, root: Path):
        self.root = root
        self.pending: set[int] = set()  # the shards asked for, not yet being indexed
        self.indexing = False
        self.requests = 0  # how many requests came, to tell when saves have settled
        self.error: str | None = None
        self.stopped = False
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._indexer: subprocess.Popen[str] | None = None

    @classmethod
    def of(cls, root: Path) -> BackgroundIndexer:
        with cls._lock:
            return cls._all.setdefault(root.resolve(), cls(root))

    @classmethod
    def stop_all(cls) -> None:
        """Stop every background index of this process (the preview is stopping)."""
        with cls._lock:
            indexers, cls._all = list(cls._all.values()), {}
        for indexer in indexers:
            indexer.stop()

    def request(self, shards: Collection[int]) -> None:
        """Index these shards again (their trials' search documents changed)."""
        with self._changed:
            if self.stopped:
                return
            self.pending |= set(shards)
            self.requests += 1
            self._changed.notify_all()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
                self._thread.start()

    def wait(self, timeout: float = 600) -> bool:
        """Until every shard asked for is indexed (for tests); False on time-out or an error."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while (self.pending or self.indexing) and self.error is None:
                if not self._changed.wait(max(0.0, deadline - time.monotonic())):
                    return False
        return self.error is None

    def stop(self, wait: float = STOP_WAIT) -> None:
        """The preview is stopping: end the indexer now, Pagefind with it, and move nothing in.
        Waits up to `wait` seconds for the scratch folders to be cleared (the next build clears
        whatever is left)."""
        with self._changed:
            self.stopped = True
            thread = self._thread
            self._end_indexer(signal.SIGTERM)
            self._changed.notify_all()
        if thread is not None:
            thread.join(wait)
        with self._changed:
            self._end_indexer(signal.SIGKILL)

    def _started(self, indexer: subprocess.Popen[str] | None) -> None:
        with self._changed:
            self._indexer = indexer
            if self.stopped:
                self._end_indexer(signal.SIGTERM)

    def _end_indexer(self, signal_number: int) -> None:
        """Signal the indexer's process group: the indexer and the Pagefind it runs."""
        if self._indexer is not None and self._indexer.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._indexer.pid, signal_number)

    def _run(self) -> None:
        while True:
            with self._changed:
                if not self.pending or self.stopped:
                    return
                requests = self.requests
            time.sleep(self.SETTLE)
            with self._changed:
                if self.requests != requests:
                    continue  # more saves came in: wait for them to settle
                shards, self.pending, self.indexing = self.pending, set(), True
            try:
                self._make(shards)
            except (BuildError, OSError) as exc:
                with self._changed:
                    self.indexing = False
                    if self.stopped:
                        return
                    self.pending |= shards  # the next request tries them again
                    self.error = str(exc)
                    self._changed.notify_all()
                print(f"serve: search index: {exc}", file=sys.stderr, flush=True)
                return
            with self._changed:
                self.indexing, self.error = False, None
                self._changed.notify_all()

    def _make(self, shards: set[int]) -> None:
        site = SiteFolder(self.root).identity()
        scratch = SiteFolder(self.root).new_scratch("search")
        try:
            try:
                _index_in_another_process(self.root, scratch / SEARCH_DIR, shards, self._started)
            finally:
                self._started(None)
            with site_kept(self.root, site) as kept:
                # A `build` swapped in a site of its own (with its own index) meanwhile, or the
                # preview is stopping: nothing to move in.
                if not kept or self.stopped:
                    return
                _move_in(scratch / SEARCH_DIR, self.root, shards)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def _move_in(bundle: Path, root: Path, shards: set[int]) -> None:
    """Put the new bundles of `shards` (under `bundle`, laid out as the site's `pagefind/`) in
    place of the old ones, file by file: every file a search fetches is named by its contents,
    and each shard's pagefind-entry.json, which names the rest, comes last, so a search that
    starts meanwhile reads one whole index. Then the old files the new bundles lack go, and so
    do the shards a smaller catalogue no longer has."""
    new = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
    for name in sorted(new, key=lambda name: name.endswith("pagefind-entry.json")):
        target = root / SEARCH_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(bundle / name, target)
    count = shard_count(len(trial_slugs(root)))
    for path in [p for p in (root / SEARCH_DIR).rglob("*") if p.is_file()]:
        name = path.relative_to(root / SEARCH_DIR).as_posix()
        shard = shard_of_file(f"{SEARCH_DIR}/{name}")
        if shard >= count:
            shutil.rmtree(root / bundle_path(shard), ignore_errors=True)
        elif shard in shards and name not in new:
            path.unlink()


def _index_in_another_process(
    site_dir: Path, bundle_dir: Path, shards: set[int], started: Callable[[subprocess.Popen[str]], None]
) -> None:
    """`index_site` in a process of its own at a low CPU priority: the preview's process does
    not fork its large self, nor share its interpreter lock with the indexer, so an edit's
    rebuild runs as fast while search catches up. It leads a process group of its own (with
    the Pagefind it runs), which `started` is given to stop."""
    code = (
        "import sys; from pathlib import Path; from trialsite.render.background_index import _main; _main(sys.argv[1:])"
    )
    package_parent = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))}
    shard_list = ",".join(map(str, sorted(shards)))
    # The shard size goes along, so that the indexer lays out the index as this process does.
    layout = [shard_list, str(sharding.SHARD_TRIALS)]
    command = [sys.executable, "-c", code, str(site_dir), str(bundle_dir), str(os.getpid()), *layout]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True
    )
    started(proc)
    with contextlib.suppress(AttributeError, OSError):  # not a POSIX system, or already gone
        os.setpriority(os.PRIO_PROCESS, proc.pid, 10)  # inherited by what it starts, Pagefind included
    try:
        _, errors = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        os.killpg(proc.pid, signal.SIGKILL)  # Pagefind too
        proc.communicate()
        raise BuildError("pagefind", f"the search indexer took longer than {TIMEOUT} s") from exc
    if proc.returncode != 0:
        raise BuildError("pagefind", (errors.strip().splitlines() or [f"exit {proc.returncode}"])[-1])


def _main(argv: list[str]) -> None:
    _end_with_parent(int(argv[2]))
    try:
        sharding.SHARD_TRIALS = int(argv[4])
        bundle = Path(argv[1])  # in the preview's scratch folder, which it removes after moving the index in
        index_documents(Path(argv[0]), bundle, bundle.parent / "documents", shards={int(n) for n in argv[3].split(",")})
    except BuildError as exc:
        sys.exit(str(exc))


def _end_with_parent(parent: int) -> None:
    """The indexer ends when the preview that started it does, however that ends (`kill -9`
    included), rather than index on for nobody: asked to stop, it stops Pagefind and clears
    its scratch folder on the way out."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    try:  # Linux: SIGTERM when the parent dies
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (AttributeError, OSError):
        return
    if os.getppid() != parent:  # it died before that took effect
        sys.exit("stopped")
