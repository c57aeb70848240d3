"""The output folder and its companions beside it, named in one place.

A site `site/` lives with: `.site.lock` (the build lock, `lock.py`), `.site.build-state.sqlite`
(what the last build made, `render/state.py`), `.site.swap-pending` (a swap whose build state
is not saved yet), `.site-new-*` (a build's staged site), `.site-old-*` (the site a swap is
replacing), `.site.spare` (the site the last swap replaced, kept for the next build to stage
into), `.site.swaps` (which swap put the site in place) and `.trialsite-<purpose>-<pid>-*`
(scratch work to be moved in later, named for the process that made it so that whoever takes
the lock next clears it once that process is gone).
Nothing here renders: the lock and the publishers both use it.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .fsutil import atomic_write

SCRATCH_PREFIX = ".trialsite-"  # then the purpose, the process id and a random part
_SCRATCH = re.compile(re.escape(SCRATCH_PREFIX) + r"[a-z]+-(\d+)-[^-]+")
SiteIdentity = tuple[int, int, str]  # (device, inode) of the directory in place, and its swap


@dataclass(frozen=True)
class SiteFolder:
    path: Path

    @property
    def parent(self) -> Path:
        return self.path.parent

    def _beside(self, suffix: str) -> Path:
        return self.parent / f".{self.path.name}{suffix}"

    @property
    def lock(self) -> Path:
        return self._beside(".lock")

    @property
    def state(self) -> Path:
        return self._beside(".build-state.sqlite")

    @property
    def state_files(self) -> list[Path]:
        """The build state with SQLite's companions (write-ahead log, shared memory, journal)."""
        state = self.state
        return [state, *(state.with_name(state.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]

    @property
    def swap_marker(self) -> Path:
        return self._beside(".swap-pending")

    @property
    def spare(self) -> Path:
        return self._beside(".spare")

    @property
    def swaps(self) -> Path:
        return self._beside(".swaps")

    def new_staging(self) -> Path:
        """A new private folder beside the site for a build's staged copy of it."""
        self.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=self.parent, prefix=self._staging_prefix))

    def staged(self) -> list[Path]:
        return list(self.parent.glob(f"{self._staging_prefix}*"))

    @property
    def _staging_prefix(self) -> str:
        return f".{self.path.name}-new-"

    def published_name(self, name: str) -> str:
        """A path inside a staged site named by its place in the site (the staged copy is gone
        by the time an error naming it is read); any other path as it is."""
        staging = str(self.parent / self._staging_prefix)
        if not name.startswith(staging):
            return name
        inside = name[len(staging) :].partition("/")[2]
        return str(self.path / inside) if inside else str(self.path)

    def old_site_beside(self, staging: Path) -> Path:
        """Where the site in place goes while `staging` takes its place (a swap in two renames)."""
        return staging.with_name(staging.name.replace("-new-", "-old-", 1))

    def old_sites(self) -> list[Path]:
        """Sites a swap was replacing, oldest first."""
        return sorted(self.parent.glob(f".{self.path.name}-old-*"), key=lambda path: path.stat().st_mtime)

    def new_scratch(self, purpose: str) -> Path:
        """A new private folder beside the site for work to be moved in later, named for this
        process, so that whoever takes the build lock next clears it once this process is gone."""
        return Path(tempfile.mkdtemp(dir=self.parent, prefix=f"{SCRATCH_PREFIX}{purpose}-{os.getpid()}-"))

    def orphaned_scratch(self) -> Iterator[Path]:
        """Scratch folders of processes that are gone."""
        for path in self.parent.glob(f"{SCRATCH_PREFIX}*"):
            match = _SCRATCH.fullmatch(path.name)
            if match and not _is_running(int(match[1])):
                yield path

    def identity(self) -> SiteIdentity | None:
        """Which site directory is in place: a build's swap puts another one there, writing in
        place (the preview) does not. Builds stage into the site the swap before last replaced
        (`spare`), so two swaps bring the same directory back: the token `swapped` writes tells
        them apart."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        try:
            swap = self.swaps.read_text(encoding="ascii")
        except (FileNotFoundError, UnicodeDecodeError):
            swap = ""
        return stat.st_dev, stat.st_ino, swap

    def swapped(self) -> None:
        """A swap put back a directory that was in place before: say so to `identity`."""
        atomic_write(self.swaps, secrets.token_hex(8).encode("ascii"), durable=False)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's: running all the same
        pass
    return True
