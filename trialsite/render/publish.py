"""Publish: the last stage of a build, and the one place `build` and the preview differ.

`StagedPublisher` (the build command) writes a complete new site beside the old one,
hard-linking every unchanged file instead of copying it, then swaps the two directories: a
reader sees the old site or the new one, never a mix, and a failed build leaves the old one as
it was. The site a swap replaces is kept as the spare that the next build stages into: most
of its files are already the current site's (hard links to the same inodes), so a build
links only the files that changed since and sweeps out what the new site lacks, instead of
making and deleting some 10,000 directories at every build (the bulk of an edit's time at
10,000 trials, in the kernel). The swap is one atomic exchange of the two directories (Linux's renameat2), so even a
build killed at that very moment leaves one whole site in place; where the exchange is not
available it is two renames, and the next build puts the old site back if a crash fell between
them: whoever takes the build lock (`trialsite/lock.py`) first clears what killed builds left.

`LivePublisher` (the preview server, which keeps one builder between edits) replaces changed
files in place, each one atomically, leaves the search index to the background
(`background_index.py`) and the large exports to a writer that runs after browsers reload.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import BuildError
from ..sitefolder import SiteFolder, SiteIdentity
from . import background_index, search
from .manifest import Kind, Manifest, Output
from .plans import FilePlan, export_plans
from .shards import SEARCH_DIR, shard_count, shards_of, slug_of_page, trial_pages
from .state import BuildState
from .workers import PARALLEL_THRESHOLD


class Publisher(ABC):
    """Where a build's files go, and what a build mode changes about a build: each mode says how
    it writes; where the attributes and the other methods give `build`'s way, the preview
    overrides them."""

    parallel_threshold = PARALLEL_THRESHOLD
    warms_up = False  # when nothing changed, get ready for the next edit anyway
    keeps_search_entries = False  # the search bundle's entries are carried as they are

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.folder = SiteFolder(out_dir)
        self.root = out_dir  # where this build writes

    @abstractmethod
    def check(self, protected: tuple[Path, ...]) -> None:
        """Before a build reads anything: whether it may write here."""

    def site_replaced(self) -> bool:
        """Whether someone else replaced the site since this publisher's last build."""
        return False

    def must_replan(self, outputs: Manifest) -> bool:
        """Whether every file must be planned whatever changed."""
        return False

    @abstractmethod
    def open(self, trusted: bool) -> None:
        """Start writing; `trusted`: the site on disk is as this process's last build left it."""

    @abstractmethod
    def keep(self, path: str) -> bool:
        """Carry an unchanged file over from the current site; False if it is not there."""

    @abstractmethod
    def remove(self, path: str) -> None:
        """Take a file out of the site."""

    @abstractmethod
    def commit(self, outputs: Manifest) -> None:
        """Every file of `outputs` is written: put the site in place."""

    @abstractmethod
    def abort(self) -> None:
        """The build failed: leave the site as it was, as far as this publisher can."""

    def defer(self, plan: FilePlan, old: Output | None) -> bool:
        """Whether to leave `plan` for later (then it is not written now)."""
        return False

    def carries_all(self) -> bool:
        """Whether every unchanged file can be carried over without looking at it."""
        return False

    @abstractmethod
    def index(self, old: Manifest, new: Manifest, trial_pages: list[str], progress: search.Progress) -> list[str]:
        """Bring the search index in step with the pages; the files written."""

    @abstractmethod
    def built(self) -> None:
        """The build landed."""


class StagedPublisher(Publisher):
    reused = False  # staging into the spare: it holds files this build may not publish
    shares = False  # some file was carried over from the site in place
    def check(self, protected: tuple[Path, ...]) -> None:
        check_replaceable(self.out_dir, protected)

    def must_replan(self, outputs: Manifest) -> bool:
        # A preview leaves its large files to a writer that may not have run: plan everything.
        return any(entry.kind is Kind.DEFERRED for entry in outputs.values())

    def open(self, trusted: bool) -> None:
        self.root = self.folder.new_staging()
        self.shares = False
        spare = self.folder.spare
        self.reused = spare.is_dir() and not spare.is_symlink()
        if self.reused:
            os.replace(spare, self.root)  # onto the empty staging folder: one rename
        else:
            spare.unlink(missing_ok=True)  # not a folder: nothing to reuse

    def keep(self, path: str) -> bool:
        target = self.root / path
        try:
            current = os.stat(self.out_dir / path)
        except FileNotFoundError:
            return False
        self.shares = True
        if self.reused:
            with contextlib.suppress(FileNotFoundError):
                if os.path.samestat(current, os.stat(target)):
                    return True  # the spare has it already
                os.unlink(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(self.out_dir / path, target)
        except FileNotFoundError:
            return False
        except FileExistsError:  # carried over already
            return True
        except OSError:  # a file system without hard links
            shutil.copy2(self.out_dir / path, target)
        return True

    def remove(self, path: str) -> None:
        """Nothing to do: a file not written or kept is not in the new site (`commit` sweeps a
        reused spare)."""

    def commit(self, outputs: Manifest) -> None:
        if self.reused:
            _sweep(self.root, SEARCH_DIR, outputs)  # the rest went before indexing
        self.root.chmod(0o755)  # mkdtemp makes it private; a web server must be able to read it
        self.folder.swap_marker.touch()  # until the build state is saved too (see lock.py)
        if not self.out_dir.exists():
            os.replace(self.root, self.out_dir)
        elif _exchange(self.root, self.out_dir):  # the new site is in place; root now holds the old one
            self._set_aside(self.root)
        else:
            old = self.folder.old_site_beside(self.root)
            os.replace(self.out_dir, old)
            try:
                os.replace(self.root, self.out_dir)
            except BaseException:
                os.replace(old, self.out_dir)
                raise
            self._set_aside(old)
        if self.reused:  # the directory in place is one that was in place two swaps ago
            self.folder.swapped()

    def _set_aside(self, old_site: Path) -> None:
        """Keep the replaced site as the spare when it shares files with the new one; a build
        that carried nothing over (`--clean`) would double the site's disk space with it."""
        if self.shares:
            os.replace(old_site, self.folder.spare)
        else:
            shutil.rmtree(old_site, ignore_errors=True)

    def abort(self) -> None:
        # Not kept as the spare: what a failed build wrote may be what filled the disk.
        shutil.rmtree(self.root, ignore_errors=True)

    def built(self) -> None:
        """Nothing to remember: the next build reads the build state."""

    def index(self, old: Manifest, new: Manifest, trial_pages: list[str], progress: search.Progress) -> list[str]:
        if self.reused:  # search reads the staged trial pages: the spare's others must go first
            _sweep(self.root, "", new, leave=SEARCH_DIR)
        return search.update_index(self.root, self.keep, old, new, progress)


class LivePublisher(Publisher):
    # The preview renders an edit's few pages at once; forking workers would cost more.
    parallel_threshold = PARALLEL_THRESHOLD * 10
    warms_up = True  # the first edit is then as quick as the rest
    keeps_search_entries = True  # the background indexer's business

    def __init__(self, out_dir: Path):
        super().__init__(out_dir)
        self.trusted = False
        self.deferred: dict[str, FilePlan] = {}  # large files out of date, for write_deferred
        self._site: SiteIdentity | None = None  # the site directory it built into

    def check(self, protected: tuple[Path, ...]) -> None:
        """Nothing to refuse: the preview writes into the site in place, deleting nothing else."""

    def site_replaced(self) -> bool:
        return self.folder.identity() != self._site

    def open(self, trusted: bool) -> None:
        self.trusted = trusted
        self.out_dir.mkdir(parents=True, exist_ok=True)

    def keep(self, path: str) -> bool:
        """The file is already in place: checked on disk, unless the site is as we left it."""
        return self.trusted or (self.root / path).is_file()

    def remove(self, path: str) -> None:
        (self.root / path).unlink(missing_ok=True)

    def commit(self, outputs: Manifest) -> None:
        """Every file was replaced as it was written."""

    def abort(self) -> None:
        """Files already replaced stay: each is whole, and the next build brings the rest."""

    def defer(self, plan: FilePlan, old: Output | None) -> bool:
        # Its key is not even made: the file is written later, and its entry never matches a
        # key, so the next `build` writes it again whatever happens before.
        if plan.deferrable and old is not None:
            self.deferred[plan.route] = plan
            return True
        return False

    def carries_all(self) -> bool:
        return self.trusted

    def index(self, old: Manifest, new: Manifest, written: list[str], progress: search.Progress) -> list[str]:
        """Asked of the background: the shards of the trial pages this build wrote or removed
        (`written`) whose search documents changed, or every shard when the number of shards
        changed or the site has no index."""
        count = shard_count(len(trial_pages(new)))
        if count != shard_count(len(trial_pages(old))) or not (self.root / SEARCH_DIR).is_dir():
            stale = set(range(count))
        else:
            stale = shards_of((slug_of_page(path) for path in written if _key(old, path) != _key(new, path)), count)
        if stale:
            background_index.BackgroundIndexer.of(self.root).request(stale)
        return []

    def built(self) -> None:
        self._site = self.folder.identity()

    def write_deferred(self, root: Path | None = None) -> dict[str, FilePlan]:
        """Write the large files a build left out of date, into the site or under `root` at the
        same paths; the plans written. This runs on another thread than the build, so the
        exports read the build state through a connection of their own. Each file is replaced
        whole."""
        pending, self.deferred = self.deferred, {}
        state = BuildState(self.folder.state)
        try:
            own_connection = {plan.route: plan for plan in export_plans(state, lambda: "", remember=False)}
            for route, plan in sorted(pending.items()):
                own_connection.get(route, plan).write(root or self.out_dir)
        except BaseException:
            self.defer_again(pending)
            raise
        finally:
            state.close()
        return pending

    def defer_again(self, plans: dict[str, FilePlan]) -> None:
        """Still out of date: the next `write_deferred` writes them (newer plans win)."""
        self.deferred = {**plans, **self.deferred}


def _sweep(root: Path, folder: str, outputs: Manifest, leave: str | None = None) -> None:
    """Delete from `folder` of a reused spare (all of it: "") every file and folder the new
    site does not have, except the folder `leave` (the search index, swept after it is made)."""
    folders = {parent for path in outputs for parent in _parents(path)} | {folder, leave}
    for current, subfolders, files in os.walk(root / folder):
        inside = os.path.relpath(current, root)
        prefix = "" if inside == "." else inside.replace(os.sep, "/") + "/"
        for name in files:
            if prefix + name not in outputs:
                os.unlink(os.path.join(current, name))
        for name in list(subfolders):
            if prefix + name == leave:
                subfolders.remove(name)
            elif prefix + name not in folders:
                subfolders.remove(name)
                shutil.rmtree(os.path.join(current, name))


def _parents(path: str) -> Iterator[str]:
    """"a/b/c.html" -> "a", "a/b" """
    parts = path.split("/")[:-1]
    for end in range(1, len(parts) + 1):
        yield "/".join(parts[:end])


def _key(outputs: Manifest, path: str) -> str:
    entry = outputs.get(path)
    return "" if entry is None else entry.key


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_renameat2: Callable[..., int] | None
try:
    _renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
except (OSError, AttributeError):  # not Linux, or a C library without renameat2
    _renameat2 = None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories; False where the system cannot (then nothing happened)."""
    if _renameat2 is None:
        return False
    return _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def check_replaceable(out_dir: Path, protected: tuple[Path, ...]) -> None:
    """Refuse an output directory whose replacement would delete something that is not a site."""
    resolved = out_dir.resolve()
    for path in protected:
        if resolved == path.resolve() or resolved in path.resolve().parents:
            raise BuildError(out_dir, f"refusing to build here: replacing it would delete {path}")
    if out_dir.exists() and not out_dir.is_dir():
        raise BuildError(out_dir, "exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "index.html").is_file():
        raise BuildError(out_dir, "refusing to replace a directory that is not a built site (it has no index.html)")
