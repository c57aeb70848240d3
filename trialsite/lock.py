"""One build at a time per output directory.

A build holds an exclusive `flock` on `.<out>.lock` beside the output directory (`.site.lock`
for `site/`) from before it reads the build state until the new site is in place. A second
build waits up to `LOCK_WAIT` seconds for the first to finish, then gives up with a message
naming the directory; it never writes a byte meanwhile. The kernel drops the lock when its
holder exits, however it exits (even `kill -9`), so a crashed build never leaves a stale lock.
The lock is re-entrant within one thread, so a caller may hold it around a builder that takes
it too; another thread of the same process waits like another process (the preview's background
writers do). Whoever takes it first clears what killed builds left beside the output: nobody else can
be writing there.

Work that is moved into the site later (the preview's exports and search index, the search
documents Pagefind reads) is done in scratch folders beside it, named with the id of the process
that made them (`SiteFolder.new_scratch`): the lock's next holder also clears those whose process is gone,
such as a preview killed part-way.

A build swaps its new site in before it records what it built in the build state, so a build
killed between the two would leave a state that describes the other site, and the next build
would carry that site's files over as if they were current. So the swap first leaves a marker
(`.site.swap-pending`) that only a build that returned normally removes; the next build finding
it deletes the build state (a cache) and so builds everything afresh.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError
from .sitefolder import SiteFolder, SiteIdentity

LOCK_WAIT = 30.0  # seconds a build waits for another one writing the same directory
_POLL = 0.1
_held: dict[tuple[int, str], int] = {}  # (thread, lock file) -> how many times that thread holds it


def is_held(out_dir: Path) -> bool:
    """Whether this thread holds the lock on `out_dir`, so nothing else is writing beside it."""
    return _key(SiteFolder(out_dir).lock) in _held


@contextmanager
def build_lock(
    out_dir: Path, wait: float | None = None, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    folder = SiteFolder(out_dir)
    path = folder.lock
    key = _key(path)
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    fd = _open(path)
    try:
        _acquire(fd, out_dir, path, LOCK_WAIT if wait is None else wait, on_wait)
        recover_interrupted(folder)
        _held[key] = 1
        try:
            yield
            folder.swap_marker.unlink(missing_ok=True)  # the build returned: state and site agree
        finally:
            del _held[key]
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def site_kept(
    out_dir: Path, site: SiteIdentity | None, on_wait: Callable[[str], None] | None = None
) -> Iterator[bool]:
    """Hold the build lock on `out_dir`; whether the site in place is still `site` (what
    `SiteFolder.identity` said when a background writer started). A writer that worked beside the
    site without the lock moves its files in only then: a `build` may have swapped in a site
    of its own meanwhile."""
    with build_lock(out_dir, on_wait=on_wait):
        yield SiteFolder(out_dir).identity() == site


def recover_interrupted(folder: SiteFolder) -> None:
    """Clear what builds killed part-way left beside the site: staged sites (`.site-new-*`), old
    ones (`.site-old-*`) and the scratch folders of processes that are gone; if a crash fell
    between the two renames of a swap, so that no site is in place, the old site is put back
    first; and if a build died around its swap, its build state is deleted, so that the next
    build makes every file again. Only call this while holding the build lock."""
    if not folder.parent.is_dir():
        return
    if folder.swap_marker.exists():
        for path in folder.state_files:
            path.unlink(missing_ok=True)
        folder.swap_marker.unlink()
    old = folder.old_sites()
    if not folder.path.exists() and old:
        os.replace(old.pop(), folder.path)
    for path in [*old, *folder.staged(), *folder.orphaned_scratch()]:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def _key(path: Path) -> tuple[int, str]:
    # flock excludes open file descriptions, not processes: a thread that opens the lock file for
    # itself waits for the others.
    return threading.get_ident(), os.path.abspath(path)


def _open(path: Path) -> int:
    """Open for writing: where the lock file cannot be written, no build can write its site
    either, and this is the earliest place to say so (EROFS, EACCES, naming the path)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)


def _acquire(fd: int, out_dir: Path, path: Path, wait: float, on_wait: Callable[[str], None] | None) -> None:
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(path)
            if time.monotonic() >= deadline:
                raise OutputError(
                    out_dir,
                    f"another build{holder} is writing {out_dir}; nothing was changed, try again when it has finished "
                    f"(lock: {path})",
                ) from None
            if on_wait and not told:
                on_wait(f"waiting for another build{holder} writing {out_dir}")
                told = True
            time.sleep(_POLL)
        else:
            _note_holder(fd)
            return


def _note_holder(fd: int) -> None:
    """Write our pid into the lock file for the message a waiting build prints (best effort)."""
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    except OSError:
        pass


def _holder(path: Path) -> str:
    try:
        pid = path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (process {pid})" if pid.isdigit() else ""
