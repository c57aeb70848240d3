"""Where a build's files go.

`StagedOutput` (the build command) writes a complete new site beside the old one, hard-linking
every unchanged file instead of copying it, then swaps the two directories: a reader sees the
old site or the new one, never a mix, and a failed build leaves the old one as it was. The swap
is one atomic exchange of the two directories (Linux's renameat2), so even a build killed at
that very moment leaves one whole site in place; where the exchange is not available it is two
renames, and the next build puts the old site back if a crash fell between them: whoever takes
the build lock (`trialsite/lock.py`) first clears what killed builds left beside the output.
`LiveOutput` (the preview server) replaces changed files in place, each one atomically.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from ..errors import BuildError
from ..fsutil import atomic_write
from ..sitefolder import SiteFolder


def write_file(root: Path, path: str, data: bytes) -> None:
    """Write `root/path` through a temporary file and a rename: never seen half-written."""
    atomic_write(root / path, data, durable=False)


class StagedOutput:
    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.root = SiteFolder(out_dir).new_staging()

    def keep(self, path: str) -> bool:
        """Carry an unchanged file over from the current site; False if it is not there."""
        target = self.root / path
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
        """Nothing to do: a file not written or kept is simply not in the new site."""

    def commit(self) -> None:
        self.root.chmod(0o755)  # mkdtemp makes it private; a web server must be able to read it
        SiteFolder(self.out_dir).swap_marker.touch()  # until the build state is saved too (see lock.py)
        if not self.out_dir.exists():
            os.replace(self.root, self.out_dir)
            return
        if _exchange(self.root, self.out_dir):  # the new site is in place; root now holds the old one
            shutil.rmtree(self.root, ignore_errors=True)
            return
        old = self.root.with_name(self.root.name.replace("-new-", "-old-", 1))
        os.replace(self.out_dir, old)
        try:
            os.replace(self.root, self.out_dir)
        except BaseException:
            os.replace(old, self.out_dir)
            raise
        shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


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


class LiveOutput:
    def __init__(self, out_dir: Path, trusted: bool = False):
        self.out_dir = self.root = out_dir
        self.trusted = trusted  # the site on disk is as this process's last build left it
        out_dir.mkdir(parents=True, exist_ok=True)

    def keep(self, path: str) -> bool:
        """The file is already in place: checked on disk, unless the site is as we left it."""
        return self.trusted or (self.root / path).is_file()

    def remove(self, path: str) -> None:
        (self.root / path).unlink(missing_ok=True)

    def commit(self) -> None:
        """Every file was replaced as it was written."""

    def abort(self) -> None:
        """Files already replaced stay: each is whole, and the next build brings the rest."""


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
