"""Find what changed since the last build: the first stage of `build`.

The last build is remembered as a `LastBuild` (read from the build state once, then kept up to
date in memory, so that the preview server's long-lived builder does no loading per edit). Its
`fingerprint` covers what every page depends on; the trial files are found by `scan`ning the
content folder, or from the files the preview's watcher says were touched. A trial has changed
when its contents have: its digest is read only when its stamp differs from the one recorded (a
fresh checkout gives every file a new one) or was too fresh to trust (`SETTLE_NS`), and a trial
read and found unchanged has its new stamp recorded, so the next build trusts it without reading.
A trial's provenance sidecar is part of it: its page shows where each fact came from.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..content import DRUGS_FILE, PACKAGE_DRUGS, TRIALS_DIR, InvalidContent
from ..errors import ContentError
from ..fsutil import digest
from ..provenance import PROVENANCE_DIR, sidecar_path
from .config import SiteConfig
from .manifest import Manifest
from .state import BuildState, Stamp, TrialStamp
from .templates import PACKAGE_DIR, template_dirs
from .trial_lists import TrialLists

# The cache is keyed by what the files hold; stamps are only its shortcut. A file whose stamp is
# unchanged is not read again, but a write changes the stamp only if the clock ticked since the
# last one, and file systems that keep modification times to the second (or two) give two quick
# saves of the same size the same stamp. So a stamp read within SETTLE_NS of its last write is
# not trusted: later builds compare contents until it is old enough (the way git treats "racily
# clean" files).
SETTLE_NS = 2_000_000_000

TrialFiles = dict[str, tuple[str, TrialStamp]]  # slug -> (path, stamp) of every trial file


def file_stamp(path: Path) -> Stamp:
    stat = path.stat()
    return (stat.st_mtime_ns, stat.st_size)


def sidecar_of(trial_path: Path) -> Path:
    """content/trials/<trial>.yaml -> content/.provenance/<trial>.json"""
    return sidecar_path(trial_path.parent.parent, trial_path.name)


def trial_stamp(path: Path) -> TrialStamp:
    try:
        sidecar: Stamp | None = file_stamp(sidecar_of(path))
    except OSError:
        sidecar = None
    return file_stamp(path), sidecar


def _newest(stamp: TrialStamp) -> int:
    return max(stamp[0][0], stamp[1][0] if stamp[1] else 0)


def trial_digest(path: Path) -> str:
    """The digest of a trial file and its sidecar (when it has one) together."""
    try:
        sidecar = sidecar_of(path).read_bytes()
    except FileNotFoundError:
        sidecar = b""
    return digest(path.read_bytes() + b"\0" + sidecar)


def is_settled(stamp: TrialStamp, read_at: int) -> bool:
    """Whether a stamp taken before `read_at` (the time, before the file was read) can be
    trusted to change with the next write."""
    return read_at - _newest(stamp) >= SETTLE_NS


@dataclass
class LastBuild:
    """What the last build made, as this builder knows it."""

    fingerprint: str
    stamps: dict[str, TrialStamp]
    digests: dict[str, str]  # every trial's contents as rendered (`trial_digest`)
    outputs: Manifest
    unsettled: set[str] = field(default_factory=set)  # trials whose stamps are too fresh to trust
    lists: TrialLists | None = None  # every trial's listing; None until `load_lists`
    shared: dict[str, bool] = field(default_factory=dict)  # rendered with the file name in its <title>
    files: TrialFiles | None = None  # the trial files as the last build found them
    checked: bool = False  # every output was seen on disk, or written, by this process

    @classmethod
    def load(cls, state: BuildState, fingerprint: str) -> LastBuild:
        """Stamps and outputs only: enough to see that nothing changed. `load_lists` reads the
        listings (the bulk of the state) when a build has something to do."""
        stamps, digests, unsettled = state.stamps()
        return cls(fingerprint, stamps, digests, state.outputs(), unsettled)

    @classmethod
    def nothing(cls, fingerprint: str) -> LastBuild:
        return cls(fingerprint, {}, {}, {}, lists=TrialLists())

    def remember_stamp(self, slug: str, stamp: TrialStamp, settled: bool) -> None:
        self.stamps[slug] = stamp
        if settled:
            self.unsettled.discard(slug)
        else:
            self.unsettled.add(slug)

    def load_lists(self, state: BuildState) -> TrialLists:
        if self.lists is None:
            records = state.records()
            self.lists = TrialLists(listing for listing, _ in records.values())
            self.shared = {slug: shared for slug, (_, shared) in records.items()}
        return self.lists


@dataclass(frozen=True)
class Changes:
    files: TrialFiles
    changed: list[str]  # trials to render again, sorted
    removed: list[str]  # trials whose files are gone, sorted
    looked_at: set[str]  # every trial whose file may have changed
    restamped: dict[str, bool]  # unchanged trials read for their new stamps: whether each is settled


@dataclass(frozen=True)
class Sources:
    """What a build reads."""

    content_dir: Path
    templates_dir: Path  # a catalogue's own; what it lacks comes from the package's
    config: SiteConfig

    def is_trial_file(self, path: Path) -> bool:
        trials_dir = os.path.abspath(self.content_dir / TRIALS_DIR)
        return path.suffix == ".yaml" and os.path.dirname(os.path.abspath(path)) == trials_dir

    def only_trial_files(self, touched: list[Path] | None) -> bool:
        return touched is not None and all(map(self.is_trial_file, touched))

    def fingerprint(self) -> str:
        """Changes when anything every page depends on changes: settings, templates, the drug
        vocabularies (the package's and the catalogue's), or trialsite's own code."""
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


def find_changes(sources: Sources, last: LastBuild, touched: list[Path] | None) -> Changes:
    read_at = time.time_ns()  # before any file is read: see `is_settled`
    files, looked_at = scan(sources, last, touched)
    changed, restamped = [], {}
    for slug in sorted(looked_at & files.keys()):
        path, stamp = files[slug]
        if last.stamps.get(slug) == stamp and slug not in last.unsettled:
            continue  # a stamp to trust: not read
        if _is_changed(last, slug, path):
            changed.append(slug)
        elif last.stamps[slug] != stamp or is_settled(stamp, read_at):
            restamped[slug] = is_settled(stamp, read_at)
    removed = sorted(slug for slug in looked_at if slug not in files and slug in last.stamps)
    return Changes(files, changed, removed, looked_at, restamped)


def scan(sources: Sources, last: LastBuild, touched: list[Path] | None) -> tuple[TrialFiles, set[str]]:
    """Every trial file with its stamp, and the trials that may have changed: from the last
    build's list and `touched` when each touched file is a trial file, by reading the folder
    otherwise."""
    trials_dir = sources.content_dir / TRIALS_DIR
    if last.files is None or touched is None or not sources.only_trial_files(touched):
        files = _scan_folder(trials_dir)
        return files, files.keys() | last.stamps.keys()
    files = last.files  # updated in place: a failed build forgets it (see `SiteBuilder.build`)
    for path in touched:
        if not path.exists() and not path.is_symlink():
            files.pop(path.stem, None)
        elif path.is_file():
            files[path.stem] = (str(trials_dir / path.name), trial_stamp(path))
        else:
            return scan(sources, last, None)  # which names what is not a regular file, as check does
    return files, {path.stem for path in touched}


def _scan_folder(trials_dir: Path) -> TrialFiles:
    """Every trial file and its stamp, in one pass over the folder: a catalogue's entries and
    their stats are not all held at once (memory a large catalogue's build would keep)."""
    if not trials_dir.is_dir():
        return {}
    sidecars = _scan_sidecars(trials_dir.parent / PROVENANCE_DIR)
    found, odd = {}, []
    with os.scandir(trials_dir) as entries:
        for entry in entries:
            if not entry.name.endswith(".yaml"):
                continue
            if not entry.is_file():  # `check` names a directory or a dangling link here; so does build
                odd.append(ContentError(entry.path, "not a regular file"))
                continue
            stat, slug = entry.stat(), entry.name[: -len(".yaml")]
            found[slug] = (entry.path, ((stat.st_mtime_ns, stat.st_size), sidecars.get(slug)))
    if odd:
        raise InvalidContent(sorted(odd, key=lambda problem: problem.path))
    return dict(sorted(found.items()))


def _scan_sidecars(folder: Path) -> dict[str, Stamp]:
    if not folder.is_dir():
        return {}
    stamps = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(".json") and entry.is_file():
                stat = entry.stat()
                stamps[entry.name[: -len(".json")]] = (stat.st_mtime_ns, stat.st_size)
    return stamps


def _is_changed(last: LastBuild, slug: str, path: str) -> bool:
    recorded = last.digests.get(slug)
    try:
        return recorded is None or trial_digest(Path(path)) != recorded
    except OSError:
        return True  # rendering it names the problem


def record_stamps(state: BuildState, last: LastBuild, changes: Changes) -> None:
    """Record the stamps of the trials read and found unchanged, so the next build trusts the
    settled ones without reading them."""
    stamps = [(slug, changes.files[slug][1], settled) for slug, settled in sorted(changes.restamped.items())]
    if not stamps:
        return
    with state.transaction():
        state.restamp(stamps)
    for slug, stamp, settled in stamps:
        last.remember_stamp(slug, stamp, settled)
