"""`extract`: seeds -> content files, without ever overwriting an editor's work.

A state file (`content/.extract-state.json`) remembers, for each seed, which content file it
became, the seed's hash and the hash of the bytes extract wrote. A content file whose bytes
differ from what extract wrote has been edited by hand and is never overwritten.
"""

from __future__ import annotations

import enum
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .content import TRIALS_DIR, drug_vocabulary, schema_path
from .errors import ContentError, SeedError, TrialsiteError, printable
from .extract import extract
from .extract.drugs import DrugIndex
from .fsutil import atomic_write, sha256_bytes
from .model import Trial
from .seeds import Seed, find_seeds, read_seed
from .slugs import ascii_slug
from .yamlio import dump, parse

STATE_FILE = ".extract-state.json"
_STATE_KEYS = {"file", "seed_sha256", "written_sha256"}
# The state's entries by seed file name: {"file": ..., "seed_sha256": ..., "written_sha256": ...}.
State = dict[str, dict[str, str]]
# What extract itself writes: a hand-edited state can never make it write outside content/trials/.
_STATE_FILE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*\.yaml")


class Regenerate(enum.Enum):
    """Which existing files extract may write again. A hand-edited file is never among them."""

    NEW_SEEDS = "new"  # `extract`: files for new seeds only
    CHANGED_SEEDS = "changed"  # `serve`: also files whose seed changed since they were written
    ALL = "all"  # `extract --force`: every file nobody edited, and files deleted by hand
# The schema that ships in the package, relative to content/trials/ in this checkout's layout.
SCHEMA_REF = "../../trialsite/schemas/trial.schema.json"
MAX_SLUG = 60


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    failed: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str, message: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        self.lines.append(message)

    def summary(self) -> str:
        parts = [f"{n} {outcome}" for outcome, n in sorted(self.counts.items())]
        return "extract: " + (", ".join(parts) or "no seeds")


def slugify(text: str) -> str:
    slug = ascii_slug(text)
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    return slug or "trial"


def base_slug(trial: Trial) -> str:
    return trial.nct_id.lower() if trial.nct_id else slugify(trial.title)


def schema_ref(trials_dir: Path) -> str:
    """The trial schema of the installed trialsite as seen from `trials_dir`, for an editor's
    YAML language server: SCHEMA_REF in this checkout, and wherever trialsite is installed from a
    catalogue anywhere else."""
    return Path(os.path.relpath(schema_path("trial"), os.path.abspath(trials_dir))).as_posix()


def render_trial(trial: Trial, schema: str = SCHEMA_REF) -> str:
    seed_name = "".join(ch if ch.isprintable() else "?" for ch in trial.source.file)  # one comment line
    header = (
        f"# yaml-language-server: $schema={schema}\n"
        f"# Extracted from seeds/{seed_name}. Edit freely: extract never overwrites a file\n"
        "# that has been edited by hand. A null or [] means the source does not say.\n"
    )
    return header + dump(trial.model_dump(mode="json"))


def sync(seeds_dir: Path, content_dir: Path, regenerate: Regenerate = Regenerate.NEW_SEEDS) -> Report:
    """Extract every seed into `content_dir`, respecting hand edits; report what happened."""
    report = Report()
    trials_dir = content_dir / TRIALS_DIR
    state = _load_state(content_dir)
    drug_index = DrugIndex.from_vocabulary(drug_vocabulary(content_dir), lambda: _shown_drugs(trials_dir))
    schema = schema_ref(trials_dir)
    for path in find_seeds(seeds_dir):
        try:
            if not path.name.isprintable():
                raise SeedError(path, "the file name holds control or invisible characters; rename the file")
            seed = read_seed(path)
            trial = extract(seed, drug_index)
        except SeedError as exc:
            report.failed += 1
            report.add("failed", f"error: {exc}")
            continue
        except Exception as exc:  # an extractor bug must not stop the other seeds
            report.failed += 1
            report.add("failed", f"error: {path}: extraction failed ({type(exc).__name__}: {exc}); please report this")
            continue
        text = render_trial(trial, schema)
        try:
            _sync_one(seed, trial, text, trials_dir, state, regenerate, report)
        except OSError as exc:  # e.g. a full disk, or a directory where a content file should be
            report.failed += 1
            where = exc.filename or trials_dir
            report.add("failed", printable(f"error: {where}: {exc.strerror}; {seed.file} not extracted"))
    _save_state(content_dir, state)
    return report


def _shown_drugs(trials_dir: Path) -> Iterator[str]:
    """The drug names the catalogue's trials show, so that a drug extract finds again under another
    of its names keeps the page it has. A file that does not parse shows none."""
    for path in sorted(trials_dir.glob("*.yaml")):
        try:
            record = parse(path.read_text("utf-8"), str(path))
        except (OSError, UnicodeDecodeError, ContentError):
            continue
        drugs = record.get("drugs") if isinstance(record, dict) else None
        yield from (name for name in drugs if isinstance(name, str)) if isinstance(drugs, list) else ()


def _sync_one(
    seed: Seed, trial: Trial, text: str, trials_dir: Path, state: State, regenerate: Regenerate, report: Report
) -> None:
    entry = state.get(seed.file)
    if entry is None:
        slug = _unique_slug(base_slug(trial), trials_dir, state)
        _write(trials_dir / f"{slug}.yaml", seed, text, state)
        report.add("created", f"created {TRIALS_DIR}/{slug}.yaml from {seed.file}")
        return
    target = trials_dir / entry["file"]
    shown = f"{TRIALS_DIR}/{entry['file']}"
    seed_changed = entry["seed_sha256"] != seed.sha256
    if not target.exists():
        if regenerate is Regenerate.ALL:
            _write(target, seed, text, state)
            report.add("recreated", f"recreated {shown} (it had been deleted)")
        else:
            report.add("deleted", f"kept deleted: {shown} was removed by hand; --force recreates it")
        return
    current = sha256_bytes(target.read_bytes())
    if current != entry["written_sha256"]:
        note = " Its seed has changed since: merge by hand." if seed_changed else ""
        report.add("hand-edited", f"kept hand-edited {shown}; not overwritten.{note}")
    elif current == sha256_bytes(text):
        report.add("unchanged", f"unchanged {shown}")
    elif regenerate is Regenerate.ALL or (seed_changed and regenerate is Regenerate.CHANGED_SEEDS):
        _write(target, seed, text, state)
        report.add("regenerated", f"regenerated {shown}")
    else:
        why = "its seed has changed" if seed_changed else "extraction gives a different result"
        report.add("stale", f"stale {shown}: {why}; --force regenerates it")


def _write(path: Path, seed: Seed, text: str, state: State) -> None:
    atomic_write(path, text)
    state[seed.file] = {"file": path.name, "seed_sha256": seed.sha256, "written_sha256": sha256_bytes(text)}


def _unique_slug(base: str, trials_dir: Path, state: State) -> str:
    taken = {entry["file"] for entry in state.values()}
    slug, n = base, 2
    while f"{slug}.yaml" in taken or (trials_dir / f"{slug}.yaml").exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _load_state(content_dir: Path) -> State:
    path = content_dir / STATE_FILE
    if not path.exists():
        return {}
    try:
        state: State = json.loads(path.read_text("utf-8"))["seeds"]  # any JSON until checked here
        for seed, entry in state.items():  # (JSON's keys are always strings)
            if not (_STATE_KEYS.issubset(entry) and all(isinstance(entry[k], str) for k in _STATE_KEYS)):
                raise ValueError(f"entry {seed!r} is not a record of {', '.join(sorted(_STATE_KEYS))}")
            if not _STATE_FILE_NAME.fullmatch(entry["file"]):
                raise ValueError(f"entry {seed!r} names {entry['file']!r}, not a file in {TRIALS_DIR}/")
        return state
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TrialsiteError(path, f"unreadable extract state ({exc}); restore it from version control") from exc


def _save_state(content_dir: Path, state: State) -> None:
    text = json.dumps({"seeds": state}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write(content_dir / STATE_FILE, text)

